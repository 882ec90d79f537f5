"""Committee meetings on the calendar. A meeting is one record, the `Meeting` row; the calendar
shows it through a `MeetingEntry` read from that row. A meeting's `CalendarEvent` row, when it
has one, only keeps its iCalendar UID and SEQUENCE and the phase it was planned for; it is never
listed as an event of its own."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    CalendarEvent,
    Committee,
    District,
    Meeting,
    PhaseWindow,
    School,
    SchoolYear,
)
from portal.models.calendar import EventKind, EventLabels, Phase
from portal.services.school_year import phase_on, year_bounds

# The kinds of event that are committee meetings: on the calendar they come from Meeting rows.
MEETING_KINDS = (EventKind.SITE_COUNCIL.value, EventKind.COMMITTEE.value)


def meeting_kind(committee_kind: str) -> str:
    """The calendar kind of a committee's meetings."""
    return EventKind.SITE_COUNCIL.value if committee_kind == "ssc" else EventKind.COMMITTEE.value


@dataclass(frozen=True)
class MeetingEntry(EventLabels):
    """A committee meeting as the calendar shows it, read from the meeting row itself. It has
    the attributes of a CalendarEvent that the calendar pages and feeds use."""

    meeting: Meeting
    event: CalendarEvent | None  # the meeting's calendar identity (UID, SEQUENCE), if any
    phase: str

    is_meeting = True
    ends_at = None
    online_url = ""
    description: dict | None = None

    @property
    def id(self) -> str:
        return f"meeting-{self.meeting.id}"

    @property
    def uid(self) -> str:
        return self.event.uid if self.event else f"meeting-{self.meeting.id}"

    @property
    def sequence(self) -> int:
        return self.event.sequence if self.event else 0

    @property
    def committee_row(self) -> Committee:
        return self.meeting.committee

    @property
    def kind(self) -> str:
        return meeting_kind(self.meeting.committee.kind)

    @property
    def committee(self) -> str:
        return self.meeting.committee.kind

    @property
    def school_id(self) -> int | None:
        return self.meeting.committee.school_id  # None: a district committee's, district-wide

    @property
    def school(self) -> School | None:
        return self.meeting.committee.school

    @property
    def title(self) -> dict:
        return self.meeting.title

    @property
    def source_locale(self) -> str:
        return self.meeting.source_locale

    @property
    def starts_at(self) -> datetime:
        return self.meeting.starts_at

    @property
    def place(self) -> str:
        return self.meeting.place

    @property
    def interpretation(self) -> bool:
        return self.meeting.interpretation

    @property
    def childcare(self) -> bool:
        return self.meeting.childcare

    @property
    def created_at(self) -> datetime:
        return self.meeting.created_at

    @property
    def updated_at(self) -> datetime:
        return self.meeting.updated_at


def meeting_entries(year: SchoolYear, school_id: int | None = None) -> list[MeetingEntry]:
    """The meetings of a school's committees (or every school's) in a school year, as calendar
    entries, in three queries."""
    district = db.session.get(District, year.district_id)
    starts, ends = year_bounds(year, district.timezone)
    statement = (
        select(Meeting)
        .join(Committee, Committee.id == Meeting.committee_id)
        .options(selectinload(Meeting.committee).selectinload(Committee.school))
        .where(
            # Every school's committees and the district's own (DELAC...): all name the district.
            Committee.district_id == year.district_id,
            Meeting.starts_at >= starts,
            Meeting.starts_at < ends,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if school_id is not None:
        statement = statement.where(Committee.school_id == school_id)
    meetings = list(db.session.scalars(statement))
    event_ids = [m.event_id for m in meetings if m.event_id]
    events = (
        {
            e.id: e
            for e in db.session.scalars(
                select(CalendarEvent).where(CalendarEvent.id.in_(event_ids))
            )
        }
        if event_ids
        else {}
    )
    rows = list(
        db.session.scalars(select(PhaseWindow).where(PhaseWindow.school_year_id == year.id))
    )
    template = {Phase(w.phase): (w.starts_on, w.ends_on) for w in rows if w.school_id is None}
    zone = ZoneInfo(district.timezone)
    entries = []
    for meeting in meetings:
        own = template | {
            Phase(w.phase): (w.starts_on, w.ends_on)
            for w in rows
            if w.school_id == meeting.committee.school_id
        }
        event = events.get(meeting.event_id)
        phase = phase_on(own, meeting.starts_at.astimezone(zone).date())
        if phase is None:
            phase = Phase(event.phase) if event else Phase.ENGAGE
        entries.append(MeetingEntry(meeting=meeting, event=event, phase=phase.value))
    return entries
