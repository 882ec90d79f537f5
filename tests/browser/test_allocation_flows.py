"""A parent reads a school's budget arithmetic in Vietnamese on a phone; the equity chart has a
table alternative; axe-core finds no serious or critical violation."""

from playwright.sync_api import expect

from portal.models import Role
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone
from tests.conftest import PASSWORD


def test_a_parent_reads_the_budget_arithmetic_in_vietnamese(page, live_server, funded, make_user):
    page.goto(f"{live_server}/schools/maple-elementary?lang=vi")
    page.get_by_role("link", name="Ngân sách").click()
    expect(page.get_by_role("heading", name="Tiền của chúng tôi từ đâu đến")).to_be_visible()
    expect(page.locator("main")).to_contain_text("412 học sinh × $3,741.00 = $1,541,292.00")
    expect(page.locator("main")).to_contain_text("học sinh thuộc diện nghèo")
    assert_accessible(page)
    assert_fits_a_phone(page)

    page.get_by_role("link", name="Học khu chia tiền cho tất cả các trường như thế nào").click()
    chart = page.locator("svg.scatter").first
    # A group, not an image: an image would hide its named dot links from screen readers.
    expect(chart).to_have_attribute("role", "group")
    table_id = chart.get_attribute("aria-describedby")
    expect(page.locator(f"#{table_id}")).to_contain_text("Maple Elementary")
    assert_accessible(page)
    assert_fits_a_phone(page)

    staff = make_user(Role.DISTRICT)
    page.goto(f"{live_server}/auth/sign-in?lang=en")
    page.get_by_label("E-mail address").fill(staff)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")
    page.goto(f"{live_server}/manage/allocation")
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.locator("table a").first.click()
    expect(page.get_by_role("button", name="Save scenario")).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)
