"""The school year in public: the four phases (guidebook Table 3.1), events with their dates, and
the district's template of required events every school must schedule."""

from datetime import date, datetime
from enum import StrEnum
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import (
    IllegalMove,
    TimestampMixin,
    TranslatableMixin,
    TranslatedText,
    UTCDateTime,
)
from portal.models.committees import CommitteeKind


class Phase(StrEnum):
    ENGAGE = "engage"  # summer
    REFLECT = "reflect"  # fall: engage and reflect
    PRIORITIZE = "prioritize"  # winter
    DECIDE = "decide"  # spring

    @property
    def label(self):
        return PHASE_LABELS[self]

    @property
    def meaning(self):
        return PHASE_MEANINGS[self]


PHASE_LABELS = {
    Phase.ENGAGE: _l("Engage"),
    Phase.REFLECT: _l("Engage and reflect"),
    Phase.PRIORITIZE: _l("Prioritize"),
    Phase.DECIDE: _l("Decide"),
}
# One plain sentence each: what the phase means for a family.
PHASE_MEANINGS = {
    Phase.ENGAGE: _l(
        "Staff, the site council and new families get ready for the year and get to know the "
        "school community."
    ),
    Phase.REFLECT: _l(
        "We look at last year's results with the site council, ask families what they think, "
        "and start setting goals."
    ),
    Phase.PRIORITIZE: _l(
        "We use what families told us and our data to choose what matters most, and work out "
        "what it costs."
    ),
    Phase.DECIDE: _l(
        "The money for next year arrives; we draft the budget by our priorities, review it with "
        "families, and finish the plan."
    ),
}


class EventKind(StrEnum):
    SITE_COUNCIL = "site_council"
    COMMITTEE = "committee"
    SURVEY_WINDOW = "survey_window"
    FOCUS_GROUP = "focus_group"
    TRAINING = "training"
    DEADLINE = "deadline"
    BUDGET_REVIEW = "budget_review"

    @property
    def label(self):
        return EVENT_KIND_LABELS[self]


EVENT_KIND_LABELS = {
    EventKind.SITE_COUNCIL: _l("Site council meeting"),
    EventKind.COMMITTEE: _l("Committee meeting"),
    EventKind.SURVEY_WINDOW: _l("Survey open"),
    EventKind.FOCUS_GROUP: _l("Focus group"),
    EventKind.TRAINING: _l("Training"),
    EventKind.DEADLINE: _l("Deadline"),
    EventKind.BUDGET_REVIEW: _l("Budget review"),
}


_PHASES = "', '".join(p.value for p in Phase)
_KINDS = "', '".join(k.value for k in EventKind)


class PhaseWindow(db.Model):
    """The dates of one phase: the district's template (no school) or a school's own dates."""

    __table_args__ = (
        UniqueConstraint("school_year_id", "school_id", "phase"),
        CheckConstraint(f"phase in ('{_PHASES}')", name="phase_known"),
        CheckConstraint("starts_on <= ends_on", name="starts_before_it_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    def reschedule(self, starts_on: date, ends_on: date) -> None:
        """Move the phase to new dates; a phase cannot end before it starts."""
        if starts_on is None or ends_on is None:
            raise IllegalMove(_l("A phase needs a start and an end date."))
        if ends_on < starts_on:
            raise IllegalMove(_l("A phase cannot end before it starts."))
        self.starts_on, self.ends_on = starts_on, ends_on


class EventLabels:
    """Labels of a calendar entry's kind, phase and committee, for an event row and for a
    meeting shown in the calendar alike."""

    @property
    def kind_label(self):
        return EventKind(self.kind).label

    @property
    def phase_label(self):
        return Phase(self.phase).label

    @property
    def committee_label(self):
        return CommitteeKind(self.committee).label if self.committee else ""


class CalendarEvent(EventLabels, TimestampMixin, TranslatableMixin, db.Model):
    """A meeting, survey window, training or deadline. With no school it is a district-wide
    event (allocation release, plan due) that every school's calendar inherits."""

    __table_args__ = (
        CheckConstraint(f"phase in ('{_PHASES}')", name="phase_known"),
        CheckConstraint(f"kind in ('{_KINDS}')", name="kind_known"),
        CheckConstraint("ends_at is null or ends_at >= starts_at", name="ends_after_it_starts"),
        db.Index("ix_calendar_event_school_year_starts", "school_year_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The iCalendar UID: fixed at creation, so a phone replaces an updated event.
    uid: Mapped[str] = mapped_column(String(40), unique=True, default=lambda: uuid4().hex)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE, per edit
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("school.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    description: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    interpretation: Mapped[bool] = mapped_column(default=False)
    childcare: Mapped[bool] = mapped_column(default=False)
    # The committee it belongs to, by kind ("ssc", "elac", ...), for committees that are not
    # on the portal; a portal committee's meetings are Meeting rows.
    committee: Mapped[str] = mapped_column(String(40), default="")

    school = relationship("School")

    # Committee meetings are listed from their Meeting rows (services.school_calendar).
    is_meeting = False

    def revise(self, **values) -> bool:
        """Change the event's fields. Its UID stays and, when anything changed, its SEQUENCE
        goes up, so a subscribed phone updates the event instead of adding a second one.
        Returns whether anything changed."""
        changed = {key: value for key, value in values.items() if getattr(self, key) != value}
        for key, value in changed.items():
            setattr(self, key, value)
        if changed and self.id is not None:
            self.sequence = (self.sequence or 0) + 1
        return bool(changed)


class RequirementState(StrEnum):
    """Where a school stands on one required event."""

    MET = "met"  # scheduled as many as required
    MISSING = "missing"  # not yet, and there is still time
    LATE = "late"  # not yet, and the date has passed

    @property
    def label(self):
        return REQUIREMENT_STATE_LABELS[self]

    @classmethod
    def of(cls, scheduled: int, required: int, due_on: date, today: date) -> "RequirementState":
        """Met with `required` events scheduled; otherwise missing, and late once `due_on` has
        passed."""
        if scheduled >= required:
            return cls.MET
        return cls.LATE if today > due_on else cls.MISSING


REQUIREMENT_STATE_LABELS = {
    RequirementState.MET: _l("Scheduled"),
    RequirementState.MISSING: _l("Missing"),
    RequirementState.LATE: _l("Late: missing"),
}


class EventRequirement(db.Model):
    """The district template: each school must schedule `min_count` events of `kind` in `phase`,
    by `due_on` at the latest."""

    __table_args__ = (
        CheckConstraint(f"phase in ('{_PHASES}')", name="phase_known"),
        CheckConstraint(f"kind in ('{_KINDS}')", name="kind_known"),
        CheckConstraint("min_count >= 1", name="at_least_one"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(20))
    min_count: Mapped[int] = mapped_column(Integer, default=1)
    due_on: Mapped[date] = mapped_column(Date)

    def state(self, scheduled: int, today: date) -> RequirementState:
        """A school with `scheduled` such events meets the requirement, or misses it (late once
        `due_on` has passed)."""
        return RequirementState.of(scheduled, self.min_count, self.due_on, today)
