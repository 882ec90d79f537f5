"""Year two on a phone, on the demo district: district staff review and open the next school
year, then the public reads last year's plan under its year and this year's calendar. The
review page, last year's allocations and the baseline entry fit 360 px and pass axe-core."""

from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.harness import sign_in
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone

SCHOOL = "cesar-chavez-elementary"


def test_district_staff_open_year_two_and_the_public_reads_both_years(page, live_server, clean_app):
    from portal.demo import DEMO_PASSWORD, load_demo
    from portal.services.school_year import current_year

    with clean_app.app_context():
        load_demo()
        from portal.models import District

        this_year = current_year(District.current().id).label
        db.session.remove()

    sign_in(page, live_server, "district@demo.test", DEMO_PASSWORD)
    for path in ("/manage/allocation/prior", "/manage/surveys/baselines/new"):
        page.goto(f"{live_server}{path}?lang=en")
        expect(page.locator("main form")).to_be_visible()
        assert_accessible(page)
        assert_fits_a_phone(page)

    page.goto(f"{live_server}/manage/years?lang=en")
    main = page.locator("main")
    expect(main).to_contain_text("starts from this year's plan")
    assert_accessible(page)
    assert_fits_a_phone(page)
    button = main.locator("form button[type=submit]").last
    next_label = button.inner_text().removeprefix("Open ").strip()
    button.click()
    expect(page.locator("body")).to_contain_text(f"The school year {next_label} is open.")
    expect(page.locator("main")).to_contain_text(f"{next_label}: Jul 1")

    public = page.context.browser.new_context(viewport={"width": 360, "height": 740})
    visitor = public.new_page()
    visitor.goto(f"{live_server}/schools/{SCHOOL}/plan?year={this_year}&lang=en")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("César Chávez")
    expect(visitor.locator(".year-picker")).to_contain_text(this_year)
    visitor.goto(f"{live_server}/schools/{SCHOOL}/calendar?lang=en")
    expect(visitor.locator("main")).to_contain_text(next_label)
    assert_fits_a_phone(visitor)
    public.close()
