"""A school plan's life, move by move: draft <-> shared for feedback -> approved by the site
council's vote, and nothing else. The model's transitions, then the editor's services that use
them (the editor offers draft and shared only), then what starting from last year carries."""

from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import (
    Goal,
    Investment,
    Motion,
    PlanAction,
    School,
    SchoolPlan,
    SchoolYear,
    Strategy,
)
from portal.models.base import IllegalMove
from portal.models.planning import ActionStatus, PlanStatus
from portal.services import plan_editing
from portal.services.errors import Rejected
from tests.plan_helpers import approve_by_council, passed_motion

ON = date(2027, 5, 14)


def _plan(status: str = "draft") -> SchoolPlan:
    plan = SchoolPlan()
    if status in ("shared", "approved"):
        plan.share()
    if status == "approved":
        approve_by_council(plan, ON)
    return plan


# -- Legal moves -------------------------------------------------------------------------------


def test_a_new_plan_is_a_draft():
    assert SchoolPlan().status == PlanStatus.DRAFT


def test_a_draft_is_shared_and_taken_back():
    plan = _plan("draft")
    plan.share()
    assert plan.status == PlanStatus.SHARED and plan.is_public
    plan.withdraw()
    assert plan.status == PlanStatus.DRAFT and not plan.is_public


@pytest.mark.parametrize("start", ["draft", "shared"])
@pytest.mark.parametrize("subject", ["plan", "budget"])
def test_a_passing_motion_on_the_plan_or_budget_approves_it(start, subject):
    plan = _plan(start)
    plan.approve(passed_motion(subject=subject, tally="7–1–1"), ON)
    assert plan.status == PlanStatus.APPROVED and plan.is_approved
    assert plan.approved_on == ON and plan.approval_note == "7–1–1"


# -- Illegal moves -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, move",
    [
        ("shared", "share"),
        ("approved", "share"),
        ("draft", "withdraw"),
        ("approved", "withdraw"),
        ("approved", "approve"),
    ],
)
def test_moves_the_state_does_not_allow(start, move):
    plan = _plan(start)
    before = (plan.status, plan.approved_on, plan.approval_note)
    with pytest.raises(IllegalMove):
        if move == "approve":
            plan.approve(passed_motion(), ON)
        else:
            getattr(plan, move)()
    assert (plan.status, plan.approved_on, plan.approval_note) == before


@pytest.mark.parametrize(
    "motion",
    [
        None,
        Motion(subject="plan", status="open", passed=None),
        Motion(subject="plan", status="closed", passed=False, tally="2–7–0"),
        passed_motion(subject="other"),
    ],
    ids=["no motion", "still open", "failed", "about something else"],
)
def test_only_a_closed_motion_on_the_plan_that_passed_approves_it(motion):
    plan = _plan("shared")
    with pytest.raises(IllegalMove):
        plan.approve(motion, ON)
    assert plan.status == PlanStatus.SHARED and plan.approved_on is None


# -- The editor's settings use the moves, and never approve ------------------------------------


@pytest.mark.parametrize(
    "start, asked, after",
    [
        ("draft", PlanStatus.SHARED, PlanStatus.SHARED),
        ("shared", PlanStatus.DRAFT, PlanStatus.DRAFT),
        ("draft", PlanStatus.DRAFT, PlanStatus.DRAFT),
        ("shared", PlanStatus.SHARED, PlanStatus.SHARED),
        ("approved", None, PlanStatus.APPROVED),  # an approved plan's form has no status
    ],
)
def test_settings_share_and_withdraw(app, start, asked, after):
    with app.test_request_context():
        plan = _plan(start)
        plan.id = 1  # the audit entry names it; nothing is stored
        plan_editing.save_settings(plan, asked, 250_000_00, None)
        assert plan.status == after and plan.planning_figure_cents == 250_000_00
        db.session.rollback()


def test_settings_never_approve_and_never_undo_an_approval(app):
    with app.test_request_context():
        plan = _plan("shared")
        plan.id = 1
        with pytest.raises(Rejected) as refused:
            plan_editing.save_settings(plan, PlanStatus.APPROVED, None, None)
        assert "status" in refused.value.fields and plan.status == PlanStatus.SHARED
        approved = _plan("approved")
        approved.id = 2
        with pytest.raises(IllegalMove):
            plan_editing.save_settings(approved, PlanStatus.DRAFT, None, None)
        assert approved.is_approved
        db.session.rollback()


# -- Starting from last year's plan ------------------------------------------------------------


def test_last_years_plan_is_copied_column_by_column_as_a_draft(ctx, district):
    """Every column of goals, strategies, actions and investments is carried (so a column added
    later is too), but actions start again, dates of actions and links to last year's district
    goals and budget lines stay behind, and the copy is a draft."""
    with ctx() as session:
        school = session.query(School).first()
        last = SchoolYear(
            district_id=district["id"],
            label="2025-26",
            starts_on=date(2025, 7, 1),
            ends_on=date(2026, 6, 30),
        )
        now = SchoolYear(
            district_id=district["id"],
            label="2026-27",
            starts_on=date(2026, 7, 1),
            ends_on=date(2027, 6, 30),
            is_current=True,
        )
        session.add_all([last, now])
        session.flush()
        old = SchoolPlan(
            school_id=school.id,
            school_year_id=last.id,
            planning_figure_cents=1_000_00,
            needs={"gaps": {"en": "Reading", "es": "Lectura"}},
        )
        goal = Goal(
            statement={"en": "Read", "es": "Leer"},
            indicator={"en": "Share"},
            baseline=Decimal("40"),
            target=Decimal("60"),
            target_date=date(2026, 6, 15),
            lineage="read",
            source_locale="es",
        )
        strategy = Strategy(description={"en": "Tutors"})
        strategy.actions.append(
            PlanAction(
                description={"en": "Hire"},
                owner="Principal",
                due_on=date(2025, 9, 1),
                status=ActionStatus.DONE.value,
            )
        )
        goal.strategies.append(strategy)
        old.goals.append(goal)
        session.add(old)
        session.flush()
        old.investments.append(
            Investment(
                goal_id=goal.id,
                strategy_id=strategy.id,
                description={"en": "Books", "vi": "Sách"},
                cost_cents=500_00,
                priority=2,
            )
        )
        approve_by_council(old, date(2026, 5, 1))
        session.flush()

        new = plan_editing.copy_previous(school.id, now)
        session.flush()
        assert new.status == PlanStatus.DRAFT and new.copied_from_id == old.id
        assert new.needs == old.needs and new.planning_figure_cents == 1_000_00
        [copied] = new.goals
        assert copied.id != goal.id and copied.lineage == "read"
        assert (copied.statement, copied.baseline, copied.target, copied.source_locale) == (
            {"en": "Read", "es": "Leer"},
            Decimal("40"),
            Decimal("60"),
            "es",
        )
        assert copied.statement is not goal.statement  # a copy, not the same dict
        [action] = copied.strategies[0].actions
        assert action.status == ActionStatus.NOT_STARTED and action.due_on is None
        assert action.owner == "Principal"
        [investment] = new.investments
        assert investment.goal_id == copied.id
        assert investment.strategy_id == copied.strategies[0].id
        assert investment.description == {"en": "Books", "vi": "Sách"}
        assert (investment.cost_cents, investment.priority) == (500_00, 2)
        assert investment.budget_lines == []
        assert old.is_approved  # last year's plan is left as it was
        session.rollback()
