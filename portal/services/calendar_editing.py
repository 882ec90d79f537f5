"""Changing the school year's calendar: a school's or the district's events, phase dates, and
the district's required events. Reading it (pages, feeds, the dashboard) is
`portal.services.school_calendar`.

Each function takes the district, plain values and the acting user, raises `Rejected` for what
the rules refuse, audits what it changed and leaves the commit to its caller.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.models import CalendarEvent, Committee, EventRequirement, Meeting, PhaseWindow
from portal.models.calendar import EventKind, Phase
from portal.models.committees import CommitteeKind
from portal.services import school_calendar as cal
from portal.services.audit import record_audit
from portal.services.calendar_meetings import MEETING_KINDS
from portal.services.errors import Rejected
from portal.services.school_calendar import RequirementCheck, SchoolProgress

TITLE_LENGTH, DESCRIPTION_LENGTH, PLACE_LENGTH = 200, 2000, 300


def year_requirements(year_id: int) -> list[EventRequirement]:
    """The district's required events for a school year, soonest due first."""
    return list(
        db.session.scalars(
            select(EventRequirement)
            .where(EventRequirement.school_year_id == year_id)
            .order_by(EventRequirement.due_on, EventRequirement.id)
        )
    )


@dataclass(frozen=True)
class SchoolDesk:
    """What a school's calendar editor shows."""

    events: list  # the school's own events and its committees' meetings, in date order
    committees: list[Committee]  # meetings of these are added on each committee's page
    checks: list[RequirementCheck]
    windows: dict  # {Phase: (starts, ends)} that apply: the district's, or the school's own
    own_windows: dict  # {Phase: (starts, ends)} the school set itself


def school_desk(year, school) -> SchoolDesk:
    events = [e for e in cal.school_events(year.id, school.id) if e.school_id == school.id]
    committees = db.session.scalars(select(Committee).where(Committee.school_id == school.id))
    return SchoolDesk(
        events=events,
        committees=list(committees),
        checks=cal.requirement_status(year_requirements(year.id), events),
        windows=cal.phase_windows(year.id, school.id),
        own_windows={
            Phase(p): (w.starts_on, w.ends_on) for p, w in phase_rows(year.id, school.id).items()
        },
    )


@dataclass(frozen=True)
class DistrictDesk:
    """What the district's dashboard shows."""

    rows: list[SchoolProgress]
    requirements: list[EventRequirement]
    windows: dict  # the template's {Phase: (starts, ends)}
    district_events: list[CalendarEvent]


def district_desk(district, year, today: date) -> DistrictDesk:
    district_events = db.session.scalars(
        select(CalendarEvent)
        .where(CalendarEvent.school_year_id == year.id, CalendarEvent.school_id.is_(None))
        .order_by(CalendarEvent.starts_at)
    )
    return DistrictDesk(
        rows=cal.dashboard(district, year.id, today),
        requirements=year_requirements(year.id),
        windows=cal.phase_windows(year.id, None),
        district_events=list(district_events),
    )


@dataclass(frozen=True)
class EventDetails:
    """An event as typed: its day and times on the district's clock; texts per language."""

    title: dict[str, str]
    kind: str
    phase: str
    day: date
    starts: time
    ends: time | None = None
    description: dict[str, str] | None = None
    place: str = ""
    online_url: str = ""
    interpretation: bool = False
    childcare: bool = False
    committee: str = ""


def portal_committee(school_id: int | None, kind: str, committee: str) -> Committee | None:
    """The school's committee on the portal that an event of this kind would be a meeting of."""
    if school_id is None or kind not in MEETING_KINDS:
        return None
    wanted = CommitteeKind.SSC.value if kind == EventKind.SITE_COUNCIL else committee
    if not wanted:
        return None
    return db.session.scalars(
        select(Committee).where(Committee.school_id == school_id, Committee.kind == wanted)
    ).first()


def meeting_of(event: CalendarEvent) -> Meeting | None:
    """The committee meeting whose calendar identity this event is: it is changed on the
    meeting's own page, so that it stays one record."""
    return db.session.scalars(select(Meeting).where(Meeting.event_id == event.id)).first()


def _columns(district, school_id: int | None, details: EventDetails) -> dict:
    """The event's column values, or Rejected naming every field at fault. Times are typed in
    the district's time zone and stored in UTC. A meeting of a committee the school has on the
    portal is refused: it is scheduled on the committee's page, so that it is one record."""
    errors = {}
    title = {code: text.strip()[:TITLE_LENGTH] for code, text in details.title.items() if text}
    if not title.get(district.default_locale):
        errors["title"] = _("Give the event a title in the district's main language.")
    if details.kind not in set(EventKind):
        errors["kind"] = _("Choose what kind of event this is.")
    if details.phase not in set(Phase):
        errors["phase"] = _("Choose the phase of the year.")
    if details.committee and details.committee not in set(CommitteeKind):
        errors["committee"] = _("Choose a committee from the list.")
    elif portal_committee(school_id, details.kind, details.committee) is not None:
        errors["kind"] = _(
            "This committee is on the portal: add its meetings on the committee's page, so the "
            "committee page and the calendar show the same meeting."
        )
    zone = ZoneInfo(district.timezone)
    starts_at = datetime.combine(details.day, details.starts, zone).astimezone(UTC)
    ends_at = None
    if details.ends is not None:
        ends_at = datetime.combine(details.day, details.ends, zone).astimezone(UTC)
        if ends_at < starts_at:
            errors["ends"] = _("The event cannot end before it starts.")
    if errors:
        raise Rejected(errors)
    return {
        "title": title,
        "description": {
            code: text.strip()[:DESCRIPTION_LENGTH]
            for code, text in (details.description or {}).items()
            if text and text.strip()
        },
        "kind": details.kind,
        "phase": details.phase,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": (details.place or "").strip()[:PLACE_LENGTH],
        "online_url": details.online_url or "",
        "interpretation": bool(details.interpretation),
        "childcare": bool(details.childcare),
        "committee": details.committee or "",
    }


def add_event(district, year, school, details: EventDetails, actor) -> CalendarEvent:
    """A school's event, or (school None) a district-wide one every school's calendar
    inherits."""
    school_id = school.id if school is not None else None
    event = CalendarEvent(
        district_id=district.id,
        school_year_id=year.id,
        school_id=school_id,
        source_locale=district.default_locale,
        **_columns(district, school_id, details),
    )
    db.session.add(event)
    db.session.flush()
    record_audit(actor, "calendar.event_added", "calendar_event", event.id, {"kind": event.kind})
    return event


def change_event(district, event: CalendarEvent, details: EventDetails, actor) -> bool:
    """Change an event in place (its UID stays, its SEQUENCE goes up). Returns whether anything
    changed."""
    changed = event.revise(**_columns(district, event.school_id, details))
    if changed:
        record_audit(
            actor,
            "calendar.event_changed",
            "calendar_event",
            event.id,
            {"sequence": event.sequence},
        )
    return changed


def remove_event(event: CalendarEvent, actor) -> None:
    record_audit(actor, "calendar.event_removed", "calendar_event", event.id, {"uid": event.uid})
    db.session.delete(event)


def phase_rows(year_id: int, school_id: int | None) -> dict[str, PhaseWindow]:
    """The stored phase windows of the district's template (no school) or of one school."""
    owner = (
        PhaseWindow.school_id.is_(None) if school_id is None else PhaseWindow.school_id == school_id
    )
    return {
        w.phase: w
        for w in db.session.scalars(
            select(PhaseWindow).where(PhaseWindow.school_year_id == year_id, owner)
        )
    }


PhaseDates = dict[Phase, tuple[date | None, date | None]]


def set_phase_dates(district, year, school, dates: PhaseDates, actor) -> None:
    """The district's phase dates (school None: every phase needs both dates), or a school's
    own (a phase left empty follows the district's). Refused phases are named by their first
    date field, `<phase>_starts`."""
    school_id = school.id if school is not None else None
    errors = {}
    for phase in Phase:
        starts, ends = dates.get(phase, (None, None))
        if school_id is not None and starts is None and ends is None:
            continue
        if starts is None or ends is None or ends < starts:
            errors[f"{phase.value}_starts"] = _(
                "%(phase)s: enter a start and an end date, the end after the start.",
                phase=phase.label,
            )
    if errors:
        raise Rejected(errors)
    existing = phase_rows(year.id, school_id)
    for phase in Phase:
        starts, ends = dates.get(phase, (None, None))
        window = existing.get(phase.value)
        if starts is None:
            if window is not None:
                db.session.delete(window)
            continue
        if window is None:
            window = PhaseWindow(
                district_id=district.id, school_year_id=year.id, school_id=school_id, phase=phase
            )
            db.session.add(window)
        window.reschedule(starts, ends)
    record_audit(
        actor,
        "calendar.phases_set",
        "school" if school_id else "school_year",
        school_id or year.id,
        {p.value: [str(d) if d else None for d in dates.get(p, (None, None))] for p in Phase},
    )


def add_requirement(
    district, year, *, kind: str, phase: str, min_count: int, due_on: date, actor
) -> EventRequirement:
    """Require every school to schedule `min_count` events of a kind in a phase, by a date."""
    errors = {}
    if kind not in set(EventKind):
        errors["kind"] = _("Choose what kind of event this is.")
    if phase not in set(Phase):
        errors["phase"] = _("Choose the phase of the year.")
    if not 1 <= (min_count or 0) <= 50:
        errors["min_count"] = _("Enter a whole number from 1 to 50.")
    if errors:
        raise Rejected(errors)
    requirement = EventRequirement(
        district_id=district.id,
        school_year_id=year.id,
        kind=kind,
        phase=phase,
        min_count=min_count,
        due_on=due_on,
    )
    db.session.add(requirement)
    db.session.flush()
    record_audit(
        actor, "calendar.requirement_added", "event_requirement", requirement.id, {"kind": kind}
    )
    return requirement


def remove_requirement(requirement: EventRequirement, actor) -> None:
    record_audit(actor, "calendar.requirement_removed", "event_requirement", requirement.id, {})
    db.session.delete(requirement)
