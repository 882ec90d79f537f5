"""Reading school plans and budgets: the queries behind the plan pages and the totals every page
prints, from the budget's rules (services/budget_rules.py) applied to a loaded plan. Money is
integer cents. Changing a plan is services/plan_editing.py."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.models import (
    BudgetLine,
    DistrictGoal,
    GlossaryTerm,
    Goal,
    GoalMeasurement,
    Investment,
    InvestmentCategory,
    SchoolPlan,
    SchoolYear,
    Strategy,
)
from portal.models.allocation import StreamKind
from portal.models.staffing import RoleGroup
from portal.services.budget_rules import (
    Basis,
    Candidate,
    CutLine,
    Funding,
    MatrixInvestment,
    MatrixStream,
    MatrixTotals,
    check_matrix,
    cut_line,
    scaled,
)
from portal.services.charts import progress_chart

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
    """A plan with its review comments, goals (with their district goal, strategies and
    actions), investments (with their budget lines, category and staff role): three queries,
    however many rows. Each collection under goals or investments is joined into its parent's
    query (a few rows each); goals and investments stay apart, so they never multiply."""
    return (
        db.session.scalars(
            select(SchoolPlan)
            .where(SchoolPlan.school_id == school_id, SchoolPlan.school_year_id == year_id)
            .options(
                joinedload(SchoolPlan.review_comments),
                selectinload(SchoolPlan.goals).options(
                    joinedload(Goal.district_goal),
                    joinedload(Goal.strategies).joinedload(Strategy.actions),
                ),
                selectinload(SchoolPlan.investments).options(
                    joinedload(Investment.budget_lines),
                    joinedload(Investment.category),
                    joinedload(Investment.staff_role),
                ),
            )
        )
        .unique()
        .first()
    )


def public_plan(school_id: int, year_id: int) -> SchoolPlan | None:
    """The plan families may see: shared for feedback or approved (drafts stay in the office)."""
    plan = load_plan(school_id, year_id)
    return plan if plan is not None and plan.is_public else None


def progress_charts(plan: SchoolPlan) -> dict:
    """Each goal's indicator by school year (one query), as chart data, by lineage."""
    rows = db.session.execute(
        select(GoalMeasurement.lineage, SchoolYear.label, GoalMeasurement.value)
        .join(SchoolYear)
        .where(GoalMeasurement.lineage.in_([goal.lineage for goal in plan.goals]))
        .order_by(SchoolYear.starts_on)
    ).all()
    series: dict[str, list] = {}
    for lineage, label, value in rows:
        series.setdefault(lineage, []).append((label, value))
    goals = {goal.lineage: goal for goal in plan.goals}
    return {
        lineage: progress_chart(points, goals[lineage].target, goals[lineage].baseline)
        for lineage, points in series.items()
    }


def district_goals(year_id: int) -> list[DistrictGoal]:
    """The district's goals for a school year, in their order."""
    return list(
        db.session.scalars(
            select(DistrictGoal)
            .where(DistrictGoal.school_year_id == year_id)
            .order_by(DistrictGoal.position, DistrictGoal.id)
        )
    )


def categories(district_id: int) -> list[InvestmentCategory]:
    """The district's spending categories, in their order."""
    return list(
        db.session.scalars(
            select(InvestmentCategory)
            .where(InvestmentCategory.district_id == district_id)
            .order_by(InvestmentCategory.position, InvestmentCategory.id)
        )
    )


def glossary_terms(district_id: int) -> list[GlossaryTerm]:
    return list(
        db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.district_id == district_id))
    )


def measurements(plan: SchoolPlan) -> dict[str, list[GoalMeasurement]]:
    """Each goal's indicator values by lineage, oldest school year first (one query)."""
    found: dict[str, list[GoalMeasurement]] = {}
    for m in db.session.scalars(
        select(GoalMeasurement)
        .where(GoalMeasurement.lineage.in_([goal.lineage for goal in plan.goals]))
        .join(SchoolYear)
        .order_by(SchoolYear.starts_on)
    ):
        found.setdefault(m.lineage, []).append(m)
    return found


def ranked_investments(plan: SchoolPlan) -> list[Investment]:
    return sorted(plan.investments, key=lambda i: (i.priority, i.id))


def investments_by_goal(ranked: list[Investment]) -> dict[int | None, list[Investment]]:
    """Investments grouped under their goal (None: the base program), keeping the priority
    order."""
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
    def status(self) -> Funding:
        if self.unfunded_cents == 0:
            return Funding.FUNDED
        return Funding.PARTLY if self.funded_cents else Funding.UNFUNDED


@dataclass(frozen=True)
class GoalTotals:
    """One goal's investments, or the base program's (goal None, number 0): the core staffing
    and running costs every school needs, which serve no single goal."""

    goal: Goal | None
    number: int  # "Goal 1", counted from 1 in the plan's order; 0 for the base program
    investments: list[InvestmentTotals]  # in priority order

    @property
    def is_base_program(self) -> bool:
        return self.goal is None

    @property
    def key(self) -> str:
        """A stable name for the group in markup and tests: "goal-12" or "base"."""
        return "base" if self.goal is None else f"goal-{self.goal.id}"

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
        return [i for i in self.investments if i.status != Funding.FUNDED]

    @property
    def people_cents(self) -> int:
        """What the group's positions cost."""
        return sum(i.cost_cents for i in self.investments if i.investment.is_position)

    @property
    def fte(self) -> int:
        return sum(i.investment.fte for i in self.investments if i.investment.is_position)


@dataclass(frozen=True)
class RoleTotals:
    """The positions of one staff role across the budget (a drill-down row under "people")."""

    role: object  # models.StaffRole
    positions: list[InvestmentTotals]

    @property
    def fte(self) -> int:
        """Hundredths of a full-time person."""
        return sum(p.investment.fte for p in self.positions)

    @property
    def funded_fte(self) -> int:
        return sum(p.investment.fte for p in self.positions if p.status == Funding.FUNDED)

    @property
    def cost_cents(self) -> int:
        return sum(p.cost_cents for p in self.positions)

    @property
    def funded_cents(self) -> int:
        return sum(p.funded_cents for p in self.positions)


@dataclass(frozen=True)
class PeopleGroupTotals:
    """The positions of one models.staffing.RoleGroup ("Teachers", "Aides"), for the picture
    at the top of the budget page; `roles` is its drill-down."""

    group: str
    roles: list[RoleTotals]

    @property
    def label(self):
        return RoleGroup(self.group).label

    @property
    def fte(self) -> int:
        return sum(r.fte for r in self.roles)

    @property
    def cost_cents(self) -> int:
        return sum(r.cost_cents for r in self.roles)

    @property
    def funded_cents(self) -> int:
        return sum(r.funded_cents for r in self.roles)


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
    base: GoalTotals  # the base program (its investments may be empty)
    ranked: list[Investment]
    money: object  # funding.SchoolFunding | None
    available_cents: int | None
    cut: CutLine | None
    streams: list[MatrixStream]
    matrix: MatrixTotals
    cells: dict
    basis: Basis | None

    @property
    def groups(self) -> list[GoalTotals]:
        """The base program (when it has anything) and then every goal: the rows that add up to
        the budget's totals, in the order every page prints them."""
        return ([self.base] if self.base.investments else []) + self.goals

    @property
    def items(self) -> list[InvestmentTotals]:
        return [i for g in self.groups for i in g.investments]

    @property
    def cost_cents(self) -> int:
        return sum(g.cost_cents for g in self.groups)

    @property
    def funded_cents(self) -> int:
        return sum(g.funded_cents for g in self.groups)

    @property
    def unfunded_cents(self) -> int:
        return sum(g.unfunded_cents for g in self.groups)

    @property
    def excess_cents(self) -> int:
        return sum(i.excess_cents for i in self.items)

    # -- People and everything else: the whole allocation, split the way a parent asks -------

    @property
    def positions(self) -> list[InvestmentTotals]:
        return [i for i in self.items if i.investment.is_position]

    @property
    def people_cents(self) -> int:
        """What the budget pays for people (funded cost of every position)."""
        return sum(i.funded_cents for i in self.positions)

    @property
    def other_cents(self) -> int:
        """What the budget pays for everything that is not a position."""
        return self.funded_cents - self.people_cents

    @property
    def fte(self) -> int:
        """Hundredths of full-time people the budget pays for in full."""
        return sum(i.investment.fte for i in self.positions if i.status == Funding.FUNDED)

    @property
    def roles(self) -> list[RoleTotals]:
        """Every staff role with positions, in the district's order of roles."""
        by_role: dict[int, list[InvestmentTotals]] = {}
        for item in self.positions:
            by_role.setdefault(item.investment.staff_role_id, []).append(item)
        found = [RoleTotals(items[0].investment.staff_role, items) for items in by_role.values()]
        return sorted(found, key=lambda r: (r.role.position, r.role.id))

    @property
    def people_groups(self) -> list[PeopleGroupTotals]:
        """The roles gathered into the groups a parent recognises, in RoleGroup's order."""
        grouped: dict[str, list[RoleTotals]] = {}
        for role in self.roles:
            grouped.setdefault(role.role.group, []).append(role)
        return [PeopleGroupTotals(g.value, grouped[g.value]) for g in RoleGroup if g in grouped]

    @property
    def ongoing_cents(self) -> int:
        """What next year already owes: the funded cost of everything marked ongoing."""
        return sum(i.funded_cents for i in self.items if i.investment.is_ongoing)

    @property
    def one_time_cents(self) -> int:
        """Funded money spent once (start-up costs), not to be mistaken for what recurs."""
        return self.funded_cents - self.ongoing_cents

    @property
    def assigned_cents(self) -> int:
        """Money assigned in the matrix: funded + excess."""
        return self.matrix.overall

    @property
    def left_cents(self) -> int | None:
        """What the school has that no investment uses yet: the unassigned part of the whole
        allocation (available = base program + goals' funded money + this)."""
        if self.available_cents is None or self.basis is None:
            return None
        return self.available_cents - self.funded_cents

    @property
    def unfunded(self) -> list[InvestmentTotals]:
        return [i for g in self.groups for i in g.unfunded]

    @property
    def by_investment(self) -> dict[int, InvestmentTotals]:
        return {i.investment.id: i for i in self.items}

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
    basis = Basis.BUDGET if money else (Basis.PLANNING if line else None)
    ranked = ranked_investments(plan)
    per_investment = {}
    for investment in ranked:
        assigned = matrix.per_investment.get(investment.id, 0)
        if basis == Basis.BUDGET:
            funded = min(assigned, investment.cost_cents)
        elif basis == Basis.PLANNING:
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
    base = GoalTotals(None, 0, [per_investment[i.id] for i in grouped.get(None, [])])
    return BudgetTotals(goals, base, ranked, money, available, line, streams, matrix, cells, basis)


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
