"""Public pages: a school's plan (and its PDF), comparing schools, the glossary."""

from flask import g, make_response, render_template, request
from sqlalchemy import select

from portal.blueprints.plans import bp
from portal.blueprints.school_access import school_or_404
from portal.extensions import db
from portal.models import GlossaryTerm, GoalMeasurement, School, SchoolYear
from portal.models.planning import PlanStatus
from portal.pdf import PDF_MIMETYPE, render_pdf
from portal.permissions import cacheable
from portal.services import funding, plans
from portal.services.charts import progress_chart
from portal.services.feedback import visible_feedback
from portal.services.school_year import current_year

MAX_COMPARED = 3


def public_plan(school: School, year):
    """The plan families may see: shared for feedback or approved (drafts stay in the office)."""
    if year is None:
        return None
    plan = plans.load_plan(school.id, year.id)
    if plan is None or plan.status == PlanStatus.DRAFT:
        return None
    return plan


def progress_by_lineage(plan) -> dict:
    """Each goal's indicator values by school year (one query), as chart data."""
    rows = db.session.execute(
        select(GoalMeasurement.lineage, SchoolYear.label, GoalMeasurement.value)
        .join(SchoolYear)
        .where(GoalMeasurement.lineage.in_([goal.lineage for goal in plan.goals]))
        .order_by(SchoolYear.starts_on)
    ).all()
    series: dict[str, list] = {}
    for lineage, label, value in rows:
        series.setdefault(lineage, []).append((label, value))
    goals = {goal.lineage: goal for goal in plan.goals}
    return {
        lineage: progress_chart(points, goals[lineage].target, goals[lineage].baseline)
        for lineage, points in series.items()
    }


def plan_context(school: School, run: "funding.PublishedRun | None" = None) -> dict:
    """Template values for a public plan. `run`: the published allocation, when the caller has
    already worked it out (comparing schools); otherwise it is worked out here."""
    year = current_year(g.district.id) if g.district else None
    plan = public_plan(school, year)
    context = {"school": school, "year": year, "plan": plan}
    if plan is None:
        return context
    money = funding.school_funding(run or funding.published_run(g.district.id, year.id), school.id)
    budget = plans.budget_totals(plan, money)
    context.update(
        money=money,
        sources=money.sources if money else [],
        budget=budget,
        progress=progress_by_lineage(plan),
        needs_questions=plans.NEEDS_QUESTIONS,
    )
    return context


@bp.get("/schools/<slug>/plan")
@cacheable
def school_plan(slug: str):
    """The plan in plain language: goals first, each with its strategies and what it costs."""
    school = school_or_404(slug)
    return render_template(
        "plans/plan.html",
        **plan_context(school),
        feedback=visible_feedback(school.id, "goal"),
        feedback_target="goal",
    )


@bp.get("/schools/<slug>/plan.pdf")
@cacheable
def school_plan_pdf(slug: str):
    """The whole site plan, typeset for Letter paper, in the reader's language."""
    school = school_or_404(slug)
    response = make_response(render_pdf("plans/plan_pdf.html", **plan_context(school)))
    response.headers["Content-Type"] = PDF_MIMETYPE
    response.headers["Content-Disposition"] = f'inline; filename="{school.slug}-plan.pdf"'
    return response


@bp.get("/schools/compare")
@cacheable
def compare():
    """Two or three schools side by side: goals, money per student, spending by goal."""
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
    return render_template(
        "plans/compare.html", schools=all_schools, chosen=chosen, columns=columns
    )


@bp.get("/glossary")
@cacheable
def glossary():
    """Plain definitions of the words families meet on school pages."""
    terms = (
        list(
            db.session.scalars(
                select(GlossaryTerm).where(GlossaryTerm.district_id == g.district.id)
            )
        )
        if g.district
        else []
    )
    return render_template("plans/glossary.html", terms=terms)
