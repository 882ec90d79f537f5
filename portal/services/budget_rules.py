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
