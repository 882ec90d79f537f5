"""Demo committees: site councils at César Chávez and Oak Grove, built the way their pages build
them. Each meeting is scheduled with `schedule_meeting` (so the calendar and its feed show it),
its agenda is posted, attendance is taken, votes are recorded and closed by `close_motion`
(a motion on the plan approves it, the only way a plan becomes approved), and minutes are
approved at a later meeting. Safe to run again (the demo councils are replaced).

The planning demo's site council dates at these two schools become the council's later
meetings, so the calendar lists no council meeting that the committee page does not. What the
councils say (rosters, titles, agendas, motions, comments) is in portal/demo/content/."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from portal.demo.content import T
from portal.demo.content.committees import (
    ENGLISH_LEARNER_PARENTS,
    FEEDBACK,
    FOLLOW_UP,
    FOLLOW_UP_AGENDA,
    LAST_YEAR,
    MEETINGS,
    NAMES,
    PUBLIC_INPUT,
    PURPOSE,
    ROSTER,
    TERM,
)
from portal.extensions import db
from portal.models import (
    AgendaItem,
    CalendarEvent,
    Committee,
    CommitteeMember,
    Feedback,
    Meeting,
    MinutesVersion,
    Motion,
    MotionVote,
    School,
    SchoolPlan,
    SchoolYear,
    User,
)
from portal.models.base import utcnow
from portal.services import feedback as feedback_service
from portal.services.committee_record import close_motion, schedule_meeting
from portal.services.committees import decide
from portal.services.school_year import current_year

COUNCIL_NAME = T(
    "School Site Council", "Consejo Escolar", "学校管理委员会", "Hội đồng Trường", "المجلس المدرسي"
)


def _at(district, day: date, hour: int) -> datetime:
    """`hour` o'clock on `day` in the district, in UTC (6 pm stays 6 pm across DST)."""
    return datetime(
        day.year, day.month, day.day, hour, tzinfo=ZoneInfo(district.timezone)
    ).astimezone(UTC)


def _replace_council(school) -> None:
    """Remove the school's demo council with its meetings' calendar rows."""
    event_ids = list(
        db.session.scalars(
            select(Meeting.event_id)
            .join(Committee, Committee.id == Meeting.committee_id)
            .where(
                Committee.school_id == school.id,
                Committee.kind == "ssc",
                Meeting.event_id.is_not(None),
            )
        )
    )
    db.session.execute(
        delete(Committee).where(Committee.school_id == school.id, Committee.kind == "ssc")
    )
    if event_ids:
        db.session.execute(delete(CalendarEvent).where(CalendarEvent.id.in_(event_ids)))


def _planned_council_dates(school) -> list[dict]:
    """The planning demo's site council dates at this school, taken out of the calendar: from
    now on the council's meetings are Meeting rows."""
    rows = list(
        db.session.scalars(
            select(CalendarEvent).where(
                CalendarEvent.school_id == school.id,
                CalendarEvent.kind == "site_council",
                CalendarEvent.uid.like(f"demo-{school.slug}-%"),
            )
        )
    )
    planned = [
        {
            "title": dict(row.title),
            "starts_at": row.starts_at,
            "place": row.place,
            "interpretation": row.interpretation,
            "childcare": row.childcare,
        }
        for row in rows
    ]
    for row in rows:
        db.session.delete(row)
    return planned


def _council(school, council_user) -> Committee:
    committee = Committee(
        school_id=school.id, kind="ssc", source_locale="en", name=COUNCIL_NAME, purpose=PURPOSE
    )
    for (seat, officer, public), name in zip(ROSTER, NAMES, strict=True):
        member = CommitteeMember(
            name=name,
            seat=seat,
            officer=officer,
            name_public=public,
            term_start=TERM[0],
            term_end=TERM[1],
            parent_of_english_learner=seat == "parent" and name in ENGLISH_LEARNER_PARENTS,
        )
        if name == "Jamal Carter" and council_user is not None:
            member.user_id = council_user.id
        committee.members.append(member)
    db.session.add(committee)
    db.session.flush()
    return committee


def _schedule(committee, district, phase=None, **values) -> Meeting:
    """Add a meeting as the committee page does: the meeting row, then its calendar identity."""
    agenda = values.pop("agenda", [])
    meeting = Meeting(source_locale="en", **values)
    meeting.agenda = [
        AgendaItem(title=t, position=i, source_locale="en") for i, t in enumerate(agenda)
    ]
    committee.meetings.append(meeting)
    db.session.flush()
    schedule_meeting(meeting, district, phase)
    return meeting


def _post_agenda(meeting: Meeting, at: datetime) -> None:
    """Post the agenda at `at`, or now if that is still to come (a record is never dated in the
    future)."""
    # TODO(shape): committees.post_agenda(meeting, actor) / Meeting.post_agenda(at)
    meeting.agenda_posted_at = min(at, utcnow())


def _attend(meeting: Meeting, members) -> None:
    # TODO(shape): committees.take_attendance(meeting, ids, actor) / Meeting.take_attendance
    meeting.present_member_ids = sorted(m.id for m in members)


def _decide(meeting, district, actor, text, subject, votes) -> Motion:
    """Move, second, vote (the members present, in roster order) and close a motion at its
    meeting; closing it is `close_motion`'s, as on the meeting page."""
    members = meeting.committee.members
    yes, no, abstain = votes
    motion = Motion(
        text=text,
        subject=subject,
        mover_id=members[1].id,
        seconder_id=members[5].id,
        status="open",
        source_locale="en",
    )
    meeting.motions.append(motion)
    voted_at = meeting.starts_at + timedelta(minutes=50)
    choices = ["yes"] * yes + ["no"] * no + ["abstain"] * abstain
    # TODO(shape): committees.record_vote(motion, member, choice, actor) / Motion.record_vote
    motion.votes = [
        MotionVote(member_id=m.id, choice=c, recorded_at=voted_at)
        for m, c in zip(members, choices, strict=False)
    ]
    db.session.flush()
    day = meeting.starts_at.astimezone(ZoneInfo(district.timezone)).date()
    if day >= current_year(district.id).starts_on:
        close_motion(motion, district, actor)
    else:
        # TODO(shape): committee_record.close_motion approves the *current* year's plan; a vote
        # at a meeting of an earlier school year must approve that year's (as here).
        _close_in_its_year(motion, day)
    # TODO(shape): close_motion(..., at=): the vote closed at the meeting, not when loaded.
    motion.closed_at = voted_at + timedelta(minutes=10)
    return motion


def _close_in_its_year(motion: Motion, day: date) -> None:
    """What close_motion does, for a meeting of an earlier year: the outcome from the votes of
    the members present, and the plan of the meeting's own year approved if it passed."""
    committee = motion.meeting.committee
    seated = [m for m in committee.members if m.seated_on(day)]
    present = {m.id for m in seated if m.id in motion.meeting.present_ids}
    counted = [v.choice for v in motion.votes if v.member_id in present]
    outcome = decide(counted, len(present), len(seated), committee.quorum_percent)
    # TODO(shape): Motion.close(outcome, at)
    motion.status, motion.passed = "closed", outcome.passed
    motion.outcome_reason, motion.tally = outcome.reason, outcome.tally
    plan = db.session.scalars(
        select(SchoolPlan)
        .join(SchoolYear, SchoolYear.id == SchoolPlan.school_year_id)
        .where(
            SchoolPlan.school_id == committee.school_id,
            SchoolYear.starts_on <= day,
            SchoolYear.ends_on >= day,
        )
    ).first()
    if outcome.passed and motion.subject in ("plan", "budget") and plan is not None:
        plan.approve(motion, day)


def _minutes(meeting: Meeting, approved_at: Meeting | None = None) -> MinutesVersion:
    """The secretary's minutes of a meeting, approved at `approved_at` (a later meeting) or
    still a draft."""
    sections = {
        str(item.id): {
            "discussion": f"The council discussed: {item.title['en'].lower()}.",
            "input": PUBLIC_INPUT,
        }
        for item in meeting.agenda
    }
    minutes = MinutesVersion(meeting_id=meeting.id, version=1, status="draft", locale="en")
    minutes.sections = sections  # TODO(shape): MinutesVersion.write(sections)
    minutes.search_text = " ".join(s["discussion"] for s in sections.values()).lower()
    db.session.add(minutes)
    if approved_at is not None:
        # TODO(shape): committees.approve_minutes / MinutesVersion.approve(at_meeting, at, ...)
        minutes.status, minutes.approved_at = "approved", approved_at.starts_at
        minutes.approved_at_meeting_id = approved_at.id
        minutes.attendance = [
            {"name": m.name if m.name_public else "", "seat": m.seat}
            for m in meeting.committee.members
            if m.id in meeting.present_ids
        ]
    return minutes


def load_committees_demo(district, actor) -> None:
    """Build the two councils and their year; `actor` (the principal) runs their meetings."""
    schools = {
        s.slug: s
        for s in db.session.scalars(select(School).where(School.district_id == district.id))
    }
    council_user = db.session.scalars(select(User).where(User.email == "council@demo.test")).first()
    for slug, (past, upcoming) in MEETINGS.items():
        school = schools.get(slug)
        if school is None:
            continue
        _replace_council(school)
        planned = _planned_council_dates(school)
        committee = _council(school, council_user if slug == "cesar-chavez-elementary" else None)
        place = f"{school.name}, library"
        decided = []  # (meeting, the meeting that approves its minutes is the next one)
        # Last year's vote on the plan (no phase dates then: it was the decide phase), then
        # this year's decided meeting.
        held = [(LAST_YEAR[slug], "decide")] if slug in LAST_YEAR else []
        for (day, title, agenda, text, subject, votes), phase in [*held, (past, None)]:
            meeting = _schedule(
                committee,
                district,
                phase,
                title=title,
                starts_at=_at(district, day, 18),
                place=place,
                interpretation=True,
                childcare=True,
                agenda=agenda,
            )
            _post_agenda(meeting, _at(district, day - timedelta(days=7), 9))
            _attend(meeting, committee.members[: sum(votes)])
            _decide(meeting, district, actor, text, subject, votes)
            decided.append(meeting)
        # Two weeks after this year's decided meeting the council met again for its minutes.
        day = past[0] + timedelta(days=14)
        followup = _schedule(
            committee,
            district,
            title=FOLLOW_UP,
            starts_at=_at(district, day, 18),
            place=place,
            agenda=FOLLOW_UP_AGENDA,
        )
        _post_agenda(followup, _at(district, day - timedelta(days=7), 9))
        _attend(followup, committee.members[:8])
        for meeting, approving in zip(decided, [*decided[1:], followup], strict=True):
            _minutes(meeting, approved_at=approving)
        # The follow-up's own minutes are still a draft: members who attended can amend them.
        _minutes(followup)
        day, title, agenda = upcoming
        day = max(day, utcnow().date() + timedelta(days=14))  # always ahead of today
        soon = _schedule(
            committee,
            district,
            title=title,
            starts_at=_at(district, day, 18),
            place=place,
            interpretation=True,
            childcare=True,
            agenda=agenda,
        )
        _post_agenda(soon, _at(district, day - timedelta(days=5), 9))
        # The rest of the year's council dates from the planning demo, agendas still to come.
        for values in planned:
            if values["starts_at"] > soon.starts_at + timedelta(days=7):
                _schedule(committee, district, **values)
    db.session.flush()
    _load_feedback(district, schools, actor)


def _load_feedback(district, schools, actor) -> None:
    """Comments families left on the plans, published and answered by the school."""
    for slug, position, body, locale, name, status, answer, changed in FEEDBACK:
        school = schools.get(slug)
        year = current_year(district.id)
        plan = db.session.scalars(
            select(SchoolPlan).where(
                SchoolPlan.school_id == school.id, SchoolPlan.school_year_id == year.id
            )
        ).first()
        if plan is None or len(plan.goals) <= position:
            continue
        db.session.execute(
            delete(Feedback).where(Feedback.school_id == school.id, Feedback.body == body)
        )
        comment = feedback_service.leave_feedback(
            "goal", plan.goals[position].id, body, name, locale, district
        )
        db.session.flush()
        if comment.visibility == "pending":
            feedback_service.approve(comment, actor)
        feedback_service.answer(comment, actor, status, answer, changed)
    db.session.flush()
