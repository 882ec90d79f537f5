"""Snapshots of a school plan: what the public pages show of a plan and its budget, as plain
JSON (`snapshot_of`), and back again as unsaved model objects (`rebuild`), so the plan's own
templates and totals (services/plans.py budget_totals) show an approved version exactly as they
show the working plan. Every text is kept as stored, in every language ({"en": ..., "es": ...}),
money in integer cents, dates as ISO strings. Used by services/plan_versions.py."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.models import (
    BudgetLine,
    DistrictGoal,
    FundingStream,
    Goal,
    Investment,
    InvestmentCategory,
    PlanAction,
    PlanVersion,
    SchoolPlan,
    StaffRole,
    Strategy,
)
from portal.models.staffing import Recurrence
from portal.services.funding import SourceLine, per_pupil

# 2: investments carry recurrence, FTE, staff role and funding stream (format 1 still rebuilds).
SNAPSHOT_FORMAT = 2


def texts(value) -> dict:
    """A translated field as a plain dict (locale -> text)."""
    return dict(value or {})


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value) -> str | None:
    # Two places, as the column stores it: 60 (as typed) and Decimal("60.00") (as read back)
    # are the same baseline.
    return f"{Decimal(value):.2f}" if value is not None else None


def goal_snapshot(goal: Goal) -> dict:
    """A goal with its district goal, strategies and actions, as JSON."""
    district_goal = goal.district_goal
    return {
        "id": goal.id,
        "statement": texts(goal.statement),
        "indicator": texts(goal.indicator),
        "baseline": _number(goal.baseline),
        "target": _number(goal.target),
        "target_date": _iso(goal.target_date),
        "lineage": goal.lineage,
        "source_locale": goal.source_locale,
        "district_goal": {
            "id": district_goal.id,
            "title": texts(district_goal.title),
            "source_locale": district_goal.source_locale,
        }
        if district_goal
        else None,
        "strategies": [
            {
                "id": strategy.id,
                "description": texts(strategy.description),
                "source_locale": strategy.source_locale,
                "actions": [
                    {
                        "id": action.id,
                        "description": texts(action.description),
                        "owner": action.owner,
                        "due_on": _iso(action.due_on),
                        "status": action.status,
                        "source_locale": action.source_locale,
                    }
                    for action in strategy.actions
                ],
            }
            for strategy in goal.strategies
        ],
    }


def _role(role: StaffRole | None) -> dict | None:
    """A position's staff role as the pages print it (its code, names, group and order)."""
    if role is None:
        return None
    return {
        "id": role.id,
        "code": role.code,
        "name": texts(role.name),
        "group": role.group,
        "position": role.position,
        "source_locale": role.source_locale,
    }


def investment_snapshot(investment: Investment) -> dict:
    """An investment with its category, its position (staff role and FTE in hundredths) when
    it is one, whether it recurs, its funding stream and its row of the budget matrix, as
    JSON."""
    category = investment.category
    return {
        "id": investment.id,
        "goal_id": investment.goal_id,
        "strategy_id": investment.strategy_id,
        "description": texts(investment.description),
        "cost_cents": investment.cost_cents,
        "priority": investment.priority,
        "source_locale": investment.source_locale,
        "recurrence": investment.recurrence or Recurrence.ONGOING.value,
        "fte": investment.fte,
        "staff_role": _role(investment.staff_role),
        "funding_stream_id": investment.funding_stream_id,
        "category": {
            "id": category.id,
            "code": category.code,
            "name": texts(category.name),
            "source_locale": category.source_locale,
        }
        if category
        else None,
        # The budget matrix: this investment's row, money by funding stream.
        "budget_lines": [
            {"funding_stream_id": line.funding_stream_id, "cents": line.cents}
            for line in sorted(investment.budget_lines, key=lambda b: b.funding_stream_id)
        ],
    }


def _allocation(money) -> dict | None:
    """The school's published money the plan rested on: its total and each stream's share."""
    if money is None:
        return None
    return {
        "total_cents": money.total_cents,
        "formula_cents": money.formula_cents,
        "pupils": money.pupils,
        "per_pupil_cents": money.per_pupil_cents,
        "scenario_id": money.scenario.id,
        "streams": [
            {
                "id": source.stream.id,
                "name": texts(source.stream.name),
                "kind": source.stream.kind,
                "distribution": source.stream.distribution,
                "restriction": texts(source.stream.restriction),
                "allowed_category_ids": sorted(c.id for c in source.stream.allowed_categories),
                "source_locale": source.stream.source_locale,
                "cents": source.cents,
            }
            for source in money.sources
        ],
    }


def snapshot_of(plan: SchoolPlan, money, motion=None, approved_on: date | None = None) -> dict:
    """Everything the public pages show of `plan` and its budget against `money` (the school's
    funding.SchoolFunding, or None before the allocation), as plain JSON."""
    return {
        "format": SNAPSHOT_FORMAT,
        "school": {"id": plan.school.id, "name": plan.school.name, "slug": plan.school.slug},
        "year": {"id": plan.year.id, "label": plan.year.label},
        "plan": {
            "id": plan.id,
            "source_locale": plan.source_locale,
            "planning_figure_cents": plan.planning_figure_cents,
            "needs": {key: texts(answer) for key, answer in (plan.needs or {}).items()},
        },
        "goals": [goal_snapshot(goal) for goal in plan.goals],
        "investments": [
            investment_snapshot(i) for i in sorted(plan.investments, key=lambda i: i.id)
        ],
        "allocation": _allocation(money),
        "motion": {
            "id": motion.id,
            "subject": motion.subject,
            "text": texts(motion.text),
            "tally": motion.tally or "",
        }
        if motion is not None
        else None,
        "approved_on": _iso(approved_on),
    }


# -- Rebuilding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrozenMoney:
    """The allocation a version rested on, shaped like funding.SchoolFunding as far as the plan
    pages and budget_totals read it."""

    sources: list[SourceLine]
    formula_cents: int
    pupils: int

    @property
    def total_cents(self) -> int:
        return sum(source.cents for source in self.sources)

    @property
    def per_pupil_cents(self) -> int:
        return per_pupil(self.total_cents, self.pupils)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _category(data: dict | None) -> InvestmentCategory | None:
    if data is None:
        return None
    return InvestmentCategory(
        id=data["id"], code=data["code"], name=data["name"], source_locale=data["source_locale"]
    )


def _staff_role(data: dict | None) -> StaffRole | None:
    """A transient role: enough for budget_totals' roles and people groups, and the names."""
    if data is None:
        return None
    return StaffRole(
        id=data["id"],
        code=data["code"],
        name=data["name"],
        group=data["group"],
        position=data["position"],
        source_locale=data.get("source_locale", "en"),
    )


def rebuild(version: PlanVersion) -> tuple[SchoolPlan, FrozenMoney | None]:
    """The version as unsaved objects: a SchoolPlan with its goals, strategies, actions,
    investments and budget lines, and the money it rested on. Never add them to a session."""
    data = version.snapshot
    plan = SchoolPlan(
        id=data["plan"]["id"],
        status="approved",
        approved_on=version.approved_on,
        approval_note=version.tally,
        planning_figure_cents=data["plan"]["planning_figure_cents"],
        needs=data["plan"]["needs"],
        source_locale=data["plan"]["source_locale"],
    )
    for g in data["goals"]:
        dg = g["district_goal"]
        goal = Goal(
            id=g["id"],
            statement=g["statement"],
            indicator=g["indicator"],
            baseline=_decimal(g["baseline"]),
            target=_decimal(g["target"]),
            target_date=_date(g["target_date"]),
            lineage=g["lineage"],
            source_locale=g["source_locale"],
            district_goal=DistrictGoal(**dg) if dg else None,
        )
        for s in g["strategies"]:
            strategy = Strategy(
                id=s["id"], description=s["description"], source_locale=s["source_locale"]
            )
            strategy.actions = [
                PlanAction(**{**a, "due_on": _date(a["due_on"])}) for a in s["actions"]
            ]
            goal.strategies.append(strategy)
        plan.goals.append(goal)
    categories, roles = {}, {}
    for i in data["investments"]:
        category = _category(i["category"])
        if category is not None:
            category = categories.setdefault(category.id, category)
        # Snapshots taken before positions existed have no role, FTE or recurrence: they were
        # ongoing costs that were not people.
        role = _staff_role(i.get("staff_role"))
        if role is not None:
            role = roles.setdefault(role.id, role)
        plan.investments.append(
            Investment(
                id=i["id"],
                goal_id=i["goal_id"],
                strategy_id=i["strategy_id"],
                category_id=category.id if category else None,
                category=category,
                description=i["description"],
                cost_cents=i["cost_cents"],
                priority=i["priority"],
                source_locale=i["source_locale"],
                recurrence=i.get("recurrence") or Recurrence.ONGOING.value,
                staff_role_id=role.id if role else None,
                staff_role=role,
                fte=i.get("fte") if role else None,
                funding_stream_id=i.get("funding_stream_id"),
                budget_lines=[BudgetLine(investment_id=i["id"], **b) for b in i["budget_lines"]],
            )
        )
    return plan, _frozen_money(data["allocation"], categories)


def _frozen_money(data: dict | None, categories: dict) -> FrozenMoney | None:
    if data is None:
        return None
    sources = []
    for s in data["streams"]:
        stream = FundingStream(
            id=s["id"],
            name=s["name"],
            kind=s["kind"],
            distribution=s["distribution"],
            restriction=s["restriction"],
            source_locale=s["source_locale"],
        )
        # Only the ids matter to the matrix's rules (which categories restricted money pays).
        stream.allowed_categories = [
            categories.get(cid) or InvestmentCategory(id=cid, code="", name={})
            for cid in s["allowed_category_ids"]
        ]
        sources.append(SourceLine(stream, s["cents"]))
    return FrozenMoney(sources, data["formula_cents"], data["pupils"])
