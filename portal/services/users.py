"""Creating and editing staff accounts."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import School, User
from portal.services.accounts import (
    RoleAssignmentError,
    normalize_email,
    revoke_all_sessions,
    set_roles,
)


def list_users(query: str = "") -> list[User]:
    stmt = select(User).order_by(User.name)
    query = (query or "").strip().lower()[:100]
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            func.lower(User.name).like(pattern, escape="\\")
            | func.lower(User.email).like(pattern, escape="\\")
        )
    return list(db.session.scalars(stmt))


def school_choices(district_id: int) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(School.id, School.name)
        .where(School.district_id == district_id)
        .order_by(School.name)
    )
    return [(row.id, row.name) for row in rows]


def save_user(user: User | None, data: dict) -> User:
    """Create (user=None) or update an account from validated form data.

    Raises RoleAssignmentError naming the field at fault; nothing is flushed in that case.
    """
    email = normalize_email(data["email"])
    clash = db.session.scalars(select(User).where(User.email == email)).first()
    if clash is not None and clash is not user:
        raise RoleAssignmentError("email", _("Another account already uses this e-mail address."))
    if user is None and not data.get("password"):
        raise RoleAssignmentError("password", _("Set a password for the new account."))
    target = user or User(email=email, name=data["name"])
    with db.session.no_autoflush:
        set_roles(target, data.get("roles") or [], data.get("schools") or [])
    target.email = email
    target.name = data["name"].strip()
    target.preferred_locale = data["preferred_locale"]
    was_active = target.is_active if user is not None else True
    target.is_active = bool(data.get("is_active"))
    if data.get("password"):
        target.set_password(data["password"])
    if user is None:
        db.session.add(target)
    elif data.get("password") or (was_active and not target.is_active):
        # A new password or a deactivation signs the account out of every device.
        revoke_all_sessions(target.id)
    return target
