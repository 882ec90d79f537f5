"""School plans and budgets: the priority cut line, budget scenarios before the allocation is
known, the budget matrix's checks, and copying last year's plan. Money is integer cents."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    BudgetLine,
    Goal,
    Investment,
    PlanAction,
    SchoolPlan,
    SchoolYear,
    Strategy,
)
from portal.models.allocation import StreamKind
from portal.models.planning import ActionStatus, PlanStatus
from portal.services.school_year import previous_year

# The needs assessment's questions (guidebook ch. 3, the PBAR tool).
NEEDS_QUESTIONS = [
    ("focus_areas", _l("What are our academic and non-academic focus areas?")),
    ("district_alignment", _l("How do they line up with the district's goals?")),
    ("last_year", _l("Did we meet last year's goals?")),
    ("distance", _l("How far are we from the district's goals?")),
    ("themes", _l("What themes do we see in our data?")),
    ("gaps", _l("Where are our largest gaps?")),
    ("subgroups", _l("Which groups of students are we missing?")),
]


# -- The cut line (pure) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An investment as the cut line sees it. `order` breaks ties in priority (entry order)."""

    id: int
    priority: int
    cost_cents: int
    order: int = 0


@dataclass(frozen=True)
class CutLine:
    available_cents: int
    funded: list[int] = field(default_factory=list)
    unfunded: list[int] = field(default_factory=list)
    funded_cents: int = 0
    # The first investment below the line has the same priority as the last one above it: the
    # council must choose between them, so the page says so.
    tie_at_line: bool = False

    @property
    def left_cents(self) -> int:
        return self.available_cents - self.funded_cents


def cut_line(candidates: list[Candidate], available_cents: int) -> CutLine:
    """Fund investments in priority order until the next one does not fit; it and everything
    after it fall below the line. A smaller, lower-priority item is not moved above a larger,
    higher-priority one: the ranking is the council's, not a packing puzzle."""
    ranked = sorted(candidates, key=lambda c: (c.priority, c.order, c.id))
    funded, unfunded, spent = [], [], 0
    last_funded = None
    for index, candidate in enumerate(ranked):
        if spent + candidate.cost_cents <= max(available_cents, 0):
            funded.append(candidate.id)
            spent += candidate.cost_cents
            last_funded = candidate
            continue
        unfunded = [c.id for c in ranked[index:]]
        tie = last_funded is not None and last_funded.priority == candidate.priority
        return CutLine(max(available_cents, 0), funded, unfunded, spent, tie)
    return CutLine(max(available_cents, 0), funded, unfunded, spent, False)


def scaled(cents: int, percent: int) -> int:
    """`cents` changed by `percent` (-10 means 10% less), rounded half up to the cent."""
    value = Decimal(cents) * (Decimal(100) + Decimal(percent)) / Decimal(100)
    return max(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)), 0)


def scenarios(
    candidates: list[Candidate], base_cents: int, percents=(-10, 0, 10)
) -> list[tuple[int, CutLine]]:
    """The cut line if the allocation were `percent` lower or higher than `base_cents`."""
    return [(p, cut_line(candidates, scaled(base_cents, p))) for p in percents]


# -- The budget matrix (pure) -----------------------------------------------------------------


@dataclass(frozen=True)
class MatrixStream:
    id: int
    available_cents: int
    restricted: bool
    allowed_categories: frozenset = frozenset()


@dataclass(frozen=True)
class MatrixInvestment:
    id: int
    cost_cents: int
    category_id: int | None


@dataclass(frozen=True)
class MatrixFlag:
    kind: str  # over_stream | ineligible | over_cost
    stream_id: int | None = None
    investment_id: int | None = None
    cents: int = 0


@dataclass(frozen=True)
class MatrixTotals:
    per_stream: dict[int, int]
    per_investment: dict[int, int]
    overall: int
    flags: list[MatrixFlag]


def check_matrix(
    streams: list[MatrixStream],
    investments: list[MatrixInvestment],
    cells: dict[tuple[int, int], int],
) -> MatrixTotals:
    """Totals of the matrix (investment, stream) -> cents, and what is wrong with it: a stream
    spent beyond what it brings, restricted money on a category it may not pay for, an
    investment given more than it costs."""
    per_stream: dict[int, int] = defaultdict(int)
    per_investment: dict[int, int] = defaultdict(int)
    for (investment_id, stream_id), cents in cells.items():
        per_stream[stream_id] += cents
        per_investment[investment_id] += cents
    flags = []
    by_id = {s.id: s for s in streams}
    for stream in streams:
        if per_stream[stream.id] > stream.available_cents:
            flags.append(
                MatrixFlag(
                    "over_stream", stream.id, cents=per_stream[stream.id] - stream.available_cents
                )
            )
    for investment in investments:
        for stream_id, stream in by_id.items():
            if (
                cells.get((investment.id, stream_id))
                and stream.restricted
                and stream.allowed_categories
                and investment.category_id not in stream.allowed_categories
            ):
                flags.append(MatrixFlag("ineligible", stream_id, investment.id))
        if per_investment[investment.id] > investment.cost_cents:
            flags.append(
                MatrixFlag(
                    "over_cost",
                    investment_id=investment.id,
                    cents=per_investment[investment.id] - investment.cost_cents,
                )
            )
    return MatrixTotals(dict(per_stream), dict(per_investment), sum(per_stream.values()), flags)


def matrix_for(plan: SchoolPlan, sources) -> tuple[list[MatrixStream], MatrixTotals, dict]:
    """The budget matrix of a loaded plan against the school's funding sources."""
    streams = [
        MatrixStream(
            s.stream.id,
            s.cents,
            s.stream.kind == StreamKind.RESTRICTED,
            frozenset(c.id for c in s.stream.allowed_categories),
        )
        for s in sources
    ]
    known = {stream.id for stream in streams}
    # Only money from the school's own streams counts (a line left on a stream the school no
    # longer receives would otherwise be counted without being shown in any column).
    cells = {
        (line.investment_id, line.funding_stream_id): line.cents
        for investment in plan.investments
        for line in investment.budget_lines
        if line.cents and line.funding_stream_id in known
    }
    investments = [MatrixInvestment(i.id, i.cost_cents, i.category_id) for i in plan.investments]
    return streams, check_matrix(streams, investments, cells), cells


# -- Queries ----------------------------------------------------------------------------------


def load_plan(school_id: int, year_id: int) -> SchoolPlan | None:
    """A plan with its goals, strategies, actions, investments and budget lines: five queries."""
    return db.session.scalars(
        select(SchoolPlan)
        .where(SchoolPlan.school_id == school_id, SchoolPlan.school_year_id == year_id)
        .options(
            selectinload(SchoolPlan.goals)
            .selectinload(Goal.strategies)
            .selectinload(Strategy.actions),
            selectinload(SchoolPlan.goals).selectinload(Goal.district_goal),
            selectinload(SchoolPlan.investments).selectinload(Investment.budget_lines),
            selectinload(SchoolPlan.investments).selectinload(Investment.category),
        )
    ).first()


def ranked_investments(plan: SchoolPlan) -> list[Investment]:
    return sorted(plan.investments, key=lambda i: (i.priority, i.id))


def investments_by_goal(ranked: list[Investment]) -> dict[int, list[Investment]]:
    """Investments grouped under their goal, keeping the priority order."""
    grouped: dict[int, list[Investment]] = {}
    for investment in ranked:
        grouped.setdefault(investment.goal_id, []).append(investment)
    return grouped


def candidates(plan: SchoolPlan) -> list[Candidate]:
    return [Candidate(i.id, i.priority, i.cost_cents, i.id) for i in plan.investments]


# -- Totals: the one place every figure about a plan's money comes from -------------------------


@dataclass(frozen=True)
class InvestmentTotals:
    """One investment's money. `funded_cents` is what the budget assigns to it (never more than
    it costs), `unfunded_cents` the rest of its cost, `excess_cents` any money assigned beyond
    its cost (the budget matrix flags it). Without a published allocation, funding follows the
    cut line against the planning figure: above it funded, below it not."""

    investment: Investment
    assigned_cents: int
    funded_cents: int
    below_line: bool

    @property
    def cost_cents(self) -> int:
        return self.investment.cost_cents

    @property
    def unfunded_cents(self) -> int:
        return self.cost_cents - self.funded_cents

    @property
    def excess_cents(self) -> int:
        return max(self.assigned_cents - self.cost_cents, 0)

    @property
    def status(self) -> str:
        """funded | partly | unfunded"""
        if self.unfunded_cents == 0:
            return "funded"
        return "partly" if self.funded_cents else "unfunded"


@dataclass(frozen=True)
class GoalTotals:
    goal: Goal
    number: int  # "Goal 1", counted from 1 in the plan's order
    investments: list[InvestmentTotals]  # in priority order

    @property
    def cost_cents(self) -> int:
        return sum(i.cost_cents for i in self.investments)

    @property
    def funded_cents(self) -> int:
        return sum(i.funded_cents for i in self.investments)

    @property
    def unfunded_cents(self) -> int:
        return sum(i.unfunded_cents for i in self.investments)

    @property
    def unfunded(self) -> list[InvestmentTotals]:
        return [i for i in self.investments if i.status != "funded"]


@dataclass(frozen=True)
class BudgetTotals:
    """Every total a plan's pages print: per goal and in all, funded and not, per funding
    stream, what the school has and what is left. Computed once (budget_totals) and passed to
    the plan page, the budget page, compare, the PDF, the editor and the budget matrix, so the
    numbers on one page are the numbers on every other, and each total is the sum of its
    printed parts. `basis` says what "funded" means: "budget" (money assigned in the matrix,
    once the allocation is published), "planning" (the cut line against the planning figure)
    or None (no money known yet: only costs)."""

    goals: list[GoalTotals]
    ranked: list[Investment]
    money: object  # funding.SchoolFunding | None
    available_cents: int | None
    cut: CutLine | None
    streams: list[MatrixStream]
    matrix: MatrixTotals
    cells: dict
    basis: str | None

    @property
    def cost_cents(self) -> int:
        return sum(g.cost_cents for g in self.goals)

    @property
    def funded_cents(self) -> int:
        return sum(g.funded_cents for g in self.goals)

    @property
    def unfunded_cents(self) -> int:
        return sum(g.unfunded_cents for g in self.goals)

    @property
    def excess_cents(self) -> int:
        return sum(i.excess_cents for g in self.goals for i in g.investments)

    @property
    def assigned_cents(self) -> int:
        """Money assigned in the matrix: funded + excess."""
        return self.matrix.overall

    @property
    def left_cents(self) -> int | None:
        """What the school has that no investment uses yet."""
        if self.available_cents is None or self.basis is None:
            return None
        return self.available_cents - self.funded_cents

    @property
    def unfunded(self) -> list[InvestmentTotals]:
        return [i for g in self.goals for i in g.unfunded]

    @property
    def by_investment(self) -> dict[int, InvestmentTotals]:
        return {i.investment.id: i for g in self.goals for i in g.investments}

    def for_goal(self, goal_id: int) -> GoalTotals | None:
        return next((g for g in self.goals if g.goal.id == goal_id), None)


def budget_totals(plan: SchoolPlan, money=None, change_percent: int = 0) -> BudgetTotals:
    """The totals of a loaded plan against the school's published money (a
    funding.SchoolFunding, or None before the allocation: then the planning figure).
    `change_percent` reruns the cut line as if the money were that much lower or higher."""
    sources = money.sources if money else []
    streams, matrix, cells = matrix_for(plan, sources)
    available = money.total_cents if money else plan.planning_figure_cents
    line = (
        cut_line(candidates(plan), scaled(available, change_percent))
        if available is not None
        else None
    )
    below = set(line.unfunded) if line else set()
    basis = "budget" if money else ("planning" if line else None)
    ranked = ranked_investments(plan)
    per_investment = {}
    for investment in ranked:
        assigned = matrix.per_investment.get(investment.id, 0)
        if basis == "budget":
            funded = min(assigned, investment.cost_cents)
        elif basis == "planning":
            funded = 0 if investment.id in below else investment.cost_cents
        else:
            funded = investment.cost_cents
        per_investment[investment.id] = InvestmentTotals(
            investment, assigned, funded, investment.id in below
        )
    grouped = investments_by_goal(ranked)
    goals = [
        GoalTotals(goal, number, [per_investment[i.id] for i in grouped.get(goal.id, [])])
        for number, goal in enumerate(plan.goals, start=1)
    ]
    return BudgetTotals(goals, ranked, money, available, line, streams, matrix, cells, basis)


def start_from_previous(school_id: int, year: SchoolYear) -> SchoolPlan | None:
    """Start this year's plan from last year's: goals (same lineage, so progress is one
    history), strategies, actions (status reset) and investments (without budget lines, since
    the money is new). Last year's plan is left as it was. Returns None if there is none."""
    before = previous_year(year)
    old = load_plan(school_id, before.id) if before else None
    if old is None:
        return None
    plan = SchoolPlan(
        school_id=school_id,
        school_year_id=year.id,
        needs={k: dict(v) for k, v in (old.needs or {}).items()},
        source_locale=old.source_locale,
        copied_from_id=old.id,
        planning_figure_cents=old.planning_figure_cents,
    )
    db.session.add(plan)
    goal_map, strategy_map = {}, {}
    for goal in old.goals:
        new_goal = Goal(
            statement=dict(goal.statement),
            indicator=dict(goal.indicator),
            baseline=goal.baseline,
            target=goal.target,
            target_date=goal.target_date,
            position=goal.position,
            lineage=goal.lineage,
            source_locale=goal.source_locale,
        )
        plan.goals.append(new_goal)
        goal_map[goal.id] = new_goal
        for strategy in goal.strategies:
            new_strategy = Strategy(
                description=dict(strategy.description),
                position=strategy.position,
                source_locale=strategy.source_locale,
            )
            new_goal.strategies.append(new_strategy)
            strategy_map[strategy.id] = new_strategy
            for action in strategy.actions:
                new_strategy.actions.append(
                    PlanAction(
                        description=dict(action.description),
                        owner=action.owner,
                        status=ActionStatus.NOT_STARTED.value,
                        position=action.position,
                        source_locale=action.source_locale,
                    )
                )
    db.session.flush()
    for investment in old.investments:
        plan.investments.append(
            Investment(
                goal_id=goal_map[investment.goal_id].id,
                strategy_id=strategy_map[investment.strategy_id].id
                if investment.strategy_id in strategy_map
                else None,
                category_id=investment.category_id,
                description=dict(investment.description),
                cost_cents=investment.cost_cents,
                priority=investment.priority,
                source_locale=investment.source_locale,
            )
        )
    plan.status = PlanStatus.DRAFT.value
    return plan


def set_budget_line(investment: Investment, stream_id: int, cents: int) -> None:
    """Set one matrix cell; zero removes it."""
    line = next((b for b in investment.budget_lines if b.funding_stream_id == stream_id), None)
    if cents == 0:
        if line is not None:
            investment.budget_lines.remove(line)
        return
    if line is None:
        investment.budget_lines.append(BudgetLine(funding_stream_id=stream_id, cents=cents))
    else:
        line.cents = cents
