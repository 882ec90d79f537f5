"""Committees: rosters, meetings, agendas, motions and votes, on the public record."""

from flask import Blueprint

bp = Blueprint("committees", __name__)


from portal.blueprints.committees import (  # noqa: E402, F401
    district,
    manage,
    minutes,
    routes,
    voting,
)
