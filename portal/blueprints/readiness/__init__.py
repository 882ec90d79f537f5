"""Tiers 2 and 3 of the readiness assessment: officials' inventory, roundtable, interviews."""

from flask import Blueprint

bp = Blueprint("readiness", __name__)

from portal.blueprints.readiness import interviews, routes  # noqa: E402, F401
