"""Every HTML page of the portal, with real arguments taken from a loaded demo district.

The list is built from the URL map, so a new route is picked up by the layout checks and the
screenshot harness without anyone remembering to add it: a GET route whose arguments this module
cannot fill, and that is not listed in NOT_PAGES with a reason, fails `pages_for()` loudly.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from portal.extensions import db

# GET routes that are not pages a person reads at 360 px, and why.
NOT_PAGES = {
    "static": "files",
    "public.healthz": "JSON for the load balancer",
    "public.favicon": "an icon",
    "bulletins.short_bulletin": "a redirect",
    "bulletins.short_survey": "a redirect",
    "bulletins.short_school": "a redirect",
    "bulletins.feed": "Atom XML",
    "bulletins.picture": "an image",
    "bulletins.show_pdf": "a PDF (checked by the PDF tests)",
    "bulletins.monthly_packet": "a PDF",
    "bulletins.sms_csv": "CSV",
    "calendar.district_ics": "iCalendar",
    "calendar.school_ics": "iCalendar",
    "committees.document": "an uploaded file",
    "committees.signature_page": "a PDF",
    "committees.tally": "an htmx fragment polled by the meeting page",
    "plans.school_plan_pdf": "a PDF",
    "plans.plan_version_pdf": "a PDF",
    "allocation.calculator": "a spreadsheet",
    "allocation.budget_export": "a spreadsheet (checked by tests/test_budget_sheet.py)",
    "notices.meeting_ics": "iCalendar",
    "surveys.paper": "a PDF",
    "surveys.manage_packet_pdf": "a PDF (a packet of paper forms)",
    "surveys.manage_export": "CSV",
    "readiness.report_pdf": "a PDF",
    "surveys.thanks": "shown only after answering (needs the receipt)",
    "manage.import_template": "CSV",
    "auth.two_step": "the second step of signing in, after a password (checked at 360 px by "
    "tests/browser/test_trust_two_factor.py)",
}


@dataclass(frozen=True)
class Page:
    name: str  # for file names: "schools-cesar-chavez-elementary-budget"
    path: str


def _first(stmt):
    return db.session.scalars(stmt.limit(1)).first()


def _versioned_school() -> str | None:
    """The slug of a school whose plan has an approved version (the demo's Oak Grove)."""
    from portal.models import PlanVersion, School, SchoolPlan

    return _first(
        select(School.slug)
        .join(SchoolPlan, SchoolPlan.school_id == School.id)
        .join(PlanVersion, PlanVersion.plan_id == SchoolPlan.id)
        .order_by(School.slug)
    )


def _public_goal():
    from portal.models.planning import Goal, PlanStatus, SchoolPlan

    return _first(
        select(Goal)
        .join(SchoolPlan, Goal.plan_id == SchoolPlan.id)
        .where(SchoolPlan.status != PlanStatus.DRAFT.value)
        .order_by(Goal.id)
    )


def _samples() -> dict[str, list]:
    """Argument values by argument name, from the demo district (call in an app context)."""
    from portal.models import School
    from portal.models.allocation import AllocationScenario
    from portal.models.bulletins import Bulletin
    from portal.models.calendar import CalendarEvent
    from portal.models.committees import Committee, Meeting, MinutesVersion, Motion
    from portal.models.feedback import Feedback
    from portal.models.readiness import Interview, ReadinessAssessment
    from portal.models.staffing import BaseProgramRule, StaffRole
    from portal.models.surveys import Survey, SurveyItem

    now = datetime.now(UTC)
    school = _first(select(School).where(School.slug == "cesar-chavez-elementary")) or _first(
        select(School).order_by(School.id)
    )
    past = _first(select(Meeting).where(Meeting.starts_at < now).order_by(Meeting.starts_at))
    upcoming = _first(select(Meeting).where(Meeting.starts_at >= now).order_by(Meeting.starts_at))
    with_minutes = _first(select(MinutesVersion.meeting_id))
    # A district committee (the demo's DELAC) has its own pages' breadcrumbs and calendar.
    first_committee = _first(select(Committee).order_by(Committee.id))
    district_committee = _first(select(Committee).where(Committee.school_id.is_(None)))
    district_meetings = district_committee.meetings if district_committee else []
    district_meeting = district_meetings[0].id if district_meetings else None
    survey = _first(select(Survey).order_by(Survey.id.desc()))
    assessment = _first(select(ReadinessAssessment).order_by(ReadinessAssessment.id))
    bulletin = _first(select(Bulletin).where(Bulletin.status == "published").order_by(Bulletin.id))
    return {
        "school_slug": [school.slug] if school else [],
        "committee_id": sorted({c.id for c in (first_committee, district_committee) if c}),
        "meeting_id": sorted(
            {m.id for m in (past, upcoming) if m} | {with_minutes, district_meeting} - {None}
        ),
        "motion_id": [m.id for m in [_first(select(Motion).order_by(Motion.id))] if m],
        "bulletin_slug": [bulletin.slug] if bulletin else [],
        "bulletin_id": [bulletin.id] if bulletin else [],
        "event_id": [e.id for e in [_first(select(CalendarEvent).order_by(CalendarEvent.id))] if e],
        "scenario_id": [
            s.id for s in [_first(select(AllocationScenario).order_by(AllocationScenario.id))] if s
        ],
        "assessment_id": [assessment.id] if assessment else [],
        "assessment_slug": [assessment.slug] if assessment else [],
        "interview_id": [i.id for i in [_first(select(Interview).order_by(Interview.id))] if i],
        "survey_id": [survey.id] if survey else [],
        "survey_slug": [survey.slug] if survey else [],
        "item_id": [
            i.id
            for i in [_first(select(SurveyItem).where(SurveyItem.survey_id == survey.id))]
            if i and survey
        ],
        "token": ["not-a-real-token"],
        "role_id": [r.id for r in [_first(select(StaffRole).order_by(StaffRole.id))] if r],
        "rule_id": [
            r.id for r in [_first(select(BaseProgramRule).order_by(BaseProgramRule.id))] if r
        ],
        "number": [1],  # a plan's approved version (the demo approves Oak Grove's)
        # A comment's own form page: on a goal of a public plan (feedback's registry of kinds).
        "kind": ["goal"],
        "target_id": [g.id for g in [_public_goal()] if g],
        "feedback_id": [
            f.id for f in [_first(select(Feedback).where(Feedback.visibility == "visible"))] if f
        ],
        "version_slug": [v for v in [_versioned_school()] if v],
    }


def _values_for(rule, samples, users) -> list[dict]:
    """Every combination of sample values for the rule's arguments ([] when one is missing)."""
    combos = [{}]
    for arg in sorted(rule.arguments):
        if arg == "slug":
            prefix = rule.endpoint.split(".")[0]
            kind = {"bulletins": "bulletin", "surveys": "survey", "readiness": "assessment"}.get(
                prefix, "school"
            )
            if rule.endpoint == "plans.plan_version":
                kind = "version"  # a school whose plan has an approved version
            values = samples[f"{kind}_slug"]
        elif arg == "user_id":
            values = users
        else:
            values = samples.get(arg, [])
        if not values:
            return []
        combos = [{**c, arg: v} for c in combos for v in values]
    return combos


def pages_for(app, *, staff: bool) -> list[Page]:
    """The public pages (staff=False) or the /manage and signed-in pages (staff=True)."""
    from portal.models import User

    with app.app_context():
        samples = _samples()
        principal = _first(select(User).where(User.email == "principal@demo.test"))
        users = [principal.id] if principal else []
        pages, missing = [], []
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                continue
            # A page is a staff page when its view is not declared public (portal/access.py).
            is_staff = not getattr(app.view_functions[rule.endpoint], "is_public", False)
            if is_staff != staff:
                continue
            combos = _values_for(rule, samples, users)
            if not combos:
                missing.append(rule.rule)
                continue
            with app.test_request_context():
                from flask import url_for

                for values in combos:
                    path = url_for(rule.endpoint, **values)
                    name = path.strip("/").replace("/", "-") or "home"
                    pages.append(Page(name, path))
        assert not missing, f"routes without sample arguments (see tests/pages.py): {missing}"
        return pages


# Which demo account opens which staff pages in the screenshots and layout checks.
STAFF_ROLES = ("admin", "district", "comms", "principal", "council", "facilitator")
