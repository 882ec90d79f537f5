"""The survey on a 360 px phone in Chromium: the stepped form comes in one download and shows
one screen from the first paint; switching language half-way keeps every answer, with
JavaScript and without."""

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import SurveyResponse
from tests.browser.harness import layout_problems, sign_in, visit
from tests.browser.test_foundation_flows import assert_accessible
from tests.pages import pages_for

SURVEY = "/surveys/ssfr-test"

# Tap targets (WCAG 2.2, 2.5.8): controls, and links that stand alone (not inside a sentence).
SMALL_TARGETS_JS = """() => [...document.querySelectorAll(
      'button, summary, select, textarea, label.check, input:not([type=hidden]), a[href]')]
    .filter(el => el.offsetParent !== null && !el.closest('[aria-hidden=true]'))
    .filter(el => el.tagName !== 'A'
      || el.parentElement.textContent.trim() === el.textContent.trim())
    .filter(el => !(el.type === 'radio' || el.type === 'checkbox') || !el.closest('label'))
    .map(el => [el.outerHTML.slice(0, 70), Math.round(el.getBoundingClientRect().height)])
    .filter(([, h]) => h < 24)"""
# A number or amount split over two lines.
SPLIT_NUMBERS_JS = """() => [...document.querySelectorAll('.num')]
    .filter(el => el.getClientRects().length > 1 || el.scrollWidth > el.clientWidth + 1)
    .map(el => el.textContent)"""


def assert_fits_a_phone(page):
    """No sideways scrolling at 360 px, every tap target at least 24 px, no split number."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px"
    small = page.evaluate(SMALL_TARGETS_JS)
    assert small == [], f"{page.url}: tap targets under 24px: {small}"
    split = page.evaluate(SPLIT_NUMBERS_JS)
    assert split == [], f"{page.url}: numbers split across lines: {split}"


def _visible_steps(page) -> list[str]:
    return page.eval_on_selector_all(
        ".survey-step", "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"
    )


def _answer_shown_screen(page, nth: int) -> list[str]:
    """Tick answer `nth` of every question on the screen shown; returns the fields ticked."""
    names = []
    for fieldset in page.locator(".survey-step:not([hidden]) fieldset.item").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count():
            radios.nth(nth).check()
            names.append(radios.nth(nth).get_attribute("name"))
    return names


def test_the_stepped_form_shows_one_screen_without_waiting_for_javascript(
    page, live_server, survey_id
):
    # htmx never arrives (a very slow connection): the first screen alone shows, and works.
    page.route(re.compile(r"htmx-[\d.]+\.min\.js"), lambda route: route.abort())
    page.goto(f"{live_server}{SURVEY}?lang=es")
    assert _visible_steps(page) == ["step-about"]
    expect(page.get_by_text("Paso 1 de 7")).to_be_visible()


def test_switching_language_mid_survey_keeps_answers_with_javascript(
    page, live_server, survey_id, clean_app
):
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    page.goto(f"{live_server}{SURVEY}?lang=en")
    page.wait_for_load_state("networkidle")
    survey_requests = [(m, u) for m, u in requests if "/surveys/" in u]
    assert len(survey_requests) == 1, survey_requests  # the form is downloaded once
    assert _visible_steps(page) == ["step-about"]
    assert_accessible(page)
    assert_fits_a_phone(page)

    page.locator("input[name=role][value=parent]").check()
    page.locator("#school").select_option(label="Maple Elementary")
    page.locator("input[name=role][value=parent]").press("Enter")  # Enter means Next
    expect(page.get_by_text("Step 2 of 7")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert any(u.endswith("/step") for _m, u in requests)  # htmx swapped the form only

    ticked = _answer_shown_screen(page, 1)  # "Disagree" on screen 2
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text("Paso 2 de 7")).to_be_visible()
    for name in ticked:
        expect(page.locator(f"input[name='{name}'][value='2']")).to_be_checked()
    assert_accessible(page)
    assert_fits_a_phone(page)

    page.get_by_role("button", name="Atrás").click()
    expect(page.get_by_text("Paso 1 de 7")).to_be_visible()
    expect(page.locator("input[name=role][value=parent]")).to_be_checked()
    expect(page.locator("#school option:checked")).to_have_text("Maple Elementary")
    expect(page.locator("#language")).to_have_value("es")

    page.get_by_role("button", name="Siguiente").click()
    expect(page.get_by_text("Paso 2 de 7")).to_be_visible()
    for step in range(3, 8):
        page.locator(".survey-step:not([hidden])").get_by_role("button", name="Siguiente").click()
        expect(page.get_by_text(f"Paso {step} de 7")).to_be_visible()
        _answer_shown_screen(page, 2)
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("¡Gracias!")
    with clean_app.app_context():
        stored = db.session.query(SurveyResponse).one()
        ids = {int(n.split("-")[1]) for n in ticked}
        assert stored.language == "es"
        assert {a.item_id: a.score for a in stored.answers if a.item_id in ids} == dict.fromkeys(
            ids, 2
        )
        db.session.remove()


def test_switching_language_mid_survey_keeps_answers_without_javascript(
    browser, live_server, survey_id
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}{SURVEY}?lang=vi")
    assert _visible_steps(page) == ["step-about"]
    page.locator("input[name=role][value=teacher]").check()
    page.locator("#school").select_option(value="district")
    page.get_by_role("button", name="Tiếp theo").click()
    expect(page.get_by_text("Bước 2 trên 7")).to_be_visible()
    ticked = _answer_shown_screen(page, 3)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Step 2 of 7")).to_be_visible()
    for name in ticked:
        expect(page.locator(f"input[name='{name}'][value='4']")).to_be_checked()
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Back").click()
    expect(page.locator("input[name=role][value=teacher]")).to_be_checked()
    expect(page.locator("#language")).to_have_value("en")
    context.close()


# --- the survey and readiness staff pages on the demo district, in five languages ----------
# (tests/browser/test_layout.py checks every public page, and the principal's and a council
# member's pages; these are the district staff's and the facilitator's.)


@pytest.mark.parametrize(
    ("role", "prefixes"),
    [
        ("district", ("/manage/surveys", "/manage/readiness")),
        ("facilitator", ("/manage/readiness",)),
    ],
)
@pytest.mark.parametrize("tag", ["en", "es", "zh-Hans", "vi", "ar"])
def test_survey_and_readiness_staff_pages_fit_a_phone(demo_site, browser, role, prefixes, tag):
    app, base = demo_site
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sign_in(page, base, f"{role}@demo.test", "demo")
    failures, seen = {}, 0
    for entry in pages_for(app, staff=True):
        if not entry.path.startswith(prefixes):
            continue
        if visit(page, base, entry.path, tag) != 200:
            continue  # not this role's page
        seen += 1
        problems = layout_problems(page)
        if problems:
            failures[entry.path] = problems
    context.close()
    assert seen >= 3
    assert not failures, "\n".join(f"{path}: {p}" for path, ps in failures.items() for p in ps)
