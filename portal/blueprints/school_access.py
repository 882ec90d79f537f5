"""Finding the district's rows from a request: a school by its web address, any row by id, the
current school year; a school this user may edit."""

from flask import abort, g, request
from flask_login import current_user

from portal.access import deny
from portal.extensions import db
from portal.models import School
from portal.models.base import IllegalMove
from portal.permissions import can_edit_school
from portal.services.school_year import current_year
from portal.services.schools import school_by_slug
from portal.services.year_rollover import PAST_YEAR_MESSAGE, past_year_row


def school_or_404(slug: str) -> School:
    """The district's school with this slug, or 404."""
    school = school_by_slug(slug)
    if school is None or g.district is None or school.district_id != g.district.id:
        abort(404)
    return school


def editable_school_or_404(slug: str) -> School:
    """The school, if this user may edit it; otherwise 404, as for a school that does not
    exist, so a principal learns nothing about another school's pages (a 403 says they exist)."""
    school = school_or_404(slug)
    if not can_edit_school(current_user, school):
        deny(404)
    return school


def district_row_or_404(model, row_id: int):
    """A row of `model` (which has a district_id) belonging to this district, or 404."""
    row = db.session.get(model, row_id)
    if row is None or g.district is None or row.district_id != g.district.id:
        abort(404)
    # A past school year stays as it was: a change to one of its rows is refused (409).
    if request.method not in ("GET", "HEAD") and past_year_row(row):
        raise IllegalMove(PAST_YEAR_MESSAGE)
    return row


def current_year_or_404():
    """The district's current school year, or 404 while none is set."""
    year = current_year(g.district.id) if g.district else None
    if year is None:
        abort(404)
    return year
