"""Tier 1 of the readiness assessment: the public survey, paper forms, results."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)

from portal.blueprints.surveys import baselines, filters, manage, packets, paper, routes  # noqa: E402, F401
