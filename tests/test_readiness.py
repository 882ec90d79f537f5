"""Tiers 2 and 3 and the readiness report."""

import subprocess

import pytest

from portal.extensions import db
from portal.models import (
    Interview,
    InterviewObservation,
    InventoryAnswer,
    InventoryInvite,
    ReadinessAssessment,
    Role,
    User,
)
from portal.services.readiness import classify_agreement
from portal.services.readiness_report import officials_by_survey_area
from tests.conftest import visible_text
from tests.survey_helpers import answer_form


@pytest.mark.parametrize(
    ("ratings", "verdict"),
    [
        ([], "too_few"),
        ([2], "too_few"),
        ([2, None], "too_few"),
        ([1, 1, 2], "consensus"),
        ([3, 4, 4], "consensus"),
        ([1, 4], "contention"),
        ([2, 4, 2], "contention"),
        ([2, 3], "mixed"),
        ([1, 3], "contention"),
        ([1, 2, 3], "contention"),
    ],
)
def test_classify_agreement(ratings, verdict):
    assert classify_agreement(ratings) == verdict


@pytest.fixture
def assessment(clean_app, district, survey_id, make_user):
    """An assessment linked to the Tier 1 survey, with two invited officials."""
    officials = [make_user(Role.DISTRICT, email=f"o{n}@example.test") for n in (1, 2)]
    with clean_app.app_context():
        a = ReadinessAssessment(
            district_id=district["id"],
            slug="ready",
            title="Ready?",
            tier1_survey_id=survey_id,
            public_summary={"en": "We heard you.", "es": "Le escuchamos."},
        )
        db.session.add(a)
        db.session.flush()
        for email in officials:
            uid = db.session.query(User).filter_by(email=email).one().id
            db.session.add(InventoryInvite(assessment_id=a.id, user_id=uid))
        db.session.commit()
        info = {"id": a.id, "officials": officials}
        db.session.remove()
    return info


def _client_for(app, email):
    from tests.conftest import sign_in

    c = app.test_client()
    assert sign_in(c, email).status_code == 303
    return c


def test_officials_answer_and_edit_the_inventory(clean_app, assessment, ctx):
    c = _client_for(clean_app, assessment["officials"][0])
    form = {
        "vision.success.rating": "2",
        "vision.success.answer": "More students reading at grade level.",
        "vision.success.evidence": "State test results.",
        "vision.success.links": "https://example.org/results",
        "systems.tools.rating": "unsure",
    }
    url = f"/manage/readiness/{assessment['id']}/inventory"
    assert c.post(url, data=form).status_code == 303
    assert c.post(url, data={**form, "vision.success.rating": "3"}).status_code == 303
    with ctx() as session:
        rows = session.query(InventoryAnswer).all()
        assert len(rows) == 2
        answer = next(r for r in rows if r.question_key == "vision.success")
        assert answer.rating == 3 and answer.links == "https://example.org/results"
        assert next(r for r in rows if r.question_key == "systems.tools").rating is None
    page = c.get(url).get_data(as_text=True)
    assert "More students reading at grade level." in page


@pytest.mark.parametrize(
    "bad",
    [
        {"vision.success.rating": "7"},
        {"vision.success.links": "javascript:alert(1)"},
        {"vision.success.links": "file:///etc/passwd"},
    ],
)
def test_bad_inventory_input_writes_nothing(clean_app, assessment, ctx, bad):
    c = _client_for(clean_app, assessment["officials"][0])
    response = c.post(
        f"/manage/readiness/{assessment['id']}/inventory",
        data={"vision.roles.answer": "ok", **bad},
    )
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    with ctx() as session:
        assert session.query(InventoryAnswer).count() == 0


def test_only_invited_officials_answer(clean_app, assessment, login_as):
    other = login_as(Role.DISTRICT)
    assert other.get(f"/manage/readiness/{assessment['id']}/inventory").status_code == 403


def test_roundtable_marks_contention_and_records_conclusions(clean_app, assessment, login_as, ctx):
    for email, rating in zip(assessment["officials"], ("1", "4"), strict=True):
        _client_for(clean_app, email).post(
            f"/manage/readiness/{assessment['id']}/inventory",
            data={"capacity.autonomy_policy.rating": rating},
        )
    facilitator = login_as(Role.FACILITATOR)
    page = facilitator.get(f"/manage/readiness/{assessment['id']}/roundtable")
    html = page.get_data(as_text=True)
    assert "verdict-contention" in html
    saved = facilitator.post(
        f"/manage/readiness/{assessment['id']}/roundtable",
        data={
            "question_key": "capacity.autonomy_policy",
            "conclusion": "Needs a policy.",
            "contentious": "y",
            "carry": "y",
        },
    )
    assert saved.status_code == 303
    closed = facilitator.post(
        f"/manage/readiness/{assessment['id']}/roundtable",
        data={"question_key": "", "conclusion": "Done.", "close": "y"},
    )
    assert closed.status_code == 303
    again = _client_for(clean_app, assessment["officials"][0]).post(
        f"/manage/readiness/{assessment['id']}/inventory",
        data={"capacity.autonomy_policy.rating": "2"},
    )
    assert again.status_code == 422
    interviews = facilitator.get(f"/manage/readiness/{assessment['id']}/interviews")
    assert "Officials disagreed on" in interviews.get_data(as_text=True)
    assert (
        facilitator.post(
            f"/manage/readiness/{assessment['id']}/roundtable",
            data={"question_key": "no.such.question", "conclusion": "x"},
        ).status_code
        == 400
    )


def test_officials_ratings_map_onto_the_survey_areas(clean_app, assessment):
    _client_for(clean_app, assessment["officials"][0]).post(
        f"/manage/readiness/{assessment['id']}/inventory",
        data={"context.experience.rating": "1", "systems.budgets.rating": "3"},
    )
    with clean_app.app_context():
        by_area = officials_by_survey_area(assessment["id"])
    # A clear strength (1) reads as 4 on the agreement scale, "some weakness" (3) as 2.
    assert by_area["transparency"] == (3.0, 2)
    assert by_area["equity"] == (None, 0)


def test_facilitator_logs_an_interview_with_coded_observations(
    clean_app, assessment, login_as, ctx
):
    facilitator = login_as(Role.FACILITATOR)
    base = f"/manage/readiness/{assessment['id']}/interviews"
    assert (
        facilitator.post(
            base, data={"action": "interview", "interviewee_role": "", "held_on": "nope"}
        ).status_code
        == 422
    )
    response = facilitator.post(
        base,
        data={
            "action": "interview",
            "interviewee_role": "Budget director",
            "department": "Finance",
            "interviewee_name": "Pat Secret",
            "held_on": "2026-11-10",
            "notes": "Private notes.",
        },
    )
    assert response.status_code == 303
    with ctx() as session:
        interview_id = session.query(Interview).one().id
    url = f"{base}/{interview_id}"
    assert (
        facilitator.post(
            url,
            data={
                "code": "ally",
                "survey_area": "transparency",
                "note": "Shares budgets already.",
                "shareable": "y",
            },
        ).status_code
        == 303
    )
    assert (
        facilitator.post(
            url,
            data={"code": "opponent", "note": "Dislikes change.", "needs": "A seat at the table."},
        ).status_code
        == 303
    )
    assert facilitator.post(url, data={"code": "made-up"}).status_code == 422
    with ctx() as session:
        assert session.query(InterviewObservation).count() == 2
    assert (
        facilitator.post(base, data={"action": "question", "text": "What works now?"}).status_code
        == 303
    )
    assert "What works now?" in facilitator.get(base).get_data(as_text=True)


def _report_with_interview(clean_app, assessment, login_as):
    facilitator = login_as(Role.FACILITATOR)
    base = f"/manage/readiness/{assessment['id']}/interviews"
    facilitator.post(
        base,
        data={
            "action": "interview",
            "interviewee_role": "Budget director",
            "interviewee_name": "Pat Secret",
            "held_on": "2026-11-10",
            "notes": "Very private notes.",
        },
    )
    with clean_app.app_context():
        iid = db.session.query(Interview).one().id
    facilitator.post(
        f"{base}/{iid}",
        data={
            "code": "ally",
            "survey_area": "transparency",
            "note": "Quote we may share.",
            "shareable": "y",
        },
    )
    facilitator.post(f"{base}/{iid}", data={"code": "fatigue", "note": "Secret remark."})
    facilitator.post(
        f"/manage/readiness/{assessment['id']}/next-steps",
        data={"next_steps": "Publish budgets in plain language."},
    )
    return facilitator


def test_report_shows_counts_and_shared_quotes_never_names_or_notes(
    clean_app, assessment, login_as
):
    _report_with_interview(clean_app, assessment, login_as)
    for n in range(10):
        clean_app.test_client().post(
            "/surveys/ssfr-test",
            data=answer_form(clean_app, 1 if False else _survey(clean_app), receipt=f"r{n}"),
        )
    staff = login_as(Role.DISTRICT)
    page = visible_text(
        staff.get(f"/manage/readiness/{assessment['id']}/report").get_data(as_text=True)
    )
    assert "Where perceptions differ" in page
    assert "Key ally 1" in page and "Change fatigue 1" in page
    assert "Quote we may share." in page
    assert (
        "Pat Secret" not in page
        and "Very private notes." not in page
        and "Secret remark." not in page
    )
    assert "Publish budgets in plain language." in page
    assert "Transparency 3.00" in page  # the community's mean from the survey answers
    # Only the facilitator writes next steps.
    assert (
        staff.post(
            f"/manage/readiness/{assessment['id']}/next-steps", data={"next_steps": "x"}
        ).status_code
        == 403
    )


def _survey(app):
    from portal.models import Survey

    with app.app_context():
        return db.session.query(Survey).filter_by(slug="ssfr-test").one().id


def test_report_pdf_has_the_report_and_nothing_confidential(
    clean_app, assessment, login_as, tmp_path
):
    _report_with_interview(clean_app, assessment, login_as)
    staff = login_as(Role.DISTRICT)
    response = staff.get(f"/manage/readiness/{assessment['id']}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Readiness report: Ready?" in flat and "Where perceptions differ" in flat
    assert "Quote we may share." in flat
    assert (
        "Pat Secret" not in flat
        and "Very private notes." not in flat
        and "Secret remark." not in flat
    )


def test_public_summary_hides_small_groups_and_interviews(clean_app, assessment, client, ctx):
    assert client.get("/readiness/ready").status_code == 404  # not published yet
    with ctx() as session:
        session.get(ReadinessAssessment, assessment["id"]).public_summary_published = True
        session.commit()
    for n in range(3):
        clean_app.test_client().post(
            "/surveys/ssfr-test", data=answer_form(clean_app, _survey(clean_app), receipt=f"p{n}")
        )
    page = visible_text(client.get("/readiness/ready?lang=es").get_data(as_text=True))
    assert "Le escuchamos." in page
    assert "Menos de 10 respuestas" in page and "Promedio" not in page


def test_staff_create_an_assessment(login_as, survey_id, ctx):
    staff = login_as(Role.DISTRICT)
    bad = staff.post("/manage/readiness", data={"title": "", "slug": "Bad Slug"})
    assert bad.status_code == 422
    ok = staff.post(
        "/manage/readiness",
        data={"title": "2027", "slug": "r-2027", "tier1_survey_id": str(survey_id)},
    )
    assert ok.status_code == 303
    with ctx() as session:
        assert (
            session.query(ReadinessAssessment).filter_by(slug="r-2027").one().tier1_survey_id
            == survey_id
        )


def test_public_summary_never_shows_an_area_average_the_results_page_withholds(
    clean_app, assessment, client, ctx
):
    """An area's average pools its items. When one item was answered by fewer people than the
    threshold, the results page withholds it (and the area); the readiness summary must not
    print the area's average either, or it minus the shown items would give that item away."""
    from portal.models import Survey
    from portal.services import surveys as survey_service

    with ctx() as session:
        session.get(ReadinessAssessment, assessment["id"]).public_summary_published = True
        survey = session.get(Survey, _survey(clean_app))
        survey.results_public = True
        by_area: dict[str, list[int]] = {}
        for item in survey.items:
            if item.kind == "agreement":
                by_area.setdefault(item.area, []).append(item.id)
        area, (everyone_item, few_item, *_rest) = next(
            (a, ids) for a, ids in by_area.items() if len(ids) >= 2
        )
        for n in range(12):
            answers = [{"item_id": everyone_item, "score": 1 + n % 4}]
            if n < 3:  # three people answered the second item
                answers.append({"item_id": few_item, "score": 4})
            submission = survey_service.Submission("parent", None, "en", answers)
            survey_service.record_response(survey, submission, survey_service.Channel.ONLINE)
        session.commit()
        label = str(next(a for a in survey_service.SurveyArea if a.value == area).label)
    page = visible_text(client.get("/readiness/ready?lang=en").get_data(as_text=True))
    others = [str(a.label) for a in survey_service.SurveyArea if str(a.label) != label]
    card = page[page.index(label) :]
    card = card[: min((card.find(o) for o in others if o in card), default=len(card))]
    assert "Not shown, to protect the privacy" in card
    assert "Average" not in card
