"""A `limits` storage that keeps Flask-Limiter's counters in the portal's own database, for
installs without Redis: every app process (each gunicorn worker, every server) counts in the same
table, and a restart forgets nothing. URI: "database://" (the app's SQLALCHEMY_DATABASE_URI).

Each hit is one atomic statement in its own short transaction on `db.engine`, never the request's
session: a request that is rolled back still counts, and nothing of the request is committed by
it. Only the fixed-window strategy (Flask-Limiter's default) is supported.
"""

import hashlib
import hmac
import random
import time

from flask import current_app
from limits.storage import Storage
from sqlalchemy import case, delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.models.rate_limits import RateLimitCounter

SCHEME = "database"
COUNTERS = RateLimitCounter.__table__
# One hit in this many also deletes the counters whose window has ended (no cron job needed).
SWEEP_EVERY = 200


def _stored_key(key: str) -> str:
    """The key as stored: a keyed hash (the app's secret), so the table holds no network
    address, not even one that could be found by trying every address."""
    secret = str(current_app.secret_key or "").encode()
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def purge_expired(now: float | None = None) -> int:
    """Delete every counter whose window has ended; returns how many (in an app context)."""
    with db.engine.begin() as conn:
        gone = conn.execute(delete(COUNTERS).where(COUNTERS.c.expires_at <= (now or time.time())))
    return gone.rowcount


class DatabaseStorage(Storage):
    """Rate-limit counters in the `rate_limit_counter` table of the current app's database."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's counter (a new window when the last one ended); the new
        count. One INSERT ... ON CONFLICT DO UPDATE: two processes never read the same count."""
        now = time.time()
        dialect = db.engine.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"rate-limit counters are not supported on {dialect}")
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(COUNTERS).values(key=_stored_key(key), count=amount, expires_at=now + expiry)
        ended = COUNTERS.c.expires_at <= now
        stmt = stmt.on_conflict_do_update(
            index_elements=[COUNTERS.c.key],
            set_={
                "count": case(
                    (ended, stmt.excluded.count), else_=COUNTERS.c.count + stmt.excluded.count
                ),
                "expires_at": case((ended, stmt.excluded.expires_at), else_=COUNTERS.c.expires_at),
            },
        ).returning(COUNTERS.c.count)
        with db.engine.begin() as conn:
            count = conn.execute(stmt).scalar_one()
            if random.random() < 1 / SWEEP_EVERY:  # noqa: S311 - when to sweep, not a secret
                conn.execute(delete(COUNTERS).where(COUNTERS.c.expires_at <= now))
        return count

    def _row(self, key: str):
        with db.engine.connect() as conn:
            return conn.execute(
                select(COUNTERS.c.count, COUNTERS.c.expires_at).where(
                    COUNTERS.c.key == _stored_key(key), COUNTERS.c.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        """The key's count in its current window (0 when it has none)."""
        row = self._row(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        """When the key's current window ends (now when it has none)."""
        row = self._row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; returns how many there were."""
        with db.engine.begin() as conn:
            return conn.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        with db.engine.begin() as conn:
            conn.execute(delete(COUNTERS).where(COUNTERS.c.key == _stored_key(key)))
