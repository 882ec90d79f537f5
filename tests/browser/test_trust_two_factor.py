"""Two-step sign-in in a browser at 360 px: an admin enrols a phone (the QR code is an <img>,
the secret typed out), keeps the recovery codes, signs in again with a code; with JavaScript
off, and with it on, where every page also passes the layout checks and axe-core."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import Role
from portal.services import two_factor
from tests.browser.harness import layout_problems
from tests.browser.test_foundation_flows import assert_accessible
from tests.conftest import PASSWORD


@pytest.fixture
def required(clean_app, monkeypatch):
    monkeypatch.setitem(clean_app.config, "TWO_FACTOR_REQUIRED_ROLES", ("admin", "facilitator"))


def _password_step(page, base, email):
    page.goto(f"{base}/auth/sign-in?lang=en")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _check(page, js: bool) -> None:
    """Layout checks and axe-core need JavaScript in the page (they run as scripts): with it
    on, both; with it off, the flow itself is what is tested."""
    if js:
        assert layout_problems(page) == [], page.url
        assert_accessible(page)


@pytest.mark.parametrize("js", [False, True], ids=["javascript-off", "javascript-on"])
def test_an_admin_enrols_and_signs_in_with_a_code(browser, live_server, make_user, required, js):
    email = make_user(Role.ADMIN)
    context = browser.new_context(
        java_script_enabled=js, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    _password_step(page, live_server, email)
    expect(page).to_have_url(re.compile(r"/auth/two-step/setup"))
    page.goto(f"{live_server}/manage/users")  # any other page: back to enrolment
    expect(page).to_have_url(re.compile(r"/auth/two-step/setup"))
    expect(page.locator("main img[src^='data:image/png']")).to_be_visible()
    _check(page, js)
    secret = page.locator("figcaption code").inner_text().replace(" ", "")
    page.get_by_label("The 6-digit code the app shows").fill(
        two_factor.code_at(secret, two_factor.step_at())
    )
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".code-list li")).to_have_count(10)
    _check(page, js)
    page.get_by_role("link", name=re.compile("go to my workspace")).click()
    expect(page).to_have_url(re.compile(r"/manage/$"))
    page.goto(f"{live_server}/auth/sessions")
    page.get_by_role("button", name="Sign out").first.click()
    context.close()

    context = browser.new_context(
        java_script_enabled=js, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    _password_step(page, live_server, email)
    expect(page).to_have_url(re.compile(r"/auth/two-step"))
    _check(page, js)
    # The next step's code: the one used for enrolment may not be replayed.
    page.get_by_label(re.compile("Code from your authenticator app")).fill(
        two_factor.code_at(secret, two_factor.step_at() + 1)
    )
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/manage/$"))
    for path in ("/auth/two-step/settings", "/auth/password"):
        page.goto(f"{live_server}{path}")
        _check(page, js)
    context.close()
