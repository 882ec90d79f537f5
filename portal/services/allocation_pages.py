"""What the allocation pages show: a school's money as arithmetic beside what it is spent on,
the district's weights with its equity view, and staff's workspace and scenario editor. The
routes render these; nothing here changes a row."""

from dataclasses import dataclass, field, fields

from sqlalchemy import select

from portal import formatting
from portal.extensions import db
from portal.models import AllocationScenario, FundingStream, InvestmentCategory, NeedGroup, School
from portal.models.allocation import ScenarioStatus
from portal.services import equity, funding, plan_versions, plan_years
from portal.services.allocation import ALL_STUDENTS, AllocationError, AllocationResult
from portal.services.allocation_setup import LEVELS
from portal.services.equity_charts import decile_charts, dense_scatter
from portal.services.school_year import current_year
from portal.services.spending import spending_context

# The need groups the equity view charts, when the district has them.
EQUITY_GROUPS = ("poverty", "el")
# Rows of each per-school table on /allocation at once: 1,000 schools are paged and filtered
# by level, while the district's totals and deciles are worked out over every school.
SCHOOLS_PER_PAGE = 25


def group_names(district_id: int) -> dict:
    """The district's need groups by key (the weights' and the arithmetic's column names)."""
    return {group.key: group for group in funding.need_groups(district_id)}


def school_budget_context(school: School, district, year=None) -> dict:
    """Template values for /schools/<slug>/budget of `year` (the current year when None):
    where the money comes from (the published run's arithmetic and sources, or nothing yet),
    what it is spent on, and the years its picker lists."""
    if year is None:
        year = current_year(district.id)
    run = funding.published_run(district.id, year.id) if year else None
    scenario = run.scenario if run else None
    money = funding.school_funding(run, school.id)
    context = {
        "school": school,
        "year": year,
        "scenario": scenario,
        "groups": group_names(district.id),
        "money": money,
        "published_years": plan_years.published_years(school.id),
        # The `year` URL argument that keeps links in this year (none for the current year).
        "year_arg": year.label if year is not None and not year.is_current else None,
    }
    if money is not None:
        context.update(
            allocation=money.allocation,
            proration=money.proration,
            sources=money.sources,
            what_if=scenario.status == ScenarioStatus.WHAT_IF,
        )
    context.update(spending_context(school, year, money, district))
    if context.get("plan") is not None:
        # The council's approval, and what changed in the plan since (services/plan_versions).
        context["record"] = plan_versions.public_record(context["plan"], money)
    return context


@dataclass(frozen=True)
class Paged:
    """One page of a per-school table: its rows, its number, how many pages there are."""

    rows: list
    page: int
    pages: int
    total: int

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def paged(rows: list, page: int, per_page: int = SCHOOLS_PER_PAGE) -> Paged:
    """The `page`-th slice of `rows` (the last page when `page` is past the end)."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(page, 1), pages)
    return Paged(rows[(page - 1) * per_page : page * per_page], page, pages, len(rows))


def _page_number(value) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except (TypeError, ValueError):
        return 1


@dataclass(frozen=True)
class DistrictPage:
    """/allocation: the published scenario's weights, what the district sends to schools and
    holds centrally, an equity chart per charted need group, and the whole budget's equity
    view (services/equity.py): deciles of poverty and staff per 100 students. The two
    per-school tables come a page at a time (`tables`), of one level when asked; totals,
    charts and deciles cover every school."""

    year: object
    scenario: object
    groups: dict
    money: funding.DistrictMoney | None = None
    schools: dict = field(default_factory=dict)
    charts: dict = field(default_factory=dict)
    what_if: bool = False
    levels: list[str] = field(default_factory=list)
    equity_view: equity.EquityView | None = None
    decile_charts: dict = field(default_factory=dict)
    school_levels: list[str] = field(default_factory=list)

    def as_context(self) -> dict:
        """The fields as template values, and `tables` (the page's query in, its tables out)."""
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "tables": self.tables}

    def tables(self, args) -> "Tables":
        """The two per-school tables for the page's query `args` (a mapping): `level` narrows
        both, `staff_page` pages the staffing table and `page` the school list."""
        level = args.get("level") if args.get("level") in LEVELS else None
        staff = [s for s in self.equity_view.planned if level in (None, s.school.level)]
        level_of = {s.id: s.level for s in self.schools.values()}
        schools = sorted(
            (s for s in self.money.schools if level in (None, level_of[s.allocation.school_id])),
            key=lambda s: (-s.per_pupil_cents, self.schools[s.allocation.school_id].name),
        )
        return Tables(
            level,
            paged(staff, _page_number(args.get("staff_page"))),
            paged(schools, _page_number(args.get("page"))),
        )


@dataclass(frozen=True)
class Tables:
    """/allocation's per-school tables for one query: the level shown and a page of each."""

    level: str | None
    staff: Paged
    school: Paged


def district_page(district) -> DistrictPage:
    """The district page's values; `scenario` is None while nothing is published (or before
    the district itself is set up). The template asks `tables(request.args)` for the page of
    each per-school table (services never read the request)."""
    year = current_year(district.id) if district else None
    run = funding.published_run(district.id, year.id) if year else None
    groups = group_names(district.id) if district else {}
    if run is None:
        return DistrictPage(year, None, groups)
    money = funding.district_money(run)
    schools = {
        s.id: s for s in db.session.scalars(select(School).where(School.district_id == district.id))
    }
    counts = {i.school_id: i.enrollment for i in funding.school_inputs(district.id, year.id)}
    view = equity.equity_view(
        district.id, year.id, money, schools, counts, has_poverty=equity.POVERTY in groups
    )
    charts = {
        key: dense_scatter(equity_points(money, schools, counts, key), formatting.money, rtl=None)
        for key in EQUITY_GROUPS
        if key in groups
    }
    return DistrictPage(
        year,
        run.scenario,
        groups,
        money=money,
        schools=schools,
        charts=charts,
        what_if=run.scenario.status == ScenarioStatus.WHAT_IF,
        levels=[level for level in LEVELS if level in run.scenario.weights],
        equity_view=view,
        decile_charts=decile_charts(view),
        school_levels=sorted({s.level for s in schools.values()}, key=LEVELS.index),
    )


def equity_points(money, schools: dict, counts: dict, group: str) -> list[dict]:
    """Each school with pupils: its share of students in `group` and its money per student
    (the same per-student figure its budget page prints)."""
    points = []
    for school_money in money.schools:
        pupils = school_money.pupils
        if not pupils:
            continue
        school = schools[school_money.allocation.school_id]
        points.append(
            {
                "school": school,
                "name": school.name,
                "share": counts.get(school.id, {}).get(group, 0) / pupils,
                "per_pupil": school_money.per_pupil_cents,
            }
        )
    return points


# --- staff's pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario's run for staff: its result and pool, or the reason it has none (the floors
    cost more than the money available)."""

    result: AllocationResult | None
    pool: funding.FundingPool | None
    problem: str | None = None


def try_scenario(scenario: AllocationScenario, streams=None) -> ScenarioRun:
    """Run a scenario; when its floors do not fit, say so instead of failing."""
    try:
        result, pool = funding.run_scenario(scenario, streams)
    except AllocationError as error:
        return ScenarioRun(None, None, error.message)
    return ScenarioRun(result, pool)


@dataclass(frozen=True)
class Workspace:
    """The staff overview of a year: streams, scenarios and each one's run, schools with their
    enrollment by group, need groups, and the spending categories restricted money may name."""

    year: object
    streams: list[FundingStream]
    scenarios: list[AllocationScenario]
    runs: dict[int, ScenarioRun]
    schools: list[School]
    groups: list[NeedGroup]
    enrollment: dict[int, dict[str, int]]
    categories: list[InvestmentCategory]


def year_scenarios(district_id: int, year_id: int) -> list[AllocationScenario]:
    """The year's scenarios, oldest first."""
    return list(
        db.session.scalars(
            select(AllocationScenario)
            .where(
                AllocationScenario.district_id == district_id,
                AllocationScenario.school_year_id == year_id,
            )
            .order_by(AllocationScenario.id)
        )
    )


def workspace(district_id: int, year) -> Workspace:
    """Everything /manage/allocation shows for the year."""
    streams = funding.streams_for(district_id, year.id)
    scenarios = year_scenarios(district_id, year.id)
    return Workspace(
        year=year,
        streams=streams,
        scenarios=scenarios,
        runs={s.id: try_scenario(s, streams) for s in scenarios},
        schools=list(
            db.session.scalars(
                select(School).where(School.district_id == district_id).order_by(School.name)
            )
        ),
        groups=funding.need_groups(district_id),
        enrollment={
            row.school_id: row.enrollment for row in funding.school_inputs(district_id, year.id)
        },
        categories=list(
            db.session.scalars(
                select(InvestmentCategory)
                .where(InvestmentCategory.district_id == district_id)
                .order_by(InvestmentCategory.position)
            )
        ),
    )


@dataclass(frozen=True)
class ScenarioPage:
    """A scenario's editor: its weight columns and their groups, its run, the schools."""

    groups: list[str]
    group_names: dict[str, NeedGroup]
    run: ScenarioRun
    schools: dict[int, School]
    levels: tuple[str, ...] = LEVELS


def scenario_page(scenario: AllocationScenario) -> ScenarioPage:
    """What the scenario editor shows beside the form."""
    need_groups = funding.need_groups(scenario.district_id)
    return ScenarioPage(
        groups=[ALL_STUDENTS, *[group.key for group in need_groups]],
        group_names={group.key: group for group in need_groups},
        run=try_scenario(scenario),
        schools={
            s.id: s
            for s in db.session.scalars(
                select(School).where(School.district_id == scenario.district_id)
            )
        },
    )
