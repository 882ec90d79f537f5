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
