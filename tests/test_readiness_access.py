"""Interview records are confidential: every route that touches them answers 404 to every role
but the facilitator and admins, found by enumerating the URL map (exports and PDFs included)."""

import pytest

from portal.extensions import db
from portal.models import Interview, ReadinessAssessment, Role
from tests.conftest import hx

SEEING = {Role.FACILITATOR, Role.ADMIN}


@pytest.fixture
def interview_ids(clean_app, district):
    with clean_app.app_context():
        assessment = ReadinessAssessment(
            district_id=district["id"], slug="a", title="A", public_summary={}
        )
        db.session.add(assessment)
        db.session.flush()
        from datetime import date

        interview = Interview(
            assessment_id=assessment.id,
            interviewee_role="Analyst",
            interviewee_name="Confidential Name",
            held_on=date(2026, 11, 1),
            notes="Confidential notes",
        )
        db.session.add(interview)
        db.session.commit()
        ids = {"assessment_id": assessment.id, "interview_id": interview.id}
        db.session.remove()
    return ids


def _confidential_rules(app):
    rules = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "confidential", False) or "interview" in rule.rule:
            rules.append(rule)
    return rules


def test_every_route_touching_interviews_is_marked_confidential(clean_app):
    rules = _confidential_rules(clean_app)
    assert len(rules) >= 3
    for rule in rules:
        assert getattr(clean_app.view_functions[rule.endpoint], "confidential", False), rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_interviews_are_404_to_everyone_but_the_facilitator(
    clean_app, interview_ids, login_as, role
):
    c = login_as(role)
    for rule in _confidential_rules(clean_app):
        url = rule.build({k: interview_ids[k] for k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in ({}, hx("main")):
                response = c.open(url, method=method, headers=headers, data={})
                if role in SEEING:
                    assert response.status_code != 404 or method == "POST", (role, method, url)
                else:
                    assert response.status_code == 404, (role, method, url, response.status_code)
                    assert "Confidential" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [r for r in Role if r not in SEEING])
def test_reports_and_exports_never_carry_interview_text(clean_app, interview_ids, login_as, role):
    c = login_as(role)
    aid = interview_ids["assessment_id"]
    for url in (
        f"/manage/readiness/{aid}/report",
        f"/manage/readiness/{aid}/report.pdf",
        f"/manage/readiness/{aid}/roundtable",
        "/readiness/a",
    ):
        body = c.get(url).data
        assert b"Confidential Name" not in body and b"Confidential notes" not in body


def test_anonymous_visitors_are_sent_to_sign_in(client, interview_ids):
    aid, iid = interview_ids["assessment_id"], interview_ids["interview_id"]
    for url in (f"/manage/readiness/{aid}/interviews", f"/manage/readiness/{aid}/interviews/{iid}"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
