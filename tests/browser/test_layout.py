"""Every public page, in every language, at 360 px on the demo district: no sideways scrolling,
nothing outside the screen (open menus included), no amount split across lines, tap targets of
24 px or more, and text in another language tagged with its own `lang`.

The pages come from the URL map (tests/pages.py), so a new page is checked without anyone
adding it here. Staff pages are checked for the principal and a council member, the roles that
use them on phones.
"""

import pytest

from portal.i18n import LANGUAGES
from tests.browser.harness import layout_problems, sign_in, visit
from tests.pages import pages_for

TAGS = [lang.tag for lang in LANGUAGES.values()]


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("tag", TAGS)
def test_every_public_page_fits_a_phone(demo_site, phone, tag):
    app, base = demo_site
    failures = {}
    for page in pages_for(app, staff=False):
        status = visit(phone, base, page.path, tag)
        assert status is not None and status < 500, f"{page.path}: HTTP {status}"
        problems = layout_problems(phone)
        if problems:
            failures[page.path] = problems
    assert not failures, "\n".join(f"{path}: {p}" for path, ps in failures.items() for p in ps)


@pytest.mark.parametrize("tag", ["en", "ar"])
def test_what_a_family_comes_for_is_on_the_first_screen(demo_site, phone, tag):
    """The school search on the home page, and a school's calendar, plan, budget and committees
    links on its page, are on the first screen of a phone, not 1,300 px down."""
    _app, base = demo_site
    first_screen = 740
    visit(phone, base, "/", tag)
    assert phone.locator("#school-search").bounding_box()["y"] < first_screen
    visit(phone, base, "/schools/cesar-chavez-elementary", tag)
    links = phone.locator("ul.sections a")
    assert links.count() == 4
    for i in range(4):
        box = links.nth(i).bounding_box()
        assert box["y"] + box["height"] < first_screen, links.nth(i).inner_text()


@pytest.mark.parametrize("role", ["principal", "council"])
@pytest.mark.parametrize("tag", ["en", "es", "ar"])
def test_staff_pages_fit_a_phone(demo_site, browser, role, tag):
    app, base = demo_site
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sign_in(page, base, f"{role}@demo.test", "demo")
    failures = {}
    for entry in pages_for(app, staff=True):
        status = visit(page, base, entry.path, tag)
        if status != 200:  # not this role's page
            continue
        problems = layout_problems(page)
        if problems:
            failures[entry.path] = problems
    context.close()
    assert not failures, "\n".join(f"{path}: {p}" for path, ps in failures.items() for p in ps)
