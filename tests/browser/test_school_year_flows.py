"""A parent on a phone opens a demo school in Chinese: where the year stands and what comes next,
the plan, the budget, the calendar file and the printable plan. axe-core on every page."""

import re

from icalendar import Calendar
from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone

SCHOOL = "cesar-chavez-elementary"


def test_a_parent_follows_the_school_year_in_chinese(page, live_server, clean_app):
    from portal.demo import load_demo

    with clean_app.app_context():
        load_demo()
        db.session.remove()

    page.goto(f"{live_server}/schools/{SCHOOL}?lang=zh-Hans")
    main = page.locator("main")
    page.get_by_role("link", name="日程").click()
    expect(page.locator("#now")).to_be_visible()
    # One of the four phases is marked as the current step, with its one-sentence meaning.
    expect(page.locator(".phases [aria-current=step]")).to_have_count(1)
    expect(main.locator("section.now p").nth(1)).not_to_be_empty()
    expect(page.locator("#next")).to_be_visible()
    expect(main).to_contain_text("学校管理委员会")  # event titles in Chinese
    assert_accessible(page)
    assert_fits_a_phone(page)

    ics_href = page.locator(
        "a[href$='.ics?lang=zh-Hans'], a[href*='calendar.ics']"
    ).last.get_attribute("href")
    feed = page.request.get(ics_href)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    summaries = [str(e["summary"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")]
    assert any("学校管理委员会" in s for s in summaries)

    page.goto(f"{live_server}/schools/{SCHOOL}/plan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("César Chávez")
    expect(main).to_contain_text(
        "到 2027 年 6 月，将达到年级阅读水平的三年级学生比例从 48% 提高到 65%。"
    )
    expect(main.locator("a.term").first).to_be_visible()  # glossary terms can be tapped
    assert_accessible(page)
    assert_fits_a_phone(page)
    pdf_href = page.locator("a[href*='plan.pdf']").get_attribute("href")
    pdf = page.request.get(f"{live_server}{pdf_href}" if pdf_href.startswith("/") else pdf_href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    page.goto(f"{live_server}/schools/{SCHOOL}/budget")
    expect(page.locator("#comes-from")).to_be_visible()
    expect(page.locator("#spent-on")).to_be_visible()
    expect(page.locator("svg.bar-chart.goal-bars")).to_have_attribute("role", "img")
    # A US district writes dollars the US way for Chinese readers too ("$", not "US$").
    spent = page.locator("section[aria-labelledby=spent-on] table")
    expect(spent).to_contain_text("$")
    expect(spent).not_to_contain_text("US$")
    expect(page.locator("#open-input")).to_be_visible()
    assert re.search(r"412", main.inner_text())
    assert_accessible(page)
    assert_fits_a_phone(page)
