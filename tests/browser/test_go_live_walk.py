"""The README's go-live guide, walked in a browser at 360 px from an empty database (issue 15).

`flask setup` prints a one-time link; the admin chooses a password from it and enrols two-step
sign-in (a code computed here, as a phone app would); imports schools and staff from CSV files;
`flask send-outbox` delivers the invitations to a real SMTP server on 127.0.0.1; the principal
opens hers, chooses a password, drafts a plan (a goal, a strategy, an action, an investment)
and shares it; district staff, invited the same way, set up and publish the allocation
(funding stream, enrollment file, weights, adopt) and open a survey from the template; the
public reads the school's pages (one also with JavaScript off); district staff open year two
and the public reads last year's plan under its year and this year's calendar. axe-core and
the layout checks at the key pages."""

import re

import pytest
from playwright.sync_api import expect

from portal.services import two_factor
from tests.browser.go_live_helpers import (
    SmtpSink,
    body,
    dispose,
    empty_app,
    flask,
    link_in,
    phone,
)
from tests.browser.go_live_steps import (
    ACTION,
    ADMIN,
    DISTRICT,
    GOAL,
    INVESTMENT,
    PASSWORDS,
    PEOPLE,
    PER_PUPIL,
    PRINCIPAL,
    SCHOOLS,
    SLUG,
    STAFF,
    STRATEGY,
    check,
    choose_password,
    draft_and_share_the_plan,
    import_file,
    open_a_survey,
    publish_the_allocation,
    read_the_school_pages,
    set_the_calendar,
)
from tests.browser.harness import serving, sign_in


@pytest.fixture
def site(tmp_path):
    """An empty portal served on a loopback port whose PUBLIC_BASE_URL is that address, and a
    real SMTP server for its mail: (app, base, smtp)."""
    app = empty_app(tmp_path / "go-live.sqlite3")
    with SmtpSink() as smtp, serving(app) as base:
        app.config.update(PUBLIC_BASE_URL=base, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        yield app, base, smtp
    dispose(app)


def test_the_go_live_guide_from_an_empty_database(browser, site, tmp_path):
    app, base, smtp = site
    contexts = []

    def new_phone(javascript=True):
        context, page = phone(browser, javascript)
        contexts.append(context)
        return page

    # 1. flask setup: the one-time link is the last line, on the site's address.
    output = flask(
        app,
        "setup",
        "--district",
        DISTRICT,
        "--time-zone",
        "America/Los_Angeles",
        "--language",
        "en",
        "--languages",
        "es",
        "--admin-email",
        ADMIN,
    )
    last = output.strip().splitlines()[-1]
    assert last == link_in(last, base)
    again = app.test_cli_runner().invoke(args=["setup", "--district", "Other", "--language", "en"])
    assert again.exit_code != 0 and "already set up" in again.output  # it runs once

    # 2. The admin chooses a password from it and, admins needing two-step sign-in, enrols.
    admin = new_phone()
    choose_password(admin, last, ADMIN)
    expect(admin).to_have_url(re.compile(r"/auth/two-step/setup"))
    secret = admin.locator("figcaption code").inner_text().replace(" ", "")
    admin.get_by_label("The 6-digit code the app shows").fill(
        two_factor.code_at(secret, two_factor.step_at())
    )
    admin.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    admin.get_by_role("link", name=re.compile("go to my workspace")).click()
    expect(admin).to_have_url(re.compile(r"/manage/$"))

    # 3. Schools and staff from CSV files: preview, then save.
    admin.goto(f"{base}/manage/imports?lang=en")
    check(admin)
    import_file(admin, base, tmp_path, "schools", SCHOOLS, "2 rows, ready", "2 added, 0 changed")
    import_file(admin, base, tmp_path, "staff", PEOPLE, "2 rows, ready", "2 added, 0 changed")

    # 4. flask send-outbox delivers the invitations; the principal accepts hers.
    assert "Sent" in flask(app, "send-outbox")
    principal = new_phone()
    invitation = body(smtp.to(PRINCIPAL))
    assert DISTRICT in invitation
    choose_password(principal, link_in(invitation, base), PRINCIPAL)
    expect(principal).to_have_url(re.compile(r"/manage/"))
    principal.context.clear_cookies()  # and signs in with it, as she will tomorrow
    sign_in(principal, base, PRINCIPAL, PASSWORDS[PRINCIPAL])
    expect(principal.get_by_role("heading", level=1)).to_have_text("Workspace")

    # 5. She drafts the plan and shares it for feedback.
    draft_and_share_the_plan(principal, base)

    # 6. District staff, invited the same way, publish the allocation and open a survey.
    staff = new_phone()
    choose_password(staff, link_in(body(smtp.to(STAFF)), base), STAFF)
    expect(staff).to_have_url(re.compile(r"/manage/"))
    set_the_calendar(staff, base)
    publish_the_allocation(staff, base, tmp_path)
    open_a_survey(staff, base)

    # 7. The public reads the school's pages (a new browser each time: public pages may be
    # kept a minute by the browser), and once with JavaScript off.
    this_year = read_the_school_pages(new_phone, base)
    first = int(this_year[:4])

    # 8. District staff open year two; the public reads last year's plan under its year and
    # this year's calendar.
    staff.goto(f"{base}/manage/years?lang=en")
    main = staff.locator("main")
    expect(main).to_contain_text("starts from this year's plan")
    check(staff)
    button = main.locator("form button[type=submit]").last
    next_year = button.inner_text().removeprefix("Open ").strip()
    assert next_year != this_year and next_year.startswith(this_year[5:7], 2), next_year
    button.click()
    expect(staff.locator("body")).to_contain_text(f"The school year {next_year} is open.")
    public = new_phone()
    public.goto(f"{base}/schools/{SLUG}/plan?year={this_year}&lang=en")
    expect(public.locator(".year-picker")).to_contain_text(this_year)
    for text in (GOAL, STRATEGY, ACTION, INVESTMENT):
        expect(public.locator("main")).to_contain_text(text)
    check(public)
    public.goto(f"{base}/schools/{SLUG}/calendar?lang=en")
    expect(public.locator("main")).to_contain_text(f"The whole {next_year} school year")
    # The template's dates moved one year on (to the same weekdays) for the new year.
    expect(public.locator("main")).to_contain_text(re.compile(rf"Engage \w+ \d+, {first + 1}"))
    check(public)

    # This year's plan is not public until shared; last year's budget stays under its year.
    public.goto(f"{base}/schools/{SLUG}/plan?lang=en")
    expect(public.locator("main")).to_contain_text("This year's plan is not published yet.")
    expect(public.locator(".year-picker")).to_contain_text(this_year)
    nojs = new_phone(javascript=False)
    nojs.goto(f"{base}/schools/{SLUG}/budget?year={this_year}&lang=en")
    expect(nojs.locator("main")).to_contain_text(PER_PUPIL)
    nojs.goto(f"{base}/schools/{SLUG}/plan?year={this_year}&lang=en")
    expect(nojs.locator("main")).to_contain_text(GOAL)

    # The principal's plan for the new year starts from last year's.
    principal.goto(f"{base}/manage/schools/{SLUG}/plan?lang=en")
    expect(principal.locator("#goals")).to_contain_text(GOAL)

    for context in contexts:
        context.close()
