"""Finding schools."""

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models import School


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
    return db.session.scalars(select(School).where(School.slug == slug)).first()
