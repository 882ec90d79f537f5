"""The school year's calendar as it is read: a school's and the district's events, what comes
next, the district dashboard and iCalendar feeds. Changing it is `calendar_editing`.

A committee meeting is one record, the `Meeting` row: the calendar, its feeds, the dashboard and
the committee pages all read its title, time and place from that row (`MeetingEntry`, in
`calendar_meetings`), so the calendar cannot list a meeting the committee page does not, or at
another time.

The pure functions (`current_phase`, `phase_on`, `upcoming`, `requirement_status`) take plain
values; the query helpers fetch what a page needs in a fixed number of queries.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.models import (
    CalendarEvent,
    Committee,
    District,
    EventRequirement,
    Meeting,
    PhaseWindow,
    School,
    SchoolPlan,
    SchoolYear,
)
from portal.models.calendar import EventKind, Phase, RequirementState
from portal.services.calendar_meetings import MEETING_KINDS as MEETING_KINDS
from portal.services.calendar_meetings import MeetingEntry as MeetingEntry
from portal.services.calendar_meetings import meeting_entries
from portal.services.calendar_meetings import meeting_kind as meeting_kind
from portal.services.plan_review import plan_behind, plan_due_on, plan_state
from portal.services.school_year import current_phase, phase_windows, year_bounds
from portal.services.school_year import phase_on as phase_on


def local_now(district) -> datetime:
    """Now, in the district's time zone (for "today" and "where we are now")."""
    return datetime.now(ZoneInfo(district.timezone))


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
    # No eager load of `school`: each event's is this school (already in the session, so
    # reading it costs no query) or none (district-wide); a selectin load queried it again.
    events = list(
        db.session.scalars(
            select(CalendarEvent).where(
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


def upcoming_of_kinds(year: SchoolYear, school_id: int, kinds, now: datetime, count: int = 3):
    """The next `count` entries of these kinds (EventKind) at a school that have not ended: its
    own and district-wide events, and its committees' meetings, in date order. Two queries,
    however full the year (the budget page's "when you can weigh in"). The meeting entries
    carry no phase or calendar identity: they are listed by date, never by phase or in a feed."""
    wanted = [EventKind(kind).value for kind in kinds]
    events = db.session.scalars(
        select(CalendarEvent)
        .where(
            CalendarEvent.school_year_id == year.id,
            or_(CalendarEvent.school_id.is_(None), CalendarEvent.school_id == school_id),
            CalendarEvent.kind.in_(wanted),
            _not_a_meeting(),
            or_(
                CalendarEvent.ends_at >= now,
                and_(CalendarEvent.ends_at.is_(None), CalendarEvent.starts_at >= now),
            ),
        )
        .order_by(CalendarEvent.starts_at, CalendarEvent.id)
        .limit(count)
    ).all()
    # A site council's meetings are site-council events, every other committee's "committee"
    # ones (calendar_meetings.meeting_kind).
    committees = []
    if EventKind.SITE_COUNCIL.value in wanted:
        committees.append(Committee.kind == "ssc")
    if EventKind.COMMITTEE.value in wanted:
        committees.append(Committee.kind != "ssc")
    meetings = []
    if committees:
        starts, ends = year_bounds(year, db.session.get(District, year.district_id).timezone)
        meetings = db.session.scalars(
            select(Meeting)
            .join(Committee, Committee.id == Meeting.committee_id)
            .options(joinedload(Meeting.committee))
            .where(
                Committee.school_id == school_id,
                or_(*committees),
                Meeting.starts_at >= max(now, starts),
                Meeting.starts_at < ends,
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(count)
        ).all()
    entries = [MeetingEntry(meeting=m, event=None, phase="") for m in meetings]
    return _in_order(list(events) + entries)[:count]


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
    behind: bool  # a required event late, or the plan (plan_behind)
    plan: SchoolPlan | None = None
    plan_due_on: date | None = None  # the end of the school's decide phase (plan_due_on)
    plan_state: str = ""  # where the plan stands, in plain words
    plan_behind: bool = False


def dashboard(district, year_id: int, today: date) -> list[SchoolProgress]:
    """Every school against the district template (committee meetings counted from the meeting
    records) and its plan against the plan due date (services.plan_review), in a fixed number
    of queries whatever the school count."""
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
    plans = {
        plan.school_id: plan
        for plan in db.session.scalars(
            select(SchoolPlan).where(SchoolPlan.school_year_id == year_id)
        )
    }
    rows = []
    for school in schools:
        own = template | {
            Phase(w.phase): (w.starts_on, w.ends_on) for w in windows if w.school_id == school.id
        }
        checks = requirement_status(requirements, events.get(school.id, []))
        plan, due_on = plans.get(school.id), plan_due_on(own)
        late_plan = plan_behind(plan, due_on, today)
        rows.append(
            SchoolProgress(
                school=school,
                phase=current_phase(dict(sorted(own.items(), key=lambda i: i[1][0])), today),
                checks=checks,
                # A school with no plan, or one not sent to the district, is behind after the
                # due date even when every required event is on its calendar.
                behind=late_plan or any(check.late(today) for check in checks),
                plan=plan,
                plan_due_on=due_on,
                plan_state=plan_state(plan),
                plan_behind=late_plan,
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
