"""Signing in and out: password checks, throttling of failures, revocable sessions that end
after a while idle and after an absolute limit."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, or_, select, update

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
from portal.services import passwords
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.throttle import (  # noqa: F401 - part of this module's interface
    ThrottlePolicy,
    client_fingerprint,
    minutes_to_wait,
    normalize_email,
    record_attempt,
)

# last_seen_at is written at most this often (not on every request). The idle limit is
# measured from it, so a session may end up to this much sooner than a strict idle timer
# would end it (30 minutes idle may mean 25 to 30): the error is on the safe side.
LAST_SEEN_GRANULARITY = timedelta(minutes=5)


class SignInFailure(StrEnum):
    THROTTLED = "throttled"  # too many failures lately, for this address or this client
    INVALID = "invalid"  # never says which of the e-mail address or the password


class SessionEnd(StrEnum):
    """Why a session cookie no longer signs anyone in (for the message on the sign-in page)."""

    IDLE = "idle"
    ABSOLUTE = "absolute"


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


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
            return throttled_message(self.retry_after_minutes)
        return _("That e-mail address and password do not match an account.")


def throttled_message(minutes: int) -> str:
    return ngettext(
        "Too many failed attempts. Please try again in %(num)d minute.",
        "Too many failed attempts. Please try again in %(num)d minutes.",
        minutes,
    )


def sign_in(email: str, password: str, client: str, policy: ThrottlePolicy, now=None):
    """Check a password, unless this address or client has failed too often lately.

    Every attempt is recorded (committed by the caller), so the limit holds across app servers.
    Exactly one hash is checked whether or not the address has an active account, so the time
    taken does not tell. A correct password stored under an older hash is rehashed.
    """
    now = now or utcnow()
    email = normalize_email(email)
    wait = minutes_to_wait(email, client, policy, now)
    if wait:
        record_audit(None, "auth.sign_in_throttled", "user", 0, {"email": email[:254]})
        return SignInResult(None, SignInFailure.THROTTLED, wait)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is None or not user.is_active:
        passwords.verify_nothing(password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password)
    record_attempt(email, client, ok, now)
    if not ok:
        record_audit(
            None, "auth.sign_in_failed", "user", user.id if user else 0, {"email": email[:254]}
        )
        return SignInResult(None, SignInFailure.INVALID)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return SignInResult(user)


def start_session(user: User, user_agent: str, lifetime: timedelta, two_step: bool = False) -> str:
    """Create a login session for one device and return its token (only the hash is stored).
    `lifetime` is the absolute limit; the idle limit is checked as the session is used."""
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
    record_audit(user, "auth.signed_in", "user", user.id, {"two_step": two_step})
    return token


def load_session_user(token: str, limits: SessionLimits | None = None) -> User | None:
    """The user behind a session token, if the session is live: not signed out, not past its
    absolute limit (from signing in), not idle longer than the idle limit. Returns None
    otherwise; `session_end` then says why, for the sign-in page."""
    user, _end = session_user(token, limits)
    return user


def session_user(token: str, limits: SessionLimits | None = None):
    """(user, None) for a live session, else (None, a SessionEnd or None)."""
    if not token:
        return None, None
    now = utcnow()
    row = db.session.scalars(
        select(LoginSession).where(
            LoginSession.token_hash == hash_token(token), LoginSession.revoked_at.is_(None)
        )
    ).first()
    if row is None or not row.user.is_active:
        return None, None
    if row.expires_at <= now or (limits and row.created_at + limits.absolute <= now):
        return None, SessionEnd.ABSOLUTE
    if limits and now - row.last_seen_at > limits.idle:
        # Nothing is written: an idle session stays idle (its last_seen_at no longer moves).
        return None, SessionEnd.IDLE
    if now - row.last_seen_at > LAST_SEEN_GRANULARITY:
        # Written at most every few minutes, not on every request.
        row.last_seen_at = now
        db.session.commit()
    user = row.user
    user.login_token = token
    return user, None


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
