"""A school's whole budget as a spreadsheet with live formulas, for finance staff to reconcile:
public once the plan is (shared or approved), and for the school's editors while it is a draft."""

from flask import abort, g, request
from flask_login import current_user

from portal.blueprints.allocation import bp
from portal.blueprints.school_access import school_or_404
from portal.permissions import cacheable, can_edit_school
from portal.responses import download
from portal.services import plan_years, plans
from portal.services.budget_sheet import budget_sheet
from portal.services.charts import is_rtl


@bp.get("/schools/<slug>/budget/budget.xlsx")
@cacheable
def budget_export(slug: str):
    """The budget's positions, other investments and a summary with formulas (`?year=` as on
    the budget page; 404 without a plan the reader may see)."""
    school = school_or_404(slug)
    year = plan_years.year_to_read(g.district.id, school.id, request.args.get("year"))
    plan = plans.load_plan(school.id, year.id) if year is not None else None
    if plan is None:
        abort(404)
    # A draft is the office's: only those who may edit the school's plan see it (editor.py's
    # editable_school_or_404), and the answer is then private (web._cache_headers).
    if not plan.is_public and not (year.is_current and can_edit_school(current_user, school)):
        abort(404)
    sheet = budget_sheet(school, g.district, plan, rtl=is_rtl())
    return download(sheet.body, sheet.filename, sheet.mimetype)
