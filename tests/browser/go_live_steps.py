"""The steps of the go-live walk (test_go_live_walk.py), each as a person takes it in the
browser: choosing a password from a one-time link, importing a file, drafting and sharing a
plan, setting the calendar, publishing the allocation, opening a survey, reading the public
pages. The names, files and passwords the walk uses are here too."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.harness import layout_problems
from tests.browser.test_foundation_flows import assert_accessible

DISTRICT = "Riverbend Unified"
ADMIN = "it@riverbend.example"
PRINCIPAL = "ana.ruiz@riverbend.example"
STAFF = "ben.cole@riverbend.example"
SLUG = "willow-elementary"
SCHOOLS = (
    "Name,Level,Address,Grades,Code\r\n"
    "Willow Elementary,elementary,1 Willow Way,TK-5,willow-elementary\r\n"
    "River Middle School,middle,2 River Rd,6-8,river-middle\r\n"
)
PEOPLE = (
    "Name,E-mail,Role,School\r\n"
    f"Ana Ruiz,{PRINCIPAL},principal,Willow Elementary\r\n"
    f"Ben Cole,{STAFF},district,\r\n"
)
ENROLLMENT = "school,all\r\nwillow-elementary,400\r\nriver-middle,600\r\n"
GOAL = "Every child reads at grade level by grade 3."
STRATEGY = "Small reading groups every morning"
ACTION = "Train two reading tutors"
INVESTMENT = "Reading tutors"
SURVEY = "family-survey"
PER_PUPIL = "400 students × $4,000.00 = $1,600,000.00"  # Willow's line on its budget page
PASSWORDS = {
    ADMIN: "river otter lantern",
    PRINCIPAL: "willow tree morning",
    STAFF: "budget season coffee",
}


def check(page) -> None:
    """axe-core finds nothing serious and the page fits 360 px (no sideways scroll)."""
    assert layout_problems(page) == [], page.url
    assert_accessible(page)


def choose_password(page, link: str, email: str) -> None:
    page.goto(f"{link}?lang=en")
    page.get_by_label("New password", exact=True).fill(PASSWORDS[email])
    page.get_by_label("New password again").fill(PASSWORDS[email])
    check(page)
    page.locator("main form button[type=submit]").click()


def import_file(page, base, tmp_path, kind: str, text: str, ready: str, done: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    page.goto(f"{base}/manage/imports?lang=en")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("main")).to_contain_text(ready)
    check(page)
    page.get_by_role("button", name="Save these rows").click()
    expect(page.locator("main")).to_contain_text(done)


def _open(details) -> None:
    """Open a disclosure unless the page opened it already (an empty plan's "Add a goal")."""
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()


def draft_and_share_the_plan(page, base) -> None:
    """The principal's first plan through the editor: a goal, a strategy with an action, an
    investment; then shared for feedback."""
    page.goto(f"{base}/manage/schools/{SLUG}/plan?lang=en")
    start = page.get_by_role("button", name=re.compile("Start"))
    if start.count():
        start.first.click()
    _open(page.locator("#add-goal"))
    form = page.locator("#add-goal form")
    form.get_by_label("Goal, in one sentence").fill(GOAL)
    form.get_by_label("How we measure it").fill("Students reading at grade level")
    form.get_by_role("button", name="Add goal").click()
    expect(page.locator("#plan-announce")).to_have_text("Goal added.")
    goal = page.locator("#goals details.goal").first
    _open(goal)
    _open(goal.locator("details.add[id^=add-strategy-]"))
    form = goal.locator("details.add[id^=add-strategy-] form")
    form.get_by_label("Strategy").fill(STRATEGY)
    form.get_by_role("button", name="Add strategy").click()
    expect(page.locator("#plan-announce")).to_have_text("Strategy added.")
    strategy = page.locator("#goals details.editor-row[id^=strategy-]").first
    _open(page.locator("#goals details.goal").first)
    _open(strategy)
    _open(strategy.locator("details.add[id^=add-action-]"))
    form = strategy.locator("details.add[id^=add-action-] form")
    form.get_by_label("Action").fill(ACTION)
    form.get_by_role("button", name="Add action").click()
    expect(page.locator("#plan-announce")).to_have_text("Action added.")
    page.reload()  # the investments' "Add" comes with a page load once the plan has a goal
    _open(page.locator("#add-investment"))
    form = page.locator("#add-investment form")
    form.get_by_label("What the money buys").fill(INVESTMENT)
    form.get_by_label("Cost (dollars)").fill("95,000")
    form.get_by_label("Ongoing: it comes back every year").check()
    form.get_by_role("button", name="Add investment").click()
    expect(page.locator("#plan-announce")).to_have_text("Investment added.")
    check(page)
    _open(page.locator("#settings"))
    page.select_option("#settings select[name=status]", "shared")
    page.locator("#settings form button[type=submit]").click()
    expect(page.locator("#settings-h .meta")).to_contain_text("Shared for feedback")


def set_the_calendar(page, base) -> None:
    """The district's phase dates for this school year (1 July to 30 June)."""
    page.goto(f"{base}/manage/calendar?lang=en")
    label = re.search(r"\d{4}-\d{2}", page.get_by_role("heading", level=1).inner_text()).group(0)
    first = int(label[:4])
    windows = {
        "engage": ((first, 7, 1), (first, 8, 31)),
        "reflect": ((first, 9, 1), (first, 11, 30)),
        "prioritize": ((first, 12, 1), (first + 1, 3, 1)),  # to the last day of February
        "decide": ((first + 1, 3, 1), (first + 1, 7, 1)),  # to 30 June
    }
    last_day = {"prioritize", "decide"}
    for phase, (starts, ends) in windows.items():
        ends = date(*ends) - timedelta(days=1) if phase in last_day else date(*ends)
        page.fill(f"input[name={phase}_starts]", date(*starts).isoformat())
        page.fill(f"input[name={phase}_ends]", ends.isoformat())
    page.get_by_role("button", name="Save phase dates").click()
    expect(page.locator(".flash")).to_contain_text("Phase dates saved.")
    check(page)


def publish_the_allocation(page, base, tmp_path) -> None:
    """A funding stream, the enrollment file (preview, save), weights, adopt and publish."""
    page.goto(f"{base}/manage/allocation?lang=en")
    check(page)
    page.fill("input[name=name_en]", "Base grant")
    page.select_option("select[name=kind]", "unrestricted")
    page.fill("input[name=revenue]", "5,000,000")
    page.select_option("select[name=distribution]", "formula")
    page.get_by_role("button", name="Add funding stream").click()
    expect(page.locator(".flash")).to_contain_text("Funding stream added.")
    path = tmp_path / "enrollment.csv"
    path.write_text(ENROLLMENT)
    upload = page.locator("form[action$='/manage/allocation/enrollment']")
    upload.locator("input[type=file]").set_input_files(str(path))
    upload.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("2 schools, ready to save")
    check(page)
    page.get_by_role("button", name="Save this enrollment").click()
    expect(page.locator(".flash")).to_contain_text("Enrollment saved for 2 schools.")
    page.fill("form[action$='/manage/allocation/scenarios'] input[name=name]", "First year")
    page.get_by_role("button", name="Add scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("First year")
    page.fill("input[name=w-elementary-all]", "4,000")
    page.fill("input[name=w-middle-all]", "4,500")
    page.fill("input[name=central_share]", "10")
    page.fill("input[name=minimum]", "0")
    page.get_by_role("button", name="Save scenario").click()
    expect(page.locator(".flash")).to_contain_text("Scenario saved.")
    check(page)
    page.goto(f"{base}/manage/allocation?lang=en")
    page.get_by_role("button", name="Adopt and publish").click()
    expect(page.locator(".flash")).to_contain_text("Scenario status saved.")


def open_a_survey(page, base) -> None:
    """A survey from the SSFR template, open from yesterday for a month, published."""
    today = date.today()
    page.goto(f"{base}/manage/surveys?lang=en")
    page.get_by_label("Web address name").fill(SURVEY)
    page.get_by_label("Opens on").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Closes on").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Create survey").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".flash")).to_be_visible()
    check(page)


def read_the_school_pages(new_phone, base) -> str:
    """School page, plan, budget with its per-pupil figure, calendar, the open survey; the
    year's label as the calendar shows it."""
    public = new_phone()
    public.goto(f"{base}/?lang=en")
    public.get_by_role("link", name="Willow Elementary").first.click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Willow Elementary")
    check(public)
    public.goto(f"{base}/schools/{SLUG}/plan?lang=en")
    main = public.locator("main")
    for text in (GOAL, STRATEGY, ACTION, INVESTMENT, "shared for your feedback"):
        expect(main).to_contain_text(text)
    check(public)
    public.goto(f"{base}/schools/{SLUG}/budget?lang=en")
    expect(public.locator("main")).to_contain_text(PER_PUPIL)
    check(public)
    public.goto(f"{base}/schools/{SLUG}/calendar?lang=en")
    whole = public.locator("main").get_by_text(re.compile(r"The whole \d{4}-\d{2} school year"))
    year = re.search(r"\d{4}-\d{2}", whole.inner_text()).group(0)
    expect(public.locator("main")).to_contain_text(f"Engage Jul 1, {year[:4]}")
    check(public)
    public.goto(f"{base}/?lang=en")
    public.get_by_role("link", name="Answer the survey").first.click()
    expect(public).to_have_url(re.compile(rf"/surveys/{SURVEY}"))
    expect(public.locator("main form")).to_be_visible()
    check(public)
    nojs = new_phone(javascript=False)
    nojs.goto(f"{base}/schools/{SLUG}/budget?lang=en")
    expect(nojs.locator("main")).to_contain_text(PER_PUPIL)
    nojs.goto(f"{base}/schools/{SLUG}/plan?lang=en")
    expect(nojs.locator("main")).to_contain_text(INVESTMENT)
    return year
