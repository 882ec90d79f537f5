"""What opening the next school year copies, row by row (services/year_rollover.py decides
when). Every copy is a new row of the new year; the old year's rows are left as they were."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AllocationScenario,
    DistrictGoal,
    Enrollment,
    EventRequirement,
    PriorAllocation,
    SalaryRate,
)
from portal.models.allocation import ScenarioStatus
from portal.services.funding import streams_for


def requirements(district, new, moved: list) -> None:
    """The district template's required events, due on their reviewed dates next year."""
    for old, due_on in moved:
        db.session.add(
            EventRequirement(
                district_id=district.id,
                school_year_id=new.id,
                phase=old.phase,
                kind=old.kind,
                min_count=old.min_count,
                due_on=due_on,
            )
        )


def priors(new, cents_by_school: dict[int, int]) -> None:
    """This year's adopted allocation as each school's "last year" figure next year."""
    for school_id, cents in cents_by_school.items():
        db.session.add(PriorAllocation(school_id=school_id, school_year_id=new.id, cents=cents))


def allocation_setup(district, old, new, adopted: AllocationScenario | None) -> None:
    """The funding streams (with their eligible schools and allowed categories), enrollment by
    need group (until the new year's file is imported) and the adopted weights, as a draft:
    a starting point, nothing published for the new year."""
    for stream in streams_for(district.id, old.id):
        db.session.add(
            type(stream)(
                district_id=district.id,
                school_year_id=new.id,
                name=dict(stream.name or {}),
                kind=stream.kind,
                restriction=dict(stream.restriction or {}),
                revenue_cents=stream.revenue_cents,
                distribution=stream.distribution,
                grant_cents=stream.grant_cents,
                position=stream.position,
                source_locale=stream.source_locale,
                eligible_schools=list(stream.eligible_schools),
                allowed_categories=list(stream.allowed_categories),
            )
        )
    for row in db.session.scalars(select(Enrollment).where(Enrollment.school_year_id == old.id)):
        db.session.add(
            Enrollment(
                school_id=row.school_id,
                school_year_id=new.id,
                group_key=row.group_key,
                pupils=row.pupils,
            )
        )
    if adopted is not None:
        db.session.add(
            AllocationScenario(
                district_id=district.id,
                school_year_id=new.id,
                name=adopted.name,
                weights={level: dict(groups) for level, groups in adopted.weights.items()},
                central_share_bp=adopted.central_share_bp,
                minimum_cents=adopted.minimum_cents,
                hold_harmless=adopted.hold_harmless,
                status=ScenarioStatus.DRAFT.value,
            )
        )


def district_goals(district, old, new) -> None:
    """The district-wide goals, for the new year (schools align their goals with them)."""
    for goal in db.session.scalars(
        select(DistrictGoal)
        .where(DistrictGoal.school_year_id == old.id)
        .order_by(DistrictGoal.position)
    ):
        db.session.add(
            DistrictGoal(
                district_id=district.id,
                school_year_id=new.id,
                title=dict(goal.title or {}),
                position=goal.position,
                source_locale=goal.source_locale,
            )
        )


def salary_table(old, new) -> int:
    """The year's salary table (each role's average salary and benefits) as the new year's
    starting point: a new row per role, the old year's left as it was. The base program's
    rules are the district's, not a year's, so they need no copy. Returns how many rows."""
    rates = list(db.session.scalars(select(SalaryRate).where(SalaryRate.school_year_id == old.id)))
    for rate in rates:
        db.session.add(
            SalaryRate(
                staff_role_id=rate.staff_role_id,
                school_year_id=new.id,
                salary_cents=rate.salary_cents,
                benefits_cents=rate.benefits_cents,
            )
        )
    return len(rates)
