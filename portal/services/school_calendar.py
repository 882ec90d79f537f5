"""The school year's calendar: phase dates, events, the district dashboard and iCalendar feeds.

The pure functions (`current_phase`, `upcoming`, `requirement_status`) take plain values; the
query helpers fetch what a page needs in a fixed number of queries.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import CalendarEvent, EventRequirement, PhaseWindow, School
from portal.models.calendar import Phase


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


def school_events(year_id: int, school_id: int) -> list[CalendarEvent]:
    """A school's events and the district-wide ones it inherits, in date order (one query)."""
    return list(
        db.session.scalars(
            select(CalendarEvent)
            .options(selectinload(CalendarEvent.school))
            .where(
                CalendarEvent.school_year_id == year_id,
                or_(CalendarEvent.school_id.is_(None), CalendarEvent.school_id == school_id),
            )
            .order_by(CalendarEvent.starts_at, CalendarEvent.id)
        )
    )


def upcoming(events: list[CalendarEvent], now: datetime, count: int = 3) -> list[CalendarEvent]:
    """The next `count` events that have not ended."""
    return [e for e in events if (e.ends_at or e.starts_at) >= now][:count]


@dataclass(frozen=True)
class RequirementCheck:
    requirement: EventRequirement
    scheduled: int

    @property
    def met(self) -> bool:
        return self.scheduled >= self.requirement.min_count

    def late(self, today: date) -> bool:
        return not self.met and today > self.requirement.due_on


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
    """Every school against the district template, in four queries whatever the school count."""
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
    events: dict[int, list[CalendarEvent]] = {}
    for event in db.session.scalars(
        select(CalendarEvent).where(
            CalendarEvent.school_year_id == year_id, CalendarEvent.school_id.is_not(None)
        )
    ):
        events.setdefault(event.school_id, []).append(event)
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


def build_ics(name: str, events: list[CalendarEvent], text, event_url, locale: str) -> bytes:
    """An RFC 5545 calendar. `text(event, field)` gives a field in the subscriber's language;
    UIDs come from the row, so a re-download updates events instead of duplicating them."""
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
        entry.add("summary", text(event, "title"), parameters={"LANGUAGE": locale})
        description = text(event, "description")
        if description:
            entry.add("description", description, parameters={"LANGUAGE": locale})
        location = event.place or event.online_url
        if location:
            entry.add("location", location)
        entry.add("url", event.online_url or event_url(event))
        entry.add("categories", [event.kind])
        calendar.add_component(entry)
    return calendar.to_ical()
