"""The school-year domain: which year is current, the one before it, its bounds in time, and
its four phases' dates (the district's template, or a school's own)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from portal.extensions import db
from portal.models import PhaseWindow, SchoolYear
from portal.models.calendar import Phase


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


def phase_windows(year_id: int, school_id: int | None) -> dict[Phase, tuple[date, date]]:
    """The phase dates for a school: the district template, overridden by the school's own."""
    rows = db.session.scalars(
        select(PhaseWindow).where(
            PhaseWindow.school_year_id == year_id,
            or_(PhaseWindow.school_id.is_(None), PhaseWindow.school_id == school_id),
        )
    )
    windows: dict[Phase, tuple[date, date]] = {}
    for row in sorted(rows, key=lambda r: r.school_id is not None):  # template first
        windows[Phase(row.phase)] = (row.starts_on, row.ends_on)
    return dict(sorted(windows.items(), key=lambda item: item[1][0]))


def current_phase(windows: dict[Phase, tuple[date, date]], today: date) -> Phase | None:
    """The phase whose dates include today (if a school's own dates overlap the district's, the
    one that started last); between phases, the next one to start."""
    current = [
        (starts, phase) for phase, (starts, ends) in windows.items() if starts <= today <= ends
    ]
    if current:
        return max(current)[1]
    later = [(starts, phase) for phase, (starts, _) in windows.items() if starts > today]
    return min(later)[1] if later else None


def phase_on(windows: dict[Phase, tuple[date, date]], day: date) -> Phase | None:
    """The phase a day belongs to: the one whose dates include it (the latest to start where
    they overlap), else the last one that started before it, else the first to come."""
    containing = [(s, p) for p, (s, e) in windows.items() if s <= day <= e]
    if containing:
        return max(containing)[1]
    started = [(s, p) for p, (s, _) in windows.items() if s <= day]
    if started:
        return max(started)[1]
    later = [(s, p) for p, (s, _) in windows.items()]
    return min(later)[1] if later else None
