"""Adding a position in the plan editor at 360 px, on the demo district, with JavaScript on
(htmx swaps the list and focuses the new row) and off (a plain POST and redirect): the row
reads "Counselor, 0.5 FTE" with its cost at the district's average, and the page passes axe and
the layout checks with the form open and after the change."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import SalaryRate, SchoolYear, StaffRole
from portal.services.budget_rules import fte_cost
from tests.browser.harness import layout_problems, sign_in
from tests.browser.test_foundation_flows import assert_accessible

SCHOOL = "cesar-chavez-elementary"
FOCUSED_SUMMARY = """() => {
  const id = (document.activeElement || {}).id || "";
  return id.startsWith("investment-") && id.endsWith("-summary");
}"""


SMALL_CONTROLS_JS = """() => [...document.querySelectorAll(
    '#add-position summary, #add-position select, #add-position button, '
    + '#add-position input:not([type=hidden]):not([type=radio]), #add-position label.check')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect().height])
  .filter(([, h]) => h < 43.5)"""


@pytest.fixture
def demo(clean_app):
    from portal.demo import load_demo

    with clean_app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
    return clean_app


def half_counselor(app) -> str:
    """What half a counselor costs this year at the demo's average, as the page prints it."""
    with app.app_context():
        year = db.session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
        role = db.session.scalars(select(StaffRole).where(StaffRole.code == "1310")).one()
        rate = db.session.scalars(
            select(SalaryRate).where(
                SalaryRate.staff_role_id == role.id, SalaryRate.school_year_id == year.id
            )
        ).one()
        cents = fte_cost(rate.full_time_cents, 50)
        db.session.remove()
    whole, part = divmod(cents, 100)
    return f"${whole:,}" + (f".{part:02d}" if part else "")


def fill_position(page):
    page.locator("#add-position > summary").click()
    form = page.locator("#add-position form")
    form.get_by_label("Role").select_option(label="Counselor")
    form.get_by_label("FTE (1 is one full-time person)").fill("0.5")
    form.get_by_label("What the person does (optional)").fill("Check-ins every week")
    return form


def assert_page_is_sound(page):
    """The layout checks (no sideways scrolling, nothing off screen, amounts whole, tap targets
    at least 24 x 24 px), and the new form's own controls at least 44 px tall."""
    assert layout_problems(page) == [], page.url
    small = page.evaluate(SMALL_CONTROLS_JS)
    assert small == [], f"{page.url}: controls under 44px: {small}"


def test_a_position_added_with_javascript_shows_its_cost_and_takes_the_focus(
    page, live_server, demo
):
    cost = half_counselor(demo)
    sign_in(page, live_server, "principal@demo.test", "demo")
    page.goto(f"{live_server}/manage/schools/{SCHOOL}/plan?lang=en")
    form = fill_position(page)
    assert_accessible(page)
    assert_page_is_sound(page)  # (the layout checks close every <details> when done)
    page.locator("#add-position > summary").click()
    # An FTE out of range is refused beside the field, with what was typed kept.
    form.get_by_label("FTE (1 is one full-time person)").fill("41")
    form.get_by_role("button", name="Add position").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#pos-new-fte-error")).to_contain_text("from 0.01 to 40")
    expect(page.locator("#pos-new-description")).to_have_value("Check-ins every week")
    assert_accessible(page)
    page.locator("#pos-new-fte").fill("0.5")
    page.locator("#add-position form").get_by_role("button", name="Add position").click()
    expect(page.locator("#plan-announce")).to_have_text("Position added.")
    page.wait_for_function(FOCUSED_SUMMARY)
    focused = page.locator(f"#{page.evaluate('document.activeElement.id')}")
    expect(focused).to_contain_text("Counselor, 0.5 FTE")
    expect(focused).to_contain_text(cost)
    row = page.locator(f"#{page.evaluate('document.activeElement.id').removesuffix('-summary')}")
    expect(row).to_contain_text(f"= {cost} (district average salary and benefits)")
    expect(page.locator("#investments")).to_contain_text("Next year already owes")
    assert_accessible(page)
    assert_page_is_sound(page)


def test_a_position_added_without_javascript_opens_at_its_row(browser, live_server, demo):
    cost = half_counselor(demo)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server}/auth/sign-in?lang=en")
    page.fill("input[name=email]", "principal@demo.test")
    page.fill("input[name=password]", "demo")
    page.locator("main form button[type=submit]").first.click()
    page.goto(f"{live_server}/manage/schools/{SCHOOL}/plan?lang=en")
    form = fill_position(page)
    form.get_by_role("button", name="Add position").click()
    page.wait_for_url("**focus=investment-*")
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("investment-") and focused.endswith("-summary"), focused
    summary = page.locator(f"#{focused}")
    expect(summary).to_contain_text("Counselor, 0.5 FTE")
    expect(summary).to_contain_text(cost)
    expect(page.locator(f"#{focused.removesuffix('-summary')}")).to_have_attribute("open", "")
    assert_page_is_sound(page)
    context.close()
