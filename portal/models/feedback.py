"""Feedback from the community: a comment from anyone (no account) on something the public can
see, moderated and answered by the school ("you said, we did")."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import TimestampMixin, UTCDateTime


class Feedback(TimestampMixin, db.Model):
    """A comment from anyone (no account) on a plan goal, a budget investment or an agenda item.
    Nothing about the writer is kept but the name they chose to give."""

    __table_args__ = (
        CheckConstraint(
            "target_type in ('goal', 'investment', 'agenda_item')", name="target_type_known"
        ),
        CheckConstraint("visibility in ('pending', 'visible', 'hidden')", name="visibility_known"),
        CheckConstraint(
            "status in ('received', 'considered', 'acted_on', 'not_adopted')", name="status_known"
        ),
        db.Index("ix_feedback_school_target", "school_id", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(String(2000))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    visibility: Mapped[str] = mapped_column(String(16), default="pending")
    flags: Mapped[int] = mapped_column(Integer, default=0)
    # Hidden feedback stays in the record, with who hid it and why.
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(String(300), default="")
    # "You said, we did": the answer, the status, and what changed.
    status: Mapped[str] = mapped_column(String(16), default="received")
    answer: Mapped[str] = mapped_column(String(2000), default="")
    what_changed: Mapped[str] = mapped_column(String(300), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
