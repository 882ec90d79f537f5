"""Committees: rosters, meetings, agendas, motions and votes, on the public record."""

from flask import Blueprint

bp = Blueprint("committees", __name__)


from portal.blueprints.committees import manage, minutes, routes, voting  # noqa: E402, F401
