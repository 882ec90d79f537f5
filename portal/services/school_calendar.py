"""The school year's calendar: phase dates, events, the district dashboard and iCalendar feeds.

A committee meeting is one record, the `Meeting` row: the calendar, its feeds, the dashboard and
the committee pages all read its title, time and place from that row (`MeetingEntry`), so the
calendar cannot list a meeting the committee page does not, or at another time. A meeting's
`CalendarEvent` row, when it has one, only keeps its iCalendar UID and SEQUENCE and the phase
it was planned for; it is never listed as an event of its own.

The pure functions (`current_phase`, `phase_on`, `upcoming`, `requirement_status`) take plain
values; the query helpers fetch what a page needs in a fixed number of queries.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    CalendarEvent,
    Committee,
    District,
    EventRequirement,
    Meeting,
    PhaseWindow,
    School,
    SchoolYear,
)
from portal.models.calendar import EventKind, EventLabels, Phase, RequirementState
from portal.services.school_year import year_bounds

# The kinds of event that are committee meetings: on the calendar they come from Meeting rows.
MEETING_KINDS = (EventKind.SITE_COUNCIL.value, EventKind.COMMITTEE.value)


def local_now(district) -> datetime:
    """Now, in the district's time zone (for "today" and "where we are now")."""
    return datetime.now(ZoneInfo(district.timezone))


def phase_windows(year_id: int, school_id: int | None) -> dict[Phase, tuple[date, date]]:
    """The phase dates for a school: the district template, overridden by the school's own."""
    rows = db.session.scalars(
        select(PhaseWindow).where(
            PhaseWindow.school_year_id == year_id,
            or_(PhaseWindow.school_id.is_(None), PhaseWindow.school_id == school_id),
        )
    )
    windows: dict[Phase, tuple[date, date]] = {}
    for row in sorted(rows, key=lambda r: r.school_id is not None):  # template first
        windows[Phase(row.phase)] = (row.starts_on, row.ends_on)
    return dict(sorted(windows.items(), key=lambda item: item[1][0]))


def current_phase(windows: dict[Phase, tuple[date, date]], today: date) -> Phase | None:
    """The phase whose dates include today (if a school's own dates overlap the district's, the
    one that started last); between phases, the next one to start."""
    current = [
        (starts, phase) for phase, (starts, ends) in windows.items() if starts <= today <= ends
    ]
    if current:
        return max(current)[1]
    later = [(starts, phase) for phase, (starts, _) in windows.items() if starts > today]
    return min(later)[1] if later else None


def phase_on(windows: dict[Phase, tuple[date, date]], day: date) -> Phase | None:
    """The phase a day belongs to: the one whose dates include it (the latest to start where
    they overlap), else the last one that started before it, else the first to come."""
    containing = [(s, p) for p, (s, e) in windows.items() if s <= day <= e]
    if containing:
        return max(containing)[1]
    started = [(s, p) for p, (s, _) in windows.items() if s <= day]
    if started:
        return max(started)[1]
    later = [(s, p) for p, (s, _) in windows.items()]
    return min(later)[1] if later else None


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
    def school_id(self) -> int:
        return self.meeting.committee.school_id

    @property
    def school(self) -> School:
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
        .join(School, School.id == Committee.school_id)
        .options(selectinload(Meeting.committee).selectinload(Committee.school))
        .where(
            School.district_id == year.district_id,
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


def _not_a_meeting():
    """Calendar rows that are a meeting's calendar identity are shown through the meeting."""
    return CalendarEvent.id.not_in(select(Meeting.event_id).where(Meeting.event_id.is_not(None)))


def _in_order(events: list) -> list:
    return sorted(
        events,
        key=lambda e: (e.starts_at, e.is_meeting, e.meeting.id if e.is_meeting else e.id),
    )


def school_events(year_id: int, school_id: int) -> list:
    """A school's events, its committees' meetings and the district-wide events it inherits, in
    date order (four queries)."""
    year = db.session.get(SchoolYear, year_id)
    events = list(
        db.session.scalars(
            select(CalendarEvent)
            .options(selectinload(CalendarEvent.school))
            .where(
                CalendarEvent.school_year_id == year_id,
                or_(CalendarEvent.school_id.is_(None), CalendarEvent.school_id == school_id),
                _not_a_meeting(),
            )
        )
    )
    return _in_order(events + meeting_entries(year, school_id))


def district_events(year_id: int) -> list:
    """Every school's events and meetings and the district's own dates, in date order."""
    year = db.session.get(SchoolYear, year_id)
    events = list(
        db.session.scalars(
            select(CalendarEvent)
            .options(selectinload(CalendarEvent.school))
            .where(CalendarEvent.school_year_id == year_id, _not_a_meeting())
        )
    )
    return _in_order(events + meeting_entries(year))


def upcoming(events: list[CalendarEvent], now: datetime, count: int = 3) -> list[CalendarEvent]:
    """The next `count` events that have not ended."""
    return [e for e in events if (e.ends_at or e.starts_at) >= now][:count]


@dataclass(frozen=True)
class SchoolYearView:
    """A school's year as its public calendar shows it."""

    windows: dict[Phase, tuple[date, date]]
    phase: Phase | None  # where we are now
    next_events: list  # the next three
    by_phase: dict[Phase, list]  # the whole year as an agenda


def school_year_view(year: SchoolYear | None, school: School, now: datetime) -> SchoolYearView:
    """Where the school is in the year, what comes next and the whole year, phase by phase
    (empty while the district has no current year)."""
    if year is None:
        return SchoolYearView({}, None, [], {phase: [] for phase in Phase})
    windows = phase_windows(year.id, school.id)
    events = school_events(year.id, school.id)
    return SchoolYearView(
        windows=windows,
        phase=current_phase(windows, now.date()),
        next_events=upcoming(events, now),
        by_phase={phase: [e for e in events if e.phase == phase] for phase in Phase},
    )


@dataclass(frozen=True)
class RequirementCheck:
    requirement: EventRequirement
    scheduled: int

    def state(self, today: date) -> RequirementState:
        r = self.requirement
        return RequirementState.of(self.scheduled, r.min_count, r.due_on, today)

    @property
    def met(self) -> bool:
        return self.scheduled >= self.requirement.min_count

    def late(self, today: date) -> bool:
        return self.state(today) is RequirementState.LATE


def requirement_status(
    requirements: list[EventRequirement], events: list[CalendarEvent]
) -> list[RequirementCheck]:
    """How many of each required kind of event a school has scheduled in the required phase."""
    counts = Counter((e.phase, e.kind) for e in events if e.school_id is not None)
    return [RequirementCheck(r, counts[(r.phase, r.kind)]) for r in requirements]


@dataclass(frozen=True)
class SchoolProgress:
    school: School
    phase: Phase | None
    checks: list[RequirementCheck]
    behind: bool


def dashboard(district, year_id: int, today: date) -> list[SchoolProgress]:
    """Every school against the district template (committee meetings counted from the meeting
    records), in a fixed number of queries whatever the school count."""
    schools = list(
        db.session.scalars(
            select(School).where(School.district_id == district.id).order_by(School.name)
        )
    )
    requirements = list(
        db.session.scalars(
            select(EventRequirement)
            .where(EventRequirement.school_year_id == year_id)
            .order_by(EventRequirement.due_on, EventRequirement.id)
        )
    )
    events: dict[int, list] = {}
    for event in db.session.scalars(
        select(CalendarEvent).where(
            CalendarEvent.school_year_id == year_id,
            CalendarEvent.school_id.is_not(None),
            _not_a_meeting(),
        )
    ):
        events.setdefault(event.school_id, []).append(event)
    for entry in meeting_entries(db.session.get(SchoolYear, year_id)):
        events.setdefault(entry.school_id, []).append(entry)
    windows = list(
        db.session.scalars(select(PhaseWindow).where(PhaseWindow.school_year_id == year_id))
    )
    template = {Phase(w.phase): (w.starts_on, w.ends_on) for w in windows if w.school_id is None}
    rows = []
    for school in schools:
        own = template | {
            Phase(w.phase): (w.starts_on, w.ends_on) for w in windows if w.school_id == school.id
        }
        checks = requirement_status(requirements, events.get(school.id, []))
        rows.append(
            SchoolProgress(
                school=school,
                phase=current_phase(dict(sorted(own.items(), key=lambda i: i[1][0])), today),
                checks=checks,
                behind=any(check.late(today) for check in checks),
            )
        )
    return rows


def build_ics(name: str, events: list, text, event_url, locale: str) -> bytes:
    """An RFC 5545 calendar. `text(event, field)` gives a field in the subscriber's language
    as (text, language tag): a title not yet translated keeps its own language's tag. UIDs come
    from the row, so a re-download updates events instead of duplicating them."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Common Ground//School calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        entry = Event()
        entry.add("uid", f"{event.uid}@commonground")
        entry.add("sequence", event.sequence)
        entry.add("dtstamp", event.updated_at or event.created_at)
        entry.add("last-modified", event.updated_at or event.created_at)
        entry.add("dtstart", event.starts_at)
        if event.ends_at:
            entry.add("dtend", event.ends_at)
        title, language = text(event, "title")
        entry.add("summary", title, parameters={"LANGUAGE": language or locale})
        description, language = text(event, "description") if event.description else ("", "")
        if description:
            entry.add("description", description, parameters={"LANGUAGE": language or locale})
        location = event.place or event.online_url
        if location:
            entry.add("location", location)
        entry.add("url", event.online_url or event_url(event))
        entry.add("categories", [event.kind])
        calendar.add_component(entry)
    return calendar.to_ical()
