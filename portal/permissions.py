"""Who may do what. Pure checks (`can_*`) for templates and services, decorators for routes."""

from functools import wraps

from flask import abort
from flask_login import current_user

from portal.extensions import login_manager
from portal.models.accounts import Role


def public(view):
    """Mark a view as open to anyone. Every view is either public or declares its roles; the
    route-enumeration tests read these marks."""
    view.is_public = True
    return view


def cacheable(view):
    """Mark a public view whose anonymous GET answer is the same for everyone with the same
    language, so shared caches may keep it (see web._cache_headers). Never for forms."""
    view.cacheable = True
    return public(view)


def role_required(*roles: Role):
    """Route decorator: anonymous visitors go to sign-in; signed-in users lacking a role get 403.

    Admins pass every check. With no roles given, any signed-in account passes.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def can_manage_users(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN)


def can_open_manage(user) -> bool:
    return user.is_authenticated and bool(user.grants)
