"""Public page: the people in a school's budget, role by role (the budget page's drill-down)."""

from flask import abort, g, render_template, request

from portal.blueprints.allocation import bp
from portal.blueprints.school_access import school_or_404
from portal.permissions import cacheable
from portal.services import plan_years
from portal.services.spending import people_context


@bp.get("/schools/<slug>/budget/people")
@cacheable
def school_people(slug: str):
    """Every role the budget pays for: how many people, what they cost, whether they are
    funded, which goal or the base program each position serves and what pays for it."""
    school = school_or_404(slug)
    # `?year=2025-26`: a past year with a published plan (404 otherwise); none: this year.
    year = plan_years.year_to_read(g.district.id, school.id, request.args.get("year"))
    if year is None and request.args.get("year"):
        abort(404)
    context = people_context(school, year, g.district)
    if context is None:
        abort(404)
    return render_template(
        "allocation/people.html",
        **context,
        published_years=plan_years.published_years(school.id),
        year_arg=year.label if not year.is_current else None,
    )
