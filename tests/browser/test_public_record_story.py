"""Issue 13's whole story on a 360 px phone: the public record holds.

A principal drafts Maple's plan (a goal and an investment) and shares it; a member of the public
comments on it; the site council approves it at its meeting by votes cast on members' phones,
and the public plan shows the approved version with its tally; the principal raises the
investment and the public plan says "Changed since the council approved it on ..." with the
amount before and after; a new motion approves the change (version 2); the district returns the
plan, the council approves it again, the district accepts it and records the board's approval
(day and minutes); an admin finds every step in the audit log, filtered by the school. The
public pages are also read with JavaScript off and once in Spanish, and pass axe-core."""

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from portal.models import Motion, MotionVote, Role, School, SchoolPlan
from tests.browser.harness import layout_problems, sign_in, visit
from tests.browser.test_foundation_flows import assert_accessible
from tests.committee_helpers import link_user, saving
from tests.conftest import PASSWORD

SLUG = "maple-elementary"
PLAN = f"/schools/{SLUG}/plan"
BUDGET = f"/schools/{SLUG}/budget"
EDITOR = f"/manage/schools/{SLUG}/plan"
PHONE = {"width": 360, "height": 740}
MINUTES = "https://board.example.test/minutes/2026-12-15"
APPROVED = re.compile(r"Approved by the School Site Council on \w+, \w+ \d+, \d{4}, 7–1–1")


def _phone(browser, javascript=True):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript
    )
    return context, context.new_page()


def _fit(page) -> list[str]:
    """Layout problems of the page (text in another language untagged included)."""
    return layout_problems(page)


@pytest.fixture
def story(council, ctx, make_user):
    """Maple's council with its plan back at an empty draft and no motion yet; the principal, two
    council members with accounts (linked to seats 2 and 3), district staff and an admin."""
    with saving(ctx) as session:
        session.delete(session.get(Motion, council["motion"]))
        plan = session.query(SchoolPlan).one()
        plan.status = "draft"  # setting up: the test shares it through the editor
        school_id = session.query(School).filter_by(slug=SLUG).one().id
    voters = []
    for seat in (2, 3):
        email = make_user(Role.COUNCIL, schools=(SLUG,))
        link_user(ctx, SimpleNamespace(email=email), council["members"][seat])
        voters.append(email)
    principal = make_user(Role.PRINCIPAL, schools=(SLUG,))
    staff = make_user(Role.DISTRICT)
    return {
        **council,
        "principal_name": f"Test {principal.split('@')[0]}",
        "staff_name": f"Test {staff.split('@')[0]}",
        "school_id": school_id,
        "principal": principal,
        "voters": voters,
        "district_staff": staff,
        "admin": make_user(Role.ADMIN),
    }


def _approve_by_phone_votes(principal, phones, base, story, ctx, text):
    """The principal opens a motion to approve the plan; five yes, one no and one abstention
    are in from the room (stored as setup: the story is about the phones); the two members on
    their phones vote yes; the principal closes the vote: passed, 7–1–1."""
    meeting = story["meeting"]
    principal.goto(f"{base}/manage/meetings/{meeting}?lang=en")
    principal.fill("input[name=motion_en]", text)
    principal.select_option("select[name=subject]", "plan")
    principal.select_option("select[name=mover_id]", str(story["members"][0]))
    principal.select_option("select[name=seconder_id]", str(story["members"][1]))
    principal.get_by_role("button", name="Open the vote").click()
    expect(principal.get_by_text(text).first).to_be_visible()
    with saving(ctx) as session:
        motion = (
            session.query(Motion).filter_by(meeting_id=meeting).order_by(Motion.id.desc()).first()
        )
        motion_id = motion.id
        room = [m for i, m in enumerate(story["members"][:9]) if i not in (2, 3)]
        for member_id, choice in zip(room, ["yes"] * 5 + ["no", "abstain"], strict=True):
            motion.votes.append(
                MotionVote(member_id=member_id, choice=choice, recorded_at=datetime.now(UTC))
            )
    for phone in phones:
        phone.goto(f"{base}/meetings/{meeting}/vote?lang=en")
        expect(phone.get_by_role("heading", name=text)).to_be_visible()
        phone.get_by_role("button", name="Yes").click()
        expect(phone.locator(".flash")).to_contain_text("Your vote is recorded.")
    principal.goto(f"{base}/manage/meetings/{meeting}?lang=en")
    tally = principal.locator(f"#tally-{motion_id}")
    expect(tally).to_contain_text("Yes 7 · No 1 · Abstain 1")
    principal.get_by_role("button", name="Close the vote").click()
    expect(principal.locator(f"#tally-{motion_id}")).to_contain_text("Passed, 7–1–1")


def _open(details) -> None:
    """Open a disclosure unless the page opened it already (an empty plan's "Add a goal")."""
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()


def _submit(principal, base):
    principal.goto(f"{base}{EDITOR}?lang=en")
    principal.get_by_role("button", name="Submit to the district").click()
    expect(principal.locator(".flash")).to_contain_text("The plan is sent to the district.")


def _card(staff, base):
    staff.goto(f"{base}/manage/plans/review?lang=en")
    return staff.locator(f"#plan-{SLUG}")


def test_the_public_record_holds_from_draft_to_the_board(browser, live_server, story, ctx):
    base = live_server
    contexts = []

    def signed_in(email):
        context, page = _phone(browser)
        contexts.append(context)
        sign_in(page, base, email, PASSWORD)
        return page

    principal = signed_in(story["principal"])
    phones = [signed_in(email) for email in story["voters"]]

    def visitor(javascript=True):
        """A family opening the pages afresh: public pages may be kept for a minute by the
        browser (Cache-Control: public, max-age), so each look is a new visit."""
        context, page = _phone(browser, javascript)
        contexts.append(context)
        return page

    # 1. The principal drafts the plan on the phone: a goal, an investment; then shares it.
    principal.goto(f"{base}{EDITOR}?lang=en")
    _open(principal.locator("#add-goal"))
    form = principal.locator("#add-goal form")
    form.get_by_label("Goal, in one sentence").fill("Every child reads at grade level by grade 3.")
    form.get_by_label("How we measure it").fill("Students reading at grade level")
    form.get_by_role("button", name="Add goal").click()
    expect(principal.locator("#plan-announce")).to_have_text("Goal added.")
    # The goal's htmx answer redraws the goals only: the investments' "Add" (offered once the
    # plan has a goal) comes with the next page load.
    principal.reload()
    _open(principal.locator("#add-investment"))
    form = principal.locator("#add-investment form")
    form.get_by_label("What the money buys").fill("Reading tutors")
    form.get_by_label("Cost (dollars)").fill("95,000")
    form.get_by_label("Ongoing: it comes back every year").check()
    form.get_by_role("button", name="Add investment").click()
    expect(principal.locator("#plan-announce")).to_have_text("Investment added.")
    _open(principal.locator("#settings"))
    principal.select_option("#settings select[name=status]", "shared")
    principal.locator("#settings form button[type=submit]").click()
    expect(principal.locator("#settings-h .meta")).to_contain_text("Shared for feedback")

    # 2. A member of the public, no account, comments on the goal.
    public = visitor()
    assert visit(public, base, PLAN, "en") == 200
    expect(public.locator("main")).to_contain_text("shared for your feedback")
    feedback = public.locator("details.feedback").first
    _open(feedback)
    feedback.get_by_role("link", name="Comment", exact=True).click()  # the form's own page
    form = public.locator("form.feedback-form")
    form.locator("textarea[name=body]").fill("Please add tutoring after school too.")
    form.get_by_role("button", name="Send comment").click()
    expect(public.locator(".flash")).to_contain_text("Thank you.")
    # The district reviews comments first: the principal publishes it, and it shows.
    principal.goto(f"{base}/manage/schools/{SLUG}/feedback?lang=en")
    expect(principal.locator("main")).to_contain_text("Please add tutoring after school too.")
    principal.get_by_role("button", name="Publish").first.click()
    public = visitor()
    assert visit(public, base, PLAN, "en") == 200
    expect(public.locator("details.feedback").first).to_contain_text(
        "Please add tutoring after school too."
    )

    # 3. The council approves the plan by phone votes; the public sees version 1 approved.
    _approve_by_phone_votes(principal, phones, base, story, ctx, "Approve the 2026-27 plan")
    public = visitor()
    assert visit(public, base, PLAN, "en") == 200
    expect(public.locator("p.status.approved")).to_contain_text(APPROVED)
    expect(public.locator(".changed-notice")).to_have_count(0)
    assert_accessible(public)
    assert _fit(public) == []

    # 4. The principal raises the investment; the public sees "changed since" with the amounts.
    principal.goto(f"{base}{EDITOR}?lang=en")
    row = principal.locator("#investments details.editor-row").filter(has_text="Reading tutors")
    _open(row)
    row.get_by_label("Cost (dollars)").fill("195,000")
    row.get_by_role("button", name="Save", exact=True).click()
    expect(
        principal.locator("#investments details.editor-row summary").filter(
            has_text="Reading tutors"
        )
    ).to_contain_text("$195,000")
    public = visitor()
    for path in (PLAN, BUDGET):
        assert visit(public, base, path, "en") == 200
        main = public.locator("main")
        expect(main).to_contain_text(re.compile(r"Changed since the council approved it on \w+"))
        change = public.locator(".changed-notice li").filter(has_text="Reading tutors")
        expect(change).to_contain_text(re.compile(r"\$95,000\s*→\s*\$195,000"))
        assert public.locator("p.status.approved").count() == 0, path
        assert_accessible(public)
        assert _fit(public) == [], path
        # Without JavaScript the notice and its amounts are the same.
        nojs = visitor(javascript=False)
        assert visit(nojs, base, path, "en") == 200
        expect(
            nojs.locator(".changed-notice li").filter(has_text="Reading tutors")
        ).to_contain_text(re.compile(r"\$95,000\s*→\s*\$195,000"))

    # 5. A new motion approves the change: version 2; version 1 stays readable with its line.
    _approve_by_phone_votes(principal, phones, base, story, ctx, "Approve the changed plan")
    public = visitor()
    assert visit(public, base, PLAN, "en") == 200
    expect(public.locator("p.status.approved")).to_contain_text(APPROVED)
    expect(public.locator(".changed-notice")).to_have_count(0)
    assert visit(public, base, f"{PLAN}/versions/1", "en") == 200
    expect(public.locator("main")).to_contain_text("$95,000")
    expect(public.locator("p.status.approved")).to_have_count(1)
    assert_accessible(public)
    assert visit(public, base, f"{PLAN}/versions/2", "en") == 200
    expect(public.locator("main")).to_contain_text("$195,000")

    # 6. The district returns the plan; the principal reads the comment; the public the status.
    _submit(principal, base)
    staff = signed_in(story["district_staff"])
    card = _card(staff, base)
    card.get_by_label("What should the school change?").fill(
        "Say how tutoring reaches English learners."
    )
    card.get_by_role("button", name="Return it to the school").click()
    expect(staff.locator(".flash")).to_contain_text("The plan is returned to the school.")
    principal.goto(f"{base}{EDITOR}?lang=en")
    expect(principal.locator("#review .review-comments")).to_contain_text(
        "Say how tutoring reaches English learners."
    )
    public = visitor()
    assert visit(public, base, PLAN, "en") == 200
    expect(public.locator(".review-status")).to_contain_text("The district returned it")
    expect(public.locator("p.status.approved")).to_have_count(0)
    expect(public.locator(".review-comments")).to_have_count(0)  # the public reads no comment

    # 7. The council approves again (version 3), the principal resubmits, the district accepts
    # and records the board's approval.
    _approve_by_phone_votes(principal, phones, base, story, ctx, "Approve the plan as returned")
    _submit(principal, base)
    card = _card(staff, base)
    card.get_by_role("button", name="Accept the plan").click()
    expect(staff.locator(".flash")).to_contain_text("The plan is accepted.")
    card = _card(staff, base)
    card.locator("input[name=board_approved_on]").fill(date(2026, 12, 15).isoformat())
    card.locator("input[name=minutes_url]").fill(MINUTES)
    card.get_by_role("button", name="Record the board's approval").click()
    expect(staff.locator(".flash")).to_contain_text("The board's approval is recorded.")
    public = visitor()
    assert visit(public, base, PLAN, "en") == 200
    review = public.locator(".review-status")
    expect(review).to_contain_text(re.compile(r"the board approved it on \w+, December 15, 2026"))
    expect(review.get_by_role("link", name="minutes")).to_have_attribute("href", MINUTES)
    expect(public.locator("p.status.approved").first).to_contain_text(APPROVED)
    assert_accessible(public)
    assert _fit(public) == []

    # 8. With JavaScript off, the public pages say the same.
    nojs = visitor(javascript=False)
    assert visit(nojs, base, PLAN, "en") == 200
    expect(nojs.locator("p.status.approved").first).to_contain_text(APPROVED)
    expect(nojs.locator(".review-status")).to_contain_text("the board approved it on")
    assert visit(nojs, base, f"{PLAN}/versions/1", "en") == 200
    expect(nojs.locator("main")).to_contain_text("$95,000")
    assert visit(nojs, base, BUDGET, "en") == 200
    expect(nojs.locator("main")).to_contain_text("$195,000")
    assert visit(nojs, base, PLAN, "en") == 200
    feedback = nojs.locator("details.feedback").first
    _open(feedback)
    feedback.get_by_role("link", name="Comment", exact=True).click()  # the form's own page
    form = nojs.locator("form.feedback-form")
    form.locator("textarea[name=body]").fill("Thank you for the tutors.")
    form.get_by_role("button", name="Send comment").click()
    expect(nojs.locator(".flash")).to_contain_text("Thank you.")

    # 9. Once in Spanish: the pages answer, in Spanish, with the same structure (the new
    # messages are translated later, so no text of today's messages is checked).
    public = visitor()
    for path in (PLAN, BUDGET, f"{PLAN}/versions/1"):
        assert visit(public, base, path, "es") == 200, path
        expect(public.locator("html")).to_have_attribute("lang", "es")
        expect(public.locator("h1")).to_have_count(1)
        assert public.locator("p.status.approved").count() >= 1, path
        assert _fit(public) == [], path
    assert visit(public, base, PLAN, "es") == 200
    expect(public.locator(".review-status a[href='" + MINUTES + "']")).to_have_count(1)

    # 10. Every step is on the audit log, filtered by the school.
    admin = signed_in(story["admin"])
    admin.goto(f"{base}/manage/audit?lang=en")
    admin.get_by_label("School").select_option(label="Maple Elementary")
    admin.get_by_role("button", name="Show").click()
    admin.wait_for_url(re.compile(rf"school={story['school_id']}"))
    log = admin.locator("table.audit tbody")
    for action in AUDITED:
        expect(log).to_contain_text(action)
    # The raise, field by field, and who did each step (the names make_user gives them).
    raised = log.locator("tr").filter(has_text="plan.investment_saved")
    expect(raised).to_contain_text("cost_cents: 9500000 → 19500000")
    expect(raised).to_contain_text(story["principal_name"])
    board = log.locator("tr").filter(has_text="plan.board_approved")
    expect(board).to_contain_text(story["staff_name"])
    expect(board).to_contain_text("review_status: accepted → board_approved")

    for context in contexts:
        context.close()


AUDITED = (
    "plan.shared",
    "feedback.approve",
    "motion.opened",
    "vote.cast",
    "motion.closed",
    "plan.approved",
    "plan.version_frozen",
    "plan.submitted",
    "plan.returned",
    "plan.accepted",
    "plan.board_approved",
)
