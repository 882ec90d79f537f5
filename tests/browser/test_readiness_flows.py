"""The facilitator logs an interview on a phone; readiness pages pass axe-core at 360 px."""

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import InventoryInvite, ReadinessAssessment, Role, User
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone
from tests.conftest import PASSWORD


def _sign_in(page, live_server, email):
    page.goto(f"{live_server}/auth/sign-in?lang=en")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")


def test_facilitator_logs_an_interview_on_a_phone(
    page, live_server, clean_app, district, survey_id, make_user
):
    official = make_user(Role.DISTRICT)
    with clean_app.app_context():
        assessment = ReadinessAssessment(
            district_id=district["id"],
            slug="ready",
            title="Ready?",
            tier1_survey_id=survey_id,
            public_summary={"en": "Summary."},
            public_summary_published=True,
        )
        db.session.add(assessment)
        db.session.flush()
        db.session.add(
            InventoryInvite(
                assessment_id=assessment.id, user_id=User.query.filter_by(email=official).one().id
            )
        )
        db.session.commit()
        aid = assessment.id

    _sign_in(page, live_server, official)
    page.goto(f"{live_server}/manage/readiness/{aid}/inventory")
    page.locator("input[name='vision.success.rating'][value='2']").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".flash")).to_be_visible()
    for path in (
        f"/manage/readiness/{aid}/inventory",
        f"/manage/readiness/{aid}",
        f"/manage/readiness/{aid}/roundtable",
        f"/manage/readiness/{aid}/report",
        "/manage/readiness",
    ):
        page.goto(f"{live_server}{path}")
        assert_accessible(page)
        assert_fits_a_phone(page)
    page.context.clear_cookies()

    _sign_in(page, live_server, make_user(Role.FACILITATOR))
    page.goto(f"{live_server}/manage/readiness/{aid}/interviews")
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.get_by_label("Role of the person interviewed").fill("Budget analyst")
    page.get_by_label("Department").fill("Finance")
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_role("button", name="Log interview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget analyst")
    page.locator("#code").select_option("ally")
    page.locator("#survey_area").select_option("transparency")
    page.get_by_label("Note", exact=True).fill("Already shares budgets with the council.")
    page.get_by_role("button", name="Add observation").click()
    expect(page.locator(".cards")).to_contain_text("Key ally")
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.goto(f"{live_server}/manage/readiness/{aid}/report")
    expect(page.locator("main")).to_contain_text("Key ally")
    assert_accessible(page)
    assert_fits_a_phone(page)

    page.goto(f"{live_server}/readiness/ready?lang=vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert_accessible(page)
    assert_fits_a_phone(page)
