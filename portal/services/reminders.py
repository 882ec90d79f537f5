"""Reminders (`flask send-reminders`, from cron, hourly): a meeting's reminder to the followers of
its school and to the committee's members, MEETING_REMINDER_HOURS before it (24: the day before,
at the same local hour); a district-calendar deadline's reminder to the principals of each school
that has not met it yet, DEADLINE_REMINDER_DAYS before it (7, at 08:00 local); and, once a
deadline has passed, "behind schedule" to district staff for each school that missed it.

Times are worked out in the district's zone (zoneinfo: wall-clock arithmetic, so "the day
before at 18:00" stays 18:00 across a daylight-saving change) and compared in UTC. Each reminder
is a notice whose key names the event and its time (a moved meeting is reminded again), so a
second run, or two runs at once, tell no one twice: each reminder is its own transaction, and
when another run got there first the unique keys refuse the copy, which is rolled back and
announced again, finding everyone already told."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import District, Meeting, School, SchoolYear
from portal.models.base import utcnow
from portal.models.calendar import EventKind
from portal.models.committees import Committee
from portal.services.staff_notices import StaffKind

DEADLINE_HOUR = 8  # deadline reminders go at 08:00 in the district's zone


@dataclass
class Deadline:
    """One school's deadline: a required kind of event (`requirement_id`), or the plan (None)."""

    school: School
    requirement_id: int | None
    kind: str  # an EventKind, or "plan"
    due_on: date
    zone: str

    @property
    def ends_at(self) -> datetime:
        """The end of the due day, in UTC (the deadline is that day, in the district's zone)."""
        local = datetime.combine(self.due_on, time(23, 59), ZoneInfo(self.zone))
        return local.astimezone(ZoneInfo("UTC"))

    @property
    def what(self) -> str:
        return f"r{self.requirement_id}" if self.requirement_id else "plan"


def _path(endpoint: str, **values) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _draft(**values):
    from portal.services.notices import Draft

    return Draft(**values)


def _deadline_title(deadline: Deadline) -> dict:
    """ "Maple Elementary: Site council meeting" in every language (the words are ours)."""
    titles = {}
    for code in LANGUAGES:
        with force_locale(code):
            if deadline.kind == "plan":
                what = _("the plan, sent to the district")
            else:
                what = str(EventKind(deadline.kind).label)
            titles[code] = _("%(school)s: %(what)s", school=deadline.school.name, what=what)
    return titles


def _deadline(deadline: Deadline, kind: str):
    school = deadline.school
    if kind == StaffKind.DEADLINE_REMINDER:
        path = _path("calendar.manage_school", slug=school.slug)
    else:
        path = _path("calendar.dashboard")
    return _draft(
        district_id=school.district_id,
        key=f"{kind}:{school.id}:{deadline.what}:{deadline.due_on.isoformat()}",
        title=_deadline_title(deadline),
        source_locale="en",
        path=path,
        school_ids=[school.id],
        starts_at=deadline.ends_at,
    )


def _meeting_reminder(meeting: Meeting):
    from portal.services.notices import _meeting

    draft = _meeting(meeting, StaffKind.MEETING_REMINDER)
    draft.key = f"{StaffKind.MEETING_REMINDER}:{meeting.id}:{meeting.starts_at:%Y%m%dT%H%MZ}"
    return draft


DESCRIBERS = {
    StaffKind.MEETING_REMINDER: _meeting_reminder,
    StaffKind.DEADLINE_REMINDER: lambda d: _deadline(d, StaffKind.DEADLINE_REMINDER),
    StaffKind.SCHOOL_BEHIND: lambda d: _deadline(d, StaffKind.SCHOOL_BEHIND),
}


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def meeting_reminder_at(starts_at: datetime, zone: str, hours: int) -> datetime:
    """When a meeting's reminder is due, in UTC: `hours` before it on the district's clock
    (24 hours before 18:00 on the Monday is 18:00 on the Sunday, even when the clocks changed
    in between and the real gap is 23 or 25 hours)."""
    local = starts_at.astimezone(ZoneInfo(zone))
    # Same-zone arithmetic in Python is wall-clock arithmetic; the offset is the new day's.
    return (local - timedelta(hours=hours)).astimezone(ZoneInfo("UTC"))


def deadline_reminder_at(due_on: date, zone: str, days: int) -> datetime:
    local = datetime.combine(due_on - timedelta(days=days), time(DEADLINE_HOUR), ZoneInfo(zone))
    return local.astimezone(ZoneInfo("UTC"))


def due_meetings(now: datetime) -> list[Meeting]:
    """Meetings still ahead whose reminder time has come."""
    hours = _setting("MEETING_REMINDER_HOURS", 24)
    # A day's slack on the window covers any offset change; the exact test is below.
    rows = db.session.execute(
        select(Meeting, District.timezone)
        .join(Committee, Committee.id == Meeting.committee_id)
        .join(District, District.id == Committee.district_id)
        .where(Meeting.starts_at > now, Meeting.starts_at <= now + timedelta(hours=hours + 24))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    return [m for m, zone in rows if meeting_reminder_at(m.starts_at, zone, hours) <= now]


def due_deadlines(now: datetime) -> list[tuple[str, Deadline]]:
    """(kind, deadline): reminders to schools that have not met a deadline a week away, and
    "behind" for those that missed one (each school's dates, as the calendar dashboard has
    them)."""
    from portal.services.plan_review import plan_behind
    from portal.services.school_calendar import dashboard

    days = _setting("DEADLINE_REMINDER_DAYS", 7)
    found = []
    for district in db.session.scalars(select(District).order_by(District.id)):
        year = db.session.scalars(
            select(SchoolYear).where(
                SchoolYear.district_id == district.id, SchoolYear.is_current.is_(True)
            )
        ).first()
        if year is None:
            continue
        today = now.astimezone(ZoneInfo(district.timezone)).date()
        for row in dashboard(district, year.id, today):
            deadlines = [
                (
                    Deadline(
                        row.school,
                        c.requirement.id,
                        c.requirement.kind,
                        c.requirement.due_on,
                        district.timezone,
                    ),
                    c.met,
                )
                for c in row.checks
            ]
            if row.plan_due_on is not None:
                # Checked as on a day after any due date: is the plan with the district?
                done = not plan_behind(row.plan, date.min, date.max)
                deadlines.append(
                    (Deadline(row.school, None, "plan", row.plan_due_on, district.timezone), done)
                )
            for deadline, met in deadlines:
                if met:
                    continue
                if today > deadline.due_on:
                    if (today - deadline.due_on).days <= days:  # not last spring's, again
                        found.append((StaffKind.SCHOOL_BEHIND, deadline))
                elif deadline_reminder_at(deadline.due_on, district.timezone, days) <= now:
                    found.append((StaffKind.DEADLINE_REMINDER, deadline))
    return found


def _announce_once(kind: str, target) -> bool:
    """Announce in a transaction of its own; when another run holds or made the same notice,
    roll back and announce again (which then tells no one new). True if this run made it."""
    from portal.models.notices import Notice
    from portal.services.notices import announce

    for attempt in range(5):
        try:
            before = db.session.scalars(select(Notice.id).order_by(Notice.id.desc())).first()
            notice = announce(kind, target)
            made = notice is not None and (before is None or notice.id > before)
            db.session.commit()
            return made
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == 4:
                raise
    return False


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Queue every reminder that is due; returns how many new ones of each kind. Commits."""
    now = now or utcnow()
    counts = {StaffKind.MEETING_REMINDER: 0, StaffKind.DEADLINE_REMINDER: 0}
    counts[StaffKind.SCHOOL_BEHIND] = 0
    work = [(StaffKind.MEETING_REMINDER, m) for m in due_meetings(now)] + due_deadlines(now)
    db.session.commit()  # end the reading transaction: each reminder starts afresh
    for kind, target in work:
        counts[kind] += _announce_once(kind, target)
    return {str(kind): count for kind, count in counts.items()}
