from flask import Blueprint
from flask_login import current_user

from portal.access import sign_in_first

bp = Blueprint("manage", __name__)


@bp.before_request
def _signed_in_staff_only():
    """Every /manage page needs an account; each route then checks its own roles."""
    if not current_user.is_authenticated:
        return sign_in_first()  # htmx: 401 and HX-Redirect, not the sign-in form as a fragment
    return None


from portal.blueprints.manage import (  # noqa: E402, F401
    audit,
    imports,
    routes,
    staffing,
    years,
)
