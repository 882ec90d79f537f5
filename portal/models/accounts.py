"""Staff and committee accounts, their roles, and their sign-in sessions.

Community members never have an account. Sessions live in the database (not in a process) so that
they can be revoked and several app servers can share them.
"""

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import IllegalMove, TimestampMixin, UTCDateTime, utcnow


class Role(StrEnum):
    ADMIN = "admin"
    DISTRICT = "district"
    COMMS = "comms"
    PRINCIPAL = "principal"
    COUNCIL = "council"
    FACILITATOR = "facilitator"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.DISTRICT: _l("District staff (budget office)"),
    Role.COMMS: _l("Communications staff"),
    Role.PRINCIPAL: _l("Principal"),
    Role.COUNCIL: _l("Committee member"),
    Role.FACILITATOR: _l("Facilitator"),
}

# Roles whose grant names a school (principal of one or more schools, member of a school's council).
SCHOOL_SCOPED_ROLES = frozenset({Role.PRINCIPAL, Role.COUNCIL})


class AccountStatus(StrEnum):
    """An account signs in while active; a deactivated one keeps its history but cannot."""

    ACTIVE = "active"
    INACTIVE = "inactive"

    @property
    def label(self):
        return ACCOUNT_STATUS_LABELS[self]


ACCOUNT_STATUS_LABELS = {
    AccountStatus.ACTIVE: _l("active"),
    AccountStatus.INACTIVE: _l("inactive"),
}


class User(TimestampMixin, UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    preferred_locale: Mapped[str] = mapped_column(String(16), default="en")
    is_active: Mapped[bool] = mapped_column(default=True)

    grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Set when the user is loaded through a LoginSession, so Flask-Login stores the session token
    # (not the user id) in the cookie: revoking the row signs that device out.
    login_token = None

    def set_password(self, password: str) -> None:
        """Hash and store `password` (argon2id) without the policy check: services set
        passwords through portal.services.passwords.set_password, which checks it first."""
        from portal.services.passwords import hash_password

        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        from portal.services.passwords import verify_password

        return verify_password(self.password_hash, password)

    def get_id(self) -> str | None:
        return self.login_token

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds any of the roles (admins hold every role)."""
        held = {grant.role for grant in self.grants}
        return Role.ADMIN.value in held or any(role.value in held for role in roles)

    @property
    def roles(self) -> list[Role]:
        return sorted({Role(grant.role) for grant in self.grants}, key=list(Role).index)

    def school_ids(self, role: Role) -> set[int]:
        return {g.school_id for g in self.grants if g.role == role.value and g.school_id}

    def schools_as(self, role: Role) -> list:
        """The schools a school-scoped role of this user names (a principal's schools), by
        name."""
        found = {g.school.id: g.school for g in self.grants if g.role == role.value and g.school}
        return sorted(found.values(), key=lambda school: school.name)

    @property
    def status(self) -> AccountStatus:
        return AccountStatus.ACTIVE if self.is_active is not False else AccountStatus.INACTIVE

    # These methods are the only way an account's status changes; an illegal move raises
    # IllegalMove. Signing the account out of its devices is the service's part.
    def deactivate(self) -> None:
        """Stop the account signing in (it keeps its history and its roles)."""
        if self.status is AccountStatus.INACTIVE:
            raise IllegalMove(_l("This account is already inactive."))
        self.is_active = False

    def reactivate(self) -> None:
        """Let a deactivated account sign in again."""
        if self.status is AccountStatus.ACTIVE:
            raise IllegalMove(_l("This account is already active."))
        self.is_active = True


class RoleGrant(db.Model):
    """A role held by a user; school-scoped roles name the school."""

    __table_args__ = (UniqueConstraint("user_id", "role", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(back_populates="grants")
    school = relationship("School")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionState(StrEnum):
    """A signed-in device: live until it expires or is signed out."""

    LIVE = "live"
    EXPIRED = "expired"
    REVOKED = "revoked"


class LoginSession(db.Model):
    """One signed-in device. Only the token's hash is stored: a database leak signs no one in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    def state(self, now: datetime | None = None) -> SessionState:
        if self.revoked_at is not None:
            return SessionState.REVOKED
        return SessionState.LIVE if self.expires_at > (now or utcnow()) else SessionState.EXPIRED

    def revoke(self, now: datetime | None = None) -> None:
        """Sign this device out for good (an expired session may be revoked too, so it is
        never revived)."""
        if self.state(now) is SessionState.REVOKED:
            raise IllegalMove(_l("This device is already signed out."))
        self.revoked_at = now or utcnow()


class SignInAttempt(db.Model):
    """A sign-in attempt, kept for a short window to slow down password guessing."""

    __table_args__ = (
        Index("ix_sign_in_attempt_email_at", "email", "attempted_at"),
        Index("ix_sign_in_attempt_client_at", "client", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    # A hash of the client address: enough to count failures, not to identify anyone.
    client: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
