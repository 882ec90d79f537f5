"""Where the money comes from: scenarios run over the database and per-school funding sources
(what the public pages and the plans read). The arithmetic itself is in services/allocation.py;
staff's changes are in services/allocation_setup.py, enrollment files in services/enrollment.py.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    AllocationScenario,
    Enrollment,
    FundingStream,
    NeedGroup,
    PriorAllocation,
    School,
)
from portal.models.allocation import Distribution, ScenarioStatus
from portal.services.allocation import (
    AllocationError,
    AllocationResult,
    Policy,
    SchoolInput,
    allocate,
    split_proportionally,
)

MAX_IMPORT_ROWS = 2000


def need_groups(district_id: int) -> list[NeedGroup]:
    """The district's need groups in their column order."""
    return list(
        db.session.scalars(
            select(NeedGroup)
            .where(NeedGroup.district_id == district_id)
            .order_by(NeedGroup.position)
        )
    )


def streams_for(district_id: int, year_id: int) -> list[FundingStream]:
    """The year's funding streams, with their eligible schools and allowed categories."""
    return list(
        db.session.scalars(
            select(FundingStream)
            .options(
                selectinload(FundingStream.eligible_schools),
                selectinload(FundingStream.allowed_categories),
            )
            .where(
                FundingStream.district_id == district_id, FundingStream.school_year_id == year_id
            )
            .order_by(FundingStream.position, FundingStream.id)
        )
    )


def school_inputs(district_id: int, year_id: int) -> list[SchoolInput]:
    """Every school's enrollment by group and last year's allocation (three queries in all)."""
    schools = list(
        db.session.scalars(
            select(School).where(School.district_id == district_id).order_by(School.id)
        )
    )
    counts: dict[int, dict[str, int]] = {}
    for row in db.session.scalars(select(Enrollment).where(Enrollment.school_year_id == year_id)):
        counts.setdefault(row.school_id, {})[row.group_key] = row.pupils
    prior = dict(
        db.session.execute(
            select(PriorAllocation.school_id, PriorAllocation.cents).where(
                PriorAllocation.school_year_id == year_id
            )
        ).all()
    )
    return [SchoolInput(s.id, s.level, counts.get(s.id, {}), prior.get(s.id, 0)) for s in schools]


@dataclass(frozen=True)
class FundingPool:
    formula_revenue_cents: int  # revenue of the streams shared by formula
    held_centrally_cents: int  # the central share of it, plus streams held centrally
    grants_cents: int  # fixed grants sent to eligible schools
    available_cents: int  # what the formula distributes


def funding_pool(streams: list[FundingStream], scenario: AllocationScenario) -> FundingPool:
    """What the streams bring and where it goes under the scenario's central share."""
    formula = sum(s.revenue_cents for s in streams if s.distribution == Distribution.FORMULA)
    central_share = formula * scenario.central_share_bp // 10000
    central_streams = sum(
        s.revenue_cents for s in streams if s.distribution == Distribution.CENTRAL
    )
    grants = sum(
        s.grant_cents * len(s.eligible_schools)
        for s in streams
        if s.distribution == Distribution.GRANT
    )
    return FundingPool(formula, central_share + central_streams, grants, formula - central_share)


def run_scenario(
    scenario: AllocationScenario, streams=None
) -> tuple[AllocationResult, FundingPool]:
    """Every school's allocation under a scenario, and the money it distributes."""
    streams = (
        streams
        if streams is not None
        else streams_for(scenario.district_id, scenario.school_year_id)
    )
    pool = funding_pool(streams, scenario)
    policy = Policy(
        weights={
            level: {k: int(v) for k, v in groups.items()}
            for level, groups in scenario.weights.items()
        },
        available_cents=pool.available_cents,
        minimum_cents=scenario.minimum_cents,
        hold_harmless=scenario.hold_harmless,
    )
    return allocate(school_inputs(scenario.district_id, scenario.school_year_id), policy), pool


def published_scenario(district_id: int, year_id: int) -> AllocationScenario | None:
    """The adopted scenario, else one published as "what you would receive"."""
    rows = list(
        db.session.scalars(
            select(AllocationScenario).where(
                AllocationScenario.district_id == district_id,
                AllocationScenario.school_year_id == year_id,
                AllocationScenario.status.in_([ScenarioStatus.ADOPTED, ScenarioStatus.WHAT_IF]),
            )
        )
    )
    rows.sort(key=lambda s: (s.status != ScenarioStatus.ADOPTED, s.id))
    return rows[0] if rows else None


@dataclass(frozen=True)
class SourceLine:
    stream: FundingStream
    cents: int


def school_sources(
    school_id: int, total_formula_cents: int, streams: list[FundingStream]
) -> list[SourceLine]:
    """A school's money by funding stream: its formula allocation shared in proportion to the
    formula streams' revenue, plus every grant it is eligible for."""
    formula_streams = [s for s in streams if s.distribution == Distribution.FORMULA]
    split = split_proportionally(
        total_formula_cents, {s.id: s.revenue_cents for s in formula_streams}
    )
    lines = [SourceLine(s, split[s.id]) for s in formula_streams if split[s.id]]
    for stream in streams:
        if stream.distribution == Distribution.GRANT and any(
            school.id == school_id for school in stream.eligible_schools
        ):
            lines.append(SourceLine(stream, stream.grant_cents))
    return lines


@dataclass(frozen=True)
class SchoolFunding:
    """One school's money for the year: the formula allocation (shared among the formula
    streams) plus each grant it is eligible for. `total_cents` is THE school total every page,
    fragment, PDF and spreadsheet shows; `per_pupil_cents` is that total over the enrollment."""

    scenario: AllocationScenario
    allocation: object  # services.allocation.SchoolAllocation
    proration: object  # Fraction
    sources: list[SourceLine]

    @property
    def formula_sources(self) -> list[SourceLine]:
        return [s for s in self.sources if s.stream.distribution == Distribution.FORMULA]

    @property
    def grant_sources(self) -> list[SourceLine]:
        return [s for s in self.sources if s.stream.distribution == Distribution.GRANT]

    @property
    def formula_cents(self) -> int:
        """The per-pupil arithmetic's result (lines, proration, top-ups)."""
        return self.allocation.total_cents

    @property
    def grants_cents(self) -> int:
        return sum(source.cents for source in self.grant_sources)

    @property
    def total_cents(self) -> int:
        return sum(source.cents for source in self.sources)

    @property
    def pupils(self) -> int:
        return self.allocation.pupils

    @property
    def per_pupil_cents(self) -> int:
        """The school's total over its enrollment, rounded half up to the cent."""
        return per_pupil(self.total_cents, self.pupils)


def per_pupil(total_cents: int, pupils: int) -> int:
    """Cents per pupil, rounded half up; 0 without pupils."""
    if not pupils:
        return 0
    return (2 * total_cents + pupils) // (2 * pupils)


@dataclass(frozen=True)
class PublishedRun:
    """The published scenario worked out for every school (compute once, use for many)."""

    scenario: AllocationScenario
    streams: list[FundingStream]
    result: AllocationResult
    pool: "FundingPool | None" = None


def published_run(district_id: int, year_id: int) -> PublishedRun | None:
    """The year's published scenario run over the database, or None if none is published."""
    scenario = published_scenario(district_id, year_id)
    if scenario is None:
        return None
    streams = streams_for(district_id, year_id)
    try:
        result, pool = run_scenario(scenario, streams)
    except AllocationError:
        # The floors no longer fit the money (revenue changed after publishing): the public
        # pages say nothing is published rather than fail; staff see the problem on the
        # scenario's page.
        return None
    return PublishedRun(scenario, streams, result, pool)


def school_funding(run: PublishedRun | None, school_id: int) -> SchoolFunding | None:
    """One school's published allocation and its split by funding stream, or None."""
    allocation = run.result.for_school(school_id) if run else None
    if allocation is None:
        return None
    return SchoolFunding(
        run.scenario,
        allocation,
        run.result.proration,
        school_sources(school_id, allocation.total_cents, run.streams),
    )


@dataclass(frozen=True)
class DistrictMoney:
    """The published run's totals for the district page: what the formula shares, what grants
    add, what is held centrally, and each school's own SchoolFunding (the same figures its
    budget page shows). Sent to schools = formula + grants = the sum of the schools' totals."""

    run: PublishedRun
    schools: list[SchoolFunding]

    @property
    def formula_cents(self) -> int:
        return sum(s.formula_cents for s in self.schools)

    @property
    def grants_cents(self) -> int:
        return sum(s.grants_cents for s in self.schools)

    @property
    def to_schools_cents(self) -> int:
        return sum(s.total_cents for s in self.schools)

    @property
    def held_centrally_cents(self) -> int:
        return self.run.pool.held_centrally_cents if self.run.pool else 0

    def for_school(self, school_id: int) -> SchoolFunding | None:
        return next((s for s in self.schools if s.allocation.school_id == school_id), None)


def district_money(run: PublishedRun | None) -> DistrictMoney | None:
    """The published run's district totals, or None while nothing is published."""
    if run is None:
        return None
    schools = [school_funding(run, a.school_id) for a in run.result.schools]
    return DistrictMoney(run, [s for s in schools if s is not None])


def set_adopted(scenario: AllocationScenario) -> None:
    """Adopt a scenario without an acting user (test factories): the model's transition, so
    the year's adopted one goes back to draft. Staff adopt through
    allocation_setup.move_scenario, which also audits."""
    if scenario.status != ScenarioStatus.ADOPTED:
        scenario.adopt()
