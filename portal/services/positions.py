"""People in a school's budget: pricing positions from the district's salary table (or at their
actual cost), keeping a position's funding-stream line equal to its cost, and checking a budget
against the district's base program. Pure arithmetic is in services/budget_rules.py; a position
is a planning.Investment with a staff role and an FTE, so the cut line, the budget matrix,
snapshots and every total treat it like any other investment."""

from dataclasses import dataclass

from sqlalchemy import or_, select

from portal.extensions import db
from portal.models import BaseProgramRule, Investment, SalaryRate, SchoolPlan, StaffRole
from portal.models.staffing import PositionCosting
from portal.services.budget_rules import (
    BaseFinding,
    BaseRequirement,
    Funding,
    check_base_program,
    fte_cost,
)


def staff_roles(district_id: int) -> list[StaffRole]:
    """The district's list of roles, in its order."""
    return list(
        db.session.scalars(
            select(StaffRole)
            .where(StaffRole.district_id == district_id)
            .order_by(StaffRole.position, StaffRole.id)
        )
    )


def salary_table(year_id: int) -> dict[int, SalaryRate]:
    """The year's average cost of a full-time person, by staff role id (one query)."""
    return {
        rate.staff_role_id: rate
        for rate in db.session.scalars(
            select(SalaryRate).where(SalaryRate.school_year_id == year_id)
        )
    }


def costs_actual(district) -> bool:
    return district.position_costing == PositionCosting.ACTUAL


def average_cost(rates: dict[int, SalaryRate], role_id: int, fte: int) -> int | None:
    """`fte` hundredths of the role at the year's average, or None when the table has no rate
    for the role (the editor asks the district to add one)."""
    rate = rates.get(role_id)
    return None if rate is None else fte_cost(rate.full_time_cents, fte)


def sync_stream_line(investment: Investment) -> None:
    """Keep a single-stream investment's matrix line equal to its cost: a position paid from
    one stream is paid in full from it. A line split by hand across streams is left alone."""
    from portal.services.plans import set_budget_line

    stream_id = investment.funding_stream_id
    if stream_id is None:
        return
    others = [b for b in investment.budget_lines if b.funding_stream_id != stream_id and b.cents]
    if not others:
        set_budget_line(investment, stream_id, investment.cost_cents)


def reprice_year(district, year) -> int:
    """Price every position in `year`'s plans again from the year's salary table (after the
    district changes it). Only under average costing; actual costs are the school's. Returns
    how many positions changed."""
    if costs_actual(district):
        return 0
    rates = salary_table(year.id)
    changed = 0
    positions = db.session.scalars(
        select(Investment)
        .join(SchoolPlan)
        .where(SchoolPlan.school_year_id == year.id, Investment.staff_role_id.is_not(None))
    )
    for investment in positions:
        cost = average_cost(rates, investment.staff_role_id, investment.fte)
        if cost is not None and cost != investment.cost_cents:
            investment.cost_cents = cost
            sync_stream_line(investment)
            changed += 1
    return changed


# -- The base program ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseCheck:
    """A base-program rule checked against one school's budget, with its role for the words."""

    rule: BaseProgramRule
    finding: BaseFinding

    @property
    def met(self) -> bool:
        return self.finding.met


def base_rules(district_id: int, level: str) -> list[BaseProgramRule]:
    """The rules that apply to a school of `level` (its level's and every school's)."""
    return list(
        db.session.scalars(
            select(BaseProgramRule)
            .where(
                BaseProgramRule.district_id == district_id,
                or_(BaseProgramRule.level.is_(None), BaseProgramRule.level == level),
            )
            .order_by(BaseProgramRule.position, BaseProgramRule.id)
        )
    )


def base_program_checks(totals, rules: list[BaseProgramRule], pupils: int) -> list[BaseCheck]:
    """The budget (plans.BudgetTotals) against the base program for a school of `pupils`
    students. A position counts as funded when the budget pays for all of it."""
    budgeted: dict[int, int] = {}
    funded: dict[int, int] = {}
    for item in totals.positions:
        role_id = item.investment.staff_role_id
        budgeted[role_id] = budgeted.get(role_id, 0) + item.investment.fte
        if item.status == Funding.FUNDED:
            funded[role_id] = funded.get(role_id, 0) + item.investment.fte
    requirements = [
        BaseRequirement(r.id, r.staff_role_id, r.minimum_fte, r.students_per_fte) for r in rules
    ]
    findings = check_base_program(requirements, pupils, budgeted, funded)
    return [BaseCheck(rule, finding) for rule, finding in zip(rules, findings, strict=True)]


def school_base_checks(school, totals) -> list[BaseCheck]:
    """The base-program checks of a school's budget (one query for the rules). The students
    counted are the published allocation's when there is one, else the school's enrollment."""
    pupils = totals.money.pupils if totals.money else school.enrollment
    return base_program_checks(totals, base_rules(school.district_id, school.level), pupils)
