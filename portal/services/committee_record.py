"""The committee record as pages read it: the roster against the composition rules, the agenda
posting rule, a meeting's calendar identity, the signature page of an approved plan, and a
member's desk. The workflows that write the record are in services/rosters.py, meetings.py,
votes.py and minutes.py."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import CalendarEvent, Committee, Meeting, Motion, SchoolYear
from portal.models.base import utcnow
from portal.models.committees import CommitteeKind, MotionStatus, Officer, Seat
from portal.services import committees as rules
from portal.services.school_year import current_year


def roster_now(committee, district) -> tuple[list, list[str]]:
    """The members seated today (in the district's time zone) and what their roster lacks
    under the composition rules."""
    today = datetime.now(ZoneInfo(district.timezone)).date()
    current = [m for m in committee.members if m.seated_on(today)]
    problems = rules.composition_problems(
        committee.kind,
        [(m.seat, m.parent_of_english_learner, m.district_employee) for m in current],
        english_learner_share(district.id, committee.school_id),
    )
    return current, problems


def year_of(district, day):
    """The district's school year that `day` falls in; the current one for a day in none."""
    return db.session.scalars(
        select(SchoolYear).where(
            SchoolYear.district_id == district.id,
            SchoolYear.starts_on <= day,
            SchoolYear.ends_on >= day,
        )
    ).first() or current_year(district.id)


def schedule_meeting(meeting: Meeting, district, phase: str | None = None) -> None:
    """Give a meeting (new or changed) its calendar identity: a CalendarEvent row whose UID stays
    and whose SEQUENCE goes up on every change, so a subscribed phone moves the meeting instead
    of adding a second one. The calendar reads the title, time and place from the meeting
    itself (services.school_calendar.MeetingEntry); the copies here are for the record only.
    `phase` is the phase a sample agenda was written for, used where no phase dates are set."""
    from portal.services import school_calendar as cal

    committee = meeting.committee
    day = meeting.starts_at.astimezone(ZoneInfo(district.timezone)).date()
    year = year_of(district, day)
    if year is None:
        return
    derived = cal.phase_on(cal.phase_windows(year.id, committee.school_id), day)
    event = db.session.get(CalendarEvent, meeting.event_id) if meeting.event_id else None
    if event is None:
        event = CalendarEvent(district_id=district.id, source_locale=meeting.source_locale)
        db.session.add(event)
    else:
        event.sequence = (event.sequence or 0) + 1
    event.school_year_id = year.id
    event.school_id = committee.school_id
    event.kind = cal.meeting_kind(committee.kind)
    event.committee = committee.kind
    event.phase = derived.value if derived else (phase or event.phase or "reflect")
    event.title = dict(meeting.title or {})
    event.starts_at, event.ends_at = meeting.starts_at, None
    event.place = meeting.place or ""
    event.interpretation, event.childcare = meeting.interpretation, meeting.childcare
    db.session.flush()
    meeting.event_id = event.id


def posting_deadline(meeting):
    """The latest time the agenda may be posted (the district's notice before the meeting)."""
    hours = meeting.committee.district.agenda_notice_hours or 72
    return meeting.starts_at - timedelta(hours=hours)


def signature_page(school) -> dict | None:
    """What the approved plan's signature page shows: the site council's latest motion on the
    plan or budget that passed, the council, its chair, the principal, and the ELAC and its
    chair when the ELAC met before the vote (its advice was sought). None with no such motion."""
    motion = db.session.scalars(
        select(Motion)
        .join(Meeting, Meeting.id == Motion.meeting_id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(
            Committee.school_id == school.id,
            Committee.kind == CommitteeKind.SSC,
            Motion.subject.in_(("plan", "budget")),
            Motion.passed.is_(True),
        )
        .order_by(Motion.closed_at.desc())
    ).first()
    if motion is None:
        return None
    council = motion.meeting.committee
    elac = db.session.scalars(
        select(Committee).where(
            Committee.school_id == school.id, Committee.kind == CommitteeKind.ELAC
        )
    ).first()
    consulted = elac is not None and any(
        m.starts_at <= motion.meeting.starts_at for m in elac.meetings
    )
    return {
        "motion": motion,
        "council": council,
        "chair": _officer(council, Officer.CHAIR),
        "principal": next((m for m in council.members if m.seat == Seat.PRINCIPAL), None),
        "elac": elac if consulted else None,
        "elac_chair": _officer(elac, Officer.CHAIR) if consulted else None,
    }


def _officer(committee, office: Officer):
    return next((m for m in committee.members if m.officer == office), None)


def english_learner_share(district_id: int, school_id: int | None) -> float:
    """The share of the school's students (every school's in the district, for a district
    committee: `school_id` None) who are English learners this year, for the ELAC composition
    rule; 0 when enrollment is not known."""
    from portal.models import Enrollment, School

    year = current_year(district_id)
    if year is None:
        return 0.0
    statement = (
        select(Enrollment.group_key, func.sum(Enrollment.pupils))
        .join(School, School.id == Enrollment.school_id)
        .where(School.district_id == district_id, Enrollment.school_year_id == year.id)
        .group_by(Enrollment.group_key)
    )
    if school_id is not None:
        statement = statement.where(Enrollment.school_id == school_id)
    counts = dict(db.session.execute(statement).all())
    return counts.get("el", 0) / counts["all"] if counts.get("all") else 0.0


@dataclass(frozen=True)
class MemberDesk:
    """What a committee member needs on their workspace: their seats, the next meetings, the
    votes open now (with their own vote, if cast), and drafts of minutes of meetings they
    attended, waiting for their amendments."""

    seats: list
    next_meetings: list
    open_votes: list  # (motion, their current choice or None, may vote now)
    drafts: list  # (meeting, minutes draft, amendments they already proposed)

    def __bool__(self) -> bool:
        return bool(self.seats)


def member_desk(user_id: int, district, upcoming: int = 3) -> MemberDesk:
    """The member's desk across every committee they sit on in the district, in a fixed
    number of queries."""
    from portal.models import Committee, CommitteeMember, MinutesVersion, School

    today = datetime.now(ZoneInfo(district.timezone)).date()
    seats = [
        seat
        for seat in db.session.scalars(
            select(CommitteeMember)
            .join(Committee, Committee.id == CommitteeMember.committee_id)
            .outerjoin(School, School.id == Committee.school_id)
            .options(selectinload(CommitteeMember.committee).selectinload(Committee.school))
            .where(CommitteeMember.user_id == user_id, Committee.district_id == district.id)
            # The district's own committees first (no school), then by school.
            .order_by(School.name.is_not(None), School.name, Committee.id)
        )
        if seat.term_end is None or seat.term_end >= today
    ]
    if not seats:
        return MemberDesk([], [], [], [])
    by_committee = {seat.committee_id: seat for seat in seats}
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .options(selectinload(Meeting.motions).selectinload(Motion.votes))
            .where(Meeting.committee_id.in_(by_committee))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    now = utcnow()
    open_votes = []
    for meeting in meetings:
        seat = by_committee[meeting.committee_id]
        for motion in meeting.motions:
            if motion.status == MotionStatus.OPEN:
                mine = next((v.choice for v in motion.votes if v.member_id == seat.id), None)
                open_votes.append((motion, mine, seat.id in meeting.present_ids))
    attended = {m.id: m for m in meetings if by_committee[m.committee_id].id in m.present_ids}
    drafts = []
    if attended:
        versions = db.session.scalars(
            select(MinutesVersion)
            .options(selectinload(MinutesVersion.amendments))
            .where(MinutesVersion.meeting_id.in_(attended))
            .order_by(MinutesVersion.meeting_id, MinutesVersion.version.desc())
        )
        newest = {}
        for version in versions:
            newest.setdefault(version.meeting_id, version)
        for meeting_id, version in newest.items():
            if version.is_draft:
                seat = by_committee[attended[meeting_id].committee_id]
                mine = [a for a in version.amendments if a.member_id == seat.id]
                drafts.append((attended[meeting_id], version, mine))
        drafts.sort(key=lambda row: row[0].starts_at)
    return MemberDesk(
        seats=seats,
        next_meetings=[m for m in meetings if m.starts_at >= now][:upcoming],
        open_votes=open_votes,
        drafts=drafts,
    )
