"""A demo district with a few confidential rows marked, the people who probe it, and a URL for
every rule of the URL map filled from real rows (tests/test_trust_access.py, test_trust_audit.py).

School S is the demo's César Chávez Elementary. Its rows fill every argument, so a route that
names a row names one of S's. The outsiders are a principal and a council member of another
school, who must learn nothing about S's staff pages (404, not 403).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import Role, School, User
from portal.services.accounts import set_roles
from tests.conftest import PASSWORD, _clean, sign_in

SCHOOL = "cesar-chavez-elementary"
# Words planted in rows only their own readers may see; no other response may contain them.
INTERVIEW_MARK = "ZQX-interview-notes-7731"
OBSERVATION_MARK = "ZQX-unshared-observation-4410"
FEEDBACK_MARK = "ZQX-pending-comment-5182"

# Arguments that name a row belonging to one school: a route with one of them (or a school's
# slug under /manage/schools) is school-scoped.
SCHOOL_ROW_ARGS = {
    "committee_id",
    "meeting_id",
    "motion_id",
    "minutes_id",
    "amendment_id",
    "event_id",
    "feedback_id",
    "row_id",
    "document_id",
}


@dataclass
class World:
    values: dict
    emails: dict  # who -> e-mail
    other_school: str
    user_ids: dict = field(default_factory=dict)


def _first(stmt):
    return db.session.scalars(stmt.limit(1)).first()


def _plant(school: School, district_id: int) -> dict:
    """The confidential rows, and the ids of S's rows for the URL arguments."""
    from portal.models import (
        AgendaItem,
        CalendarEvent,
        Committee,
        Feedback,
        Goal,
        Interview,
        InterviewObservation,
        Meeting,
        MeetingDocument,
        MinutesAmendment,
        MinutesVersion,
        Motion,
        SchoolPlan,
    )
    from portal.models.allocation import AllocationScenario, EnrollmentImport, FundingStream
    from portal.models.bulletins import Bulletin
    from portal.models.calendar import EventRequirement
    from portal.models.planning import DistrictGoal
    from portal.models.readiness import ReadinessAssessment
    from portal.models.surveys import Survey, SurveyItem

    committee = _first(select(Committee).where(Committee.school_id == school.id))
    meeting = _first(
        select(Meeting).where(Meeting.committee_id == committee.id).order_by(Meeting.starts_at)
    )
    motion = _first(select(Motion).where(Motion.meeting_id == meeting.id))
    if motion is None:
        motion = _first(
            select(Motion)
            .join(Meeting, Motion.meeting_id == Meeting.id)
            .where(Meeting.committee_id == committee.id)
        )
    minutes = _first(
        select(MinutesVersion)
        .join(Meeting, MinutesVersion.meeting_id == Meeting.id)
        .where(Meeting.committee_id == committee.id)
    )
    amendment = (
        _first(select(MinutesAmendment).where(MinutesAmendment.minutes_id == minutes.id))
        if minutes
        else None
    )
    document = _first(
        select(MeetingDocument)
        .join(Meeting, MeetingDocument.meeting_id == Meeting.id)
        .where(Meeting.committee_id == committee.id)
    )
    event = _first(select(CalendarEvent).where(CalendarEvent.school_id == school.id))
    plan = _first(select(SchoolPlan).where(SchoolPlan.school_id == school.id))
    goal = _first(select(Goal).where(Goal.plan_id == plan.id))
    feedback = Feedback(
        district_id=district_id,
        school_id=school.id,
        target_type="goal",
        target_id=goal.id,
        body=f"Please look at this {FEEDBACK_MARK}",
        author_name="A neighbour",
    )
    db.session.add(feedback)
    assessment = _first(select(ReadinessAssessment).order_by(ReadinessAssessment.id))
    interview = Interview(
        assessment_id=assessment.id,
        interviewee_role="Budget analyst",
        interviewee_name="Confidential Person",
        held_on=date(2026, 10, 1),
        notes=f"Said in confidence: {INTERVIEW_MARK}",
    )
    interview.observations.append(
        InterviewObservation(code="gap", note=OBSERVATION_MARK, shareable=False)
    )
    db.session.add(interview)
    db.session.flush()
    survey = _first(select(Survey).order_by(Survey.id.desc()))
    bulletin = _first(select(Bulletin).where(Bulletin.status == "published"))
    now = datetime.now(UTC)
    return {
        "committee_id": committee.id,
        "meeting_id": meeting.id,
        "motion_id": motion.id if motion else 999_999,
        "minutes_id": minutes.id if minutes else 999_999,
        "amendment_id": amendment.id if amendment else 999_999,
        "document_id": document.id if document else 999_999,
        "event_id": event.id,
        "feedback_id": feedback.id,
        "row_id": goal.id,
        "kind": "goal",
        "school_slug": school.slug,
        "assessment_id": assessment.id,
        "assessment_slug": assessment.slug,
        "interview_id": interview.id,
        "survey_id": survey.id,
        "survey_slug": survey.slug,
        "item_id": _first(select(SurveyItem.id).where(SurveyItem.survey_id == survey.id)),
        "bulletin_id": bulletin.id,
        "bulletin_slug": bulletin.slug,
        "scenario_id": _first(select(AllocationScenario.id)) or 999_999,
        "import_id": _first(select(EnrollmentImport.id)) or 999_999,
        "stream_id": _first(select(FundingStream.id)) or 999_999,
        "requirement_id": _first(select(EventRequirement.id)) or 999_999,
        "planning_item_id": _first(select(DistrictGoal.id)) or 999_999,
        "agenda_item_id": _first(select(AgendaItem.id)),
        "year": now.year,
        "month": now.month,
        "number": 1,
        "session_id": 999_999,
        "code": "nothing",
        "lang": "es",
        "token": "not-a-real-token",
        "digest": "0" * 12,
        "size": "640",
        "filename": "app.css",
    }


def _person(email: str, roles: list[str], school_ids: list[int]) -> int:
    user = User(email=email, name=email.split("@")[0], is_active=True)
    user.set_password(PASSWORD)
    set_roles(user, roles, school_ids)
    db.session.add(user)
    db.session.flush()
    return user.id


def build_world(app) -> World:
    """Empty the database, load the demo, plant the confidential rows and the outsiders."""
    from portal.demo import demo_email

    _clean(app)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        school = db.session.scalars(select(School).where(School.slug == SCHOOL)).one()
        other = db.session.scalars(
            select(School)
            .where(School.slug.not_in([SCHOOL, "oak-grove-elementary"]))
            .order_by(School.slug)
        ).first()
        values = _plant(school, school.district_id)
        emails, ids = {}, {}
        for role in Role:
            user = db.session.scalars(select(User).where(User.email == demo_email(role))).one()
            user.set_password(PASSWORD)  # the demo's short password may not pass sign-in rules
            emails[role.value], ids[role.value] = user.email, user.id
        emails["outsider-principal"] = "outsider-principal@example.test"
        ids["outsider-principal"] = _person(emails["outsider-principal"], ["principal"], [other.id])
        emails["outsider-council"] = "outsider-council@example.test"
        ids["outsider-council"] = _person(emails["outsider-council"], ["council"], [other.id])
        emails["inactive"] = "inactive@example.test"
        ids["inactive"] = _person(emails["inactive"], ["district"], [])
        values["user_id"] = ids["principal"]
        db.session.commit()
        world = World(values=values, emails=emails, other_school=other.slug, user_ids=ids)
        db.session.remove()
    return world


def signed_in(app, world: World, who: str):
    """A test client signed in as `who` (a role's value, or "outsider-principal"...)."""
    client = app.test_client()
    response = sign_in(client, world.emails[who])
    assert response.status_code == 303, (who, response.status_code)
    return client


def url_for_rule(rule, world: World) -> str:
    """The rule's URL with every argument filled from S's rows (a made-up value where the demo
    has no row: the route then answers 404 to those allowed in)."""
    values = world.values
    built = {}
    for arg in rule.arguments:
        if arg == "slug":
            prefix = rule.endpoint.split(".")[0]
            kind = {"bulletins": "bulletin", "surveys": "survey", "readiness": "assessment"}.get(
                prefix, "school"
            )
            built[arg] = values[f"{kind}_slug"]
        elif arg == "item_id" and rule.endpoint.startswith("plans."):
            built[arg] = values["planning_item_id"]
        elif arg == "kind" and rule.endpoint in ("plans.add_planning_item",):
            built[arg] = "goal"
        else:
            built[arg] = values.get(arg, 1)
    return rule.build(built, append_unknown=False)[1]


def is_school_scoped(rule) -> bool:
    """A staff route about one school's rows (S's, as the URLs are built)."""
    if rule.rule.startswith("/manage/schools/<slug>"):
        return True
    return bool(SCHOOL_ROW_ARGS & set(rule.arguments))
