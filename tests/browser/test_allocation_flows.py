"""A parent reads a school's budget arithmetic in Vietnamese on a phone; the equity chart has a
table alternative; axe-core finds no serious or critical violation."""

from datetime import date

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, SchoolYear
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone
from tests.conftest import PASSWORD


def test_a_parent_reads_the_budget_arithmetic_in_vietnamese(
    page, live_server, clean_app, district, make_user
):
    from portal.demo_allocation import load_allocation_demo

    with clean_app.app_context():
        db.session.add(
            SchoolYear(
                district_id=district["id"],
                label="2026-27",
                starts_on=date(2026, 7, 1),
                ends_on=date(2027, 6, 30),
                is_current=True,
            )
        )
        db.session.flush()
        load_allocation_demo(district["id"])
        db.session.commit()

    page.goto(f"{live_server}/schools/maple-elementary?lang=vi")
    page.get_by_role("link", name="Ngân sách").click()
    expect(page.get_by_role("heading", name="Tiền của chúng tôi từ đâu đến")).to_be_visible()
    expect(page.locator("main")).to_contain_text("412 học sinh × 3.741,00 US$ = 1.541.292,00 US$")
    expect(page.locator("main")).to_contain_text("học sinh thuộc diện nghèo")
    assert_accessible(page)
    assert_fits_a_phone(page)

    page.get_by_role("link", name="Học khu chia tiền cho tất cả các trường như thế nào").click()
    chart = page.locator("svg.scatter").first
    expect(chart).to_have_attribute("role", "img")
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
