"""District staff set up staffing on a phone (360 px), with JavaScript on (htmx boosting) and
off: every staffing page passes the layout checks in English and Spanish (and axe, which needs
JavaScript, with it on); a refused
salary keeps what was typed, leads to its field and then saves, repricing a position; a role
and a base-program rule are added."""

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role
from tests.browser.harness import PHONE, layout_problems, sign_in
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone
from tests.conftest import PASSWORD
from tests.test_staffing_setup import build_staffing

PAGES = ["/manage/staffing", "/manage/staffing/roles", "/manage/staffing/salaries",
         "/manage/staffing/salaries?year=2025-26", "/manage/staffing/base"]  # fmt: skip


@pytest.fixture
def staffed(clean_app, funded):
    with clean_app.app_context():
        info = build_staffing(funded["id"])
        db.session.remove()
    return info


def _check(page):
    # axe runs as a script of the page, which JavaScript off does not run: the htmx run checks
    # the same server-rendered HTML with it; the layout checks run in both.
    if page.context.javascript:
        assert_accessible(page)
    assert_fits_a_phone(page)
    assert layout_problems(page) == [], page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_staffing_setup_on_a_phone(browser, live_server, staffed, make_user, javascript):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript
    )
    context.javascript = javascript
    page = context.new_page()
    sign_in(page, live_server, make_user(Role.DISTRICT), PASSWORD)
    for lang in ("en", "es"):
        for path in PAGES:
            sep = "&" if "?" in path else "?"
            response = page.goto(f"{live_server}{path}{sep}lang={lang}")
            assert response.status == 200, path
            expect(page.locator("html")).to_have_attribute("lang", lang)
            _check(page)
    page.goto(f"{live_server}/manage/staffing/salaries?lang=en")

    teacher = staffed["roles"]["T100"]
    page.locator(f"#salary_{teacher}").fill("-5")
    page.locator(f"#benefits_{teacher}").fill("20,000")
    page.get_by_role("button", name="Save salary table").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator(f"#salary_{teacher}-error")).to_contain_text("Enter an amount in dollars")
    expect(page.locator(f"#salary_{teacher}")).to_have_value("-5")
    expect(page.locator(f"#benefits_{teacher}")).to_have_value("20,000")
    _check(page)
    summary.get_by_role("link").first.click()
    expect(page.locator(f"#salary_{teacher}")).to_be_focused()
    page.locator(f"#salary_{teacher}").fill("70,000")
    page.get_by_role("button", name="Save salary table").click()
    expect(page.locator(".flash")).to_contain_text("1 position's cost changed.")
    expect(page.locator("main")).to_contain_text("$90,000")
    _check(page)

    page.goto(f"{live_server}/manage/staffing/roles?lang=en")
    page.locator("#code").fill("T100")
    page.locator("#name_en").fill("Reading specialist")
    page.get_by_role("button", name="Add role").click()
    expect(page.locator("#code-error")).to_contain_text("Another role already has this job code.")
    expect(page.locator("#name_en")).to_have_value("Reading specialist")
    _check(page)
    page.locator("#code").fill("R700")
    page.get_by_role("button", name="Add role").click()
    expect(page.locator("main")).to_contain_text("Reading specialist")

    page.goto(f"{live_server}/manage/staffing/base?lang=en")
    page.select_option("#role", str(teacher))
    page.select_option("#level", "elementary")
    page.locator("#minimum_fte").fill("1")
    page.locator("#students_per_fte").fill("24")
    page.get_by_role("button", name="Add rule").click()
    expect(page.locator("main")).to_contain_text(
        "Elementary schools: one Teacher, grades K-5 for every 24 students, and at least 1."
    )
    _check(page)
    context.close()
