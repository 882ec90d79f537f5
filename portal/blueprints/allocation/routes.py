"""Public pages: a school's money as arithmetic, the district's weights and equity view, and a
spreadsheet that reproduces a school's number with live formulas."""

from flask import abort, g, render_template, request

from portal import formatting
from portal.blueprints.allocation import bp
from portal.blueprints.school_access import school_or_404
from portal.models import SchoolLevel
from portal.models.allocation import Distribution, ScenarioStatus
from portal.permissions import cacheable
from portal.responses import download
from portal.services import plan_years
from portal.services.allocation_pages import district_page, school_budget_context
from portal.services.allocation_sheet import calculator_sheet
from portal.services.charts import is_rtl
from portal.services.feedback import visible_feedback


@bp.get("/schools/<slug>/budget")
@cacheable
def school_budget(slug: str):
    """How much the school has and where it comes from (arithmetic a parent can check), what it
    is spent on, and what is still open for input."""
    school = school_or_404(slug)
    # `?year=2025-26`: a past year with a published plan (404 otherwise); none: this year.
    year = plan_years.year_to_read(g.district.id, school.id, request.args.get("year"))
    if year is None and request.args.get("year"):
        abort(404)
    context = school_budget_context(school, g.district, year)
    context["feedback"] = visible_feedback(school.id, "investment")
    return render_template("allocation/school_budget.html", **context)


@bp.get("/allocation")
@cacheable
def district():
    """The district's weights, what it distributes and holds centrally, and the equity view."""
    return render_template("allocation/district.html", **district_page(g.district).as_context())


@bp.get("/schools/<slug>/budget/calculator.xlsx")
@cacheable
def calculator(slug: str):
    """A spreadsheet that reproduces the school's money with live formulas (404 while nothing
    is published)."""
    sheet = calculator_sheet(school_or_404(slug), g.district, rtl=is_rtl())
    if sheet is None:
        abort(404)
    return download(sheet.body, sheet.filename, sheet.mimetype)


@bp.app_template_filter()
def percent(value: float) -> str:
    return formatting.percent(value, "#,##0%")


@bp.app_template_filter()
def share_percent(value: float) -> str:
    """A share with one decimal when it has one: 0.4 %, not a misleading 0 %."""
    return formatting.percent(value, "#,##0.#%")


@bp.app_template_filter()
def level_label(level: str) -> str:
    return str(SchoolLevel(level).label)


@bp.app_template_filter()
def distribution_label(value: str) -> str:
    return str(Distribution(value).label)


@bp.app_template_filter()
def scenario_status_label(value: str) -> str:
    return str(ScenarioStatus(value).label)
