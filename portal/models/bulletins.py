"""District bulletins: written once, translated side by side, published online, by feed, by
e-mail and on paper. Plus the e-mail subscribers, the outbox, and short links."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import (
    IllegalMove,
    TimestampMixin,
    TranslatableMixin,
    TranslatedText,
    UTCDateTime,
)


class BulletinStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self):
        return BULLETIN_STATUS_LABELS[self]


BULLETIN_STATUS_LABELS = {
    BulletinStatus.DRAFT: _l("Draft"),
    BulletinStatus.SCHEDULED: _l("Scheduled"),
    BulletinStatus.PUBLISHED: _l("Published"),
    BulletinStatus.ARCHIVED: _l("Archived"),
}

bulletin_school = Table(
    "bulletin_school",
    db.Model.metadata,
    Column("bulletin_id", ForeignKey("bulletin.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
)

# The translatable fields of a bulletin, in the order the editor shows them.
BULLETIN_FIELDS = ("title", "summary", "body", "sms")


class Bulletin(TimestampMixin, TranslatableMixin, db.Model):
    """A bulletin. With no schools it is district-wide; otherwise it is addressed to them."""

    __table_args__ = (
        CheckConstraint(
            "status in ('draft', 'scheduled', 'published', 'archived')", name="status_known"
        ),
        db.Index("ix_bulletin_district_status_published", "district_id", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    summary: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    body: Mapped[dict] = mapped_column(
        TranslatedText, default=dict
    )  # Markdown, sanitized on render
    sms: Mapped[dict] = mapped_column(TranslatedText, default=dict)  # text-message summary
    # Links to portal things, shown as cards: [{"kind": "plan", "slug": "oak-grove-elementary"}]
    links: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=BulletinStatus.DRAFT.value)
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    schools = relationship("School", secondary=bulletin_school, order_by="School.name")
    translations: Mapped[list["BulletinTranslation"]] = relationship(
        back_populates="bulletin", cascade="all, delete-orphan"
    )
    image: Mapped["BulletinImage | None"] = relationship(
        back_populates="bulletin", cascade="all, delete-orphan", uselist=False, lazy="select"
    )
    revisions: Mapped[list["BulletinRevision"]] = relationship(
        back_populates="bulletin",
        cascade="all, delete-orphan",
        order_by="BulletinRevision.id.desc()",
    )

    @property
    def status_label(self):
        return BulletinStatus(self.status).label

    # These methods are the only way the status changes; an illegal move raises IllegalMove.
    #   draft -> scheduled (schedule), scheduled -> scheduled (a new time), scheduled -> draft
    #   (unschedule); draft, scheduled or archived -> published (publish); published ->
    #   archived (archive). Publishing a published bulletin changes nothing.

    def publish(self, at: datetime) -> bool:
        """Put the bulletin online at `at` (now, or when its scheduled time came). An archived
        bulletin comes back online with its first publishing day. Returns True the first time
        it is published: then, and only then, e-mails go out."""
        first = self.published_at is None
        self.status = BulletinStatus.PUBLISHED.value
        self.published_at = self.published_at or at
        self.publish_at = None
        return first

    def schedule(self, at: datetime) -> None:
        """Publish it at `at` (a later time) by `flask publish-scheduled`."""
        if self.status not in (BulletinStatus.DRAFT, BulletinStatus.SCHEDULED):
            raise IllegalMove(_l("Only a draft can be scheduled: this bulletin is already out."))
        self.status = BulletinStatus.SCHEDULED.value
        self.publish_at = at

    def unschedule(self) -> None:
        """Back to draft: it will not be published at its scheduled time."""
        if self.status != BulletinStatus.SCHEDULED:
            raise IllegalMove(_l("Only a scheduled bulletin can go back to draft."))
        self.status = BulletinStatus.DRAFT.value
        self.publish_at = None

    def archive(self) -> None:
        """Take it off the lists; its page stays, marked as archived."""
        if self.status != BulletinStatus.PUBLISHED:
            raise IllegalMove(_l("Only a published bulletin can be archived."))
        self.status = BulletinStatus.ARCHIVED.value

    def is_due(self, now: datetime) -> bool:
        """Scheduled, and its time has come."""
        return (
            self.status == BulletinStatus.SCHEDULED
            and self.publish_at is not None
            and self.publish_at <= now
        )

    @property
    def locales(self) -> list[str]:
        """Languages the bulletin exists in: those with a title and a body."""
        return [
            code
            for code, text in (self.title or {}).items()
            if text and (self.body or {}).get(code)
        ]


class BulletinImage(TranslatableMixin, db.Model):
    """A bulletin's picture, re-encoded from the upload (no metadata kept) in two widths, kept in
    the database so every app server can serve it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(
        ForeignKey("bulletin.id", ondelete="CASCADE"), unique=True
    )
    alt: Mapped[dict] = mapped_column(TranslatedText, default=dict)  # required, per language
    mimetype: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    large: Mapped[bytes] = mapped_column(LargeBinary)  # at most 1200 px wide
    small: Mapped[bytes] = mapped_column(LargeBinary)  # at most 480 px wide, for phones
    digest: Mapped[str] = mapped_column(String(16))  # in the URL, so it can be cached for good

    bulletin: Mapped["Bulletin"] = relationship(back_populates="image")


class TranslationStatus(StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"


class BulletinTranslation(db.Model):
    """The review state of one language of a bulletin. `source_digest` is the source text's hash
    when it was reviewed: if the source changes later, the translation is out of date."""

    __table_args__ = (
        UniqueConstraint("bulletin_id", "locale"),
        CheckConstraint("status in ('draft', 'reviewed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=TranslationStatus.DRAFT.value)
    source_digest: Mapped[str] = mapped_column(String(64), default="")

    bulletin: Mapped[Bulletin] = relationship(back_populates="translations")


class BulletinRevision(db.Model):
    """What a published bulletin said before an edit (its history)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    snapshot: Mapped[dict] = mapped_column(JSON)

    bulletin: Mapped[Bulletin] = relationship(back_populates="revisions")
    user = relationship("User")


class Subscriber(TimestampMixin, db.Model):
    """Someone who gets bulletins by e-mail, in their language; confirmed by a signed link."""

    __table_args__ = (UniqueConstraint("district_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(TimestampMixin, db.Model):
    """An e-mail waiting to go out. `dedupe_key` is unique, so a message is queued once; a
    sender claims rows in batches (status "sending", `claimed_at`) before sending, so each is
    sent once. A claim older than the timeout is a crashed sender's and goes back to the queue;
    a message that failed too often is "failed" and is not tried again.

    `body_html`, when set, goes out as the second part of multipart/alternative; it is written
    by our own templates with autoescape on, never by people. `attachments` is a list of small
    text files, {"filename", "mimetype" ("text/..."), "text"}, e.g. a meeting's .ics."""

    __table_args__ = (
        CheckConstraint("status in ('queued', 'sending', 'sent', 'failed')", name="status_known"),
        db.Index("ix_outbox_message_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list | None] = mapped_column(JSON)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ShortLink(db.Model):
    """/b/<code>, /s/<code>, /q/<code>: short addresses for text messages and paper."""

    __table_args__ = (
        UniqueConstraint("kind", "target_id"),
        CheckConstraint("kind in ('bulletin', 'school', 'survey')", name="kind_known"),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
