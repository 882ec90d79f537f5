"""Per-pupil allocation arithmetic (guidebook ch. 2, Table 2.2, the TRM tool). Pure Python.

A school's formula amount is, for each group of students, the number of pupils times that group's
per-pupil weight for the school's level: "412 students x $3,741". A school may be topped up to a
minimum operational budget, and (hold harmless) to last year's allocation.

If the formula and the top-ups need more money than is available, the formula amounts are
prorated by one factor for every school (never the floors), found exactly with fractions, and the
cents are then shared by largest remainder: the total distributed equals the money available,
and no cent is lost or invented. Money is always integer cents.
"""

from dataclasses import dataclass
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from portal.services.errors import Rejected

ALL_STUDENTS = "all"

FLOORS_DO_NOT_FIT = _l(
    "The minimum budgets and hold-harmless amounts cost more than the money available."
)


class AllocationError(Rejected):
    """The floors alone (minimums and hold-harmless amounts) cost more than is available: a
    refusal about the scenario's minimum budget (and its hold harmless, which sets the rest)."""

    def __init__(self):
        super().__init__({"minimum": FLOORS_DO_NOT_FIT})

    @property
    def message(self) -> str:
        """The sentence the scenario's page shows."""
        return str(FLOORS_DO_NOT_FIT)


@dataclass(frozen=True)
class SchoolInput:
    school_id: int
    level: str
    # Pupils per group; "all" is the school's total enrollment, the others are need groups.
    enrollment: dict[str, int]
    prior_cents: int = 0  # last year's allocation: for hold harmless and the change shown


@dataclass(frozen=True)
class Policy:
    weights: dict[str, dict[str, int]]  # level -> group -> cents per pupil
    available_cents: int  # revenue to distribute by formula, after what is held centrally
    minimum_cents: int = 0  # minimum operational budget per school
    hold_harmless: bool = False  # no school below last year's allocation


@dataclass(frozen=True)
class Line:
    group: str
    pupils: int
    rate_cents: int

    @property
    def amount_cents(self) -> int:
        return self.pupils * self.rate_cents


@dataclass(frozen=True)
class SchoolAllocation:
    school_id: int
    lines: tuple[Line, ...]
    pupils: int
    formula_cents: int  # the sum of the lines
    prorated_cents: int  # the formula amount after proration (equal when the formula fits)
    minimum_topup_cents: int
    hold_harmless_topup_cents: int
    prior_cents: int

    @property
    def total_cents(self) -> int:
        return self.prorated_cents + self.minimum_topup_cents + self.hold_harmless_topup_cents

    @property
    def topup_cents(self) -> int:
        return self.minimum_topup_cents + self.hold_harmless_topup_cents

    @property
    def per_pupil_cents(self) -> int:
        """Total per student, rounded to the cent (half up)."""
        if not self.pupils:
            return 0
        return int(Fraction(self.total_cents, self.pupils) + Fraction(1, 2))

    @property
    def change_cents(self) -> int:
        return self.total_cents - self.prior_cents


@dataclass(frozen=True)
class AllocationResult:
    schools: tuple[SchoolAllocation, ...]
    proration: Fraction  # 1 when the formula fits in the money available
    available_cents: int

    @property
    def total_cents(self) -> int:
        return sum(s.total_cents for s in self.schools)

    @property
    def unallocated_cents(self) -> int:
        return self.available_cents - self.total_cents

    def for_school(self, school_id: int) -> SchoolAllocation | None:
        return next((s for s in self.schools if s.school_id == school_id), None)


def formula_lines(school: SchoolInput, weights: dict[str, dict[str, int]]) -> tuple[Line, ...]:
    """One line per group with pupils and a weight: all students first, then the need groups in
    the order the weights list them."""
    rates = weights.get(school.level, {})
    groups = [ALL_STUDENTS] + [g for g in rates if g != ALL_STUDENTS]
    return tuple(
        Line(group, school.enrollment.get(group, 0), rates[group])
        for group in groups
        if group in rates and school.enrollment.get(group, 0) > 0
    )


def _floor(school: SchoolInput, policy: Policy) -> int:
    return max(policy.minimum_cents, school.prior_cents if policy.hold_harmless else 0)


def _proration(raw: dict[int, int], floors: dict[int, int], available: int) -> Fraction:
    """The largest factor f <= 1 with sum(max(raw*f, floor)) <= available (water-filling)."""
    if sum(max(raw[i], floors[i]) for i in raw) <= available:
        return Fraction(1)
    if sum(floors.values()) > available:
        raise AllocationError()
    # A school is on the formula once f passes its breakpoint floor/raw: the schools with the
    # smallest breakpoints join first. Try the largest formula set first.
    order = sorted((i for i in raw if raw[i] > 0), key=lambda i: Fraction(floors[i], raw[i]))
    for m in range(len(order), 0, -1):
        formula_set = set(order[:m])
        at_floor = sum(floors[i] for i in raw if i not in formula_set)
        f = Fraction(available - at_floor, sum(raw[i] for i in formula_set))
        last_in = order[m - 1]
        first_out = order[m] if m < len(order) else None
        if raw[last_in] * f >= floors[last_in] and (
            first_out is None or raw[first_out] * f <= floors[first_out]
        ):
            return min(f, Fraction(1))
    return Fraction(0)  # every school at its floor


def _share_cents(exact: dict[int, Fraction], total: int) -> dict[int, int]:
    """Round exact amounts to cents so they add up to `total` (largest remainder, ties by id)."""
    base = {i: int(v) for i, v in exact.items()}  # floor for non-negative values
    left = total - sum(base.values())
    by_remainder = sorted(exact, key=lambda i: (-(exact[i] - base[i]), i))
    for i in by_remainder[:left]:
        base[i] += 1
    return base


def allocate(schools: list[SchoolInput], policy: Policy) -> AllocationResult:
    """Every school's allocation under a policy. Raises AllocationError if the floors don't fit."""
    lines = {s.school_id: formula_lines(s, policy.weights) for s in schools}
    raw = {i: sum(line.amount_cents for line in ls) for i, ls in lines.items()}
    floors = {s.school_id: _floor(s, policy) for s in schools}
    f = _proration(raw, floors, policy.available_cents)
    if f == 1:
        prorated = dict(raw)
    else:
        in_formula = {i for i in raw if raw[i] > 0 and raw[i] * f >= floors[i]}
        exact = {i: raw[i] * f for i in in_formula}
        budget = policy.available_cents - sum(floors[i] for i in raw if i not in in_formula)
        prorated = {i: int(raw[i] * f) for i in raw}  # floors of the exact amounts
        prorated.update(_share_cents(exact, budget))
    result = []
    for school in schools:
        i = school.school_id
        part = prorated[i]
        minimum_topup = max(0, policy.minimum_cents - part)
        hold_topup = max(0, floors[i] - max(part, policy.minimum_cents))
        result.append(
            SchoolAllocation(
                school_id=i,
                lines=lines[i],
                pupils=school.enrollment.get(ALL_STUDENTS, 0),
                formula_cents=raw[i],
                prorated_cents=part,
                minimum_topup_cents=minimum_topup,
                hold_harmless_topup_cents=hold_topup,
                prior_cents=school.prior_cents,
            )
        )
    return AllocationResult(tuple(result), f, policy.available_cents)


def split_proportionally(amount_cents: int, shares: dict[int, int]) -> dict[int, int]:
    """Split an amount across funding streams in proportion to their revenue, to the cent."""
    whole = sum(shares.values())
    if amount_cents == 0 or whole == 0:
        return dict.fromkeys(shares, 0)
    exact = {k: Fraction(amount_cents * v, whole) for k, v in shares.items()}
    return _share_cents(exact, amount_cents)


def least_squares(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Slope and intercept of the best-fit line through points (None if it is undefined)."""
    n = len(points)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    return slope, mean_y - slope * mean_x
