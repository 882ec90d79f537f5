"""Plans, budgets and allocation in a real browser at 360 px, on the demo district: amounts never
wrap, tables fit or stack, every chart's text is inside the chart and readable without the table
(mirrored in Arabic), a tap on a scatter dot says which school it is, and the plan editor moves
the focus to what was just added, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.harness import layout_problems, sign_in
from tests.browser.test_foundation_flows import assert_accessible

SCHOOL = "cesar-chavez-elementary"
PUBLIC = [
    f"/schools/{SCHOOL}/budget",
    f"/schools/{SCHOOL}/plan",
    "/allocation",
    f"/schools/compare?schools={SCHOOL},oak-grove-elementary,eastside-high",
]

# Every <text> of every chart: inside its drawing, and not on top of another label.
CHART_TEXT_JS = """() => {
  const problems = [];
  for (const svg of document.querySelectorAll('svg.scatter, svg.goal-bars, figure.progress svg')) {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].map(t => [t, t.getBoundingClientRect()]);
    for (const [t, r] of texts) {
      const out = r.left < box.left - 1 || r.right > box.right + 1;
      if (out || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        problems.push(`clipped: "${t.textContent}" in ${svg.className.baseVal}`);
      if (r.height < 9) problems.push(`too small to read: "${t.textContent}" (${r.height}px)`);
    }
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const [a, ra] = texts[i], [b, rb] = texts[j];
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 2 && h > 2) problems.push(`"${a.textContent}" covers "${b.textContent}"`);
    }
  }
  return problems;
}"""

# An amount on one line: a .num element whose text wraps has more than one line box.
WRAPPED_AMOUNTS_JS = """() => [...document.querySelectorAll('.num')]
  .filter(el => el.checkVisibility() && el.getClientRects().length > 1)
  .map(el => el.textContent.trim())"""

# A header or label broken inside a word (a word wider than its cell).
BROKEN_WORDS_JS = """() => [...document.querySelectorAll('th, td, dt, .axis-title, figcaption')]
  .filter(el => el.checkVisibility() && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.textContent.trim().slice(0, 40))"""


FOCUSED_SUMMARY = """(prefix) => {
  const id = (document.activeElement || {}).id || "";
  return id.startsWith(prefix) && id.endsWith("-summary");
}"""


@pytest.fixture
def demo(clean_app):
    from portal.demo import load_demo

    with clean_app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
    return clean_app


@pytest.mark.parametrize("tag", ["en", "es", "vi", "ar"])
def test_budget_pages_and_charts_read_on_a_phone(page, live_server, demo, tag):
    for path in PUBLIC:
        sep = "&" if "?" in path else "?"
        page.goto(f"{live_server}{path}{sep}lang={tag}")
        expect(page.locator("html")).to_have_attribute("lang", tag)
        problems = layout_problems(page)
        assert problems == [], f"{path} {tag}: {problems}"
        assert page.evaluate(WRAPPED_AMOUNTS_JS) == [], f"{path} {tag}: amounts wrap"
        assert page.evaluate(BROKEN_WORDS_JS) == [], f"{path} {tag}: words cut in cells"
        assert page.evaluate(CHART_TEXT_JS) == [], f"{path} {tag}: chart text"
    page.goto(f"{live_server}/schools/{SCHOOL}/budget?lang={tag}")
    bars = page.locator("svg.goal-bars")
    expect(bars).to_have_attribute("role", "img")
    label = page.locator("svg.goal-bars .bar-label").first.bounding_box()
    amount = page.locator("svg.goal-bars .bar-amount").first.bounding_box()
    if tag == "ar":  # right to left: the goal's name at the right, its amount at the left
        assert label["x"] > amount["x"] + amount["width"]
    else:
        assert label["x"] + label["width"] < amount["x"]


def test_a_tap_on_a_dot_says_which_school_it_is(page, live_server, demo):
    page.goto(f"{live_server}/allocation?lang=es")
    dots = page.locator("#equity-poverty-h + figure svg a")
    assert dots.count() == 9
    for i in range(dots.count()):
        assert dots.nth(i).get_attribute("aria-label")  # a name for touch and screen readers
    # Names are printed beside the dots where they fit.
    assert page.locator("#equity-poverty-h + figure svg text.dot-label").count() >= 3
    first = dots.first
    name = first.get_attribute("aria-label").split(":")[0]
    first.tap()
    row = page.locator(f"tr:has-text('{name}')").first
    expect(row).to_be_visible()  # the table opens at that school's row
    expect(row).to_contain_text("%")
    # One printed title per chart: the heading, not a caption as well.
    assert page.locator("figure.equity figcaption").count() == 0
    assert_accessible(page)


def test_the_plan_editor_moves_the_focus_to_what_was_added(page, live_server, demo):
    sign_in(page, live_server, "principal@demo.test", "demo")
    page.goto(f"{live_server}/manage/schools/{SCHOOL}/plan?lang=en")
    assert_accessible(page)
    expect(page.locator("#plan-toc")).to_be_visible()
    page.locator("#add-goal > summary").click()
    form = page.locator("#add-goal form")
    form.get_by_label("Goal, in one sentence").fill("Every family hears from us each month.")
    form.get_by_label("How we measure it").fill("Families reached")
    form.get_by_role("button", name="Add goal").click()
    expect(page.locator("#plan-announce")).to_have_text("Goal added.")
    page.wait_for_function(FOCUSED_SUMMARY, arg="goal-")  # htmx focuses it once settled
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("goal-") and focused.endswith("-summary"), focused
    goal = focused.removesuffix("-summary")
    expect(page.locator(f"#{goal}")).to_have_attribute("open", "")
    expect(page.locator("#plan-toc")).to_contain_text("Every family hears from us")
    # An investment added: the new row is open and has the focus; the cut line still shows.
    page.locator("#add-investment > summary").click()
    form = page.locator("#add-investment form")
    form.get_by_label("What the money buys").fill("Monthly newsletter in four languages")
    form.get_by_label("Cost (dollars)").fill("4,000")
    form.get_by_label("Ongoing: it comes back every year").check()
    form.get_by_role("button", name="Add investment").click()
    expect(page.locator("#plan-announce")).to_have_text("Investment added.")
    page.wait_for_function(FOCUSED_SUMMARY, arg="investment-")
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("investment-") and focused.endswith("-summary"), focused
    expect(page.locator(f"#{focused}")).to_contain_text("Monthly newsletter")
    # A refused form: the summary takes the focus and links to the field.
    page.locator("#add-investment > summary").click()
    form = page.locator("#add-investment form")
    form.get_by_label("Cost (dollars)").fill("a lot")
    form.get_by_role("button", name="Add investment").click()
    expect(page.locator(".error-summary")).to_be_focused()
    page.locator(".error-summary a").first.click()
    expect(page.locator("#inv-new-description")).to_be_focused()


def test_without_javascript_the_page_opens_at_what_was_added(browser, live_server, demo):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server}/auth/sign-in?lang=en")
    page.fill("input[name=email]", "principal@demo.test")
    page.fill("input[name=password]", "demo")
    page.locator("main form button[type=submit]").first.click()
    page.goto(f"{live_server}/manage/schools/{SCHOOL}/plan?lang=es")
    page.locator("#add-goal > summary").click()
    form = page.locator("#add-goal form")
    form.locator("[name=statement]").fill("Cada familia recibe noticias cada mes.")
    form.locator("[name=indicator]").fill("Familias")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**focus=goal-*")
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("goal-") and focused.endswith("-summary"), focused
    expect(page.locator(f"#{focused.removesuffix('-summary')}")).to_have_attribute("open", "")
    expect(page.locator(".flashes")).to_be_visible()
    context.close()
