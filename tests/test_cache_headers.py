"""Shared caches are safe: every public page of the demo district, in every language, signed in
and not. A response a shared cache may keep never sets a cookie, says what it varies on, and
carries no visitor's form token; a signed-in visitor's page is never shared."""

import re

import pytest

from portal.demo import DEMO_PASSWORD
from portal.i18n import LANGUAGES
from tests.pages import pages_for

# Public pages that are drawn for one visitor and so are never shared, and why.
PRIVATE_PUBLIC_PAGES = {
    "surveys.take": "the survey form carries a receipt for this one form (fill time, no replay)",
    "surveys.take_code": "the survey form carries a receipt for this one form",
    "feedback.new_comment": "a comment form, with a form token",
    "feedback.confirm_flag": "a confirmation form, with a form token",
    "bulletins.unsubscribe": "one subscriber's page, reached by a signed link",
    "notices.unsubscribe": "one follower's page, reached by a signed link",
    "notices.follow": "the follow form, with a form token",
    "notices.manage": "a follower's own settings, reached by a signed link",
    "bulletins.subscribe": "the subscription form, with a form token",
    "auth.sign_in": "the sign-in form",
    "auth.forgot": "a form",
    "auth.set_password": "a form reached by a one-time link",
}
TOKEN = re.compile(r'name="csrf_token"')


@pytest.fixture(scope="module")
def demo(app):
    from tests.conftest import _clean

    _clean(app)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    pages = pages_for(app, staff=False)
    with app.test_request_context():
        endpoints = {page.path: app.url_map.bind("localhost").match(page.path)[0] for page in pages}
    yield pages, endpoints
    _clean(app)


@pytest.fixture(scope="module")
def signed_in(app, demo):
    client = app.test_client()
    response = client.post(
        "/auth/sign-in", data={"email": "principal@demo.test", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
def test_anonymous_pages_are_shared_only_when_safe(app, demo, locale):
    pages, endpoints = demo
    client = app.test_client()
    private, problems = set(), []
    for page in pages:
        response = client.get(page.path, headers={"Accept-Language": LANGUAGES[locale].tag})
        if response.status_code != 200:
            continue
        control = response.headers.get("Cache-Control", "")
        body = response.get_data(as_text=True)
        if "public" in control:
            if "Set-Cookie" in response.headers:
                problems.append(f"{page.path}: shared but sets a cookie")
            if TOKEN.search(body):
                problems.append(f"{page.path}: shared but carries a form token")
            if not {"Cookie", "Accept-Language", "HX-Target"} <= set(response.vary):
                problems.append(f"{page.path}: shared without Vary {sorted(response.vary)}")
        else:
            assert control == "private, no-store", (page.path, control)
            private.add(endpoints[page.path])
        client.delete_cookie("session")
    assert not problems, problems
    unexpected = private - set(PRIVATE_PUBLIC_PAGES)
    assert not unexpected, f"public pages that a cache can no longer share: {sorted(unexpected)}"


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
def test_a_signed_in_visitors_pages_are_never_shared(app, demo, signed_in, locale):
    pages, _endpoints = demo
    shared = []
    for page in pages:
        response = signed_in.get(page.path, headers={"Accept-Language": LANGUAGES[locale].tag})
        if response.status_code == 200 and "public" in response.headers.get("Cache-Control", ""):
            shared.append(page.path)
    assert not shared, shared
