"""Hearing when something needs you: who follows which school, what happened (a notice), and
who was told (a delivery). The person who follows is a `Subscriber` (portal/models/bulletins.py:
an e-mail address, a language, confirmed by a signed link): a bulletin subscription is the same
person with no `Follow` rows yet (bulletins only, of `Subscriber.school_id` or of every school).

Staff and members (a `User`) are recipients too: a delivery names a subscriber or a user, and
`NoticePreference` holds what each user chose. `AnswerWatch` is the "tell me when it's answered"
address of one comment, kept apart from the comment and deleted once used."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TranslatedText, UTCDateTime, utcnow


class Frequency(StrEnum):
    NOW = "now"  # one message per event, as it happens
    DAILY = "daily"  # staff and members: one digest a day
    WEEKLY = "weekly"  # followers: one digest a week
    OFF = "off"  # staff and members: not this kind

    @property
    def label(self):
        return FREQUENCY_LABELS[self]


FREQUENCY_LABELS = {
    Frequency.NOW: _l("As it happens"),
    Frequency.DAILY: _l("A daily digest"),
    Frequency.WEEKLY: _l("A weekly digest"),
    Frequency.OFF: _l("Never"),
}


class NoticeKind(StrEnum):
    """What a notice is about. Followers hear all of these; staff kinds come later."""

    PLAN_SHARED = "plan_shared"
    BUDGET_PUBLISHED = "budget_published"
    MEETING_SCHEDULED = "meeting_scheduled"
    AGENDA_POSTED = "agenda_posted"
    SURVEY_OPENED = "survey_opened"
    SURVEY_RESULTS = "survey_results"
    APPROVAL_RECORDED = "approval_recorded"
    BULLETIN_PUBLISHED = "bulletin_published"


class Follow(db.Model):
    """A subscriber follows one school, or the district (`school_id` None: every school)."""

    __table_args__ = (
        UniqueConstraint("subscriber_id", "school_id"),
        CheckConstraint("frequency in ('now', 'weekly')", name="frequency_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscriber.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(16), default=Frequency.NOW.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school = relationship("School")


class Notice(db.Model):
    """Something that happened, once (`key` is unique: announcing it again adds nothing). Its
    words are made per reader from `kind`, `title` (the thing's own title, per language) and
    `starts_at`; `path` is its page, `short_kind`/`short_id` its short link if it has one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("district.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(160), unique=True)
    school_ids: Mapped[list] = mapped_column(JSON, default=list)  # empty: district-wide
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    source_locale: Mapped[str] = mapped_column(String(16), default="en")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    path: Mapped[str] = mapped_column(String(300), default="")
    ics_path: Mapped[str] = mapped_column(String(300), default="")
    short_kind: Mapped[str] = mapped_column(String(16), default="")
    short_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoticeDelivery(db.Model):
    """One notice for one person, once: "now" ones are queued in the outbox at once, "weekly"
    and "daily" ones wait (`pending`) for their digest, which marks them `sent`."""

    __table_args__ = (
        UniqueConstraint("notice_id", "subscriber_id"),
        UniqueConstraint("notice_id", "user_id"),
        CheckConstraint("status in ('pending', 'sent')", name="status_known"),
        CheckConstraint("(subscriber_id IS NULL) <> (user_id IS NULL)", name="one_recipient"),
        db.Index("ix_notice_delivery_status", "status", "subscriber_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriber.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(16), default=Frequency.NOW.value)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    digest_key: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[Notice] = relationship()


class NoticePreference(db.Model):
    """What one staff member or committee member chose for one kind of notice."""

    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        CheckConstraint("frequency in ('now', 'daily', 'off')", name="frequency_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    frequency: Mapped[str] = mapped_column(String(16), default=Frequency.NOW.value)


class AnswerWatch(db.Model):
    """ "Tell me when it's answered": an address for one comment's answer only, stored apart
    from the comment's public name; deleted once the answer is sent, or after its retention."""

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
