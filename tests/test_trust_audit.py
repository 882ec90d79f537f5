"""The audit log records refusals (once a minute per person and page, never the query), every
reading of confidential interview notes (never their words), and every publishing move."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.access import DENIED, READ_ACTIONS
from portal.extensions import db
from portal.models import AuditEntry, Role
from portal.models.base import utcnow
from portal.services import interviews as tier3
from tests.conftest import _clean
from tests.trust_helpers import INTERVIEW_MARK, OBSERVATION_MARK, build_world, signed_in


@pytest.fixture(scope="module")
def world(app):
    built = build_world(app)
    yield built
    _clean(app)


def _entries(app, action: str, user_id: int | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        if user_id is not None:
            query = query.where(AuditEntry.user_id == user_id)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        db.session.remove()
        return rows


def test_a_refusal_is_recorded_once_a_minute_without_the_query(app, world, monkeypatch):
    who = world.user_ids["outsider-principal"]
    client = signed_in(app, world, "outsider-principal")
    plan = f"/manage/schools/{world.values['school_slug']}/plan"
    for _ in range(5):  # a crawler, or a stuck tab
        assert client.get(plan, query_string={"secret": "q-value-991"}).status_code == 404
    entries = _entries(app, DENIED, who)
    assert len(entries) == 1
    detail = entries[0].detail
    assert detail["endpoint"] == "plans.edit_plan" and detail["path"] == plan
    assert detail["method"] == "GET" and detail["status"] == 404
    assert "q-value-991" not in repr(detail)
    # Another page is another entry; the same page a minute later is a new one.
    assert client.get("/manage/users").status_code == 403
    assert [e.detail["status"] for e in _entries(app, DENIED, who)] == [404, 403]
    later = utcnow() + timedelta(minutes=2)
    monkeypatch.setattr("portal.models.base.utcnow", lambda: later)
    client.get(plan)
    assert len(_entries(app, DENIED, who)) == 3


def test_a_refused_confidential_page_is_recorded(app, world):
    who = world.user_ids[Role.DISTRICT.value]
    v = world.values
    url = f"/manage/readiness/{v['assessment_id']}/interviews/{v['interview_id']}"
    assert signed_in(app, world, Role.DISTRICT.value).get(url).status_code == 404
    [entry] = _entries(app, DENIED, who)
    assert entry.detail["endpoint"] == "readiness.interview"


def test_signed_out_refusals_are_not_recorded(app, world):
    before = len(_entries(app, DENIED))
    client = app.test_client()
    for _ in range(3):
        assert client.get("/manage/users").status_code == 302
    assert len(_entries(app, DENIED)) == before


def test_a_missing_public_page_is_not_a_refusal(app, world):
    who = world.user_ids[Role.COMMS.value]
    client = signed_in(app, world, Role.COMMS.value)
    assert client.get("/schools/no-such-school").status_code == 404
    assert _entries(app, DENIED, who) == []


def test_every_reading_of_interview_notes_is_recorded_without_the_words(app, world):
    who = world.user_ids[Role.FACILITATOR.value]
    v = world.values
    url = f"/manage/readiness/{v['assessment_id']}/interviews/{v['interview_id']}"
    client = signed_in(app, world, Role.FACILITATOR.value)
    for _ in range(2):
        assert INTERVIEW_MARK in client.get(url).get_data(as_text=True)
    # A refused observation shows the notes again: that is a reading too.
    assert client.post(url, data={"code": "not-a-code"}).status_code == 422
    entries = _entries(app, tier3.READ, who)
    assert len(entries) == 3
    assert {(e.object_type, e.object_id) for e in entries} == {("interview", v["interview_id"])}
    for entry in entries:
        text = repr(entry.detail)
        assert INTERVIEW_MARK not in text and OBSERVATION_MARK not in text
        assert "Confidential Person" not in text  # nor the person's name


def test_the_report_records_which_interviews_it_quotes(app, world):
    from portal.models import InterviewObservation

    v = world.values
    with app.app_context():
        quote = InterviewObservation(
            interview_id=v["interview_id"], code="ally", note="Quotable words", shareable=True
        )
        db.session.add(quote)
        db.session.commit()
        db.session.remove()
    client = signed_in(app, world, Role.DISTRICT.value)
    report = f"/manage/readiness/{v['assessment_id']}/report"
    assert "Quotable words" in client.get(report).get_data(as_text=True)
    pdf = client.get(f"{report}.pdf")
    assert pdf.status_code == 200
    entries = _entries(app, tier3.QUOTED, world.user_ids[Role.DISTRICT.value])
    assert [e.detail["shown_as"] for e in entries] == ["page", "pdf"]
    assert all(v["interview_id"] in e.detail["interviews"] for e in entries)
    assert all("Quotable" not in repr(e.detail) for e in entries)


def test_deleting_an_interview_is_recorded(app, world):
    from portal.models import Interview

    v = world.values
    with app.app_context():
        spare = Interview(
            assessment_id=v["assessment_id"],
            interviewee_role="Clerk",
            held_on=date(2026, 10, 2),
            notes="Spare notes",
        )
        db.session.add(spare)
        db.session.commit()
        spare_id = spare.id
        db.session.remove()
    client = signed_in(app, world, Role.FACILITATOR.value)
    url = f"/manage/readiness/{v['assessment_id']}/interviews/{spare_id}/delete"
    assert client.post(url).status_code == 303
    [entry] = _entries(app, "interview.deleted")
    assert entry.object_id == spare_id and "Spare notes" not in repr(entry.detail)


def test_reading_actions_are_the_ones_the_services_write():
    from portal.services import survey_export

    assert {DENIED, tier3.READ, tier3.QUOTED, survey_export.EXPORTED} == READ_ACTIONS


def test_publishing_a_survey_and_the_readiness_summary_is_recorded(app, world):
    """Bulletins and shared plans have their tests in test_audit.py; these two had none."""
    from portal.models import ReadinessAssessment, Survey, User
    from portal.services import readiness, survey_editing

    with app.app_context():
        actor = db.session.get(User, world.user_ids[Role.DISTRICT.value])
        survey = db.session.get(Survey, world.values["survey_id"])
        survey.state = "draft"
        db.session.commit()
        survey_editing.publish(survey, actor)
        assessment = db.session.get(ReadinessAssessment, world.values["assessment_id"])
        assessment.public_summary_published = False
        db.session.commit()
        invited = [i.user_id for i in assessment.invites]
        readiness.save_overview(assessment, actor, invited, dict(assessment.public_summary), True)
        db.session.commit()
        readiness.save_overview(assessment, actor, invited, dict(assessment.public_summary), False)
        db.session.commit()
        db.session.remove()
    for action in (
        "survey.published",
        "readiness.summary_published",
        "readiness.summary_withdrawn",
    ):
        assert len(_entries(app, action, world.user_ids[Role.DISTRICT.value])) == 1, action
