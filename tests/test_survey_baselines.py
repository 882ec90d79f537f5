"""Last year's survey results typed in as a baseline (item 5 of issue 15): the results page
compares with them as with an earlier survey run here; the public never sees a baseline figure
for an item fewer than the threshold answered, nor for any breakdown (only totals were typed)."""

from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, Role, Survey, SurveyResponse
from portal.services.survey_baselines import field_name
from portal.services.survey_results import (
    ResultFilter,
    build_results,
    earlier_surveys,
    pick_baseline,
)
from tests.conftest import visible_text
from tests.survey_helpers import answer_form, make_survey

UNDERSTAND = "transparency.understand_allocation"
EXPLAINED = "transparency.budget_explained"


def _enter(staff, label="2025-26", **counts):
    data = {"label": label, "taken_on": "2026-03-10"}
    for key, answers in counts.items():
        for answer, value in answers.items():
            data[field_name(key, answer)] = str(value)
    return staff.post("/manage/surveys/baselines/new", data=data)


def _answer(app, survey_id, n, slug, **kw):
    for i in range(n):
        response = app.test_client().post(
            f"/surveys/{slug}", data=answer_form(app, survey_id, receipt=f"{slug}-{i}", **kw)
        )
        assert response.status_code == 303


def test_entered_results_are_the_baseline_of_this_years_survey(
    clean_app, client, district, login_as
):
    staff = login_as(Role.DISTRICT)
    assert staff.get("/manage/surveys/baselines/new").status_code == 200
    # 20 answered the first item (mean 2.0); only 4 the second, under the threshold of 10.
    response = _enter(staff)
    assert response.status_code == 422  # nothing typed
    response = _enter(
        staff, **{UNDERSTAND: {"1": 5, "2": 10, "3": 5, "dk": 2}, EXPLAINED: {"4": 4}}
    )
    assert response.status_code == 303, visible_text(response.get_data(as_text=True))
    with clean_app.app_context():
        entered = db.session.scalars(select(Survey).where(Survey.entered_outside)).one()
        assert entered.slug == "baseline-2025-26" and entered.phase().value == "closed"
        assert "2025-26" in entered.title["en"] and "2025-26" in entered.title["es"]
        assert db.session.scalar(select(func.count(SurveyResponse.id))) == 0  # no responses
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "survey.baseline_entered")
        ).one()
        assert entry.detail == {"label": "2025-26", "items": 2}
        entered_id = entered.id
    new = make_survey(
        clean_app, district["id"], slug="new", results_public=True, baseline_id=entered_id
    )
    _answer(clean_app, new, 10, "new", score="3")
    with clean_app.app_context():
        survey, baseline = db.session.get(Survey, new), db.session.get(Survey, entered_id)
        assert baseline in earlier_surveys(survey)
        assert pick_baseline(survey, "") == baseline
        assert pick_baseline(survey, str(entered_id)) == baseline
        threshold = 10

        def means(where, public):
            view = build_results(survey, where, threshold, baseline, suppress_small=public)
            return {i.item.key: i.baseline_mean for a in view.areas for i in a.items}

        staff_view = means(ResultFilter(), public=False)
        assert staff_view[UNDERSTAND] == 2.0 and staff_view[EXPLAINED] == 4.0
        public = means(ResultFilter(), public=True)
        assert public[UNDERSTAND] == 2.0
        assert public[EXPLAINED] is None  # 4 people: under the threshold, never shown
        by_role = means(ResultFilter(role="parent"), public=True)
        assert all(v is None for v in by_role.values())  # no breakdown was typed in
        assert all(v is None for v in means(ResultFilter(language="en"), False).values())
    body = visible_text(client.get("/surveys/new/results").get_data(as_text=True))
    assert "compared with" in body and "up 1" in body


def test_bad_counts_are_refused_beside_the_field_and_nothing_is_saved(
    clean_app, district, login_as
):
    staff = login_as(Role.DISTRICT)
    response = _enter(staff, **{UNDERSTAND: {"1": -3, "2": "many"}})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a whole number of 0 or more." in visible_text(html)
    assert f'id="{field_name(UNDERSTAND, "1")}-error"' in html
    future = staff.post(
        "/manage/surveys/baselines/new",
        data={
            "label": "2025-26",
            "taken_on": str(date(2099, 1, 1)),
            field_name(UNDERSTAND, "1"): "3",
        },
    )
    assert future.status_code == 422 and "before today" in future.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.scalar(select(func.count(Survey.id))) == 0
    assert _enter(staff, **{UNDERSTAND: {"3": 12}}).status_code == 303
    twice = _enter(staff, **{UNDERSTAND: {"3": 12}})
    assert twice.status_code == 422 and "already entered" in twice.get_data(as_text=True)
    with clean_app.app_context():
        assert db.session.scalar(select(func.count(Survey.id))) == 1


def test_only_district_staff_enter_results(district, login_as):
    principal = login_as(Role.PRINCIPAL)
    assert principal.get("/manage/surveys/baselines/new").status_code == 403
    assert _enter(principal, **{UNDERSTAND: {"3": 12}}).status_code == 403
