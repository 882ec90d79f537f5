"""Feedback from the community on what the public can see (plan goals, budget investments,
agenda items), and the school's moderation of it. What can receive feedback is the registry in
portal/services/feedback.py."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from portal.blueprints.feedback import routes  # noqa: E402, F401
