"""The district, its schools and its school years."""

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TimestampMixin, TranslatableMixin, TranslatedText


class SchoolLevel(StrEnum):
    ELEMENTARY = "elementary"
    MIDDLE = "middle"
    HIGH = "high"
    OTHER = "other"

    @property
    def label(self):
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    SchoolLevel.ELEMENTARY: _l("Elementary school"),
    SchoolLevel.MIDDLE: _l("Middle school"),
    SchoolLevel.HIGH: _l("High school"),
    SchoolLevel.OTHER: _l("Other school"),
}


class District(TimestampMixin, TranslatableMixin, db.Model):
    """The school district that runs this portal (one per installation)."""

    __table_args__ = (
        CheckConstraint("small_cell_threshold >= 5", name="small_cells_at_least_five"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Content falls back to this language when a translation is missing.
    default_locale: Mapped[str] = mapped_column(String(16), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="America/Los_Angeles")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # Numbers and money follow the district's region (ISO 3166 code), not the reader's language:
    # a Spanish-speaking family in a US district reads "$2,224,698", not "2.224.698,00 US$".
    region: Mapped[str] = mapped_column(String(2), default="US", server_default="US")
    tagline: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    # Public breakdowns with fewer responses than this show "fewer than N responses" instead of
    # numbers, so no one in a small group can be singled out. Never below 5.
    small_cell_threshold: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    # A bulletin is published in full once these languages are reviewed (else with a visible
    # "translation coming" note in the ones still missing).
    # A committee's agenda must be public this long before the meeting (California: 72 hours).
    agenda_notice_hours: Mapped[int] = mapped_column(Integer, default=72, server_default="72")
    # New community feedback waits for a principal or officer unless this is off.
    feedback_premoderation: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Where the district's rules call for a roll call, the public record shows each member's
    # vote after the close (their name only if it is public); otherwise totals only.
    roll_call_votes: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Staff sessions end after this many minutes without a request, and this many hours after
    # signing in whatever happens (None: the configured SESSION_IDLE_MINUTES, SESSION_MAX_HOURS).
    session_idle_minutes: Mapped[int | None] = mapped_column(Integer)
    session_max_hours: Mapped[int | None] = mapped_column(Integer)
    # How schools' positions are priced: "average" (the district's salary table per role and
    # year) or "actual" (each position's own cost). A models.staffing.PositionCosting.
    position_costing: Mapped[str] = mapped_column(
        String(16), default="average", server_default="average"
    )
    required_locales: Mapped[list] = mapped_column(
        JSON, default=lambda: ["en", "es"], server_default='["en", "es"]'
    )

    schools: Mapped[list["School"]] = relationship(
        back_populates="district", order_by="School.name"
    )

    @classmethod
    def current(cls) -> "District | None":
        """The installation's district (the first one created)."""
        return db.session.scalars(select(cls).order_by(cls.id).limit(1)).first()


class School(TimestampMixin, TranslatableMixin, db.Model):
    """One school site: what a parent looks for first."""

    __table_args__ = (
        CheckConstraint("enrollment >= 0", name="enrollment_not_negative"),
        CheckConstraint("level in ('elementary', 'middle', 'high', 'other')", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    level: Mapped[str] = mapped_column(String(16), default=SchoolLevel.ELEMENTARY.value)
    address: Mapped[str] = mapped_column(String(300), default="")
    grades: Mapped[str] = mapped_column(String(20), default="", server_default="")  # "K-5", "9-12"
    # The part of the district the school is in ("Northeast", "Region South"): parents browse
    # a large district's schools by it. Optional; set on the school form or by the import.
    area: Mapped[str | None] = mapped_column(String(80))
    enrollment: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[dict] = mapped_column(TranslatedText, default=dict)

    district: Mapped[District] = relationship(back_populates="schools")

    @property
    def level_label(self):
        return SchoolLevel(self.level).label


class SchoolYear(db.Model):
    """A school year such as 2026-27, the unit every plan, budget and calendar belongs to."""

    __table_args__ = (
        UniqueConstraint("district_id", "label"),
        CheckConstraint("starts_on < ends_on", name="starts_before_it_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    is_current: Mapped[bool] = mapped_column(default=False)
