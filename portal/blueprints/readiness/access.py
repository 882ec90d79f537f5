"""Tier 3 is confidential: its routes answer 404 (not 403) to anyone but the facilitator and
admins, so nobody learns that interview records exist."""

from functools import wraps

from flask import abort
from flask_login import current_user

from portal.extensions import login_manager
from portal.models import Role


def can_read_interviews(user) -> bool:
    return user.is_authenticated and user.has_role(Role.FACILITATOR)


def confidential(view):
    """Route decorator for interview records: sign-in first, then 404 unless facilitator/admin."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not can_read_interviews(current_user):
            abort(404)
        return view(*args, **kwargs)

    wrapped.required_roles = (Role.FACILITATOR,)
    wrapped.confidential = True
    return wrapped
