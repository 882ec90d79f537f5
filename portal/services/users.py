"""Creating and editing staff accounts: details, roles, deactivation."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import School, User
from portal.models.accounts import AccountStatus
from portal.services import passwords
from portal.services.accounts import (
    RoleAssignmentError,
    normalize_email,
    revoke_all_sessions,
    set_roles,
)
from portal.services.audit import record_audit


def list_users(query: str = "") -> list[User]:
    """Every account whose name or e-mail address contains `query` (case-insensitive)."""
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
    """(id, name) of the district's schools, by name: what a school-scoped role may name."""
    rows = db.session.execute(
        select(School.id, School.name)
        .where(School.district_id == district_id)
        .order_by(School.name)
    )
    return [(row.id, row.name) for row in rows]


def save_user(
    user: User | None,
    actor,
    *,
    name: str,
    email: str,
    password: str = "",
    preferred_locale: str = "en",
    roles: list[str] = (),
    school_ids: list[int] = (),
    is_active: bool = True,
) -> User:
    """Create (user=None) or update an account. A new password or a deactivation signs the
    account out of every device.

    Raises RoleAssignmentError (a Rejected) naming the field at fault; nothing is flushed then.
    """
    email = normalize_email(email)
    clash = db.session.scalars(select(User).where(User.email == email)).first()
    if clash is not None and clash is not user:
        raise RoleAssignmentError("email", _("Another account already uses this e-mail address."))
    if user is None and not password:
        raise RoleAssignmentError("password", _("Set a password for the new account."))
    target = user or User(email=email, name=name, is_active=True)
    roles_before = _grant_labels(target) if user is not None else []
    if password:
        target.email = email
        passwords.set_password(target, password)  # the one password policy (Rejected)
    with db.session.no_autoflush:
        set_roles(target, list(roles or []), list(school_ids or []))
    target.email = email
    target.name = name.strip()
    target.preferred_locale = preferred_locale
    deactivated = not is_active and target.status is AccountStatus.ACTIVE
    if deactivated:
        target.deactivate()
    elif is_active and target.status is AccountStatus.INACTIVE:
        target.reactivate()
    if user is None:
        db.session.add(target)
    db.session.flush()
    if user is not None and (password or deactivated):
        revoke_all_sessions(target.id)
    record_audit(
        actor,
        "account.created" if user is None else "account.saved",
        "user",
        target.id,
        {"roles": sorted(str(role) for role in target.roles), "status": str(target.status)},
    )
    roles_after = _grant_labels(target)
    if roles_after != roles_before:
        record_audit(
            actor,
            "account.roles_changed",
            "user",
            target.id,
            {"before": roles_before, "after": roles_after},
        )
    if password and user is not None:
        record_audit(actor, "account.password_set", "user", target.id, {})
    return target


def _grant_labels(user: User) -> list[str]:
    """The user's grants as "role" or "role@school-id", sorted (for the audit log)."""
    return sorted(
        f"{grant.role}@{grant.school_id}" if grant.school_id else grant.role
        for grant in user.grants
    )
