"""ReadinessAssessment's transitions: every legal move and every illegal one, as plain model
calls; then the services that make them, on the database."""

import pytest

from portal.extensions import db
from portal.models import ReadinessAssessment
from portal.models.base import IllegalMove
from portal.models.readiness import AssessmentStage
from portal.services import readiness as service
from portal.services.errors import Rejected


def _assessment(closed=False, published=False) -> ReadinessAssessment:
    return ReadinessAssessment(
        slug="a",
        title="A",
        public_summary={},
        roundtable_closed=closed,
        public_summary_published=published,
    )


def test_a_new_assessment_takes_inventory_answers():
    assert _assessment().stage == AssessmentStage.INVENTORY_OPEN
    assert str(AssessmentStage.INVENTORY_OPEN.label) == "Inventory open"


LEGAL = [
    # (closed, published) before, move, (closed, published) after
    ((False, False), "close_roundtable", (True, False)),
    ((False, True), "close_roundtable", (True, True)),
    ((False, False), "publish_summary", (False, True)),
    ((True, False), "publish_summary", (True, True)),  # the summary may follow the roundtable
    ((False, True), "withdraw_summary", (False, False)),
    ((True, True), "withdraw_summary", (True, False)),
]
ILLEGAL = [
    ((True, False), "close_roundtable"),  # held once; an inventory does not reopen
    ((True, True), "close_roundtable"),
    ((False, True), "publish_summary"),
    ((True, True), "publish_summary"),
    ((False, False), "withdraw_summary"),
    ((True, False), "withdraw_summary"),
]


@pytest.mark.parametrize(("before", "move", "after"), LEGAL)
def test_legal_moves(before, move, after):
    assessment = _assessment(*before)
    getattr(assessment, move)()
    assert (assessment.roundtable_closed, assessment.public_summary_published) == after
    expected = AssessmentStage.ROUNDTABLE_HELD if after[0] else AssessmentStage.INVENTORY_OPEN
    assert assessment.stage == expected


@pytest.mark.parametrize(("before", "move"), ILLEGAL)
def test_illegal_moves_raise_and_change_nothing(before, move):
    assessment = _assessment(*before)
    with pytest.raises(IllegalMove):
        getattr(assessment, move)()
    assert (assessment.roundtable_closed, assessment.public_summary_published) == before


@pytest.fixture
def stored(clean_app, district, make_user):
    """An assessment in the database and an official's account, inside an app context."""
    from portal.models import Role, User

    email = make_user(Role.DISTRICT)
    with clean_app.test_request_context():
        assessment = ReadinessAssessment(
            district_id=district["id"], slug="stored", title="Stored", public_summary={}
        )
        db.session.add(assessment)
        db.session.commit()
        yield assessment, db.session.query(User).filter_by(email=email).one()
        db.session.remove()


def test_the_overall_note_closes_the_inventory_once(stored):
    assessment, official = stored
    service.save_roundtable_note(assessment, official, "", "Held.", close=True)
    assert assessment.stage == AssessmentStage.ROUNDTABLE_HELD
    # Saving the overall note again (a second tab, a double submit) keeps it closed.
    service.save_roundtable_note(assessment, official, "", "Held, and noted.", close=True)
    assert assessment.roundtable_closed
    entry = service.InventoryEntry(rating=2)
    with pytest.raises(Rejected) as refused:
        service.save_inventory(assessment, official, {"vision.success": entry})
    assert refused.value.messages and not refused.value.fields


def test_a_question_note_never_closes_the_inventory(stored):
    assessment, official = stored
    service.save_roundtable_note(assessment, official, "vision.success", "Agreed.", close=True)
    assert assessment.stage == AssessmentStage.INVENTORY_OPEN
    with pytest.raises(Rejected) as refused:
        service.save_roundtable_note(assessment, official, "no.such.question", "x")
    assert "question_key" in refused.value.fields


def test_publishing_through_the_overview_is_audited(stored):
    from portal.models import AuditEntry

    assessment, official = stored
    service.save_overview(assessment, official, [official.id], {"en": "We heard you."}, True)
    service.save_overview(assessment, official, [official.id], {"en": "We heard you."}, True)
    assert assessment.public_summary_published
    service.save_overview(assessment, official, [], {}, False)
    assert not assessment.public_summary_published and assessment.invites == []
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["readiness.summary_published", "readiness.summary_withdrawn"]


def test_inventory_answers_are_checked_before_anything_is_written(stored):
    from portal.models import InventoryAnswer

    assessment, official = stored
    entries = {
        "vision.success": service.InventoryEntry(rating=2, answer="Fine."),
        "vision.roles": service.InventoryEntry(links=["javascript:alert(1)"]),
    }
    with pytest.raises(Rejected) as refused:
        service.save_inventory(assessment, official, entries)
    assert set(refused.value.fields) == {"vision.roles.links"}
    assert db.session.query(InventoryAnswer).count() == 0
