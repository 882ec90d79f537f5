"""Approved versions of a school plan: what the site council approved, frozen when a motion on
the plan or the budget passes (`freeze`), rebuilt read-only for the public pages (`rebuild`),
and what changed in the working plan since (`changes_since`).

A snapshot is plain JSON: every text as stored, in every language ({"en": ..., "es": ...}),
money in integer cents, dates as ISO strings. `rebuild` turns it back into unsaved model
objects (never added to the session), so the plan's own templates and totals
(services/plans.py budget_totals) show a version exactly as they show the working plan."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from portal.extensions import db
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
    Strategy,
)
from portal.models.base import utcnow
from portal.services import funding, plans
from portal.services.audit import record_audit
from portal.services.committee_record import year_of
from portal.services.funding import SourceLine, per_pupil
from portal.services.meetings import meeting_day

SNAPSHOT_FORMAT = 1


# -- Freezing ---------------------------------------------------------------------------------


def _text(value) -> dict:
    return dict(value or {})


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value) -> str | None:
    # Two places, as the column stores it: 60 (as typed) and Decimal("60.00") (as read back)
    # are the same baseline.
    return f"{Decimal(value):.2f}" if value is not None else None


def _goal(goal: Goal) -> dict:
    district_goal = goal.district_goal
    return {
        "id": goal.id,
        "statement": _text(goal.statement),
        "indicator": _text(goal.indicator),
        "baseline": _number(goal.baseline),
        "target": _number(goal.target),
        "target_date": _iso(goal.target_date),
        "lineage": goal.lineage,
        "source_locale": goal.source_locale,
        "district_goal": {
            "id": district_goal.id,
            "title": _text(district_goal.title),
            "source_locale": district_goal.source_locale,
        }
        if district_goal
        else None,
        "strategies": [
            {
                "id": strategy.id,
                "description": _text(strategy.description),
                "source_locale": strategy.source_locale,
                "actions": [
                    {
                        "id": action.id,
                        "description": _text(action.description),
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


def _investment(investment: Investment) -> dict:
    category = investment.category
    return {
        "id": investment.id,
        "goal_id": investment.goal_id,
        "strategy_id": investment.strategy_id,
        "description": _text(investment.description),
        "cost_cents": investment.cost_cents,
        "priority": investment.priority,
        "source_locale": investment.source_locale,
        "category": {
            "id": category.id,
            "code": category.code,
            "name": _text(category.name),
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
                "name": _text(source.stream.name),
                "kind": source.stream.kind,
                "distribution": source.stream.distribution,
                "restriction": _text(source.stream.restriction),
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
            "needs": {key: _text(answer) for key, answer in (plan.needs or {}).items()},
        },
        "goals": [_goal(goal) for goal in plan.goals],
        "investments": [_investment(i) for i in sorted(plan.investments, key=lambda i: i.id)],
        "allocation": _allocation(money),
        "motion": {
            "id": motion.id,
            "subject": motion.subject,
            "text": _text(motion.text),
            "tally": motion.tally or "",
        }
        if motion is not None
        else None,
        "approved_on": _iso(approved_on),
    }


def school_money(plan: SchoolPlan):
    """The school's published money for the plan's year (None while nothing is published)."""
    run = funding.published_run(plan.school.district_id, plan.school_year_id)
    return funding.school_funding(run, plan.school_id)


def freeze(plan: SchoolPlan, motion, at: datetime | None = None, actor=None) -> PlanVersion:
    """Store what `motion` (closed, passed, on the plan or the budget) approved: the next
    version of `plan`, dated the meeting's day on the district's clock, on the audit log as
    `actor`'s (None: the system). Nothing changes it afterwards (the model refuses updates and
    deletes)."""
    district = plan.school.district
    approved_on = meeting_day(motion.meeting, district)
    latest = db.session.scalar(
        select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan.id)
    )
    version = PlanVersion(
        plan_id=plan.id,
        number=(latest or 0) + 1,
        motion_id=motion.id,
        approved_on=approved_on,
        tally=motion.tally or "",
        frozen_at=at or utcnow(),
        snapshot=snapshot_of(plan, school_money(plan), motion, approved_on),
    )
    db.session.add(version)
    db.session.flush()
    record_audit(
        actor,
        "plan.version_frozen",
        "school_plan",
        plan.id,
        {"version": version.number, "motion": motion.id, "tally": version.tally},
    )
    return version


def freeze_passed(motion, district, at: datetime | None = None, actor=None) -> PlanVersion | None:
    """Called when a motion closes: if it passed on the plan or the budget and the school has
    a plan for the meeting's year that the council has approved, freeze what it approved. A
    second motion (approving a change) makes the next version."""
    if not (motion.passed and motion.approves_plan):
        return None
    school_id = getattr(motion.meeting.committee, "school_id", None)
    year = year_of(district, meeting_day(motion.meeting, district))
    if school_id is None or year is None:
        return None
    plan = db.session.scalars(
        select(SchoolPlan).where(
            SchoolPlan.school_id == school_id, SchoolPlan.school_year_id == year.id
        )
    ).first()
    if plan is None or plan.approved_on is None:
        return None
    return freeze(plan, motion, at, actor)


# -- Reading ----------------------------------------------------------------------------------


def versions(plan_id: int) -> list[PlanVersion]:
    """The plan's approved versions, newest first."""
    return list(
        db.session.scalars(
            select(PlanVersion)
            .where(PlanVersion.plan_id == plan_id)
            .order_by(PlanVersion.number.desc())
        )
    )


def version(plan_id: int, number: int) -> PlanVersion | None:
    """One approved version by its number, or None."""
    return db.session.scalars(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.number == number)
    ).first()


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
    categories = {}
    for i in data["investments"]:
        category = _category(i["category"])
        if category is not None:
            category = categories.setdefault(category.id, category)
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


# -- What changed since -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference between an approved version and the working plan. `kind`: "added",
    "removed", "amount" (before → after, in cents) or "changed" (text). `what`: "goal",
    "investment", "budget_line" or "allocation". `text` is the thing's own text in every
    language ({"en": ...}); `stream_name` names the funding stream of a budget line."""

    kind: str
    what: str
    text: dict
    before_cents: int | None = None
    after_cents: int | None = None
    stream_name: dict | None = None
    source_locale: str = "en"


def _lines(investment: dict) -> dict[int, int]:
    return {b["funding_stream_id"]: b["cents"] for b in investment["budget_lines"] if b["cents"]}


def changes_since(version: PlanVersion, plan: SchoolPlan, money=None) -> list[Change]:
    """What differs between `version` and the working `plan`: goals added, removed or with
    their text changed; investments added, removed or with a new cost; budget lines (money
    from a funding stream to an investment) added, removed or changed; and the allocation's
    total, when `money` (the school's published money now) is given. Empty: nothing changed."""
    before = version.snapshot
    now = {
        "goals": [_goal(goal) for goal in plan.goals],
        "investments": [_investment(i) for i in plan.investments],
    }
    changes: list[Change] = []
    old_goals = {g["id"]: g for g in before["goals"]}
    new_goals = {g["id"]: g for g in now["goals"]}
    for gid, goal in new_goals.items():
        old = old_goals.get(gid)
        if old is None:
            changes.append(
                Change("added", "goal", goal["statement"], source_locale=goal["source_locale"])
            )
        elif _goal_text(old) != _goal_text(goal):
            changes.append(
                Change("changed", "goal", goal["statement"], source_locale=goal["source_locale"])
            )
    for gid, goal in old_goals.items():
        if gid not in new_goals:
            changes.append(
                Change("removed", "goal", goal["statement"], source_locale=goal["source_locale"])
            )

    streams = {s["id"]: s for s in (before["allocation"] or {}).get("streams", [])}
    if money is not None:
        for source in money.sources:
            streams.setdefault(
                source.stream.id,
                {"name": _text(source.stream.name), "source_locale": source.stream.source_locale},
            )
    old_investments = {i["id"]: i for i in before["investments"]}
    new_investments = {i["id"]: i for i in now["investments"]}
    for iid, inv in new_investments.items():
        old = old_investments.get(iid)
        locale = inv["source_locale"]
        if old is None:
            changes.append(
                Change(
                    "added",
                    "investment",
                    inv["description"],
                    None,
                    inv["cost_cents"],
                    source_locale=locale,
                )
            )
            continue
        if old["cost_cents"] != inv["cost_cents"]:
            changes.append(
                Change(
                    "amount",
                    "investment",
                    inv["description"],
                    old["cost_cents"],
                    inv["cost_cents"],
                    source_locale=locale,
                )
            )
        elif old["description"] != inv["description"] or old["priority"] != inv["priority"]:
            changes.append(
                Change("changed", "investment", inv["description"], source_locale=locale)
            )
        old_lines, new_lines = _lines(old), _lines(inv)
        for sid in sorted(old_lines.keys() | new_lines.keys()):
            a, b = old_lines.get(sid), new_lines.get(sid)
            if a != b:
                stream = streams.get(sid, {"name": {}, "source_locale": "en"})
                changes.append(
                    Change(
                        "amount",
                        "budget_line",
                        inv["description"],
                        a or 0,
                        b or 0,
                        stream_name=stream["name"],
                        source_locale=locale,
                    )
                )
    for iid, inv in old_investments.items():
        if iid not in new_investments:
            changes.append(
                Change(
                    "removed",
                    "investment",
                    inv["description"],
                    inv["cost_cents"],
                    None,
                    source_locale=inv["source_locale"],
                )
            )

    old_total = (before["allocation"] or {}).get("total_cents")
    new_total = money.total_cents if money is not None else None
    if money is not None and old_total != new_total:
        changes.append(Change("amount", "allocation", {}, old_total, new_total))
    return changes


def _goal_text(goal: dict) -> tuple:
    return (
        goal["statement"],
        goal["indicator"],
        goal["baseline"],
        goal["target"],
        goal["target_date"],
        [(s["description"], [a["description"] for a in s["actions"]]) for s in goal["strategies"]],
    )


# -- What the public pages show -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicRecord:
    """What the public plan and budget pages say about approval. `latest`: the newest approved
    version (None before any); `changes`: how the working plan differs from it; `shown`: the
    version a version page displays (None on the working plan's pages)."""

    versions: list[PlanVersion]
    changes: list[Change]
    shown: PlanVersion | None = None

    @property
    def latest(self) -> PlanVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def changed(self) -> bool:
        """The working plan is no longer what the council approved."""
        return self.shown is None and bool(self.changes)

    @property
    def approval(self) -> PlanVersion | None:
        """The version whose approval line the page may print: the one shown, or the latest
        when the working plan is still exactly what was approved."""
        if self.shown is not None:
            return self.shown
        return None if self.changes else self.latest


def public_record(plan: SchoolPlan, money=None) -> PublicRecord:
    """The approval record beside the working plan: its versions and what changed since the
    latest (against the school's money now)."""
    found = versions(plan.id)
    changes = changes_since(found[0], plan, money) if found else []
    return PublicRecord(found, changes)


def version_record(plan: SchoolPlan, shown: PlanVersion) -> PublicRecord:
    """The approval record on a version's own page (`changes`: the working plan against the
    latest version, so the page can say the plan changed since)."""
    found = versions(plan.id)
    return PublicRecord(found, changes_since(found[0], plan), shown)


def version_page(plan: SchoolPlan, number: int) -> dict | None:
    """Template values for a version's public page (the plan page's own template, read-only):
    the rebuilt plan, its budget against the money it rested on, and its approval record.
    None when the plan has no such version."""
    shown = version(plan.id, number)
    if shown is None:
        return None
    frozen, money = rebuild(shown)
    return {
        "plan": frozen,
        "money": money,
        "sources": money.sources if money else [],
        "budget": plans.budget_totals(frozen, money),
        "progress": plans.progress_charts(frozen),
        "needs_questions": plans.NEEDS_QUESTIONS,
        "record": version_record(plan, shown),
    }
