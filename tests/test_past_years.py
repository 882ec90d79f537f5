"""Past years stay public (issue 13, item 7): last year's plan, budget, approval line and
approved versions stay readable under their year (`?year=2025-26`), a year picker on the
school, plan and budget pages lists the years with a published plan (never a draft), and
today's URLs keep meaning the current year."""

from datetime import date

import pytest
from sqlalchemy import delete

from portal.extensions import db
from portal.models import Committee, District, MinutesVersion, Motion, NeedGroup, School
from portal.models.planning import PlanStatus
from portal.services import plan_versions
from tests import factories
from tests.plan_helpers import approve_by_council

PLAN = "/schools/maple-elementary/plan"
BUDGET = "/schools/maple-elementary/budget"
SCHOOL = "/schools/maple-elementary"
LAST_GOAL = "Every third grader reads a chapter book"
THIS_GOAL = "More students come to school every day"
LAST_LINE = "Approved by the School Site Council on Tuesday, April 21, 2026"


@pytest.fixture
def two_years(clean_app, district):
    """Maple: last year's (2025-26) plan, approved by its council in April 2026 with a frozen
    version 1, funded by that year's published allocation; this year's (2026-27) plan shared
    for feedback; Cedar: only a draft last year."""
    with clean_app.app_context():
        row = db.session.get(District, district["id"])
        last = factories.school_year(row, "2025-26", current=False)
        last_money = factories.funding(row, last)
        # The need groups are the district's, not a year's: the second year reuses the keys.
        db.session.execute(delete(NeedGroup).where(NeedGroup.district_id == row.id))
        this = factories.school_year(row, "2026-27")
        this_money = factories.funding(row, this)
        maple = db.session.query(School).filter_by(slug="maple-elementary").one()
        cedar = db.session.query(School).filter_by(slug="cedar-middle").one()
        reading = [("Reading tutors", 61_000, 1, {"base": 61_000})]
        old = factories.plan(
            maple, last, [factories.goal_spec(LAST_GOAL, reading)], money=last_money
        )
        council = factories.committee(maple, term=(date(2025, 7, 1), date(2027, 6, 30)))
        meeting = factories.meeting(
            council, row, date(2026, 4, 21), title="Spring: approve the plan", agenda=["Plan"]
        )
        may = factories.meeting(council, row, date(2026, 5, 19))
        minutes = MinutesVersion(meeting_id=meeting.id, locale="en")
        db.session.add(minutes)
        minutes.write({str(meeting.agenda[0].id): {"discussion": "Tutors for third grade."}})
        db.session.flush()
        minutes.approve(may, may.starts_at, [])
        motion = Motion(
            text=factories.text("Approve the plan"),
            subject="plan",
            status="closed",
            passed=True,
            tally="8–1–0",
        )
        meeting.motions.append(motion)
        db.session.flush()
        approve_by_council(old, date(2026, 4, 21), tally="8–1–0")
        plan_versions.freeze(old, motion)
        attendance = [("Attendance outreach", 23_000, 1, {"base": 23_000})]
        factories.plan(maple, this, [factories.goal_spec(THIS_GOAL, attendance)], money=this_money)
        factories.plan(
            cedar, last, [factories.goal_spec("A draft nobody sees")], status=PlanStatus.DRAFT
        )
        db.session.commit()
        db.session.remove()
    return district


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_last_years_plan_reads_under_its_year_with_its_approval_line(two_years, client):
    page = _page(client, f"{PLAN}?year=2025-26")
    assert LAST_GOAL in page and THIS_GOAL not in page
    assert LAST_LINE in page and "8–1–0" in page
    assert "2025-26" in page
    # Its version and PDF links stay in that year.
    assert "/schools/maple-elementary/plan/versions/1?year=2025-26" in page
    assert "plan.pdf?year=2025-26" in page
    version = _page(client, f"{PLAN}/versions/1?year=2025-26")
    assert LAST_GOAL in version and "version 1" in version
    pdf = client.get(f"{PLAN}.pdf?year=2025-26")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "maple-elementary-plan-2025-26.pdf" in pdf.headers["Content-Disposition"]
    version_pdf = client.get(f"{PLAN}/versions/1.pdf?year=2025-26")
    assert version_pdf.status_code == 200
    assert "plan-2025-26-version-1.pdf" in version_pdf.headers["Content-Disposition"]


def test_todays_urls_still_mean_the_current_year(two_years, client):
    page = _page(client, PLAN)
    assert THIS_GOAL in page and LAST_GOAL not in page
    assert LAST_LINE not in page
    assert "This plan is shared for your feedback" in page
    # This year's plan has no approved version: there is none to read under today's URL.
    assert client.get(f"{PLAN}/versions/1").status_code == 404
    assert "$23,000" in _page(client, BUDGET)
    assert "maple-elementary-plan.pdf" in client.get(f"{PLAN}.pdf").headers["Content-Disposition"]
    # Naming the current year is the same page.
    assert THIS_GOAL in _page(client, f"{PLAN}?year=2026-27")


def test_last_years_budget_shows_last_years_amounts_and_approval(two_years, client):
    page = _page(client, f"{BUDGET}?year=2025-26")
    assert "$61,000" in page and "$23,000" not in page
    assert "For the <bdi>2025-26</bdi> school year" in page
    assert LAST_LINE in page
    # The spreadsheet reproduces this year's money only: no link from a past year.
    assert "calculator.xlsx" not in page
    # Its link to the plan stays in that year.
    assert f"{PLAN}?year=2025-26" in page


def test_a_draft_or_unknown_year_is_not_found_and_not_listed(two_years, client):
    assert client.get("/schools/cedar-middle/plan?year=2025-26").status_code == 404
    assert client.get("/schools/cedar-middle/budget?year=2025-26").status_code == 404
    assert client.get(f"{PLAN}?year=1999-00").status_code == 404
    assert client.get(f"{PLAN}/versions/1?year=1999-00").status_code == 404
    assert "?year=2025-26" not in _page(client, "/schools/cedar-middle")
    assert "?year=2025-26" not in _page(client, "/schools/cedar-middle/plan")


def test_the_picker_lists_the_published_years_on_the_school_plan_and_budget_pages(
    two_years, client
):
    for url in (SCHOOL, PLAN, BUDGET):
        page = _page(client, url)
        assert 'class="year-picker' in page, url
        assert "?year=2025-26" in page, url
    school = _page(client, SCHOOL)
    assert f'href="{PLAN}?year=2025-26"' in school
    budget = _page(client, BUDGET)
    assert f'href="{BUDGET}?year=2025-26"' in budget
    # On a past year's page, the current year is one link away, under today's URL.
    past = _page(client, f"{PLAN}?year=2025-26")
    assert f'href="{PLAN}"' in past
    assert '<strong aria-current="page">' in past


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_past_year_pages_render_in_spanish_and_arabic(two_years, client, lang):
    for url in (SCHOOL, f"{PLAN}?year=2025-26", f"{BUDGET}?year=2025-26"):
        sep = "&" if "?" in url else "?"
        assert client.get(f"{url}{sep}lang={lang}").status_code == 200, url
    assert client.get(f"{PLAN}/versions/1?year=2025-26&lang={lang}").status_code == 200


def test_last_years_minutes_are_reachable_from_the_committee_page(two_years, client):
    with client.application.app_context():
        committee = db.session.query(Committee).one()
        archive = f"/committees/{committee.id}/minutes"
    assert archive in _page(client, f"/committees/{committee.id}")
    page = _page(client, archive)
    assert "Spring: approve the plan" in page
    assert "/meetings/" in page


@pytest.fixture
def demo(app):
    """The demo district, loaded for one test."""
    from tests.conftest import _clean

    _clean(app)
    loaded = app.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    yield app
    _clean(app)


def test_the_demos_last_year_at_cesar_chavez_reads_under_its_year(demo):
    client = demo.test_client()
    base = "/schools/cesar-chavez-elementary"
    school = _page(client, base)
    assert f'href="{base}/plan?year=2025-26"' in school
    last = _page(client, f"{base}/plan?year=2025-26")
    assert "<bdi>2025-26</bdi>" in last and "Approved by the School Site Council on" in last
    assert "April" in last and "2026" in last
    assert _page(client, f"{base}/budget?year=2025-26")
    for lang in ("es", "ar"):
        assert client.get(f"{base}/plan?year=2025-26&lang={lang}").status_code == 200


def test_a_past_year_is_cached_by_its_url_and_the_language_links_keep_it(two_years, client):
    response = client.get(f"{PLAN}?year=2025-26")
    assert response.headers["Cache-Control"].startswith("public")
    assert "year=2025-26&amp;lang=es" in response.get_data(as_text=True)
    assert "public" not in client.get(f"{PLAN}?year=1999-00").headers["Cache-Control"]
