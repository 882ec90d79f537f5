"""Two-step sign-in: an authenticator app's secret and single-use recovery codes.

A row exists only once the person has typed a first code: enrolment in progress lives in the
enrolment form (sealed), not in the database. The secret is stored sealed with a key derived
from SECRET_KEY (portal.services.sealing), so a copy of the database alone does not give it
away; recovery codes are stored as keyed hashes only.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class TwoFactorSecret(db.Model):
    """One account's authenticator app (time-based codes, RFC 6238)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    sealed_secret: Mapped[str] = mapped_column(String(200))
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The 30-second step of the last code accepted: that code, and any earlier one, is refused
    # from then on (no replay of a code someone saw typed).
    last_used_step: Mapped[int] = mapped_column(Integer, default=0)


class RecoveryCode(db.Model):
    """A single-use code for when the phone is lost; only its keyed hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
