"""Feedback from the community: a comment from anyone (no account) on something the public can
see, moderated and answered by the school ("you said, we did"), or by district staff for a
district committee's agenda (a comment there has no school, only its district).

A comment is `pending` until a moderator publishes it (or `visible` at once where the district
does not pre-moderate), and may be `hidden` with a reason. Its answer has a status of its own.
The moves are the methods below; what can receive feedback is the registry in
portal/services/feedback.py."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import IllegalMove, TimestampMixin, UTCDateTime

# What a comment can be about; the check constraint below says the same to the database (a new
# kind of target widens it with a migration). The service's registry has one entry per value.
TARGET_TYPES = ("goal", "investment", "agenda_item")


class FeedbackVisibility(StrEnum):
    PENDING = "pending"  # waiting for a moderator
    VISIBLE = "visible"  # published
    HIDDEN = "hidden"  # hidden by a moderator, with the reason; kept in the record

    @property
    def label(self):
        return FEEDBACK_VISIBILITY_LABELS[self]


FEEDBACK_VISIBILITY_LABELS = {
    FeedbackVisibility.PENDING: _l("Waiting for review"),
    FeedbackVisibility.VISIBLE: _l("Published"),
    FeedbackVisibility.HIDDEN: _l("Hidden"),
}


class FeedbackStatus(StrEnum):
    """Where the school stands on a comment, shown beside it in public."""

    RECEIVED = "received"
    CONSIDERED = "considered"
    ACTED_ON = "acted_on"
    NOT_ADOPTED = "not_adopted"

    @property
    def label(self):
        return FEEDBACK_STATUS_LABELS[self]


FEEDBACK_STATUS_LABELS = {
    FeedbackStatus.RECEIVED: _l("Received"),
    FeedbackStatus.CONSIDERED: _l("Being considered"),
    FeedbackStatus.ACTED_ON: _l("Acted on"),
    FeedbackStatus.NOT_ADOPTED: _l("Not adopted"),
}


def _sql_list(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


class Feedback(TimestampMixin, db.Model):
    """A comment from anyone (no account) on a plan goal, a budget investment or an agenda item.
    Nothing about the writer is kept but the name they chose to give."""

    __table_args__ = (
        CheckConstraint(f"target_type in ({_sql_list(TARGET_TYPES)})", name="target_type_known"),
        CheckConstraint(
            f"visibility in ({_sql_list(FeedbackVisibility)})", name="visibility_known"
        ),
        CheckConstraint(f"status in ({_sql_list(FeedbackStatus)})", name="status_known"),
        # Every comment belongs to a district: a school's comment to its school's district, a
        # district committee's to the district alone (no school).
        CheckConstraint("district_id is not null", name="feedback_has_district"),
        db.Index("ix_feedback_school_target", "school_id", "target_type", "target_id"),
        db.Index("ix_feedback_district_target", "district_id", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    # None for a comment on a district committee's agenda: district staff moderate it.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    school = relationship("School")
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(String(2000))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    visibility: Mapped[str] = mapped_column(String(16), default=FeedbackVisibility.PENDING.value)
    flags: Mapped[int] = mapped_column(Integer, default=0)
    # Hidden feedback stays in the record, with who hid it and why.
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(String(300), default="")
    # "You said, we did": the answer, the status, and what changed.
    status: Mapped[str] = mapped_column(String(16), default=FeedbackStatus.RECEIVED.value)
    answer: Mapped[str] = mapped_column(String(2000), default="")
    what_changed: Mapped[str] = mapped_column(String(300), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def approve(self, by) -> None:
        """Publish a comment waiting for review, or one hidden earlier (its reason stays)."""
        if self.visibility == FeedbackVisibility.VISIBLE:
            raise IllegalMove(_l("This comment is already published."))
        self.visibility = FeedbackVisibility.VISIBLE.value
        self.moderated_by_id = by.id if by is not None else None

    def hide(self, by, reason: str) -> None:
        """Hide a comment from the public, saying why. A hidden comment is not hidden again:
        the first reason stays with it."""
        if self.visibility == FeedbackVisibility.HIDDEN:
            raise IllegalMove(_l("This comment is already hidden."))
        if not (reason or "").strip():
            raise IllegalMove(_l("A comment is hidden only with a reason."))
        self.visibility = FeedbackVisibility.HIDDEN.value
        self.moderated_by_id = by.id if by is not None else None
        self.hidden_reason = reason.strip()

    def answer_with(self, status: str, text: str, what_changed: str, at: datetime) -> None:
        """Answer the comment publicly (or change the answer): where the school stands, what it
        says, and what changed because of it."""
        if status not in {s.value for s in FeedbackStatus}:
            raise IllegalMove(_l("This is not a status a comment can have."))
        if not (text or "").strip():
            raise IllegalMove(_l("An answer needs its text."))
        self.status = FeedbackStatus(status).value
        self.answer = text.strip()
        self.what_changed = (what_changed or "").strip()
        self.answered_at = at

    def flag(self) -> None:
        """Someone reported the comment: the moderators look at it again (flagged comments come
        first in their queue). Only a published comment can be seen, so only it is reported."""
        if self.visibility != FeedbackVisibility.VISIBLE:
            raise IllegalMove(_l("Only a published comment can be reported."))
        self.flags = (self.flags or 0) + 1


@event.listens_for(Feedback, "before_insert")
def _district_of_the_school(mapper, connection, feedback: Feedback) -> None:
    """A school's comment belongs to the school's district; code that names only the school
    (the demo, older tests) need not repeat it."""
    if feedback.district_id is not None:
        return
    if feedback.school is not None:
        feedback.district_id = feedback.school.district_id
    elif feedback.school_id is not None:
        feedback.district_id = connection.scalar(
            text("select district_id from school where id = :id"), {"id": feedback.school_id}
        )
