"""Comparing schools side by side: goals, money per student, spending by goal and people."""

from flask import g, render_template, request
from sqlalchemy import select

from portal.blueprints.plans import bp
from portal.blueprints.plans.routes import plan_context
from portal.extensions import db
from portal.models import School
from portal.permissions import cacheable
from portal.services import equity, funding
from portal.services.school_year import current_year

MAX_COMPARED = 3


@bp.get("/schools/compare")
@cacheable
def compare():
    """Two or three schools side by side: goals, money per student, the base program and
    spending by goal, and what each spends per student on people and on everything else."""
    wanted = [s for s in (request.args.get("schools") or "").split(",") if s][:MAX_COMPARED]
    wanted += request.args.getlist("school")[: MAX_COMPARED - len(wanted)]
    all_schools = list(
        db.session.scalars(
            select(School).where(School.district_id == g.district.id).order_by(School.name)
        )
    )
    by_slug = {school.slug: school for school in all_schools}
    chosen = [by_slug[slug] for slug in dict.fromkeys(wanted) if slug in by_slug]
    columns = []
    if len(chosen) >= 2:
        year = current_year(g.district.id)
        run = funding.published_run(g.district.id, year.id) if year else None
        columns = [plan_context(school, run) for school in chosen]
        for column in columns:
            if column.get("budget") is not None:
                money = column["money"]
                pupils = money.pupils if money else column["school"].enrollment
                column["people"] = equity.people_view(column["budget"], pupils)
    return render_template(
        "plans/compare.html", schools=all_schools, chosen=chosen, columns=columns
    )
