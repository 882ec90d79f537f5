"""Rate-limit counters shared by every app process when there is no Redis (see
portal/rate_limit_storage.py): one row per limit and client, for one fixed window."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class RateLimitCounter(db.Model):
    """How many hits a limit's key has had in its window, and when the window ends.

    Bookkeeping, not part of any record: written in its own short transaction, never with the
    request's, and deleted once expired.
    """

    __tablename__ = "rate_limit_counter"

    # HMAC-SHA256 of the limiter's key (which names a network address), in hex.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    # Seconds since the epoch (as the `limits` library counts time).
    expires_at: Mapped[float] = mapped_column(Float, nullable=False, index=True)
