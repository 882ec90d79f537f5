"""Signing in and out: password checks, throttling of failures, revocable sessions."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, or_, select, update

from portal.extensions import db
from portal.models.accounts import (
    SCHOOL_SCOPED_ROLES,
    LoginSession,
    Role,
    RoleGrant,
    SessionState,
    SignInAttempt,
    User,
    hash_token,
)
from portal.models.base import utcnow
from portal.services.errors import Rejected

LAST_SEEN_GRANULARITY = timedelta(minutes=5)


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_email: int
    max_failures_per_client: int
    window: timedelta


class SignInFailure(StrEnum):
    THROTTLED = "throttled"  # too many failures lately, for this address or this client
    INVALID = "invalid"  # never says which of the e-mail address or the password


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    failure: SignInFailure | None = None  # None on success
    retry_after_minutes: int = 0

    @property
    def throttled(self) -> bool:
        return self.failure is SignInFailure.THROTTLED

    @property
    def refusal(self) -> str:
        """Why the sign-in was refused, in the reader's language."""
        if self.throttled:
            return ngettext(
                "Too many failed attempts. Please try again in %(num)d minute.",
                "Too many failed attempts. Please try again in %(num)d minutes.",
                self.retry_after_minutes,
            )
        return _("That e-mail address and password do not match an account.")


def client_fingerprint(remote_addr: str | None, secret: str) -> str:
    """A keyed hash of the client address: counts failures without storing the address."""
    return hashlib.sha256(f"{secret}:{remote_addr or '-'}".encode()).hexdigest()


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _recent_failures(column, value, since: datetime) -> tuple[int, datetime | None]:
    row = db.session.execute(
        select(func.count(), func.min(SignInAttempt.attempted_at)).where(
            column == value,
            SignInAttempt.succeeded.is_(False),
            SignInAttempt.attempted_at >= since,
        )
    ).one()
    return row[0], row[1]


def sign_in(email: str, password: str, client: str, policy: ThrottlePolicy, now=None):
    """Check a password, unless this address or client has failed too often lately.

    Every attempt is recorded (committed by the caller), so the limit holds across app servers.
    """
    now = now or utcnow()
    email = normalize_email(email)
    since = now - policy.window
    by_email, first_email = _recent_failures(SignInAttempt.email, email, since)
    by_client, first_client = _recent_failures(SignInAttempt.client, client, since)
    if by_email >= policy.max_failures_per_email or by_client >= policy.max_failures_per_client:
        oldest = min(t for t in (first_email, first_client) if t is not None)
        wait = max(1, int(((oldest + policy.window) - now).total_seconds() // 60) + 1)
        return SignInResult(None, SignInFailure.THROTTLED, wait)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    ok = user is not None and user.is_active and user.check_password(password)
    db.session.add(SignInAttempt(email=email, client=client, succeeded=ok, attempted_at=now))
    return SignInResult(user if ok else None, None if ok else SignInFailure.INVALID)


def start_session(user: User, user_agent: str, lifetime: timedelta) -> str:
    """Create a login session for one device and return its token (only the hash is stored)."""
    token = LoginSession.new_token()
    now = utcnow()
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            user_agent=(user_agent or "")[:200],
        )
    )
    user.login_token = token
    return token


def load_session_user(token: str) -> User | None:
    """The user behind a session token, if the session is live."""
    if not token:
        return None
    now = utcnow()
    row = db.session.scalars(
        select(LoginSession).where(
            LoginSession.token_hash == hash_token(token),
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > now,
        )
    ).first()
    if row is None or not row.user.is_active:
        return None
    if now - row.last_seen_at > LAST_SEEN_GRANULARITY:
        # Written at most every few minutes, not on every request.
        row.last_seen_at = now
        db.session.commit()
    user = row.user
    user.login_token = token
    return user


def revoke_session(token: str) -> None:
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == hash_token(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def own_device(user: User, session_id: int) -> LoginSession | None:
    """One of the user's own sessions (None for anyone else's: they are not the user's to see)."""
    row = db.session.get(LoginSession, session_id)
    return row if row is not None and row.user_id == user.id else None


def sign_out_device(row: LoginSession) -> None:
    """Sign one device out; a device already signed out stays as it is."""
    if row.state() is not SessionState.REVOKED:
        row.revoke()


def revoke_all_sessions(user_id: int, except_token: str | None = None) -> int:
    """Sign a user out everywhere (optionally keeping the current device). Returns how many."""
    stmt = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None)
    )
    if except_token:
        stmt = stmt.where(LoginSession.token_hash != hash_token(except_token))
    return db.session.execute(stmt.values(revoked_at=utcnow())).rowcount


def active_sessions(user_id: int) -> list[LoginSession]:
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user_id,
                LoginSession.revoked_at.is_(None),
                LoginSession.expires_at > utcnow(),
            )
            .order_by(LoginSession.last_seen_at.desc())
        )
    )


class RoleAssignmentError(Rejected):
    """An account change that breaks a rule; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__({field: message})
        self.field = field
        self.message = message


def set_roles(user: User, roles: list[str], school_ids: list[int]) -> None:
    """Replace a user's role grants. School-scoped roles are granted for each chosen school."""
    wanted = [Role(r) for r in roles]
    scoped = [r for r in wanted if r in SCHOOL_SCOPED_ROLES]
    if scoped and not school_ids:
        raise RoleAssignmentError(
            "schools", _("Choose at least one school for a principal or committee member.")
        )
    wanted_keys = set()
    for role in wanted:
        if role in SCHOOL_SCOPED_ROLES:
            wanted_keys.update((role.value, sid) for sid in school_ids)
        else:
            wanted_keys.add((role.value, None))
    # Apply the difference, so unchanged grants keep their rows and no unique key is hit twice.
    kept = [g for g in user.grants if (g.role, g.school_id) in wanted_keys]
    have = {(g.role, g.school_id) for g in kept}
    user.grants = kept + [
        RoleGrant(role=role, school_id=sid) for role, sid in sorted(wanted_keys - have, key=str)
    ]


def prune_security_records(older_than: timedelta, now=None) -> tuple[int, int]:
    """Delete old sign-in attempts and sessions that ended long ago. Returns both counts."""
    cutoff = (now or utcnow()) - older_than
    attempts = db.session.execute(
        delete(SignInAttempt).where(SignInAttempt.attempted_at < cutoff)
    ).rowcount
    sessions = db.session.execute(
        delete(LoginSession).where(
            or_(LoginSession.expires_at < cutoff, LoginSession.revoked_at < cutoff)
        )
    ).rowcount
    return attempts, sessions
