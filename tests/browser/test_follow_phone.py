"""Hearing from the portal on a phone (360 px), on the demo district, with JavaScript on and
off, through a real SMTP server on 127.0.0.1:

1. A parent reading in Spanish follows César Chávez from its school page, confirms from the
   link in the e-mail, and when the principal shares the school's plan for comment, receives
   the plan-shared notice in Spanish with its short link.
2. A parent leaves a comment with an e-mail address for the answer (a mistyped address first:
   the message beside the field, the comment kept), staff publish and answer it, and the one
   message with the answer arrives in Spanish, its link opening the answer on the page.

axe-core and the layout checks run on the pages the parent sees."""

import re

import pytest
from flask_babel import force_locale
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, School, SchoolPlan
from portal.models.notices import AnswerWatch
from tests.browser.go_live_helpers import SmtpSink, body, phone
from tests.browser.harness import layout_problems, sign_in
from tests.browser.test_foundation_flows import assert_accessible

SCHOOL = "cesar-chavez-elementary"
PARENT = "padre.garcia@example.org"


@pytest.fixture
def demo(clean_app):
    """The demo district, with César Chávez's plan taken back to draft (so it can be shared)."""
    from portal.demo import load_demo

    with clean_app.test_request_context("/"):  # the demo's notices build their links
        load_demo()
        plan = _plan()
        plan.withdraw()
        db.session.commit()
        db.session.remove()
    return clean_app


@pytest.fixture
def smtp(demo):
    """The SMTP server, after what the demo itself queued (its bulletins' e-mail) has gone."""
    with SmtpSink() as sink:
        demo.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
        _send(demo)
        sink.messages.clear()
        yield sink


def _plan() -> SchoolPlan:
    school = db.session.scalars(select(School).where(School.slug == SCHOOL)).one()
    return db.session.scalars(
        select(SchoolPlan)
        .where(SchoolPlan.school_id == school.id)
        .order_by(SchoolPlan.school_year_id.desc())
    ).first()


def _send(app) -> tuple[int, int]:
    """`flask send-outbox`, as cron runs it."""
    from portal.services.mail import send_outbox

    with app.app_context():
        sent = send_outbox()
        db.session.remove()
    return sent


def _sound(page, javascript=True) -> None:
    """axe-core (it needs the page's JavaScript: with it off, the same markup was checked with
    it on) and the layout checks."""
    if javascript:
        assert_accessible(page)
    assert layout_problems(page) == [], page.url


def _link(text: str, pattern: str) -> str:
    return re.search(rf"https?://\S*{pattern}\S*", text).group(0)


def _share_the_plan(browser, base: str, app) -> bool:
    """The principal shares the plan for comment in the editor (on a phone too). Returns
    whether the editor's save queued the notice (plan_editing.save_settings announces it)."""
    context, page = phone(browser)
    sign_in(page, base, "principal@demo.test", "demo")
    # The demo's plan is already shared: take it back to draft, then share it for comment.
    for status in ("draft", "shared"):
        page.goto(f"{base}/manage/schools/{SCHOOL}/plan?lang=en")
        page.locator("#settings-h").click()
        form = page.locator("#settings form")
        form.locator("select[name=status]").select_option(status)
        form.get_by_role("button", name="Save").click()
        expect(page.locator("main")).to_contain_text("Plan settings saved.")
    context.close()
    with app.test_request_context("/"):  # announce's follower links are built with url_for
        assert _plan().status == "shared"
        queued = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.to_address == PARENT, OutboxMessage.status == "queued"
            )
        ).all()
        db.session.remove()
    return bool(queued)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_parent_follows_on_a_phone_confirms_and_hears_the_plan_shared_in_spanish(
    browser, live_server, demo, smtp, javascript
):
    context, page = phone(browser, javascript)
    page.goto(f"{live_server}/schools/{SCHOOL}?lang=es")
    follow = page.locator(f"a[href='/follow?school={SCHOOL}']")
    expect(follow).to_be_visible()
    follow.click()
    page.wait_for_url(f"**/follow?school={SCHOOL}")
    form = page.locator("form.follow-form")
    expect(form.locator(f"input[name=schools][value={SCHOOL}]")).to_be_checked()
    expect(form.locator("select[name=locale]")).to_have_value("es")  # the page's language
    _sound(page, javascript)
    form.locator("input[name=email]").fill(PARENT)
    form.locator("button[type=submit]").click()
    expect(page.locator("form.follow-form")).to_have_count(0)  # "check your e-mail"
    _sound(page, javascript)

    assert _send(demo) == (1, 0)
    confirm = _link(body(smtp.to(PARENT)), "/follow/confirm/")
    assert confirm.startswith(live_server)
    page.goto(confirm)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main a[href*='/follow/manage/']")).to_be_visible()
    _sound(page, javascript)

    assert _share_the_plan(browser, live_server, demo), "sharing the plan told no follower"
    assert _send(demo) == (1, 0)
    notice = [m for m in smtp.messages if m["To"] == PARENT][-1]
    from portal.models.notices import NoticeKind
    from portal.services.notices import HEADLINES

    with demo.test_request_context("/"), force_locale("es"):
        headline = str(HEADLINES[NoticeKind.PLAN_SHARED] % {"title": "César Chávez Elementary"})
    assert notice["Subject"] == headline
    text = body(notice)
    short = _link(text, "/s/")
    assert short.endswith("/es") and "List-Unsubscribe=One-Click" in notice["List-Unsubscribe-Post"]
    html = notice.get_body(preferencelist=("html",)).get_content()
    assert 'lang="es"' in html and short in html
    page.goto(short)
    page.wait_for_url(f"**/schools/{SCHOOL}*")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    _sound(page, javascript)
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_comment_with_an_address_hears_its_answer_once_in_spanish(
    browser, live_server, demo, smtp, javascript
):
    with demo.app_context():
        _plan().share()
        db.session.commit()
        db.session.remove()
    context, page = phone(browser, javascript)
    page.goto(f"{live_server}/schools/{SCHOOL}/plan?lang=es")
    _sound(page, javascript)  # (the layout checks leave every <details> closed)
    comments = page.locator("details.feedback").first
    if comments.get_attribute("open") is None:  # open already when it has comments
        comments.locator("summary").click()
    # The "Comment" link: htmx puts the form in its place; without JavaScript it opens the
    # form's own page.
    comments.locator("a[href*='/feedback/goal/']").click()
    form = page.locator("form.feedback-form")
    form.locator("textarea[name=body]").fill("¿Habrá tutores después de clase?")
    form.locator("input[name=name]").fill("Marisol")
    form.locator("input[name=email]").fill("marisol@example")  # no domain ending
    form.locator("button[type=submit]").click()
    # The same form on its own page: the message beside the address, the comment kept.
    error = page.locator("form.feedback-form .field.has-error p.error")
    expect(error).to_be_visible()
    again = page.locator("form.feedback-form")
    expect(again.locator("textarea[name=body]")).to_have_value("¿Habrá tutores después de clase?")
    expect(again.locator("input[name=email]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary a[href^='#fbe-goal-']")).to_be_visible()
    _sound(page, javascript)
    again.locator("input[name=email]").fill("marisol@example.org")
    again.locator("button[type=submit]").click()
    page.wait_for_url(f"**/schools/{SCHOOL}/plan*")
    expect(page.locator("main")).not_to_contain_text("marisol@example.org")
    with demo.app_context():
        (watch,) = db.session.scalars(select(AnswerWatch)).all()
        assert (watch.email, watch.locale) == ("marisol@example.org", "es")
        feedback_id = watch.feedback_id
        db.session.remove()

    staff_context, staff = phone(browser)
    sign_in(staff, live_server, "principal@demo.test", "demo")
    queue = f"{live_server}/manage/schools/{SCHOOL}/feedback?lang=en"
    staff.goto(queue)
    expect(staff.locator("main")).not_to_contain_text("marisol@example.org")
    item = staff.locator(f"#feedback-{feedback_id}")
    item.locator("button[value=approve]").click()
    expect(item.locator("button[value=approve]")).to_have_count(0)
    item.locator(f"#answer-{feedback_id}").fill("Sí: dos tardes por semana desde enero.")
    item.locator(f"#status-{feedback_id}").select_option("acted_on")
    item.locator("button[value=answer]").click()
    expect(staff.locator("main")).to_contain_text("Saved.")
    staff_context.close()

    assert _send(demo)[0] >= 1
    message = smtp.to("marisol@example.org")
    assert message["List-Unsubscribe"] is None  # a one-off reply, not a list
    text = body(message)
    assert "Sí: dos tardes por semana desde enero." in text
    link = _link(text, f"/schools/{SCHOOL}/plan")
    assert link.endswith(f"?lang=es#comment-{feedback_id}")
    with demo.app_context():
        assert db.session.scalars(select(AnswerWatch)).all() == []
        db.session.remove()
    page.goto(link)
    answer = page.locator(f"#comment-{feedback_id} .answer")
    expect(answer).to_contain_text("Sí: dos tardes por semana desde enero.")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    _sound(page, javascript)
    context.close()
