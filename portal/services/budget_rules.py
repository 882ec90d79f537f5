"""The rules of a school's budget, as pure functions on plain values: the priority cut line,
budget scenarios before the allocation is known, and the budget matrix's checks. Money is
integer cents. services/plans.py applies them to a loaded plan."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Funding(StrEnum):
    """How much of an investment's cost the budget covers."""

    FUNDED = "funded"
    PARTLY = "partly"
    UNFUNDED = "unfunded"


class Basis(StrEnum):
    """What "funded" rests on: money assigned in the matrix once the allocation is published,
    or the cut line against the planning figure before it is."""

    BUDGET = "budget"
    PLANNING = "planning"


class FlagKind(StrEnum):
    """What the budget matrix finds wrong."""

    OVER_STREAM = "over_stream"  # a stream spent beyond what it brings
    INELIGIBLE = "ineligible"  # restricted money on a category it may not pay for
    OVER_COST = "over_cost"  # an investment given more than it costs


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
    kind: FlagKind
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
                    FlagKind.OVER_STREAM,
                    stream.id,
                    cents=per_stream[stream.id] - stream.available_cents,
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
                flags.append(MatrixFlag(FlagKind.INELIGIBLE, stream_id, investment.id))
        if per_investment[investment.id] > investment.cost_cents:
            flags.append(
                MatrixFlag(
                    FlagKind.OVER_COST,
                    investment_id=investment.id,
                    cents=per_investment[investment.id] - investment.cost_cents,
                )
            )
    return MatrixTotals(dict(per_stream), dict(per_investment), sum(per_stream.values()), flags)


# -- People: FTE arithmetic and the base program (pure) ---------------------------------------

FULL_TIME = 100  # FTE in hundredths (models.staffing.FTE_ONE)


def fte_cost(full_time_cents: int, fte: int) -> int:
    """What `fte` hundredths of a full-time person cost when one full-time person costs
    `full_time_cents`, rounded half up to the cent: integer arithmetic, no float."""
    if full_time_cents < 0 or fte < 0:
        raise ValueError("cost and FTE are never negative")
    return (full_time_cents * fte * 2 + FULL_TIME) // (2 * FULL_TIME)


def required_fte(minimum_fte: int, students_per_fte: int | None, pupils: int) -> int:
    """The FTE (hundredths) a base-program rule asks of a school with `pupils` students: at
    least `minimum_fte`, and one full-time person per `students_per_fte` students, rounded up
    to the next hundredth (441 students at 1 per 24 need 18.38)."""
    needed = minimum_fte
    if students_per_fte:
        needed = max(needed, -(-pupils * FULL_TIME // students_per_fte))
    return needed


@dataclass(frozen=True)
class BaseRequirement:
    """A base-program rule as the check sees it."""

    rule_id: int
    role_id: int
    minimum_fte: int
    students_per_fte: int | None = None


@dataclass(frozen=True)
class BaseFinding:
    """One rule checked against a budget: what it asks, what the budget has and funds."""

    requirement: BaseRequirement
    required_fte: int
    budgeted_fte: int  # every position in the role, funded or not
    funded_fte: int  # only those the budget pays for in full

    @property
    def met(self) -> bool:
        return self.funded_fte >= self.required_fte

    @property
    def short_fte(self) -> int:
        return max(self.required_fte - self.funded_fte, 0)


def check_base_program(
    requirements: list[BaseRequirement],
    pupils: int,
    budgeted_fte: dict[int, int],
    funded_fte: dict[int, int],
) -> list[BaseFinding]:
    """Each rule against the FTE the budget has per role (`budgeted_fte`) and pays for in full
    (`funded_fte`). A position counts for its role whether it serves a goal or the base program:
    a reading teacher hired for goal 1 still teaches."""
    return [
        BaseFinding(
            r,
            required_fte(r.minimum_fte, r.students_per_fte, pupils),
            budgeted_fte.get(r.role_id, 0),
            funded_fte.get(r.role_id, 0),
        )
        for r in requirements
    ]
