"""An administrator on a phone (360 px) brings the district in: the import page with its
columns and templates, a preview of a schools file, the confirmation and its result; a 10 MB
file over a real HTTP connection gets the page's own message, not a reset connection or a 500.
axe-core and the layout checks on each page."""

from playwright.sync_api import expect

from portal.models import Role
from tests.browser.harness import sign_in
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone
from tests.conftest import PASSWORD

SCHOOLS = (
    "Name,Level,Address,Grades,Code\r\n"
    "Willow Elementary School of the Arts and Sciences,elementary,1 Willow Way,TK-5,willow\r\n"
    "River Middle,middle,2 River Rd,6-8,\r\n"
)


def test_an_admin_imports_schools_on_a_phone(page, live_server, make_user, tmp_path):
    email = make_user(Role.ADMIN)
    sign_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/manage/imports?lang=en")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Import schools, staff and committees")
    expect(page.locator("a[href$='/template.csv']")).to_have_count(5)
    assert_accessible(page)
    assert_fits_a_phone(page)

    good = tmp_path / "schools.csv"
    good.write_text(SCHOOLS)
    page.select_option("select[name=kind]", "schools")
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("main")).to_contain_text("2 rows, ready to save")
    expect(page.locator("main")).to_contain_text("Willow Elementary School of the Arts")
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Save these rows").click()
    expect(page.locator("main")).to_contain_text("2 added, 0 changed")
    assert_fits_a_phone(page)

    big = tmp_path / "big.csv"
    big.write_bytes(b"name,level\r\n" + b"x" * (10 * 1024 * 1024))
    page.select_option("select[name=kind]", "schools")
    page.set_input_files("input[name=file]", str(big))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("main")).to_contain_text("an import file may be at most 1 MB")
    assert_accessible(page)
    assert_fits_a_phone(page)
