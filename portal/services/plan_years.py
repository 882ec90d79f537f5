"""Past years stay public: the school years a school's public pages may be read under (those
with a published plan), and the year a page's `?year=` asks for. Nothing here changes a row."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import SchoolPlan, SchoolYear
from portal.models.planning import PlanStatus
from portal.services.school_year import current_year


def published_years(school_id: int) -> list[SchoolYear]:
    """The school years in which this school published a plan (shared or approved; never a
    draft), newest first: the years its public pages may be read under."""
    return list(
        db.session.scalars(
            select(SchoolYear)
            .join(SchoolPlan, SchoolPlan.school_year_id == SchoolYear.id)
            .where(SchoolPlan.school_id == school_id, SchoolPlan.status != PlanStatus.DRAFT.value)
            .order_by(SchoolYear.starts_on.desc())
        )
    )


def year_to_read(district_id: int, school_id: int, label: str | None) -> SchoolYear | None:
    """The school year a public page is read under: the current one when no label is asked
    for; otherwise the year with that label, only if the school published a plan in it (None
    for an unknown label or a year with only a draft, which the page answers with 404)."""
    current = current_year(district_id)
    if not label or (current is not None and current.label == label):
        return current
    return next((y for y in published_years(school_id) if y.label == label), None)
