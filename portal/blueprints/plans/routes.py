"""Public pages: a school's plan (and its PDF) and the glossary. Comparing schools is compare.py."""

from flask import abort, g, render_template, request

from portal.blueprints.plans import bp
from portal.blueprints.school_access import school_or_404
from portal.models import School
from portal.permissions import cacheable
from portal.responses import pdf_download, public_pdf_limit
from portal.services import funding, plan_versions, plan_years, plans
from portal.services.feedback import visible_feedback
from portal.services.school_year import current_year
from portal.services.spending import money_context


def asked_year(school: School):
    """The school year the page is read under: `?year=2025-26` names a past year with a
    published plan (404 otherwise: unknown, or only a draft); no `year`, the current one."""
    year = plan_years.year_to_read(g.district.id, school.id, request.args.get("year"))
    if year is None and request.args.get("year"):
        abort(404)
    return year


def year_links(school: School, year) -> dict:
    """The year picker's values: the years with a published plan, the one shown, and the
    `year` URL argument that keeps links in that year (None, so no argument, for the current
    year: today's URLs stay as they are)."""
    return {
        "published_years": plan_years.published_years(school.id),
        "year_arg": year.label if year is not None and not year.is_current else None,
    }


@bp.app_template_global("plan_years")
def years_of_plans(school: School) -> list:
    """The years a school's pages may be read under (the school page's year picker)."""
    return plan_years.published_years(school.id)


def plan_context(school: School, run: "funding.PublishedRun | None" = None, year=None) -> dict:
    """Template values for a public plan of `year` (the current year when None). `run`: the
    published allocation, when the caller has already worked it out (comparing schools);
    otherwise it is worked out here."""
    if year is None:
        year = current_year(g.district.id) if g.district else None
    plan = plans.public_plan(school.id, year.id) if year else None
    context = {"school": school, "year": year, "plan": plan, **year_links(school, year)}
    if plan is None:
        return context
    money = funding.school_funding(run or funding.published_run(g.district.id, year.id), school.id)
    money_values = money_context(plan, money, g.district)
    context.update(
        money=money,
        sources=money.sources if money else [],
        **money_values,
        progress=plans.progress_charts(plan),
        needs_questions=plans.NEEDS_QUESTIONS,
        record=plan_versions.public_record(plan, money),
    )
    return context


@bp.get("/schools/<slug>/plan")
@cacheable
def school_plan(slug: str):
    """The plan in plain language: goals first, each with its strategies and what it costs."""
    school = school_or_404(slug)
    return render_template(
        "plans/plan.html",
        **plan_context(school, year=asked_year(school)),
        feedback=visible_feedback(school.id, "goal"),
        feedback_target="goal",
    )


def version_context(school: School, number: int) -> dict:
    """Template values for an approved version of the asked year's plan (404 when there is
    none). Everything money is the version's own (the allocation it rested on, frozen with
    it), so the working plan's money is not worked out for this page."""
    year = asked_year(school) or (current_year(g.district.id) if g.district else None)
    plan = plans.public_plan(school.id, year.id) if year else None
    version = plan_versions.version_page(plan, number) if plan else None
    if version is None:
        abort(404)
    money_values = money_context(version["plan"], version["money"], g.district)
    return {"school": school, "year": year, **year_links(school, year), **money_values, **version}


@bp.get("/schools/<slug>/plan/versions/<int:number>")
@cacheable
def plan_version(slug: str, number: int):
    """An approved version of this year's plan, read-only, exactly as the council approved it."""
    return render_template("plans/plan.html", **version_context(school_or_404(slug), number))


@bp.get("/schools/<slug>/plan/versions/<int:number>.pdf")
@public_pdf_limit
@cacheable
def plan_version_pdf(slug: str, number: int):
    """An approved version, typeset like the plan's PDF, with its approval line."""
    school = school_or_404(slug)
    context = version_context(school, number)
    return pdf_download(
        "plans/plan_pdf.html",
        f"{school.slug}-plan-{context['year'].label}-version-{number}.pdf"
        if context["year_arg"]
        else f"{school.slug}-plan-version-{number}.pdf",
        **context,
    )


@bp.get("/schools/<slug>/plan.pdf")
@public_pdf_limit
@cacheable
def school_plan_pdf(slug: str):
    """The whole site plan, typeset for Letter paper, in the reader's language."""
    school = school_or_404(slug)
    context = plan_context(school, year=asked_year(school))
    # A past year's file says its year; this year's keeps its name.
    suffix = f"-{context['year'].label}" if context["year_arg"] else ""
    return pdf_download("plans/plan_pdf.html", f"{school.slug}-plan{suffix}.pdf", **context)


@bp.get("/glossary")
@cacheable
def glossary():
    """Plain definitions of the words families meet on school pages."""
    terms = plans.glossary_terms(g.district.id) if g.district else []
    return render_template("plans/glossary.html", terms=terms)
