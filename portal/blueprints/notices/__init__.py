"""Following schools and hearing when something needs you: follows, notices, reminders."""

from flask import Blueprint

bp = Blueprint("notices", __name__)

from portal.blueprints.notices import preferences, routes  # noqa: E402, F401
