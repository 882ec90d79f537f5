"""Tier 1: the public survey, its bad inputs, anonymity, one person one response, access codes."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect

from portal.extensions import db, limiter
from portal.i18n import LANGUAGES
from portal.models import (
    Survey,
    SurveyAccessCode,
    SurveyAnswer,
    SurveyResponse,
    SurveySubmissionReceipt,
    SurveyTally,
)
from portal.models.base import utcnow
from portal.models.surveys import SurveyArea
from portal.services import survey_codes
from portal.services import surveys as survey_service
from tests.conftest import hx, visible_text
from tests.survey_helpers import answer_form, make_survey

# The only columns a response may have: nothing that could point at a person.
RESPONSE_COLUMNS = {
    "id",
    "survey_id",
    "channel",
    "respondent_role",
    "school_id",
    "language",
    "submitted_on",
    "entered_by_id",
}


def _count(ctx, model=SurveyResponse):
    with ctx() as session:
        return session.query(model).count()


def test_ssfr_template_has_six_areas_three_items_each_in_every_language(ctx, survey_id):
    with ctx() as session:
        survey = session.get(Survey, survey_id)
        for area in SurveyArea:
            items = [i for i in survey.items if i.area == area.value and i.kind == "agreement"]
            assert len(items) >= 3, area
            for item in items:
                assert set(LANGUAGES) <= set(item.prompt), item.key
        keys = [i.key for i in survey.items]
        assert "transparency.understand_allocation" in keys and len(set(keys)) == len(keys)


def test_a_parent_answers_and_the_answers_are_stored_anonymously(client, ctx, clean_app, survey_id):
    page = client.get("/surveys/ssfr-test?lang=es")
    assert page.status_code == 200
    assert "¿Está nuestro distrito listo" in page.get_data(as_text=True)
    form = answer_form(clean_app, survey_id, receipt="r-1")
    response = client.post("/surveys/ssfr-test", data=form)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/surveys/ssfr-test/thanks")
    assert "cg_answered=" in response.headers["Set-Cookie"]
    with ctx() as session:
        stored = session.query(SurveyResponse).one()
        assert (stored.channel, stored.respondent_role, stored.language) == (
            "online",
            "parent",
            "es",
        )
        assert stored.school_id is None and stored.entered_by_id is None
        assert len(stored.answers) == len([k for k in form if k.startswith("item-")])
    with clean_app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns("survey_response")}
    assert columns == RESPONSE_COLUMNS
    # The same device is told it already answered.
    again = client.get("/surveys/ssfr-test")
    assert "Este dispositivo ya envió respuestas" in again.get_data(as_text=True)


def test_tallies_match_the_raw_answers(client, ctx, clean_app, survey_id):
    for n, (role, score) in enumerate([("parent", "4"), ("teacher", "2"), ("parent", "dk")]):
        c = clean_app.test_client()
        c.post(
            "/surveys/ssfr-test",
            data=answer_form(clean_app, survey_id, role=role, score=score, receipt=f"t-{n}"),
        )
    with ctx() as session:
        raw = {}
        for answer in session.query(SurveyAnswer):
            key = "dk" if answer.dont_know else str(answer.score)
            raw[(answer.item_id, key)] = raw.get((answer.item_id, key), 0) + 1
        tallied = {}
        for row in session.query(SurveyTally):
            tallied[(row.item_id, row.answer)] = (
                tallied.get((row.item_id, row.answer), 0) + row.count
            )
        assert raw == tallied and raw


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "wizard"}, "role"),
        ({"school": "99999"}, "school"),
        ({"language": "xx"}, "language"),
        ({"item-first": "5"}, "item"),
        ({"item-first": "0"}, "item"),
        ({"item-first": "-1"}, "item"),
        ({"item-999999": "3"}, "form"),
        ({"item-abc": "3"}, "form"),
    ],
)
def test_bad_answers_are_explained_and_nothing_is_written(
    client, ctx, clean_app, survey_id, change, field
):
    form = answer_form(clean_app, survey_id, receipt="bad")
    if "item-first" in change:
        first = next(k for k in form if k.startswith("item-"))
        form[first] = change["item-first"]
    else:
        form.update(change)
    response = client.post("/surveys/ssfr-test?lang=es", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error"' in html or "form-errors" in html
    assert "Traceback" not in html
    # Answers typed so far are kept in the re-rendered form.
    assert 'value="3" checked' in html
    assert _count(ctx) == 0 and _count(ctx, SurveyAnswer) == 0 and _count(ctx, SurveyTally) == 0


def test_a_double_submit_stores_one_response(client, ctx, clean_app, survey_id):
    form = answer_form(clean_app, survey_id, receipt="same-form")
    first = clean_app.test_client().post("/surveys/ssfr-test", data=form)
    second = clean_app.test_client().post("/surveys/ssfr-test", data=form)
    assert first.status_code == 303
    assert second.status_code == 422
    assert "already received" in second.get_data(as_text=True)
    assert _count(ctx) == 1


def test_receipts_do_not_point_at_responses(clean_app):
    with clean_app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns("survey_submission_receipt")}
        code_columns = {c["name"] for c in inspect(db.engine).get_columns("survey_access_code")}
    assert columns == {"survey_id", "token_hash"}
    assert not any("response" in c for c in code_columns)
    assert SurveySubmissionReceipt.__table__.c.keys() == ["survey_id", "token_hash"]


def test_closed_and_upcoming_surveys_say_so_and_refuse_answers(client, ctx, clean_app, district):
    make_survey(clean_app, district["id"], slug="past", opens_in_days=-40, closes_in_days=-10)
    make_survey(clean_app, district["id"], slug="future", opens_in_days=5, closes_in_days=40)
    assert "This survey is closed" in client.get("/surveys/past").get_data(as_text=True)
    assert "not open yet" in client.get("/surveys/future").get_data(as_text=True)
    with clean_app.app_context():
        past_id = db.session.query(Survey).filter_by(slug="past").one().id
    response = client.post("/surveys/past", data=answer_form(clean_app, past_id, receipt="x"))
    assert response.status_code == 409
    assert _count(ctx) == 0


def test_a_draft_is_invisible_to_the_public(client, clean_app, district, login_as):
    from portal.models import Role

    with clean_app.app_context():
        now = utcnow()
        survey_service.create_from_template(
            district["id"], "draft-one", now, now + timedelta(days=9)
        )
        db.session.commit()
    assert client.get("/surveys/draft-one").status_code == 404
    assert client.get("/surveys/draft-one/results").status_code == 404
    assert login_as(Role.DISTRICT).get("/surveys/draft-one").status_code == 200


def test_the_honeypot_catches_a_bot_without_telling_it(client, ctx, clean_app, survey_id):
    form = answer_form(clean_app, survey_id, receipt="bot", website="http://spam.example")
    response = client.post("/surveys/ssfr-test", data=form)
    assert response.status_code == 303
    assert _count(ctx) == 0


def test_access_codes_unlock_one_response_each_and_are_never_stored_with_it(
    client, ctx, clean_app, district
):
    sid = make_survey(clean_app, district["id"], slug="coded", requires_access_code=True)
    with clean_app.app_context():
        codes = survey_codes.generate_access_codes(db.session.get(Survey, sid), 3, "family night")
        db.session.commit()
        stored = [row.code_hash for row in db.session.query(SurveyAccessCode)]
    assert all(code not in stored for code in codes)  # only hashes are kept
    missing = client.post("/surveys/coded", data=answer_form(clean_app, sid, receipt="a"))
    assert missing.status_code == 422 and "access code" in missing.get_data(as_text=True)
    ok = clean_app.test_client().post(
        "/surveys/coded",
        data=answer_form(clean_app, sid, receipt="b", access_code=codes[0].lower()),
    )
    assert ok.status_code == 303
    reused = clean_app.test_client().post(
        "/surveys/coded", data=answer_form(clean_app, sid, receipt="c", access_code=codes[0])
    )
    assert reused.status_code == 422 and "already been used" in reused.get_data(as_text=True)
    assert _count(ctx) == 1
    with ctx() as session:
        assert session.query(SurveyAccessCode).filter_by(used=True).count() == 1


def test_a_flood_from_one_address_is_slowed_down(clean_app, survey_id, monkeypatch):
    monkeypatch.setitem(clean_app.config, "SURVEY_SUBMIT_RATE_LIMIT", "3 per minute")
    with clean_app.app_context():
        limiter.reset()
    statuses = [
        clean_app.test_client()
        .post("/surveys/ssfr-test", data=answer_form(clean_app, survey_id, receipt=f"f{n}"))
        .status_code
        for n in range(5)
    ]
    assert statuses[:3] == [303, 303, 303]
    assert statuses[3:] == [429, 429]
    with clean_app.app_context():
        limiter.reset()


def test_htmx_steps_check_each_screen_and_keep_answers(client, clean_app, survey_id):
    start = client.post(
        "/surveys/ssfr-test/step", data={"current": "0", "goto": "0"}, headers=hx("survey-form")
    )
    body = start.get_data(as_text=True)
    assert start.status_code == 200 and "<html" not in body
    assert 'name="current" value="0"' in body and "Step 1 of 7" in body
    # Forward without answering "about you": stays on step 1 with the errors.
    stuck = client.post(
        "/surveys/ssfr-test/step", data={"current": "0", "goto": "1"}, headers=hx("survey-form")
    )
    assert stuck.status_code == 422
    assert 'id="role-error"' in stuck.get_data(as_text=True)
    form = answer_form(clean_app, survey_id)
    moved = client.post(
        "/surveys/ssfr-test/step",
        data={**form, "current": "0", "goto": "1"},
        headers=hx("survey-form"),
    )
    html = moved.get_data(as_text=True)
    assert moved.status_code == 200 and "Step 2 of 7" in html
    assert re.search(r'id="step-about"[^>]*hidden', html)  # earlier screens hidden, not lost
    assert 'value="parent" checked' in html


@pytest.mark.parametrize(
    "data",
    [{"current": "0", "goto": "99"}, {"current": "-1", "goto": "0"}, {"current": "x", "goto": "1"}],
)
def test_a_tampered_step_is_a_400(client, survey_id, data):
    response = client.post("/surveys/ssfr-test/step", data=data, headers=hx("survey-form"))
    assert response.status_code == 400


def test_the_first_screen_is_drawn_on_the_server_with_every_screen_in_the_form(client, survey_id):
    html = client.get("/surveys/ssfr-test").get_data(as_text=True)
    form = html.split('id="survey-form"', 1)[1].split("</form>")[0]
    assert form.count('class="survey-step"') == 7
    assert "Step 1 of 7" in form
    # Only the first screen shows; the others are in the form, hidden, so answers travel along.
    assert re.search(r'id="step-about"(?![^>]*hidden)[^>]*>', form)
    assert len(re.findall(r'class="survey-step" id="step-[a-z]+"[^>]*hidden', form)) == 6
    assert 'hx-trigger="load"' not in html  # no second download of the form


def test_surveys_are_listed_and_linked_from_home_and_school_pages(client, survey_id):
    listing = visible_text(client.get("/surveys").get_data(as_text=True))
    assert "Is our district ready for per-pupil budgeting?" in listing
    for path in ("/", "/schools/maple-elementary"):
        html = client.get(path).get_data(as_text=True)
        assert "/surveys/ssfr-test" in html and "Have your say" in html, path


def test_privacy_page_says_exactly_what_the_survey_stores(client, district):
    page = visible_text(client.get("/privacy").get_data(as_text=True))
    assert "cg_answered" in page
    assert "Never your name, e-mail, network address or a cookie" in page
    assert "groups of at least 10 people" in page
