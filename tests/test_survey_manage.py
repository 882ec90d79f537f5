"""District staff build, publish and close surveys, and manage their questions."""

from portal.models import Role, Survey, SurveyItem
from tests.survey_helpers import make_survey


def test_staff_create_a_survey_from_the_template(login_as, ctx):
    staff = login_as(Role.DISTRICT)
    response = staff.post(
        "/manage/surveys",
        data={"slug": "spring-2027", "opens_on": "2027-03-01", "closes_on": "2027-04-01"},
    )
    assert response.status_code == 303
    with ctx() as session:
        survey = session.query(Survey).filter_by(slug="spring-2027").one()
        assert survey.state == "draft" and len(survey.items) >= 19
        assert survey.opens_at.hour == 8  # midnight in Los Angeles, stored in UTC
    bad = staff.post(
        "/manage/surveys",
        data={"slug": "spring-2027", "opens_on": "2027-04-01", "closes_on": "2027-03-01"},
    )
    assert bad.status_code == 422
    assert "must come after" in bad.get_data(as_text=True)


def test_settings_publish_and_close(login_as, ctx, clean_app, district):
    staff = login_as(Role.DISTRICT)
    staff.post(
        "/manage/surveys",
        data={"slug": "s1", "opens_on": "2020-01-01", "closes_on": "2099-01-01"},
    )
    with ctx() as session:
        survey_id = session.query(Survey).filter_by(slug="s1").one().id
    form = {
        "opens_on": "2020-01-01",
        "closes_on": "2099-01-01",
        "covers_all_schools": "y",
        "results_public": "y",
        "baseline_id": "0",
        "title_en": "Our survey",
        "title_es": "Nuestra encuesta",
        "intro_en": "Tell us.",
    }
    assert staff.post(f"/manage/surveys/{survey_id}", data=form).status_code == 303
    assert staff.post(f"/manage/surveys/{survey_id}/close").status_code == 303  # refused: draft
    assert staff.post(f"/manage/surveys/{survey_id}/publish").status_code == 303
    with ctx() as session:
        survey = session.get(Survey, survey_id)
        assert survey.title == {"en": "Our survey", "es": "Nuestra encuesta"}
        assert survey.state == "published" and survey.phase() == "open"
    assert staff.post(f"/manage/surveys/{survey_id}/close").status_code == 303
    with ctx() as session:
        assert session.get(Survey, survey_id).phase() == "closed"
    no_title = dict(form, title_en="")
    assert staff.post(f"/manage/surveys/{survey_id}", data=no_title).status_code == 422


def test_questions_are_added_and_removed_only_in_a_draft(login_as, ctx, clean_app, district):
    staff = login_as(Role.DISTRICT)
    staff.post(
        "/manage/surveys", data={"slug": "d", "opens_on": "2027-01-01", "closes_on": "2027-02-01"}
    )
    with ctx() as session:
        survey = session.query(Survey).filter_by(slug="d").one()
        survey_id, before = survey.id, len(survey.items)
    choice = {
        "area": "engagement",
        "kind": "choice",
        "prompt_en": "How did you hear about this survey?",
        "options_en": "A text message\nA flyer\nA meeting",
        "options_es": "Un mensaje de texto\nUn volante\nUna reunión",
    }
    assert staff.post(f"/manage/surveys/{survey_id}/items", data=choice).status_code == 303
    with ctx() as session:
        item = session.query(SurveyItem).filter_by(survey_id=survey_id, kind="choice").one()
        assert item.options[1] == {"value": "2", "label": {"en": "A flyer", "es": "Un volante"}}
        item_id = item.id
    one_option = dict(choice, options_en="Only one")
    assert staff.post(f"/manage/surveys/{survey_id}/items", data=one_option).status_code == 422
    assert staff.post(f"/manage/surveys/{survey_id}/items/{item_id}/delete").status_code == 303
    with ctx() as session:
        assert session.query(SurveyItem).filter_by(survey_id=survey_id).count() == before
    published = make_survey(clean_app, district["id"], slug="pub")
    with ctx() as session:
        first = session.query(SurveyItem).filter_by(survey_id=published).first().id
    staff.post(f"/manage/surveys/{published}/items/{first}/delete")
    with ctx() as session:
        assert session.get(SurveyItem, first) is not None


def test_choice_questions_are_answered_in_the_readers_language(
    login_as, ctx, client, clean_app, district
):
    sid = make_survey(clean_app, district["id"], slug="choice")
    with clean_app.app_context():
        from portal.extensions import db
        from portal.services.surveys import add_item

        survey = db.session.get(Survey, sid)
        add_item(
            survey,
            "engagement",
            "choice",
            {"en": "Best time?"},
            options=[{"value": "1", "label": {"en": "Evening", "es": "Tarde"}}],
        )
        db.session.commit()
    assert "Tarde" in client.get("/surveys/choice?lang=es").get_data(as_text=True)


def test_staff_edit_wording_of_a_published_question(login_as, ctx, clean_app, district):
    sid = make_survey(clean_app, district["id"], slug="w")
    with ctx() as session:
        item = session.query(SurveyItem).filter_by(survey_id=sid).first()
        item_id, area, kind = item.id, item.area, item.kind
    staff = login_as(Role.DISTRICT)
    data = {"area": area, "kind": kind, "prompt_en": "Clearer wording.", "prompt_es": "Más claro."}
    assert staff.post(f"/manage/surveys/{sid}/items/{item_id}", data=data).status_code == 303
    with ctx() as session:
        assert session.get(SurveyItem, item_id).prompt == {
            "en": "Clearer wording.",
            "es": "Más claro.",
        }


def test_access_codes_are_shown_once(login_as, ctx, survey_id):
    staff = login_as(Role.DISTRICT)
    page = staff.post(
        f"/manage/surveys/{survey_id}/codes", data={"count": "5", "batch_label": "night"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<code>") == 5
    assert (
        staff.get(f"/manage/surveys/{survey_id}/codes").get_data(as_text=True).count("<code>") == 0
    )
    assert staff.post(f"/manage/surveys/{survey_id}/codes", data={"count": "0"}).status_code == 422
