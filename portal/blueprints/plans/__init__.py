"""Each school's plan and budget, the glossary, and comparing schools."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from portal.blueprints.plans import compare, district, editor, review, routes  # noqa: E402, F401
