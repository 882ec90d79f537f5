"""A scenario's moves, legal and illegal: any status may move to any other (adopt, publish as
"what you would receive", back to draft), never to the one it has; adopting one sends the year's
adopted scenario back to draft, and leaves other years and districts alone. An enrollment file
is imported once."""

from datetime import date

import pytest

from portal.extensions import db
from portal.models import AllocationScenario, EnrollmentImport, SchoolYear
from portal.models.allocation import (
    SCENARIO_STATUS_LABELS,
    STREAM_KIND_LABELS,
    ScenarioStatus,
    StreamKind,
)
from portal.models.base import IllegalMove

DRAFT, ADOPTED, WHAT_IF = ScenarioStatus.DRAFT, ScenarioStatus.ADOPTED, ScenarioStatus.WHAT_IF


@pytest.fixture
def year(ctx, district):
    """The district's current school year (its id), and a second, earlier one."""
    with ctx() as session:
        rows = [
            SchoolYear(
                district_id=district["id"],
                label=label,
                starts_on=date(start, 7, 1),
                ends_on=date(start + 1, 6, 30),
                is_current=current,
            )
            for label, start, current in (("2026-27", 2026, True), ("2025-26", 2025, False))
        ]
        session.add_all(rows)
        session.commit()
        return {"current": rows[0].id, "earlier": rows[1].id, "district": district["id"]}


def scenario(year: dict, status: ScenarioStatus, which: str = "current", name: str = "S"):
    row = AllocationScenario(
        district_id=year["district"],
        school_year_id=year[which],
        name=name,
        weights={},
        status=status.value,
    )
    db.session.add(row)
    db.session.flush()
    return row


def test_the_enums_keep_the_stored_values_and_have_labels(app):
    assert [s.value for s in ScenarioStatus] == ["draft", "adopted", "what_if"]
    assert [k.value for k in StreamKind] == ["unrestricted", "restricted"]
    with app.test_request_context():
        assert set(SCENARIO_STATUS_LABELS) == set(ScenarioStatus)
        assert set(STREAM_KIND_LABELS) == set(StreamKind)
        assert str(ADOPTED.label) == "Adopted"
        assert str(StreamKind.RESTRICTED.label) == "Restricted (categorical)"


LEGAL = [
    (DRAFT, ADOPTED),
    (WHAT_IF, ADOPTED),
    (DRAFT, WHAT_IF),
    (ADOPTED, WHAT_IF),
    (ADOPTED, DRAFT),
    (WHAT_IF, DRAFT),
]
ILLEGAL = [(DRAFT, DRAFT), (ADOPTED, ADOPTED), (WHAT_IF, WHAT_IF)]


@pytest.mark.parametrize(("start", "end"), LEGAL)
def test_legal_moves(ctx, year, start, end):
    with ctx():
        row = scenario(year, start)
        assert end in row.moves()
        row.move_to(end)
        assert row.status == end


@pytest.mark.parametrize(("start", "end"), ILLEGAL)
def test_a_scenario_never_moves_to_the_status_it_has(ctx, year, start, end):
    with ctx():
        row = scenario(year, start)
        assert end not in row.moves()
        with pytest.raises(IllegalMove):
            row.move_to(end)
        assert row.status == start


@pytest.mark.parametrize(
    ("method", "start"),
    [("adopt", ADOPTED), ("publish_what_if", WHAT_IF), ("withdraw", DRAFT)],
)
def test_each_transition_refuses_its_own_status(ctx, year, method, start):
    with ctx():
        row = scenario(year, start)
        with pytest.raises(IllegalMove):
            getattr(row, method)()


def test_adopting_sends_the_years_adopted_scenario_back_to_draft(ctx, year):
    with ctx():
        before = scenario(year, ADOPTED, name="Table 2.2")
        what_if = scenario(year, WHAT_IF, name="Flat")
        last_year = scenario(year, ADOPTED, "earlier", name="Last year")
        draft = scenario(year, DRAFT, name="New")
        assert draft.adopt() == [before]
        assert (before.status, draft.status) == (DRAFT, ADOPTED)
        # A what-if stays published beside it; another year keeps its own adopted scenario.
        assert what_if.status == WHAT_IF and last_year.status == ADOPTED


def test_publishing_or_withdrawing_leaves_the_adopted_scenario_in_force(ctx, year):
    with ctx():
        adopted = scenario(year, ADOPTED)
        other = scenario(year, DRAFT)
        assert other.move_to(WHAT_IF) == []
        other.withdraw()
        assert adopted.status == ADOPTED and other.status == DRAFT


def test_an_enrollment_file_is_imported_once(ctx, year):
    with ctx():
        staged = EnrollmentImport(
            district_id=year["district"], school_year_id=year["current"], rows=[]
        )
        staged.mark_applied()
        assert staged.applied
        with pytest.raises(IllegalMove):
            staged.mark_applied()
