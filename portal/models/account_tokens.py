"""One-time links that let a person set a password: the first administrator's (from `flask
setup`), an invitation to a new account, and a reset ("Forgot your password?").

Only the token's hash is stored (a database leak opens no account). A link works once, until it
expires; issuing a new link of the same kind revokes the person's older unused ones.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import IllegalMove, UTCDateTime, utcnow


class LinkPurpose(StrEnum):
    SETUP = "setup"
    INVITATION = "invitation"
    RESET = "reset"


class AccountToken(db.Model):
    """A one-time password link for `user`."""

    __table_args__ = (
        CheckConstraint("purpose in ('setup', 'invitation', 'reset')", name="purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a newer link of the same kind replaced this one before it was used.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    def usable(self, now: datetime | None = None) -> bool:
        """Not used, not replaced, not expired."""
        return (
            self.used_at is None and self.revoked_at is None and self.expires_at > (now or utcnow())
        )

    def use(self, now: datetime | None = None) -> None:
        """Spend the link (once)."""
        if not self.usable(now):
            raise IllegalMove("This link has expired or was already used.")
        self.used_at = now or utcnow()

    def revoke(self, now: datetime | None = None) -> None:
        if self.used_at is None and self.revoked_at is None:
            self.revoked_at = now or utcnow()
