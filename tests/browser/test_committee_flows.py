"""A council member signs in on a phone, opens today's meeting and votes on "approve the
budget"; the principal's screen shows the tally change without reloading; after the vote closes,
the budget's public page says the site council approved it, with the tally."""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Motion, MotionVote, Role
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone
from tests.committee_helpers import link_user
from tests.conftest import PASSWORD


def _sign_in(page, live_server, email):
    page.goto(f"{live_server}/auth/sign-in?lang=en")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")


def test_a_member_votes_and_the_principal_sees_the_tally(
    page, browser, live_server, council, make_user, ctx, clean_app
):
    # Six yes, one no, one abstain are in already; the member on the phone makes it 7–1–1.
    with ctx() as session:
        motion = session.get(Motion, council["motion"])
        choices = ["yes"] * 6 + ["no", "abstain"]
        others = [m for i, m in enumerate(council["members"][:9]) if i != 2]
        for member_id, choice in zip(others, choices, strict=True):
            motion.votes.append(
                MotionVote(member_id=member_id, choice=choice, recorded_at=datetime.now(UTC))
            )
        session.commit()
    member_email = make_user(Role.COUNCIL, schools=("maple-elementary",))
    principal_email = make_user(Role.PRINCIPAL, schools=("maple-elementary",))

    class Client:
        email = member_email

    link_user(ctx, Client, council["members"][2])

    principal = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    _sign_in(principal, live_server, principal_email)
    principal.goto(f"{live_server}/manage/meetings/{council['meeting']}")
    tally = principal.locator(f"#tally-{council['motion']}")
    expect(tally).to_contain_text("Yes 6 · No 1 · Abstain 1")
    assert_accessible(principal)

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    _sign_in(phone, live_server, member_email)
    phone.goto(f"{live_server}/meetings/{council['meeting']}/vote")
    expect(phone.get_by_role("heading", name="Approve the 2026-27 budget")).to_be_visible()
    assert_accessible(phone)
    assert_fits_a_phone(phone)
    phone.get_by_role("button", name="Yes").click()
    expect(phone.locator(".flash")).to_contain_text("Your vote is recorded.")

    # htmx polls the tally: the principal's screen updates by itself.
    expect(tally).to_contain_text("Yes 7 · No 1 · Abstain 1", timeout=10_000)
    principal.get_by_role("button", name="Close the vote").click()
    expect(principal.locator(f"#tally-{council['motion']}")).to_contain_text("Passed, 7–1–1")

    phone.goto(f"{live_server}/schools/maple-elementary/budget")
    expect(phone.locator("main")).to_contain_text(
        re.compile(r"Approved by the School Site Council on \w+, \w+ \d+, \d{4}, 7–1–1")
    )
    assert_accessible(phone)
    with clean_app.app_context():
        db.session.remove()
