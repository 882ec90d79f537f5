"""Ballot stuffing (issue 14, item 2): the survey form's receipt is required, issued and signed by
the server, spent once; a form sent faster than the minimum fill time, or with the honeypot
filled, or over the flood limit stores nothing and is counted where staff see it (and the public
does not); a household sharing a phone answers once per person; the page says how strong the
one-answer rule is. The shared rate-limit counters have their own module (test_trust_rate_limits).
"""

import re

import pytest
from itsdangerous import URLSafeSerializer

from portal.extensions import limiter
from portal.models import Role, SurveyResponse
from portal.models.survey_guard import DroppedSubmission, DropReason
from portal.services import survey_guard
from portal.services.survey_guard import RECEIPT_SALT
from tests.conftest import visible_text
from tests.survey_helpers import answer_form, make_survey, receipt_for

URL = "/surveys/ssfr-test"
CHECK_AGAIN = "Please take a moment to check your answers, then send them again."


def _stored(ctx) -> int:
    with ctx() as session:
        return session.query(SurveyResponse).count()


def _dropped(ctx) -> dict[str, int]:
    with ctx() as session:
        rows = session.query(DroppedSubmission).all()
        return {row.reason: row.count for row in rows}


def _receipt_in(html: str) -> str:
    return re.search(r'name="receipt" value="([^"]*)"', html).group(1)


def _rules(app) -> survey_guard.ReceiptRules:
    return survey_guard.ReceiptRules(app.secret_key, 15, 24 * 3600)


@pytest.fixture
def fill_time(clean_app, monkeypatch):
    """The production minimum fill time (the other survey tests turn it off)."""
    monkeypatch.setitem(clean_app.config, "SURVEY_MIN_FILL_SECONDS", 15)


def _assert_form_again(response, clean_app, survey_id) -> str:
    """The form came back with the plain message, every answer kept, and a receipt of ours."""
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert CHECK_AGAIN in visible_text(html)
    assert 'value="parent" checked' in html and 'value="3" checked' in html
    receipt = _receipt_in(html)
    assert survey_guard.read_receipt(_rules(clean_app), survey_id, receipt) is not None
    return receipt


def test_a_form_sent_without_its_receipt_is_dropped_counted_and_comes_back(
    client, ctx, clean_app, survey_id
):
    response = client.post(URL, data=answer_form(clean_app, survey_id))
    _assert_form_again(response, clean_app, survey_id)
    assert _stored(ctx) == 0
    assert _dropped(ctx) == {DropReason.NO_RECEIPT: 1}
    assert "cg_answered" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(
    "forge",
    [
        lambda app, sid: "made-up-by-a-script",
        lambda app, sid: URLSafeSerializer("another-secret", salt=RECEIPT_SALT).dumps(
            [sid, 0, "a" * 32]
        ),
        lambda app, sid: receipt_for(app, sid + 1000),  # ours, for another survey
        lambda app, sid: receipt_for(app, sid)[:-3] + "xyz",  # a signature changed
    ],
    ids=["random", "other-secret", "other-survey", "tampered"],
)
def test_a_receipt_the_server_did_not_issue_stores_nothing(
    client, ctx, clean_app, survey_id, forge
):
    form = {**answer_form(clean_app, survey_id), "receipt": forge(clean_app, survey_id)}
    response = client.post(URL, data=form)
    fresh = _assert_form_again(response, clean_app, survey_id)
    assert fresh != form["receipt"]
    assert _stored(ctx) == 0
    assert _dropped(ctx) == {DropReason.FORGED: 1}
    # The fresh receipt the form came back with is accepted (a person simply sends again).
    again = client.post(URL, data={**form, "receipt": fresh})
    assert again.status_code == 303 and _stored(ctx) == 1


def test_a_receipt_is_spent_once_even_without_the_device_cookie(ctx, clean_app, survey_id):
    form = answer_form(clean_app, survey_id, receipt="one-form")
    statuses = [clean_app.test_client().post(URL, data=form).status_code for _ in range(5)]
    assert statuses == [303, 422, 422, 422, 422]
    assert _stored(ctx) == 1
    assert _dropped(ctx) == {DropReason.REUSED: 4}


def test_a_form_older_than_a_day_is_sent_again_with_a_fresh_receipt(
    client, ctx, clean_app, survey_id
):
    old = receipt_for(clean_app, survey_id, "old", age=25 * 3600)
    response = client.post(URL, data={**answer_form(clean_app, survey_id), "receipt": old})
    assert _assert_form_again(response, clean_app, survey_id) != old
    assert _stored(ctx) == 0 and _dropped(ctx) == {DropReason.EXPIRED: 1}


def test_a_form_sent_faster_than_anyone_reads_it_is_dropped(
    client, ctx, clean_app, survey_id, fill_time
):
    page = client.get(URL).get_data(as_text=True)
    drawn = _receipt_in(page)
    form = {**answer_form(clean_app, survey_id), "receipt": drawn}
    response = client.post(URL, data=form)
    # Every answer kept; the time still runs from when the form was first drawn.
    assert _assert_form_again(response, clean_app, survey_id) == drawn
    assert _stored(ctx) == 0 and _dropped(ctx) == {DropReason.TOO_FAST: 1}
    # The same answers from a form drawn 20 seconds ago are stored.
    patient = {**form, "receipt": receipt_for(clean_app, survey_id, "patient", age=20)}
    assert client.post(URL, data=patient).status_code == 303
    assert _stored(ctx) == 1


def test_the_minimum_fill_time_is_scaled_to_the_survey(ctx, survey_id):
    rules = survey_guard.ReceiptRules("s", 15, 3600)

    class Short:
        items = [object()] * 3

    assert survey_guard.minimum_fill_seconds(rules, Short()) == 5  # 2 s + 1 s a question
    with ctx() as session:
        from portal.models import Survey

        assert survey_guard.minimum_fill_seconds(rules, session.get(Survey, survey_id)) == 15


def test_the_receipt_goes_along_every_screen_with_the_time_it_was_drawn(client, survey_id):
    drawn = _receipt_in(client.get(URL).get_data(as_text=True))
    data = {"role": "parent", "school": "district", "language": "en", "receipt": drawn}
    moved = client.post(f"{URL}/step", data={**data, "current": "0", "goto": "1"})
    assert _receipt_in(moved.get_data(as_text=True)) == drawn
    plain = client.post(URL, data={**data, "current": "0", "goto": "1"})
    assert _receipt_in(plain.get_data(as_text=True)) == drawn


def test_the_honeypot_thanks_the_bot_stores_nothing_and_counts_it(
    client, ctx, clean_app, survey_id
):
    form = answer_form(clean_app, survey_id, receipt="bot", website="http://spam.example")
    response = client.post(URL, data=form)
    assert response.status_code == 303 and response.headers["Location"].endswith("/thanks")
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _stored(ctx) == 0 and _dropped(ctx) == {DropReason.HONEYPOT: 1}


def test_a_flood_from_one_address_is_refused_and_counted(ctx, clean_app, survey_id, monkeypatch):
    monkeypatch.setitem(clean_app.config, "SURVEY_SUBMIT_RATE_LIMIT", "3 per hour")
    with clean_app.app_context():
        limiter.reset()
    statuses = [
        clean_app.test_client()
        .post(URL, data=answer_form(clean_app, survey_id, receipt=f"flood-{n}"))
        .status_code
        for n in range(6)
    ]
    assert statuses == [303, 303, 303, 429, 429, 429]
    assert _stored(ctx) == 3 and _dropped(ctx) == {DropReason.TOO_MANY: 3}


def test_a_refused_submission_still_counts_against_the_limit(
    ctx, clean_app, survey_id, monkeypatch
):
    """The request's rollback does not undo its hit: the counter has its own transaction."""
    monkeypatch.setitem(clean_app.config, "SURVEY_SUBMIT_RATE_LIMIT", "2 per hour")
    with clean_app.app_context():
        limiter.reset()
    bad = answer_form(clean_app, survey_id, receipt="bad", role="wizard")
    assert clean_app.test_client().post(URL, data=bad).status_code == 422
    assert clean_app.test_client().post(URL, data=bad).status_code == 422
    good = answer_form(clean_app, survey_id, receipt="good")
    assert clean_app.test_client().post(URL, data=good).status_code == 429
    assert _stored(ctx) == 0


def test_staff_see_what_was_kept_out_and_the_public_does_not(
    client, ctx, clean_app, survey_id, login_as
):
    client.post(URL, data=answer_form(clean_app, survey_id))  # no receipt
    client.post(URL, data=answer_form(clean_app, survey_id, receipt="b", website="x"))
    for _ in range(2):
        clean_app.test_client().post(URL, data=answer_form(clean_app, survey_id, receipt="r"))
    staff = login_as(Role.DISTRICT)
    page = visible_text(staff.get(f"/manage/surveys/{survey_id}").get_data(as_text=True))
    assert "3 sets of answers were dropped and not stored" in page
    assert "1 sent without the form's receipt" in page
    assert "1 filled in the hidden field only machines see" in page
    assert "1 sent again with a form already used" in page
    assert "machines see" not in visible_text(client.get(URL).get_data(as_text=True))
    public = clean_app.test_client()
    assert public.get(f"/manage/surveys/{survey_id}").status_code in (302, 303, 401, 403, 404)
    for path in (URL, f"{URL}/thanks", f"{URL}/results"):
        assert "were dropped" not in public.get(path).get_data(as_text=True), path


def test_staff_are_told_when_nothing_was_kept_out(login_as, survey_id):
    page = login_as(Role.DISTRICT).get(f"/manage/surveys/{survey_id}").get_data(as_text=True)
    assert "No answers have been dropped" in visible_text(page)


def test_the_survey_page_says_plainly_how_strong_the_one_answer_rule_is(client, survey_id):
    page = visible_text(client.get(URL).get_data(as_text=True))
    assert "this survey does not ask who you are, so we cannot check it" in page
    assert "This phone remembers that it has answered" in page
    assert "drop answers sent by machines" in page
    assert "the results describe the people who chose to answer" in page


def test_a_household_sharing_a_phone_answers_once_per_person(client, ctx, clean_app, survey_id):
    assert client.post(URL, data=answer_form(clean_app, survey_id, receipt="p1")).status_code == 303
    thanks = client.get(f"{URL}/thanks").get_data(as_text=True)
    assert "Someone else in my household wants to answer" in thanks
    assert f'action="{URL}/someone-else"' in thanks and 'method="post"' in thanks
    assert "already sent answers" in client.get(URL).get_data(as_text=True)

    # The button lets this phone answer once more, for one more person.
    moved = client.post(f"{URL}/someone-else")
    assert moved.status_code == 303 and moved.headers["Location"].endswith(URL)
    assert 'name="receipt"' in client.get(URL).get_data(as_text=True)
    assert client.post(URL, data=answer_form(clean_app, survey_id, receipt="p2")).status_code == 303
    again = visible_text(client.get(URL).get_data(as_text=True))
    assert "already sent answers" in again
    assert "2 people have answered this survey on this device" in again
    assert _stored(ctx) == 2

    # Once more per press: the second person's answer used it up.
    third = client.post(URL, data=answer_form(clean_app, survey_id, receipt="p3"))
    assert "already sent answers" in third.get_data(as_text=True) and _stored(ctx) == 2


def test_the_household_button_is_a_post_with_a_csrf_token(
    client, clean_app, survey_id, monkeypatch
):
    assert client.post(URL, data=answer_form(clean_app, survey_id, receipt="p1")).status_code == 303
    assert client.get(f"{URL}/someone-else").status_code == 405
    monkeypatch.setitem(clean_app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post(f"{URL}/someone-else")
    assert refused.status_code == 400
    assert "already sent answers" in client.get(URL).get_data(as_text=True)
    thanks = client.get(f"{URL}/thanks").get_data(as_text=True)
    form = thanks[thanks.index('class="household"') :]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    assert client.post(f"{URL}/someone-else", data={"csrf_token": token}).status_code == 303
    assert 'name="receipt"' in client.get(URL).get_data(as_text=True)


def test_the_household_button_gives_nothing_to_a_device_that_never_answered(
    client, clean_app, survey_id
):
    client.post(f"{URL}/someone-else")
    assert client.post(URL, data=answer_form(clean_app, survey_id, receipt="a")).status_code == 303
    assert "already sent answers" in client.get(URL).get_data(as_text=True)


def test_a_closed_survey_takes_no_household_press(client, clean_app, district):
    make_survey(clean_app, district["id"], slug="past", opens_in_days=-30, closes_in_days=-1)
    assert client.post("/surveys/past/someone-else").status_code == 409


def test_every_form_load_gets_its_own_receipt_and_is_never_cached(client, survey_id):
    """A shared cache handing one page to everyone would hand them one receipt (one answer)."""
    first, second = client.get(URL), client.get(URL)
    assert _receipt_in(first.get_data(as_text=True)) != _receipt_in(second.get_data(as_text=True))
    assert "no-store" in first.headers["Cache-Control"]
