"""The district and its schools: finding schools, adding and editing them, the district's
settings."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models import School
from portal.models.district import SchoolLevel
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.short_links import ensure_short_link


def search_schools(district_id: int, query: str = "", level: str | None = None) -> list[School]:
    """Schools of a district whose name or address contains `query` (case-insensitive)."""
    stmt = select(School).where(School.district_id == district_id)
    query = (query or "").strip()[:100]
    if query:
        # Escape LIKE wildcards so "%" and "_" typed by a visitor match themselves.
        escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            or_(
                func.lower(School.name).like(pattern, escape="\\"),
                func.lower(School.address).like(pattern, escape="\\"),
            )
        )
    if level:
        stmt = stmt.where(School.level == level)
    return list(db.session.scalars(stmt.order_by(School.name)))


def school_by_slug(slug: str) -> School | None:
    """The school with this web address name (slugs are unique across the installation)."""
    return db.session.scalars(select(School).where(School.slug == slug)).first()


def _texts(values: dict[str, str]) -> dict[str, str]:
    """{locale: text} without the languages left empty."""
    return {code: text.strip() for code, text in (values or {}).items() if (text or "").strip()}


def _fill_school(school: School, details: dict) -> None:
    """Write a school's details, or Rejected for a web address name another school uses."""
    clash = school_by_slug(details["slug"])
    if clash is not None and clash is not school:
        raise Rejected({"slug": _("Another school already uses this web address name.")})
    if details["level"] not in set(SchoolLevel):
        raise Rejected({"level": _("Choose the school's level.")})
    school.name = details["name"].strip()
    school.slug = details["slug"]
    school.level = details["level"]
    school.address = (details.get("address") or "").strip()
    school.enrollment = details["enrollment"]
    school.source_locale = details.get("source_locale") or "en"
    school.description = _texts(details.get("description") or {})


def create_school(district, actor, **details) -> School:
    """Add a school to the district. `details`: name, slug, level, address, enrollment,
    source_locale and description ({locale: text}), as for `update_school`."""
    school = School(district_id=district.id, description={})
    _fill_school(school, details)
    db.session.add(school)
    db.session.flush()
    ensure_short_link("school", school.id)  # for its page, paper and text messages
    record_audit(actor, "school.created", "school", school.id, {"slug": school.slug})
    return school


def update_school(school: School, actor, **details) -> School:
    """Change a school's details and its description in each language (see `create_school`)."""
    _fill_school(school, details)
    record_audit(actor, "school.saved", "school", school.id, {"slug": school.slug})
    return school


def update_district(
    district,
    actor,
    *,
    name: str,
    default_locale: str,
    timezone: str,
    region: str,
    small_cell_threshold: int,
    tagline: dict[str, str],
    roll_call_votes: bool = False,
) -> None:
    """The district's name, main language, time zone, region, privacy threshold, tagline and
    whether committee votes are roll calls.
    Raises Rejected for a time zone we do not know or a threshold below five."""
    timezone = (timezone or "").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Rejected({"timezone": _("This is not a time zone we know.")}) from None
    if small_cell_threshold is None or small_cell_threshold < 5:
        raise Rejected({"small_cell_threshold": _("Enter a number from 5 to 100.")})
    district.name = name.strip()
    district.default_locale = default_locale
    district.timezone = timezone
    district.region = region
    district.small_cell_threshold = small_cell_threshold
    district.tagline = _texts(tagline)
    district.roll_call_votes = bool(roll_call_votes)
    record_audit(actor, "district.settings_saved", "district", district.id, {})
