"""Where each school's money comes from: weights, allocations, funding streams, the explainer."""

from flask import Blueprint

bp = Blueprint("allocation", __name__)

from portal.blueprints.allocation import (  # noqa: E402, F401
    budget_export,
    manage,
    people,
    prior,
    routes,
)
