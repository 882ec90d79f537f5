"""The district's review of schools' plans, after the site council approves them: the principal
submits the plan, district staff accept it or return it with a comment, the board's approval is
recorded; and whether each school's plan is on time against the plan due date.

The moves themselves are SchoolPlan's transitions (they raise IllegalMove when the plan's state
does not allow them, a 409); this module checks the typed input (Rejected, a 422), audits every
move with the status before and after, and reads what the review page and the dashboard show.
The caller commits.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.formatting import number
from portal.models import PlanReviewComment, School, SchoolPlan
from portal.models.base import utcnow
from portal.models.calendar import Phase
from portal.models.planning import PlanStatus, ReviewStatus
from portal.services import funding, plans, positions
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.notices import announce

COMMENT_MAX = 3000


def _moved(actor, plan: SchoolPlan, action: str, before: dict, **detail) -> None:
    """Audit a review move: what the plan's two statuses were and are now."""
    record_audit(
        actor,
        f"plan.{action}",
        "school_plan",
        plan.id,
        {
            "before": before,
            "after": {"status": plan.status, "review_status": plan.review_status},
            **detail,
        },
    )


def _statuses(plan: SchoolPlan) -> dict:
    return {"status": plan.status, "review_status": plan.review_status}


def submit_plan(plan: SchoolPlan, actor, at: datetime | None = None) -> None:
    """The principal sends the council-approved plan to the district."""
    before = _statuses(plan)
    plan.submit(actor, at or utcnow())
    _moved(actor, plan, "submitted", before)
    announce("plan_submitted", plan)  # district staff hear a plan waits for their review


def return_plan(plan: SchoolPlan, comment: str, actor, at: datetime | None = None):
    """District staff send the plan back with `comment`, which the principal and the council
    read; the council approves the changed plan by a new motion before it is sent again."""
    text = (comment or "").strip()
    if not text:
        raise Rejected({"comment": _("Say what the school should change.")})
    if len(text) > COMMENT_MAX:
        limit = number(COMMENT_MAX)  # in the district's regional style, in every language
        raise Rejected({"comment": _("Keep the comment under %(limit)s characters.", limit=limit)})
    before = _statuses(plan)
    note = plan.return_to_school(actor, at or utcnow(), text)
    _moved(actor, plan, "returned", before, comment=text)
    announce("plan_returned", plan)  # the school's principals hear it came back
    return note


def accept_plan(plan: SchoolPlan, actor, at: datetime | None = None) -> None:
    """District staff accept the plan as submitted; the board's approval comes next."""
    before = _statuses(plan)
    plan.accept(actor, at or utcnow())
    _moved(actor, plan, "accepted", before)


def record_board_approval(plan: SchoolPlan, on: date | None, minutes_url: str, actor) -> None:
    """The board approved the accepted plan on `on`; `minutes_url` links the meeting's minutes
    (an http(s) address)."""
    errors = {}
    if on is None:
        errors["board_approved_on"] = _("Give the day the board approved the plan.")
    if not (minutes_url or "").startswith(("http://", "https://")):
        errors["minutes_url"] = _("Give the address of the board meeting's minutes.")
    if errors:
        raise Rejected(errors)
    before = _statuses(plan)
    plan.record_board_approval(on, minutes_url, actor)
    _moved(actor, plan, "board_approved", before, on=on.isoformat(), minutes_url=minutes_url)


# -- What the pages read -----------------------------------------------------------------------


def comments(plan: SchoolPlan) -> list[PlanReviewComment]:
    """The district's comments on the plan, newest first."""
    return sorted(plan.review_comments, key=lambda c: c.at, reverse=True)


@dataclass(frozen=True)
class ReviewRow:
    """One school on the district's review page."""

    school: School
    plan: SchoolPlan | None


def review_rows(district, year) -> list[ReviewRow]:
    """Every school of the district with its plan for `year` (or None), the plans waiting for
    the district first, in three queries whatever the school count."""
    schools = list(
        db.session.scalars(
            select(School).where(School.district_id == district.id).order_by(School.name)
        )
    )
    by_school = {
        plan.school_id: plan
        for plan in db.session.scalars(
            select(SchoolPlan)
            .options(selectinload(SchoolPlan.review_comments))
            .where(
                SchoolPlan.school_year_id == year.id,
                SchoolPlan.school_id.in_([s.id for s in schools]),
            )
        )
    }
    rows = [ReviewRow(school, by_school.get(school.id)) for school in schools]
    waiting = [
        r for r in rows if r.plan is not None and r.plan.review_status == ReviewStatus.SUBMITTED
    ]
    return waiting + [r for r in rows if r not in waiting]


@dataclass(frozen=True)
class ReviewBudget:
    """A plan with the district, as its reviewer reads it: the whole budget (plans.BudgetTotals:
    base program, goals, people and everything else, unassigned, what next year owes) and the
    base program's checks (positions.BaseCheck), the failing ones first."""

    budget: object
    checks: list

    @property
    def short(self) -> list:
        return [c for c in self.checks if not c.met]


def review_budgets(district, year, rows: list[ReviewRow]) -> dict[int, ReviewBudget]:
    """The whole budget and base-program checks of each plan waiting for the district, by
    school id. The published allocation is worked out once for all of them."""
    waiting = [
        r for r in rows if r.plan is not None and r.plan.review_status == ReviewStatus.SUBMITTED
    ]
    if not waiting:
        return {}
    run = funding.published_run(district.id, year.id)
    found = {}
    for row in waiting:
        plan = plans.load_plan(row.school.id, year.id)
        budget = plans.budget_totals(plan, funding.school_funding(run, row.school.id))
        checks = positions.school_base_checks(row.school, budget)
        found[row.school.id] = ReviewBudget(budget, sorted(checks, key=lambda c: c.met))
    return found


# -- Is the plan on time? ----------------------------------------------------------------------


class PlanProgress:
    """Where a school's plan stands against the due date, in the dashboard's words."""

    NO_PLAN = _l("No plan yet")
    DRAFT = _l("Draft")
    SHARED = _l("Shared, not approved yet")
    APPROVED = _l("Approved by the council, not sent to the district")


def plan_due_on(windows: dict[Phase, tuple[date, date]]) -> date | None:
    """The day a school's plan is due at the district: the last day of the "decide" phase.

    The district has no separate "plan due" setting; the decide phase is, by the calendar's own
    words, when the council approves the plan and budget, and the district sets (or a school
    moves) its dates in the phase template. So the end of that window is the date the plan
    must be approved and submitted by. Without a decide phase there is no due date, and a
    school is never called behind for its plan."""
    window = windows.get(Phase.DECIDE)
    return window[1] if window else None


def plan_state(plan: SchoolPlan | None):
    """The plan's standing in a few plain words (for the dashboard's plan column)."""
    if plan is None:
        return PlanProgress.NO_PLAN
    if plan.review_status != ReviewStatus.NOT_SUBMITTED:
        return plan.review_label
    return {
        PlanStatus.DRAFT: PlanProgress.DRAFT,
        PlanStatus.SHARED: PlanProgress.SHARED,
        PlanStatus.APPROVED: PlanProgress.APPROVED,
    }[PlanStatus(plan.status)]


def plan_behind(plan: SchoolPlan | None, due_on: date | None, today: date) -> bool:
    """After the due date a plan is behind unless the district has it: submitted, accepted or
    approved by the board. No plan, a draft, a plan still waiting for the council's vote, one
    approved but never sent, and one returned and not yet sent again are all behind."""
    if due_on is None or today <= due_on:
        return False
    if plan is None:
        return True
    return plan.review_status not in (
        ReviewStatus.SUBMITTED,
        ReviewStatus.ACCEPTED,
        ReviewStatus.BOARD_APPROVED,
    )
