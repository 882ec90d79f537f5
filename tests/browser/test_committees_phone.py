"""Committees and the calendar on a 360 px phone, in English, Spanish, Chinese and Vietnamese:
the committee page, a meeting with its agenda, minutes and comments, the vote page, a member's
workspace and the school calendar fit the screen, keep every date and time whole, and tag text
in another language; a member reaches the vote from the workspace in one tap, finds nothing
chosen, votes, and sees their vote; a refused meeting form focuses its summary and keeps what
was typed."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import AgendaItem, Feedback, Meeting, MinutesVersion, Role
from tests.browser.harness import layout_problems, sign_in, visit
from tests.committee_helpers import link_user, saving
from tests.conftest import PASSWORD

# Every date or time the committee pages print is made of .nowrap pieces (the day, the time),
# each on one line: a <time> has no loose words outside them, and no piece spans two lines.
SPLIT_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main time')) {
    const words = [...el.childNodes].filter(n => n.nodeType === 3)
      .filter(n => /[\\p{L}\\p{N}]/u.test(n.data));
    if (words.length) out.push('loose: ' + el.textContent.trim());
  }
  for (const el of document.querySelectorAll('main .nowrap')) {
    const rects = [...el.getClientRects()].filter(r => r.width > 0);
    const tops = new Set(rects.map(r => Math.round(r.top)));
    if (tops.size > 1) out.push('split: ' + el.textContent.trim());
  }
  return out;
}"""


@pytest.fixture
def meeting_with_everything(council, ctx):
    """The council's meeting with a posted agenda, approved minutes and an answered comment,
    written in English only, and an earlier meeting whose minutes are a draft."""
    with saving(ctx) as session:
        meeting = session.get(Meeting, council["meeting"])
        meeting.place = "César Chávez Elementary, library"
        meeting.interpretation = meeting.childcare = True
        meeting.agenda_posted_at = meeting.starts_at - timedelta(days=4)
        for n, title in enumerate(("What families told us in the survey", "Draft priorities")):
            meeting.agenda.append(AgendaItem(title={"en": title}, position=n))
        earlier = Meeting(
            title={"en": "Fall: review last year's data"},
            starts_at=meeting.starts_at - timedelta(days=40),
            present_member_ids=council["members"][:9],
        )
        earlier.agenda.append(AgendaItem(title={"en": "Reading results"}, position=0))
        meeting.committee.meetings.append(earlier)
        session.flush()
        session.add(
            MinutesVersion(
                meeting_id=earlier.id,
                sections={str(earlier.agenda[0].id): {"discussion": "Scores rose by four points."}},
            )
        )
        session.add(
            Feedback(
                school_id=meeting.committee.school_id,
                target_type="agenda_item",
                target_id=meeting.agenda[0].id,
                body="Could the meetings start after six, for working parents?",
                locale="en",
                visibility="visible",
                status="acted_on",
                answer="Yes: from January the council meets at 6:30 pm.",
                answered_at=datetime.now(UTC),
            )
        )
        ids = {**council, "earlier": earlier.id}
    return ids


def _member(make_user, ctx, council):
    email = make_user(Role.COUNCIL, schools=("maple-elementary",))

    class Client:
        pass

    Client.email = email
    link_user(ctx, Client, council["members"][2])
    return email


@pytest.mark.parametrize("tag", ["en", "es", "zh-Hans", "vi"])
def test_committee_pages_read_right_on_a_phone(
    page, live_server, meeting_with_everything, make_user, ctx, clean_app, tag
):
    council = meeting_with_everything
    sign_in(page, live_server, _member(make_user, ctx, council), PASSWORD)
    paths = [
        f"/committees/{council['committee']}",
        f"/meetings/{council['meeting']}",
        f"/meetings/{council['meeting']}/vote",
        f"/meetings/{council['earlier']}/minutes/draft",
        "/manage/",
        "/schools/maple-elementary/calendar",
        "/schools/maple-elementary/committees",
    ]
    failures = {}
    for path in paths:
        assert visit(page, live_server, path, tag) == 200, path
        problems = layout_problems(page) + page.evaluate(SPLIT_JS)
        if problems:
            failures[path] = problems
    assert not failures, "\n".join(f"{p}: {x}" for p, xs in failures.items() for x in xs)
    with clean_app.app_context():
        db.session.remove()


def test_a_member_goes_from_the_workspace_to_the_vote_and_sees_their_choice(
    page, live_server, meeting_with_everything, make_user, ctx, clean_app
):
    council = meeting_with_everything
    sign_in(page, live_server, _member(make_user, ctx, council), PASSWORD)
    page.goto(f"{live_server}/manage/?lang=en")
    page.get_by_role("link", name="Vote", exact=True).click()
    expect(page.get_by_role("heading", name="Approve the 2026-27 budget")).to_be_visible()
    buttons = page.locator(".vote-choices button")
    expect(buttons).to_have_count(3)
    # Nothing looks chosen: the three buttons are drawn alike and none is pressed.
    looks = page.evaluate(
        """() => [...document.querySelectorAll('.vote-choices button')].map(b => {
            const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.borderColor,
            s.outlineStyle, b.getAttribute('aria-pressed')].join('|') })"""
    )
    assert len(set(looks)) == 1 and looks[0].endswith("|false"), looks
    expect(page.locator("main")).to_contain_text("You have not voted on this motion yet.")
    page.get_by_role("button", name="No").click()
    expect(page.locator(".flash")).to_contain_text("Your vote is recorded.")
    expect(page.locator(".your-vote")).to_contain_text("Your vote: No.")
    expect(page.get_by_role("button", name="No")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Yes")).to_have_attribute("aria-pressed", "false")
    chosen = page.get_by_role("button", name="No").evaluate("b => getComputedStyle(b).color")
    other = page.get_by_role("button", name="Yes").evaluate("b => getComputedStyle(b).color")
    assert chosen != other
    page.goto(f"{live_server}/manage/?lang=en")
    expect(page.locator(".member-desk")).to_contain_text("Your vote: No.")
    with clean_app.app_context():
        db.session.remove()


def test_a_refused_meeting_form_focuses_its_summary_and_keeps_what_was_typed(
    page, live_server, council, make_user, clean_app
):
    principal = make_user(Role.PRINCIPAL, schools=("maple-elementary",))
    sign_in(page, live_server, principal, PASSWORD)
    page.goto(f"{live_server}/manage/committees/{council['committee']}?lang=en")
    form = page.locator("form", has=page.get_by_role("button", name="Add meeting"))
    form.locator("#title_es").fill("Reunión de invierno")
    form.locator("#starts").fill("18:30")
    form.locator("#place").fill("Library")
    form.get_by_role("button", name="Add meeting").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#title_es")).to_have_value("Reunión de invierno")
    expect(page.locator("#starts")).to_have_value("18:30")
    expect(page.locator("#place")).to_have_value("Library")
    summary.get_by_role("link", name="Enter a date such as 2026-12-03.").click()
    expect(page.locator("#day")).to_be_focused()
    assert layout_problems(page) == []
    with clean_app.app_context():
        db.session.remove()
