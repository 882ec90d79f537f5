"""Slowing down guessing: failed passwords and failed two-step codes, counted in the database.

Counts live in the sign_in_attempt table (not in a process), so the limit holds across app
servers and restarts. A wrong password and a wrong code count toward the same limit.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.accounts import SignInAttempt
from portal.models.base import utcnow


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_email: int
    max_failures_per_client: int
    window: timedelta

    @classmethod
    def configured(cls) -> "ThrottlePolicy":
        """The limits in the app's settings (SIGNIN_*)."""
        cfg = current_app.config
        return cls(
            max_failures_per_email=cfg["SIGNIN_MAX_FAILURES_PER_EMAIL"],
            max_failures_per_client=cfg["SIGNIN_MAX_FAILURES_PER_CLIENT"],
            window=timedelta(minutes=cfg["SIGNIN_WINDOW_MINUTES"]),
        )


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


def minutes_to_wait(email: str, client: str, policy: ThrottlePolicy, now=None) -> int:
    """0 when this address and this client may try again now, else the minutes to wait."""
    now = now or utcnow()
    since = now - policy.window
    by_email, first_email = _recent_failures(SignInAttempt.email, normalize_email(email), since)
    by_client, first_client = _recent_failures(SignInAttempt.client, client, since)
    if by_email < policy.max_failures_per_email and by_client < policy.max_failures_per_client:
        return 0
    oldest = min(t for t in (first_email, first_client) if t is not None)
    return max(1, int(((oldest + policy.window) - now).total_seconds() // 60) + 1)


def record_attempt(email: str, client: str, succeeded: bool, now=None) -> None:
    """Count one attempt (committed by the caller, also when the request is refused)."""
    db.session.add(
        SignInAttempt(
            email=normalize_email(email),
            client=client,
            succeeded=succeeded,
            attempted_at=now or utcnow(),
        )
    )
