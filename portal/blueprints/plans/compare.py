"""Comparing schools side by side: goals, money per student, spending by goal and people."""

from flask import g, render_template, request

from portal.blueprints.plans import bp
from portal.models import SchoolLevel
from portal.permissions import cacheable
from portal.services import equity
from portal.services.school_year import current_year

MAX_COMPARED = 3
# Schools offered as check boxes at once: a district of 1,000 schools is searched, not listed.
MAX_OFFERED = 40
LEVELS = [level.value for level in SchoolLevel]


@bp.get("/schools/compare")
@cacheable
def compare():
    """Two or three schools side by side: goals, money per student, the base program and
    spending by goal, and what each spends per student on people and on everything else. The
    chooser lists the schools matching `q` and `level` (at most MAX_OFFERED), the chosen ones
    first."""
    wanted = [s for s in (request.args.get("schools") or "").split(",") if s][:MAX_COMPARED]
    wanted += request.args.getlist("school")[: MAX_COMPARED - len(wanted)]
    query = (request.args.get("q") or "").strip()[:100]
    level = request.args.get("level")
    level = level if level in LEVELS else None
    chosen, offered, more = equity.compare_choices(g.district.id, wanted, query, level, MAX_OFFERED)
    columns = equity.compare_columns(g.district.id, current_year(g.district.id), chosen)
    if len(chosen) < 2:
        columns = []
    return render_template(
        "plans/compare.html",
        schools=offered,
        more=more,
        query=query,
        level=level,
        levels=LEVELS,
        chosen=chosen,
        columns=columns,
    )
