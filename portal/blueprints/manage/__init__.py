from flask import Blueprint
from flask_login import current_user

from portal.extensions import login_manager

bp = Blueprint("manage", __name__)


@bp.before_request
def _signed_in_staff_only():
    """Every /manage page needs an account; each route then checks its own roles."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


from portal.blueprints.manage import audit, routes  # noqa: E402, F401
