"""The demo district loads, loads twice safely, and every demo role can sign in."""

import pytest

from portal.i18n import LANGUAGES
from portal.models import District, School, SchoolYear, User
from portal.services.school_year import current_year, previous_year
from tests.conftest import pdf_text, sign_in

ROLES = ["admin", "district", "comms", "principal", "council", "facilitator"]


@pytest.fixture(scope="module")
def demo_loaded(app):
    """The demo loaded twice (it must be safe to), once per backend for this whole module."""
    from tests.conftest import _clean

    _clean(app)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    yield first.output
    _clean(app)


@pytest.fixture
def clean_app(app):
    """Here the demo stays loaded between tests (they only read it)."""
    return app


@pytest.fixture
def ctx(app):
    from contextlib import contextmanager

    from portal.extensions import db

    @contextmanager
    def _ctx():
        with app.app_context():
            yield db.session
            db.session.remove()

    return _ctx


def test_demo_is_realistic_and_idempotent(demo_loaded, ctx):
    for role in ROLES:
        assert f"{role}@demo.test" in demo_loaded
    with ctx() as session:
        assert session.query(District).count() == 1
        schools = session.query(School).all()
        assert len(schools) >= 8
        assert {s.level for s in schools} >= {"elementary", "middle", "high"}
        assert all(s.enrollment > 0 for s in schools)
        assert sum(1 for s in schools if s.description.get("es")) >= 4
        assert session.query(User).count() == len(ROLES) + 3  # three more officials for Tier 2
        assert session.query(SchoolYear).filter_by(is_current=True).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_every_demo_role_signs_in(demo_loaded, clean_app, role):
    c = clean_app.test_client()
    assert sign_in(c, f"{role}@demo.test", "demo").status_code == 303
    assert c.get("/manage/").status_code == 200


def test_demo_pages_answer_in_every_language(demo_loaded, clean_app):
    c = clean_app.test_client()
    for path in ("/", "/?lang=es", "/schools/cesar-chavez-elementary", "/privacy", "/healthz"):
        assert c.get(path).status_code == 200, path
    spanish = c.get("/schools/cesar-chavez-elementary?lang=es").get_data(as_text=True)
    assert "Una escuela de barrio" in spanish


def test_demo_has_an_open_survey_with_varied_responses_and_a_closed_baseline(demo_loaded, ctx):
    from portal.models import Survey, SurveyResponse

    with ctx() as session:
        current = session.query(Survey).filter_by(slug="readiness-2026").one()
        baseline = session.query(Survey).filter_by(slug="readiness-2025").one()
        assert current.phase() == "open" and baseline.phase() == "closed"
        assert current.baseline_id == baseline.id
        responses = session.query(SurveyResponse).filter_by(survey_id=current.id).all()
        assert 200 <= len(responses) <= 1000
        assert {r.channel for r in responses} == {"online", "paper", "meeting"}
        assert {r.language for r in responses} == {"en", "es", "zh_Hans", "vi"}
        assert len({r.respondent_role for r in responses}) >= 6
        assert len({r.school_id for r in responses}) >= 9
        assert session.query(SurveyResponse).filter_by(survey_id=baseline.id).count() > 100


def test_demo_results_page_shows_a_suppressed_small_school(demo_loaded, clean_app):
    from portal.models import School

    with clean_app.app_context():
        small = School.query.filter_by(slug="bridgeway-continuation").one().id
    c = clean_app.test_client()
    body = c.get(f"/surveys/readiness-2026/results?school={small}").get_data(as_text=True)
    assert "Fewer than 10 people in this group answered" in body
    assert "Average" in c.get("/surveys/readiness-2026/results").get_data(as_text=True)


def test_demo_has_a_readiness_assessment_across_the_tiers(demo_loaded, ctx):
    from portal.models import (
        Interview,
        InterviewObservation,
        InventoryAnswer,
        ReadinessAssessment,
        RoundtableNote,
    )

    with ctx() as session:
        assessment = session.query(ReadinessAssessment).one()
        assert assessment.tier1_survey_id is not None and assessment.public_summary_published
        answers = session.query(InventoryAnswer).filter_by(assessment_id=assessment.id).all()
        assert len({a.user_id for a in answers}) >= 3
        assert session.query(RoundtableNote).filter_by(contentious=True).count() >= 1
        assert session.query(Interview).count() >= 5
        assert session.query(InterviewObservation).count() >= 5


def test_demo_has_streams_enrollment_an_adopted_and_a_what_if_scenario(demo_loaded, ctx, clean_app):
    from portal.models import AllocationScenario, Enrollment, FundingStream

    with ctx() as session:
        assert session.query(FundingStream).count() >= 3
        assert {s.kind for s in session.query(FundingStream)} == {"unrestricted", "restricted"}
        assert {e.group_key for e in session.query(Enrollment)} >= {"all", "poverty", "el", "sped"}
        assert sorted(s.status for s in session.query(AllocationScenario)) == ["adopted", "draft"]
    from tests.conftest import visible_text

    page = clean_app.test_client().get("/schools/cesar-chavez-elementary/budget?lang=en")
    assert "412 students × $3,741.00 = $1,541,292.00" in visible_text(page.get_data(as_text=True))


def test_demo_has_plans_budgets_and_a_calendar_in_several_languages(demo_loaded, ctx, clean_app):
    from portal.models import CalendarEvent, SchoolPlan

    with ctx() as session:
        current = [p for p in session.query(SchoolPlan) if p.year.is_current]
        assert len(current) >= 3
        for plan in current:
            assert plan.goals and plan.investments
            assert any(line for i in plan.investments for line in i.budget_lines)
            assert all({"en", "es"} <= set(g.statement) for g in plan.goals)
        chavez = next(p for p in current if p.school.slug == "cesar-chavez-elementary")
        assert all(set(g.statement) == set(LANGUAGES) for g in chavez.goals)
        assert previous_year(chavez.year) is not None
        assert session.query(CalendarEvent).filter(CalendarEvent.school_id.is_(None)).count() >= 2
        year = current_year(chavez.school.district_id)
    client = clean_app.test_client()
    from portal.models import District
    from portal.services import school_calendar

    with clean_app.app_context():
        # On 23 November the fall meetings are due: Lincoln has scheduled none of them.
        dashboard_rows = school_calendar.dashboard(
            District.current(), year.id, year.starts_on.replace(month=11, day=23)
        )
    lincoln = next(r for r in dashboard_rows if r.school.slug == "lincoln-elementary")
    assert (
        lincoln.behind
        and not next(r for r in dashboard_rows if r.school.slug == "oak-grove-elementary").behind
    )
    for lang in ("en", "es", "zh-Hans", "vi", "ar"):
        for path in (
            "/schools/cesar-chavez-elementary/plan",
            "/schools/cesar-chavez-elementary/calendar",
        ):
            assert client.get(f"{path}?lang={lang}").status_code == 200


def test_demo_has_bulletins_over_three_months_in_several_languages(
    demo_loaded, ctx, clean_app, tmp_path
):
    from portal.models import Bulletin

    with ctx() as session:
        published = [b for b in session.query(Bulletin) if b.status == "published"]
        assert len(published) >= 6
        assert len({(b.published_at.year, b.published_at.month) for b in published}) >= 3
        assert all({"en", "es"} <= set(b.locales) for b in published)
        # One bulletin in every language the portal speaks, Arabic included.
        assert any(set(b.locales) == set(LANGUAGES) for b in published)
    client = clean_app.test_client()
    # September's packet: the welcome bulletin exists in every language.
    expected = {
        "en": "Welcome back",
        "es": "Bienvenidos",
        "zh-Hans": "欢迎回来",
        "vi": "Chào mừng trở lại",
        "ar": "بعودتكم",  # a word without vowel marks, which pdftotext keeps apart
    }
    for tag, title in expected.items():
        response = client.get(f"/bulletins/2026/9.pdf?lang={tag}")
        assert response.status_code == 200
        assert title in pdf_text(response.data, tmp_path), tag


def test_demo_has_two_site_councils_with_a_decided_and_an_upcoming_meeting(demo_loaded, ctx):
    from portal.models import Committee, MinutesVersion
    from portal.models.base import utcnow
    from portal.services.committees import composition_problems

    with ctx() as session:
        councils = session.query(Committee).filter_by(kind="ssc").all()
        assert len(councils) == 2
        for council in councils:
            assert len(council.members) >= 9
            assert composition_problems("ssc", [(m.seat, False) for m in council.members], 0) == []
            past = [m for m in council.meetings if m.starts_at < utcnow()]
            ahead = [m for m in council.meetings if m.starts_at >= utcnow()]
            decided = next(m for m in past if m.motions)
            assert decided.motions[0].status == "closed"
            minutes = session.query(MinutesVersion).filter_by(meeting_id=decided.id).one()
            assert minutes.status == "approved" and minutes.approved_at_meeting_id
            assert ahead and ahead[0].agenda and ahead[0].agenda_posted_at is not None


def test_demo_has_answered_feedback_in_english_and_spanish(demo_loaded, ctx, clean_app):
    from portal.models import Feedback

    with ctx() as session:
        rows = session.query(Feedback).filter_by(visibility="visible").all()
        assert {r.locale for r in rows} >= {"en", "es"} and all(r.answer for r in rows)
        assert len({r.school_id for r in rows}) >= 2
    page = (
        clean_app.test_client()
        .get("/schools/cesar-chavez-elementary/plan?lang=es")
        .get_data(as_text=True)
    )
    assert "Por favor, hagan las reuniones después de las 6 de la tarde" in page


# --------------------------------------------------------------------------- the demo agrees
# with itself: it is built through the services the screens use, so every page that shows a
# fact shows the same one. Each test lists every disagreement it finds.


def _local_day(moment, district):
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(district.timezone)).date()


def _year_of(session, district, day):
    return (
        session.query(SchoolYear)
        .filter(
            SchoolYear.district_id == district.id,
            SchoolYear.starts_on <= day,
            SchoolYear.ends_on >= day,
        )
        .one()
    )


def test_every_demo_meeting_is_in_its_school_calendar_and_feed(demo_loaded, ctx, clean_app):
    from icalendar import Calendar

    from portal.models import CalendarEvent, Committee, Meeting
    from portal.services import school_calendar as cal

    problems, feeds = [], {}
    client = clean_app.test_client()
    with ctx() as session:
        district = session.query(District).one()
        this_year = current_year(district.id)
        for meeting in session.query(Meeting).order_by(Meeting.id):
            # A district committee's meeting (the DELAC's) is district-wide: no school.
            school = meeting.committee.school
            where = school.slug if school else "district"
            name = f"{where}: {meeting.title['en']}"
            year = _year_of(session, district, _local_day(meeting.starts_at, district))
            events = (
                cal.school_events(year.id, school.id) if school else cal.district_events(year.id)
            )
            listed = {e.meeting.id: e.starts_at for e in events if e.is_meeting}
            if listed.get(meeting.id) != meeting.starts_at:
                problems.append(f"{name}: not in the {year.label} calendar at its time")
            event = session.get(CalendarEvent, meeting.event_id) if meeting.event_id else None
            school_id = school.id if school else None
            if event is None or event.school_year_id != year.id or event.school_id != school_id:
                problems.append(f"{name}: has no calendar identity of its own year (UID)")
            elif year.id == this_year.id:
                if where not in feeds:
                    feed = f"/schools/{where}/calendar.ics" if school else "/calendar.ics"
                    body = client.get(f"{feed}?lang=en").data
                    feeds[where] = {str(e["uid"]) for e in Calendar.from_ical(body).walk("VEVENT")}
                if f"{event.uid}@commonground" not in feeds[where]:
                    problems.append(f"{name}: not in the school's calendar feed")
        # A meeting of a committee the school has on the portal is a meeting record, never a
        # calendar row of its own (the calendar editor refuses one, so the demo has none).
        linked = {m.event_id for m in session.query(Meeting) if m.event_id}
        on_portal = {(c.school_id, c.kind) for c in session.query(Committee)}
        for event in session.query(CalendarEvent).filter(CalendarEvent.kind.in_(cal.MEETING_KINDS)):
            kind = "ssc" if event.kind == "site_council" else event.committee
            if event.id not in linked and (event.school_id, kind) in on_portal:
                problems.append(f"{event.school.slug}: '{event.title['en']}' is calendar-only")
    assert problems == [], "\n".join(problems)


def test_every_approved_demo_plan_was_approved_by_the_motion_that_passed(demo_loaded, ctx):
    from portal.models import Motion, SchoolPlan
    from portal.models.base import utcnow
    from portal.services.committees import decide

    problems = []
    with ctx() as session:
        district = session.query(District).one()
        motions = session.query(Motion).all()
        for plan in session.query(SchoolPlan).filter_by(status="approved"):
            approving = [
                m
                for m in motions
                if m.status == "closed"
                and m.passed
                and m.subject in ("plan", "budget")
                and m.meeting.committee.school_id == plan.school_id
                and m.meeting.committee.kind == "ssc"
                and _local_day(m.meeting.starts_at, district) == plan.approved_on
                and m.tally == plan.approval_note
                and plan.year.starts_on <= plan.approved_on <= plan.year.ends_on
            ]
            if not approving:
                problems.append(f"{plan.school.slug} {plan.year.label}: approved by no motion")
        # Each outcome is what the votes of the members present say (as close_motion decides),
        # and it was decided at the meeting, not later or in the future.
        for motion in motions:
            meeting, name = motion.meeting, motion.text["en"]
            if motion.status != "closed":
                continue
            day = _local_day(meeting.starts_at, district)
            seated = [m for m in meeting.committee.members if m.seated_on(day)]
            present = [m for m in seated if m.id in meeting.present_ids]
            counted = [v.choice for v in motion.votes if v.member_id in {m.id for m in present}]
            outcome = decide(counted, len(present), len(seated), meeting.committee.quorum_percent)
            if (motion.passed, motion.tally) != (outcome.passed, outcome.tally):
                problems.append(f"{name}: {motion.tally} recorded, the votes say {outcome.tally}")
            if not (meeting.starts_at <= motion.closed_at <= utcnow()):
                problems.append(f"{name}: closed at {motion.closed_at}, not at its meeting")
            if any(
                not (meeting.starts_at <= v.recorded_at <= motion.closed_at) for v in motion.votes
            ):
                problems.append(f"{name}: a vote recorded outside the meeting")
    assert problems == [], "\n".join(problems)


def test_the_demo_record_happened_in_order(demo_loaded, ctx):
    """Nothing is posted, approved, answered or published in the future, nor before what it
    follows from; nothing waits for a time already past."""
    from portal.models import Bulletin, Feedback, Meeting, MinutesVersion, Survey, SurveyResponse
    from portal.models.base import utcnow
    from portal.services.committee_record import posting_deadline

    problems, now = [], utcnow()
    with ctx() as session:
        for meeting in session.query(Meeting):
            school = meeting.committee.school
            name = f"{school.slug if school else 'district'}: {meeting.title['en']}"
            posted = meeting.agenda_posted_at
            if posted is not None and (posted > now or posted > posting_deadline(meeting)):
                problems.append(f"{name}: agenda posted at {posted}, after now or the deadline")
            if meeting.present_member_ids and meeting.starts_at > now:
                problems.append(f"{name}: attendance taken before the meeting")
        for minutes in session.query(MinutesVersion).filter_by(status="approved"):
            at = minutes.approved_at_meeting
            if at is None or not (minutes.meeting.starts_at < at.starts_at <= now):
                problems.append(
                    f"minutes of meeting {minutes.meeting_id}: approved at no later meeting"
                )
            elif minutes.approved_at != at.starts_at and not (
                at.starts_at <= minutes.approved_at <= now
            ):
                problems.append(
                    f"minutes of meeting {minutes.meeting_id}: approved at {minutes.approved_at}"
                )
        for feedback in session.query(Feedback):
            if feedback.answered_at and not (feedback.created_at <= feedback.answered_at <= now):
                problems.append(f"feedback {feedback.id}: answered before it was left")
        for bulletin in session.query(Bulletin):
            if bulletin.status == "scheduled" and bulletin.publish_at <= now:
                problems.append(f"bulletin {bulletin.slug}: scheduled for a time already past")
            if bulletin.status == "published" and bulletin.published_at > now:
                problems.append(f"bulletin {bulletin.slug}: published in the future")
        for survey in session.query(Survey):
            days = [
                day
                for (day,) in session.query(SurveyResponse.submitted_on).filter_by(
                    survey_id=survey.id
                )
            ]
            first, last = survey.opens_at.date(), min(survey.closes_at, now).date()
            if days and not (first <= min(days) and max(days) <= last):
                problems.append(
                    f"survey {survey.slug}: answers from {min(days)} to {max(days)}, "
                    f"open from {first} to {last}"
                )
    assert problems == [], "\n".join(problems)


def test_every_demo_school_and_published_bulletin_has_its_short_link_and_its_links_open(
    demo_loaded, ctx, clean_app
):
    from flask import url_for

    from portal.models import Bulletin, ShortLink
    from portal.services.bulletin_links import LINK_ENDPOINTS

    problems, pages = [], []
    with ctx() as session:
        for school in session.query(School):
            short = session.query(ShortLink).filter_by(kind="school", target_id=school.id).first()
            if short is None:
                problems.append(f"{school.slug}: no short link")
            else:
                pages.append((school.slug, f"/s/{short.code}/en"))
        for bulletin in session.query(Bulletin).filter_by(status="published"):
            short = (
                session.query(ShortLink).filter_by(kind="bulletin", target_id=bulletin.id).first()
            )
            if short is None:
                problems.append(f"{bulletin.slug}: no short link")
            else:
                pages.append((bulletin.slug, f"/b/{short.code}/en"))
            with clean_app.test_request_context():
                for link in bulletin.links:
                    pages.append(
                        (bulletin.slug, url_for(LINK_ENDPOINTS[link["kind"]], slug=link["slug"]))
                    )
    client = clean_app.test_client()
    for slug, path in pages:
        response = client.get(path, follow_redirects=True)
        if response.status_code != 200:
            problems.append(f"{slug}: {path} answers {response.status_code}")
    assert problems == [], "\n".join(problems)


def test_demo_feedback_is_only_where_the_public_can_comment(demo_loaded, ctx):
    from portal.models import AgendaItem, Feedback, Goal, Investment

    problems = []
    with ctx() as session:
        for feedback in session.query(Feedback):
            model = {"goal": Goal, "investment": Investment, "agenda_item": AgendaItem}
            target = session.get(model[feedback.target_type], feedback.target_id)
            if target is None:
                problems.append(f"feedback {feedback.id}: on nothing")
            elif feedback.target_type == "agenda_item":
                if target.meeting.agenda_posted_at is None:
                    problems.append(f"feedback {feedback.id}: on an agenda not posted")
                if target.meeting.committee.school_id != feedback.school_id:
                    problems.append(f"feedback {feedback.id}: on another school's agenda")
            else:
                if target.plan.status == "draft":
                    problems.append(f"feedback {feedback.id}: on a draft plan")
                if target.plan.school_id != feedback.school_id:
                    problems.append(f"feedback {feedback.id}: on another school's plan")
    assert problems == [], "\n".join(problems)


def test_each_demo_year_has_one_adopted_allocation_the_pages_publish(demo_loaded, ctx):
    from portal.models import AllocationScenario
    from portal.services import funding

    with ctx() as session:
        district = session.query(District).one()
        year = current_year(district.id)
        adopted = session.query(AllocationScenario).filter_by(status="adopted").all()
        assert [s.school_year_id for s in adopted] == [year.id]
        assert funding.published_scenario(district.id, year.id).id == adopted[0].id


def test_the_demo_has_a_district_english_learner_advisory_committee(demo_loaded, ctx):
    from portal.models import Committee
    from portal.services.committee_record import roster_now

    with ctx() as session:
        district = session.query(District).one()
        delac = session.query(Committee).filter_by(kind="delac").one()
        assert delac.school_id is None and delac.district_id == district.id
        current, problems = roster_now(delac, district)
        assert len(current) == 4 and problems == []
        assert len(delac.meetings) == 1 and delac.meetings[0].agenda_posted_at is not None


def test_every_public_demo_plan_budgets_nearly_its_whole_allocation(demo_loaded, ctx):
    """The whole-school budget: base program + goals use at least 95% of the published
    allocation and never more; every stream pays only for what it may; the budget matrix has
    no flag."""
    from portal.models import SchoolPlan
    from portal.services import funding, plans

    problems = []
    with ctx() as session:
        district = session.query(District).one()
        year = current_year(district.id)
        run = funding.published_run(district.id, year.id)
        public = [p for p in session.query(SchoolPlan).filter_by(school_year_id=year.id)]
        public = [p for p in public if p.is_public]
        assert len(public) >= 3
        for row in public:
            money = funding.school_funding(run, row.school_id)
            budget = plans.budget_totals(plans.load_plan(row.school_id, year.id), money)
            name = row.school.slug
            if budget.funded_cents * 100 < money.total_cents * 95:
                problems.append(f"{name}: {budget.funded_cents} of {money.total_cents} assigned")
            if budget.funded_cents > money.total_cents or budget.left_cents < 0:
                problems.append(f"{name}: more assigned than the allocation")
            if budget.matrix.flags:
                problems.append(f"{name}: {budget.matrix.flags}")
            if not budget.base.investments or not budget.base.people_cents:
                problems.append(f"{name}: no base program")
            if budget.people_cents + budget.other_cents != budget.funded_cents:
                problems.append(f"{name}: people and everything else do not add up")
            goal_positions = [i for g in budget.goals for i in g.investments if i.investment.fte]
            if not goal_positions or not all(
                i.investment.funding_stream_id and i.investment.is_ongoing for i in goal_positions
            ):
                problems.append(f"{name}: goal positions without a stream or not ongoing")
            if not any(i.investment.recurrence == "one_time" for i in budget.items):
                problems.append(f"{name}: no one-time start-up cost")
    assert problems == [], "\n".join(problems)


def test_demo_base_program_is_met_at_most_schools_and_short_at_one(demo_loaded, ctx):
    from portal.models import SchoolPlan
    from portal.services import funding, plans, positions

    with ctx() as session:
        district = session.query(District).one()
        year = current_year(district.id)
        run = funding.published_run(district.id, year.id)
        failing = {}
        for row in session.query(SchoolPlan).filter_by(school_year_id=year.id):
            plan = plans.load_plan(row.school_id, year.id)
            totals = plans.budget_totals(plan, funding.school_funding(run, row.school_id))
            checks = positions.school_base_checks(row.school, totals)
            # a principal, teachers by the school's ratio, an office manager, a custodian
            assert len(checks) == 4, row.school.slug
            failing[row.school.slug] = [c.rule.role.code for c in checks if not c.met]
        short = {slug: codes for slug, codes in failing.items() if codes}
        assert short == {"oak-grove-elementary": ["1210"]}


def test_demo_roles_rates_and_position_costs(demo_loaded, ctx):
    """Every role is named in every language the demo fills; every year has a rate for every
    role, a little higher each year; each position costs FTE x its year's rate, in cents."""
    from portal.models import Investment, SalaryRate, StaffRole
    from portal.services.budget_rules import fte_cost

    with ctx() as session:
        district = session.query(District).one()
        roles = session.query(StaffRole).filter_by(district_id=district.id).all()
        assert {r.group for r in roles} >= {
            "administrator", "teacher", "special_education", "aide", "counselor", "nurse",
            "librarian", "coordinator", "office", "custodial", "other",
        }  # fmt: skip
        assert all(set(r.name) == set(LANGUAGES) and r.code for r in roles)
        years = sorted(session.query(SchoolYear).all(), key=lambda y: y.starts_on)
        rates = {(r.staff_role_id, r.school_year_id): r for r in session.query(SalaryRate)}
        for role in roles:
            costs = [rates[(role.id, y.id)].full_time_cents for y in years]
            assert costs == sorted(set(costs)), role.code  # rises every year
            assert 40_000_00 < costs[-1] < 250_000_00
        positions = session.query(Investment).filter(Investment.staff_role_id.is_not(None)).all()
        assert {p.plan.school_year_id for p in positions} == {y.id for y in years}
        for p in positions:
            rate = rates[(p.staff_role_id, p.plan.school_year_id)]
            assert isinstance(p.cost_cents, int)
            assert p.cost_cents == fte_cost(rate.full_time_cents, p.fte)
            assert sum(b.cents for b in p.budget_lines) in (0, p.cost_cents)
