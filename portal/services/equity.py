"""The district's equity view over the whole budget (guidebook ch. 2, the DBOM tool): each
school's money per student from unrestricted and restricted streams, what its public plan
spends per student on people and on everything else, its staff per 100 students by role group,
and schools grouped into deciles of student poverty (Figure 2.4). Money is integer cents; FTE
is integer hundredths. Nothing here changes a row."""

from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import Goal, Investment, School, SchoolPlan, Strategy
from portal.models.allocation import StreamKind
from portal.models.planning import PlanStatus
from portal.models.staffing import RoleGroup
from portal.services import funding, plans
from portal.services.funding import per_pupil
from portal.services.schools import search_schools

POVERTY = "poverty"  # the need group deciles are cut by
DECILES = 10


def per_100(fte: int, pupils: int) -> int:
    """Hundredths of a full-time person per 100 students, rounded half up (fte in hundredths:
    1,800 teachers' hundredths over 400 students is 450, printed "4.5")."""
    if not pupils:
        return 0
    return (2 * fte * 100 + pupils) // (2 * pupils)


def funded_fte_by_group(budget) -> dict[str, int]:
    """Funded FTE (hundredths) of each RoleGroup with positions in a plans.BudgetTotals."""
    return {g.group: sum(r.funded_fte for r in g.roles) for g in budget.people_groups}


@dataclass(frozen=True)
class StaffGroup:
    """One role group's adults at a school: FTE as budgeted, funded FTE, per 100 students."""

    group: str
    fte: int
    funded_fte: int
    per_100: int

    @property
    def label(self):
        return RoleGroup(self.group).label


@dataclass(frozen=True)
class PeopleView:
    """What compare prints for a school: its funded spending per student on people and on
    everything else (from the budget's own totals), and its adults by role group."""

    budget: object  # plans.BudgetTotals
    pupils: int
    groups: list[StaffGroup]

    @property
    def funded_per_pupil_cents(self) -> int:
        return per_pupil(self.budget.funded_cents, self.pupils)

    @property
    def people_per_pupil_cents(self) -> int:
        return per_pupil(self.budget.people_cents, self.pupils)

    @property
    def other_per_pupil_cents(self) -> int:
        """The rest of the funded figure, so people + other = funded per student exactly."""
        return self.funded_per_pupil_cents - self.people_per_pupil_cents

    @property
    def funded_fte(self) -> int:
        return self.budget.fte

    @property
    def unfunded_fte(self) -> int:
        """Hundredths planned in positions the budget does not pay for in full."""
        return sum(g.fte for g in self.groups) - self.funded_fte

    @property
    def funded_per_100(self) -> int:
        return per_100(self.budget.fte, self.pupils)


def people_view(budget, pupils: int) -> PeopleView:
    """A school's people and everything else, per student, from its BudgetTotals."""
    funded = funded_fte_by_group(budget)
    groups = [
        StaffGroup(g.group, g.fte, funded[g.group], per_100(funded[g.group], pupils))
        for g in budget.people_groups
    ]
    return PeopleView(budget, pupils, groups)


@dataclass(frozen=True)
class SchoolEquity:
    """One school's figures for the equity view."""

    school: School
    pupils: int
    poverty: int  # students in poverty
    unrestricted_cents: int
    restricted_cents: int
    budget: object | None = None  # plans.BudgetTotals of its public plan, if any
    staff: dict[str, int] = field(default_factory=dict)  # RoleGroup -> funded FTE

    @property
    def total_cents(self) -> int:
        return self.unrestricted_cents + self.restricted_cents

    @property
    def poverty_fraction(self) -> Fraction:
        return Fraction(self.poverty, self.pupils) if self.pupils else Fraction(0)

    @property
    def poverty_share(self) -> float:
        """For printing (|percent); ranking uses the exact fraction."""
        return float(self.poverty_fraction)

    @property
    def people_cents(self) -> int:
        return self.budget.people_cents if self.budget else 0

    @property
    def other_cents(self) -> int:
        return self.budget.other_cents if self.budget else 0

    def per_100(self, group: str) -> int:
        return per_100(self.staff.get(group, 0), self.pupils)

    @property
    def staff_per_100(self) -> int:
        return per_100(sum(self.staff.values()), self.pupils)


def public_plans(district_id: int, year_id: int) -> dict[int, SchoolPlan]:
    """Every school's public plan of the year by school id, with what budget_totals reads
    (goals, investments, their budget lines and staff roles): four queries, however many
    schools there are."""
    rows = db.session.scalars(
        select(SchoolPlan)
        .join(School, School.id == SchoolPlan.school_id)
        .where(
            School.district_id == district_id,
            SchoolPlan.school_year_id == year_id,
            SchoolPlan.status != PlanStatus.DRAFT.value,
        )
        .options(
            selectinload(SchoolPlan.goals),
            selectinload(SchoolPlan.investments).selectinload(Investment.budget_lines),
            selectinload(SchoolPlan.investments).selectinload(Investment.staff_role),
        )
    )
    return {plan.school_id: plan for plan in rows}


def school_rows(money, schools: dict, counts: dict, plans_by_school: dict) -> list[SchoolEquity]:
    """Each school with pupils in the published run (`money`, a funding.DistrictMoney): its
    money by kind of stream, students in poverty (`counts`: school id -> group -> pupils), and
    its public plan's totals against that money."""
    rows = []
    for school_money in money.schools:
        if not school_money.pupils:
            continue
        school_id = school_money.allocation.school_id
        restricted = sum(
            s.cents for s in school_money.sources if s.stream.kind == StreamKind.RESTRICTED
        )
        plan = plans_by_school.get(school_id)
        budget = plans.budget_totals(plan, school_money) if plan is not None else None
        rows.append(
            SchoolEquity(
                school=schools[school_id],
                pupils=school_money.pupils,
                poverty=counts.get(school_id, {}).get(POVERTY, 0),
                unrestricted_cents=school_money.total_cents - restricted,
                restricted_cents=restricted,
                budget=budget,
                staff=funded_fte_by_group(budget) if budget else {},
            )
        )
    return rows


@dataclass(frozen=True)
class Decile:
    """A group of schools of similar poverty. Its per-student figures are its schools' money
    over their students (so a large school counts for its size), rounded half up to the cent;
    the restricted part is the total less the unrestricted part, so the two add up exactly."""

    number: int  # 1: the smallest share of students in poverty
    schools: list[SchoolEquity]

    @property
    def pupils(self) -> int:
        return sum(s.pupils for s in self.schools)

    @property
    def poverty_share(self) -> float:
        """The group's students in poverty over its students, for printing."""
        return float(Fraction(sum(s.poverty for s in self.schools), self.pupils))

    @property
    def total_cents(self) -> int:
        return sum(s.total_cents for s in self.schools)

    @property
    def per_pupil_cents(self) -> int:
        return per_pupil(self.total_cents, self.pupils)

    @property
    def unrestricted_per_pupil_cents(self) -> int:
        return per_pupil(sum(s.unrestricted_cents for s in self.schools), self.pupils)

    @property
    def restricted_per_pupil_cents(self) -> int:
        return self.per_pupil_cents - self.unrestricted_per_pupil_cents

    # Spending: only schools with a public plan say what they spend.
    @property
    def planned(self) -> list[SchoolEquity]:
        return [s for s in self.schools if s.budget is not None]

    @property
    def planned_pupils(self) -> int:
        return sum(s.pupils for s in self.planned)

    @property
    def funded_per_pupil_cents(self) -> int:
        return per_pupil(sum(s.budget.funded_cents for s in self.planned), self.planned_pupils)

    @property
    def people_per_pupil_cents(self) -> int:
        return per_pupil(sum(s.people_cents for s in self.planned), self.planned_pupils)

    @property
    def other_per_pupil_cents(self) -> int:
        return self.funded_per_pupil_cents - self.people_per_pupil_cents


def deciles(rows: list[SchoolEquity], count: int = DECILES) -> list[Decile]:
    """Schools ranked by their share of students in poverty (then by name) and cut into
    `count` groups whose sizes differ by at most one school (fewer groups when there are fewer
    schools: one school each)."""
    ranked = sorted(rows, key=lambda s: (s.poverty_fraction, s.school.name, s.school.id))
    groups = min(count, len(ranked))
    n = len(ranked)
    return [Decile(i + 1, ranked[i * n // groups : (i + 1) * n // groups]) for i in range(groups)]


@dataclass(frozen=True)
class EquityView:
    """The whole-budget equity view on /allocation."""

    schools: list[SchoolEquity]
    deciles: list[Decile]
    has_poverty: bool

    @property
    def planned(self) -> list[SchoolEquity]:
        return sorted(
            (s for s in self.schools if s.budget is not None), key=lambda s: s.school.name
        )

    @property
    def staff_groups(self) -> list[str]:
        """The role groups any school's plan pays for, in RoleGroup's order (the columns)."""
        used = {group for s in self.schools for group, fte in s.staff.items() if fte}
        return [g.value for g in RoleGroup if g.value in used]

    @property
    def staff_columns(self) -> list[tuple[str, object]]:
        """(RoleGroup value, its translated label) for each column of the staffing table."""
        return [(group, RoleGroup(group).label) for group in self.staff_groups]

    @property
    def planned_pupils(self) -> int:
        return sum(s.pupils for s in self.planned)

    def district_per_100(self, group: str | None = None) -> int:
        """Funded staff (of `group`, or all) per 100 students across the schools with a plan."""
        fte = sum(fte for s in self.planned for g, fte in s.staff.items() if group in (None, g))
        return per_100(fte, self.planned_pupils)

    @property
    def unplanned(self) -> int:
        """Schools with students but no public plan (not in the staffing table)."""
        return len(self.schools) - len(self.planned)

    @property
    def fewer_than_ten(self) -> bool:
        return 0 < len(self.deciles) < DECILES


def equity_view(
    district_id: int, year_id: int, money, schools: dict, counts: dict, has_poverty: bool
) -> EquityView:
    """The equity view of the published run (`money`: funding.DistrictMoney); deciles only
    when the district counts students in poverty (`has_poverty`)."""
    rows = school_rows(money, schools, counts, public_plans(district_id, year_id))
    return EquityView(rows, deciles(rows) if has_poverty else [], has_poverty)


def compare_columns(district_id: int, year, chosen: list[School]) -> list[dict]:
    """What /schools/compare prints for each chosen school: its public plan of `year` (goals
    first), its published money, the plan's budget totals and its people per student. The
    published run is worked out once and every chosen school's plan is loaded together (seven
    queries), so comparing more schools runs no more statements."""
    run = funding.published_run(district_id, year.id) if year else None
    loaded = {}
    if year is not None and chosen:
        loaded = {
            plan.school_id: plan
            for plan in db.session.scalars(
                select(SchoolPlan)
                .where(
                    SchoolPlan.school_id.in_([s.id for s in chosen]),
                    SchoolPlan.school_year_id == year.id,
                )
                .options(
                    selectinload(SchoolPlan.goals)
                    .selectinload(Goal.strategies)
                    .selectinload(Strategy.actions),
                    selectinload(SchoolPlan.goals).selectinload(Goal.district_goal),
                    selectinload(SchoolPlan.investments).selectinload(Investment.budget_lines),
                    selectinload(SchoolPlan.investments).selectinload(Investment.category),
                    selectinload(SchoolPlan.investments).selectinload(Investment.staff_role),
                )
            )
            if plan.is_public
        }
    columns = []
    for school in chosen:
        plan = loaded.get(school.id)
        column = {"school": school, "year": year, "plan": plan}
        if plan is not None:
            money = funding.school_funding(run, school.id)
            budget = plans.budget_totals(plan, money)
            pupils = money.pupils if money else school.enrollment
            column.update(money=money, budget=budget, people=people_view(budget, pupils))
        columns.append(column)
    return columns


def compare_choices(district_id: int, wanted: list[str], query: str, level: str | None, limit: int):
    """The compare page's chooser: the schools asked for by slug (in that order, unknown ones
    left out), the schools offered as check boxes (the chosen ones first, then at most `limit`
    whose name or address contains `query`, of `level`), and whether more matched."""
    by_slug = {
        s.slug: s
        for s in db.session.scalars(
            select(School).where(School.district_id == district_id, School.slug.in_(wanted))
        )
    }
    chosen = [by_slug[slug] for slug in dict.fromkeys(wanted) if slug in by_slug]
    found, more = find_schools(district_id, query, level, limit)
    return chosen, chosen + [s for s in found if s not in chosen], more


def find_schools(district_id: int, query: str, level: str | None, limit: int):
    """At most `limit` of the district's schools matching `query` (services/schools.py: each
    word in the name, address, grades or area, whatever the case and accents), of `level`
    when given, by name; and whether more matched. The choosers of district-wide pages list
    these, never all of a district's 1,000 schools."""
    found = search_schools(district_id, query, level, per_page=limit)
    return found.schools, found.total > len(found.schools)
