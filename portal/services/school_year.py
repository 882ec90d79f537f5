"""The school-year domain: which year is current, the one before it, and its bounds in time."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.extensions import db
from portal.models import SchoolYear


def current_year(district_id: int) -> SchoolYear | None:
    """The district's current school year, or None while none is set."""
    return db.session.scalars(
        select(SchoolYear).where(SchoolYear.district_id == district_id, SchoolYear.is_current)
    ).first()


def previous_year(year: SchoolYear) -> SchoolYear | None:
    """The district's school year that started last before this one."""
    return db.session.scalars(
        select(SchoolYear)
        .where(SchoolYear.district_id == year.district_id, SchoolYear.starts_on < year.starts_on)
        .order_by(SchoolYear.starts_on.desc())
    ).first()


def year_bounds(year: SchoolYear, timezone: str) -> tuple[datetime, datetime]:
    """The school year as UTC times: from its first day's midnight to the day after its last,
    in the district's time zone."""
    zone = ZoneInfo(timezone)
    return (
        datetime.combine(year.starts_on, time.min, zone).astimezone(UTC),
        datetime.combine(year.ends_on + timedelta(days=1), time.min, zone).astimezone(UTC),
    )
