"""Bulletins on a 360 px phone (issue 11): a rejected Save in the editor, with and without
JavaScript, keeps both languages and everything else typed, puts the focus on a summary at the
top whose links lead to the fields; the current language tab reads (WCAG AA contrast) and says it
is current; the Publish button saves the text too; the editor, list, bulletin and subscription
pages fit the phone in English, Spanish and Vietnamese (tests/browser/harness.py's checks)."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from portal.models import Bulletin, Role
from tests.browser.harness import layout_problems, sign_in
from tests.conftest import PASSWORD
from tests.test_bulletins import _bulletin

# The contrast of an element's text with the background it is drawn on (WCAG 2 formula).
CONTRAST_JS = """(el) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null;
  for (let n = el; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { bg = c.slice(0, 3); break; }
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color).slice(0, 3);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""

TYPED = {
    "#title_en": "Reading nights start Monday",
    "#summary_en": "Books in four languages to take home.",
    "#body_en": "Bring the **whole** family.\n\n- Dinner at 5:30",
    "#title_es": "Las noches de lectura empiezan el lunes",
    "#summary_es": "Libros en cuatro idiomas para llevar a casa.",
    "#body_es": "Traiga a **toda** la familia.\n\n- Cena a las 5:30",
    "#sms_es": "Noches de lectura desde el lunes.",
}


def _draft(ctx, district) -> int:
    return _bulletin(
        ctx,
        district,
        slug="draft",
        status="draft",
        published_at=None,
        title={"en": "Stored"},
        summary={},
        body={"en": "Stored body"},
        sms={},
    )


def _fill_and_save_with_a_bad_link(page):
    for selector, value in TYPED.items():
        page.locator(selector).fill(value)
    page.get_by_label("Maple Elementary").check()
    page.locator("#links").fill("plan: maple-elementary\nplan maple elementary")
    page.get_by_role("button", name="Save", exact=True).click()


def _assert_everything_is_still_there(page):
    for selector, value in TYPED.items():
        expect(page.locator(selector)).to_have_value(value)
    expect(page.get_by_label("Maple Elementary")).to_be_checked()
    expect(page.locator("#links")).to_have_value("plan: maple-elementary\nplan maple elementary")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_rejected_save_on_a_phone_keeps_both_languages_and_leads_to_the_field(
    browser, live_server, district, make_user, ctx, javascript
):
    bulletin_id = _draft(ctx, district)
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    if javascript:
        sign_in(page, live_server, make_user(Role.COMMS), PASSWORD)
    else:
        _sign_in_no_js(page, live_server, make_user(Role.COMMS))
    page.goto(f"{live_server}/manage/bulletins/{bulletin_id}?target=es")
    _fill_and_save_with_a_bad_link(page)

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_be_visible()
    expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < 740, "the summary is not on the first screen"
    _assert_everything_is_still_there(page)
    # The message is beside the field and names the wrong line.
    expect(page.locator("#links-error")).to_contain_text("“plan maple elementary”")
    expect(page.locator("#links")).to_have_attribute("aria-invalid", "true")
    assert layout_problems(page) == []
    # The summary's link leads to the field.
    summary.get_by_role("link").first.click()
    expect(page.locator("#links")).to_be_focused()
    assert page.locator("#links").bounding_box()["y"] < 740
    # Corrected, it saves; nothing typed was lost on the way.
    page.locator("#links").fill("plan: maple-elementary")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Bulletin saved.")
    for selector, value in TYPED.items():  # now read back from the database
        expect(page.locator(selector)).to_have_value(value)
    with ctx() as session:
        bulletin = session.get(Bulletin, bulletin_id)
        assert bulletin.title == {"en": TYPED["#title_en"], "es": TYPED["#title_es"]}
        assert bulletin.body["es"] == TYPED["#body_es"]
        assert [s.slug for s in bulletin.schools] == ["maple-elementary"]
    context.close()


def _sign_in_no_js(page, base, email):
    page.goto(f"{base}/auth/sign-in?lang=en")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/auth/sign-in" not in url)


def test_the_current_tab_reads_and_publish_saves_the_text(
    page, live_server, district, make_user, ctx
):
    bulletin_id = _draft(ctx, district)
    sign_in(page, live_server, make_user(Role.COMMS), PASSWORD)
    page.goto(f"{live_server}/manage/bulletins/{bulletin_id}?target=vi")
    current = page.locator(".language-tabs li.current")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Tiếng Việt")
    expect(current).to_contain_text("editing now")
    link = current.get_by_role("link")
    expect(link).to_have_attribute("aria-current", "page")
    for element in (link, current.locator(".tab-state"), current.locator(".tab-now")):
        ratio = element.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, f"contrast {ratio:.2f} on the current tab"
    # Other tabs read too.
    for other in page.locator(".language-tabs li:not(.current) a").all():
        assert other.evaluate(CONTRAST_JS) >= 4.5
    assert layout_problems(page) == []

    # Typed, not saved, then Publish now (the button belongs to the editor's form).
    page.locator("#title_vi").fill("Đêm đọc sách")
    page.locator("#body_vi").fill("Mời cả gia đình.")
    page.locator("#anyway").check()
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".flash")).to_contain_text("Published.")
    with ctx() as session:
        bulletin = session.get(Bulletin, bulletin_id)
        assert bulletin.status == "published" and bulletin.title["vi"] == "Đêm đọc sách"


@pytest.mark.parametrize("tag", ["en", "es", "vi"])
def test_bulletin_pages_fit_a_phone(browser, live_server, district, make_user, ctx, tag):
    _bulletin(
        ctx,
        district,
        title={"en": "Budget night on Thursday, November 20", "es": "Noche del presupuesto"},
        summary={"en": "Come and ask about $1,234,567 of spending.", "es": "Venga a preguntar."},
        body={"en": "## What\n\nA long word: Supercalifragilisticexpialidocious.", "es": "Sí."},
        links=[{"kind": "plan", "slug": "maple-elementary"}],
        published_at=datetime(2026, 11, 10, 16, tzinfo=UTC),
    )
    bulletin_id = _draft(ctx, district)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    failures = {}
    for path in ("/bulletins", "/bulletins/2026-11-test", "/bulletins/subscribe"):
        page.goto(f"{live_server}{path}?lang={tag}")
        failures[path] = layout_problems(page)
    # A rejected subscription.
    page.locator("#email").fill("not an address")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#email")).to_have_value("not an address")
    failures["subscribe (rejected)"] = layout_problems(page)
    sign_in(page, live_server, make_user(Role.COMMS), PASSWORD)
    for path in ("/manage/bulletins", f"/manage/bulletins/{bulletin_id}"):
        page.goto(f"{live_server}{path}?lang={tag}")
        failures[path] = layout_problems(page)
    context.close()
    failures = {k: v for k, v in failures.items() if v}
    assert not failures, failures
