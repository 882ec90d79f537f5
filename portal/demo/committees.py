"""Demo committees: site councils at César Chávez and Oak Grove, built the way their pages build
them, through the committee services: the council and its roster (services.rosters), each
meeting scheduled with its agenda (services.meetings, which gives it its calendar identity, so
the calendar and its feed show it), the agenda posted, attendance taken, a motion opened, the
secretary's record of the votes and the vote closed (services.votes: a motion on the plan
approves the plan of the meeting's year, the only way a plan becomes approved), and minutes
written and approved at a later meeting (services.minutes); and the district's own DELAC, with
its roster and next meeting. Safe to run again (the demo councils and DELAC are replaced).

The planning demo's site council dates at these two schools become the council's later
meetings, so the calendar lists no council meeting that the committee page does not. What the
councils say (rosters, titles, agendas, motions, comments) is in portal/demo/content/."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from portal.demo.content import T
from portal.demo.content.committees import (
    DELAC_AGENDA,
    DELAC_MEETING,
    DELAC_NAME,
    DELAC_PLACE,
    DELAC_PURPOSE,
    DELAC_ROSTER,
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
    CalendarEvent,
    Committee,
    CommitteeMember,
    Feedback,
    Meeting,
    School,
    SchoolPlan,
)
from portal.models.base import utcnow
from portal.services import feedback as feedback_service
from portal.services import meetings, rosters
from portal.services import minutes as minutes_service
from portal.services import votes as votes_service
from portal.services.school_year import current_year

COUNCIL_ACCOUNT = "council@demo.test"  # the demo council member's portal account
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


def _council(school, district, actor) -> tuple[Committee, list[CommitteeMember]]:
    """The school's site council and its members, in roster order, as the roster page adds
    them; the demo council member (Jamal Carter) votes with his portal account."""
    committee = rosters.create_committee(
        school, district, actor, kind="ssc", name=COUNCIL_NAME, purpose=PURPOSE
    )
    members = [
        rosters.add_member(
            committee,
            actor,
            name=name,
            seat=seat,
            officer=officer,
            term_start=TERM[0],
            term_end=TERM[1],
            email=COUNCIL_ACCOUNT if name == "Jamal Carter" and _has_account(school) else "",
            name_public=public,
            parent_of_english_learner=seat == "parent" and name in ENGLISH_LEARNER_PARENTS,
        )
        for (seat, officer, public), name in zip(ROSTER, NAMES, strict=True)
    ]
    db.session.flush()
    return committee, members


def _has_account(school) -> bool:
    """The demo council account sits on César Chávez's council (the school it is assigned to)."""
    return school.slug == "cesar-chavez-elementary"


def _schedule(committee, district, actor, starts_at, agenda=(), **details) -> Meeting:
    """Add a meeting as the committee page does (which gives it its calendar identity), with
    its agenda; `starts_at` is in UTC, typed on the district's clock."""
    local = starts_at.astimezone(ZoneInfo(district.timezone))
    meeting = meetings.add_meeting(
        committee, district, actor, day=local.date(), starts=local.time(), **details
    )
    for title in agenda:
        meetings.add_agenda_item(meeting, district, actor, title)
    db.session.flush()
    return meeting


def _post_agenda(meeting: Meeting, actor, at: datetime) -> None:
    """Post the agenda at `at`, or now if that is still to come (nothing is dated ahead)."""
    meetings.post_agenda(meeting, actor, min(at, utcnow()))


def _decide(meeting, district, actor, members, motion, votes) -> None:
    """At the meeting: the members present (the first of the roster), a motion moved by the
    chair and seconded by a parent, their votes as the secretary records them, and the vote
    closed (which approves the plan of the meeting's year when a motion on it passes)."""
    text, subject = motion
    yes, no, abstain = votes
    present = members[: yes + no + abstain]
    meetings.take_attendance(meeting, actor, [m.id for m in present])
    opened = votes_service.open_motion(
        meeting,
        district,
        actor,
        text=text,
        subject=subject,
        mover_id=members[1].id,
        seconder_id=members[5].id,
    )
    db.session.flush()
    choices = ["yes"] * yes + ["no"] * no + ["abstain"] * abstain
    voted_at = meeting.starts_at + timedelta(minutes=50)
    votes_service.record_votes(
        opened, {m.id: c for m, c in zip(present, choices, strict=True)}, actor, voted_at
    )
    votes_service.close_motion(opened, district, actor, voted_at + timedelta(minutes=10))


def _minutes(meeting: Meeting, actor, approved_at: Meeting | None = None) -> None:
    """The secretary's minutes of a meeting, approved at `approved_at` (a later meeting) or
    left a draft that members who attended can amend."""
    minutes_service.save_minutes(
        meeting,
        actor,
        texts={
            str(item.id): {
                "discussion": f"The council discussed: {item.title['en'].lower()}.",
                "input": PUBLIC_INPUT,
            }
            for item in meeting.agenda
        },
    )
    if approved_at is not None:
        minutes_service.approve_minutes(
            meeting, actor, at_meeting=approved_at, at=approved_at.starts_at + timedelta(hours=1)
        )


def load_committees_demo(district, actor) -> None:
    """Build the two councils and their year; `actor` (the principal) runs their meetings."""
    schools = {
        s.slug: s
        for s in db.session.scalars(select(School).where(School.district_id == district.id))
    }
    for slug, (past, upcoming) in MEETINGS.items():
        school = schools.get(slug)
        if school is None:
            continue
        _replace_council(school)
        planned = _planned_council_dates(school)
        committee, members = _council(school, district, actor)
        place = f"{school.name}, library"
        # Last year's vote on the plan, if any, then this year's decided meeting; the minutes
        # of each are approved at the next meeting (this year's at a follow-up two weeks on).
        decided = []
        for day, title, agenda, text, subject, votes in [
            *([LAST_YEAR[slug]] if slug in LAST_YEAR else []),
            past,
        ]:
            meeting = _schedule(
                committee,
                district,
                actor,
                _at(district, day, 18),
                agenda,
                title=title,
                place=place,
                interpretation=True,
                childcare=True,
            )
            _post_agenda(meeting, actor, _at(district, day - timedelta(days=7), 9))
            _decide(meeting, district, actor, members, (text, subject), votes)
            decided.append(meeting)
        day = past[0] + timedelta(days=14)
        followup = _schedule(
            committee,
            district,
            actor,
            _at(district, day, 18),
            FOLLOW_UP_AGENDA,
            title=FOLLOW_UP,
            place=place,
        )
        _post_agenda(followup, actor, _at(district, day - timedelta(days=7), 9))
        meetings.take_attendance(followup, actor, [m.id for m in members[:8]])
        for meeting, approving in zip(decided, [*decided[1:], followup], strict=True):
            _minutes(meeting, actor, approved_at=approving)
        _minutes(followup, actor)
        day, title, agenda = upcoming
        day = max(day, utcnow().date() + timedelta(days=14))  # always ahead of today
        soon = _schedule(
            committee,
            district,
            actor,
            _at(district, day, 18),
            agenda,
            title=title,
            place=place,
            interpretation=True,
            childcare=True,
        )
        _post_agenda(soon, actor, _at(district, day - timedelta(days=5), 9))
        # The rest of the year's council dates from the planning demo, agendas still to come.
        for values in planned:
            if values["starts_at"] > soon.starts_at + timedelta(days=7):
                _schedule(committee, district, actor, **values)
    db.session.flush()
    _load_delac(district, actor)
    _load_feedback(district, schools, actor)


def _load_delac(district, actor) -> None:
    """The district's own DELAC (no school): its roster and its next meeting, agenda posted;
    the meeting is in the district calendar's feed. Replaced on every run."""
    old = select(Committee.id).where(
        Committee.district_id == district.id,
        Committee.school_id.is_(None),
        Committee.kind == "delac",
    )
    event_ids = list(
        db.session.scalars(
            select(Meeting.event_id).where(
                Meeting.committee_id.in_(old), Meeting.event_id.is_not(None)
            )
        )
    )
    db.session.execute(delete(Committee).where(Committee.id.in_(old)))
    if event_ids:
        db.session.execute(delete(CalendarEvent).where(CalendarEvent.id.in_(event_ids)))
    delac = rosters.create_committee(
        None, district, actor, kind="delac", name=DELAC_NAME, purpose=DELAC_PURPOSE
    )
    for name, seat, officer, el_parent, employee in DELAC_ROSTER:
        rosters.add_member(
            delac,
            actor,
            name=name,
            seat=seat,
            officer=officer,
            term_start=TERM[0],
            term_end=TERM[1],
            name_public=True,
            parent_of_english_learner=el_parent,
            district_employee=employee,
        )
    db.session.flush()
    day = utcnow().date() + timedelta(days=21)
    meeting = _schedule(
        delac,
        district,
        actor,
        _at(district, day, 18),
        DELAC_AGENDA,
        title=DELAC_MEETING,
        place=DELAC_PLACE,
        interpretation=True,
        childcare=True,
    )
    _post_agenda(meeting, actor, _at(district, day - timedelta(days=7), 9))


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
