"""Creating and editing staff accounts: details, roles, deactivation."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import School, User
from portal.models.accounts import AccountStatus
from portal.services.accounts import (
    RoleAssignmentError,
    normalize_email,
    revoke_all_sessions,
    set_roles,
)
from portal.services.audit import record_audit

# The hash of an account with no password yet: it matches no password (verify_password reads
# only argon2, scrypt and pbkdf2 hashes), so no one signs in until the owner sets one.
NO_PASSWORD = "!"  # noqa: S105 - not a password


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
    preferred_locale: str = "en",
    roles: list[str] = (),
    school_ids: list[int] = (),
    is_active: bool = True,
) -> User:
    """Create (user=None) or update an account. A new account has no password until its owner
    chooses one from an invitation (portal.services.invitations.invite_user). A deactivation
    signs the account out of every device.

    Raises RoleAssignmentError (a Rejected) naming the field at fault; nothing is flushed then.
    """
    email = normalize_email(email)
    clash = db.session.scalars(select(User).where(User.email == email)).first()
    if clash is not None and clash is not user:
        raise RoleAssignmentError("email", _("Another account already uses this e-mail address."))
    target = user or User(email=email, name=name, is_active=True, password_hash=NO_PASSWORD)
    roles_before = _grant_labels(target) if user is not None else []
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
    if user is not None and deactivated:
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
    return target


def _grant_labels(user: User) -> list[str]:
    """The user's grants as "role" or "role@school-id", sorted (for the audit log)."""
    return sorted(
        f"{grant.role}@{grant.school_id}" if grant.school_id else grant.role
        for grant in user.grants
    )
