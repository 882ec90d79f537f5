"""The flows people take through the foundation, on a phone-sized screen, with axe-core checks."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.models import Role
from tests.conftest import PASSWORD

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}


def assert_accessible(page):
    results = AXE.run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == [], f"{page.url}: " + "; ".join(blocking)


TAP_TARGETS = (
    "button, summary, select, label.check, "
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "nav a, .card > a, .button"
)
SMALL_TARGETS_JS = """(selector) => [...document.querySelectorAll(selector)]
    .filter(el => el.offsetParent !== null)
    .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect().height])
    .filter(([, h]) => h < 43.5)"""


def assert_fits_a_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px"
    small = page.evaluate(SMALL_TARGETS_JS, TAP_TARGETS)
    assert small == [], f"{page.url}: tap targets under 44px: {small}"


def test_spanish_parent_finds_and_opens_a_school(page, live_server, district):
    page.goto(f"{live_server}/?lang=es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_accessible(page)
    assert_fits_a_phone(page)

    search = page.locator("#school-search")
    search.fill("cedar")
    # htmx swaps the list in place and records the search in the address bar.
    expect(page.locator("#school-list")).not_to_contain_text("Maple Elementary")
    expect(page.locator("#school-list")).to_contain_text("Cedar Middle School")
    expect(page).to_have_url(re.compile(r"q=cedar"))

    page.get_by_role("link", name="Cedar Middle School").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cedar Middle School")
    expect(page.locator("main")).to_contain_text("Acerca de Cedar Middle School.")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_accessible(page)
    assert_fits_a_phone(page)


def test_search_works_with_javascript_off(browser, live_server, district):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}/?lang=es")
    page.locator("#school-search").fill("summit")
    page.locator("form.search button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"q=summit"))
    expect(page.locator("#school-list")).to_contain_text("Summit High School")
    expect(page.locator("#school-list")).not_to_contain_text("Maple Elementary")
    context.close()


def test_language_switcher_changes_and_remembers_language(page, live_server, district):
    page.goto(f"{live_server}/privacy")
    page.locator(".language-switcher summary").click()
    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.goto(f"{live_server}/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")


@pytest.mark.parametrize("path", ["/privacy", "/auth/sign-in", "/schools/no-such-school"])
@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_public_pages_are_accessible_on_a_phone(page, live_server, district, path, lang):
    page.goto(f"{live_server}{path}?lang={lang}")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)


def test_admin_signs_in_on_a_phone_and_manages_accounts(page, live_server, make_user):
    email = make_user(Role.ADMIN)
    page.goto(f"{live_server}/manage/users")
    expect(page).to_have_url(re.compile(r"/auth/sign-in\?next="))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts and roles")
    assert_accessible(page)
    assert_fits_a_phone(page)

    page.get_by_role("link", name="New account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New account")
    page.get_by_role("button", name="Save").click()  # empty: errors beside the fields
    expect(page.locator("#name-error")).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)

    for path in (
        "/manage/",
        "/manage/schools",
        "/manage/schools/maple-elementary",
        "/manage/district",
        "/auth/sessions",
    ):
        page.goto(f"{live_server}{path}")
        assert_accessible(page)
        assert_fits_a_phone(page)
