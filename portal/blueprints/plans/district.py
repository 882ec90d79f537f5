"""District staff: the year's district goals, the spending categories, the glossary."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.plans import bp
from portal.blueprints.plans.forms import DISTRICT_FORMS
from portal.blueprints.school_access import district_row_or_404
from portal.extensions import db
from portal.forms import saved
from portal.models import DistrictGoal, GlossaryTerm, InvestmentCategory
from portal.permissions import DISTRICT_STAFF, role_required
from portal.services import district_planning as lists
from portal.services import plans
from portal.services.school_year import current_year

KINDS = {"goal": DistrictGoal, "category": InvestmentCategory, "term": GlossaryTerm}

# What each form adds, from its values: (form, the current year) -> the service's call.
ADD = {
    "goal": lambda form, year: lists.add_district_goal(
        g.district, year, form.translations("title"), current_user
    ),
    "category": lambda form, year: lists.add_category(
        g.district, form.code.data or "", form.translations("name"), current_user
    ),
    "term": lambda form, year: lists.add_glossary_term(
        g.district, form.translations("term"), form.translations("definition"), current_user
    ),
}


def _page(status=200, refused=None, which=None):
    """The page with its three forms: the refused one (`which`) as typed, the others empty."""
    year = current_year(g.district.id)
    forms = {
        kind: refused if kind == which else form_class(formdata=None)
        for kind, form_class in DISTRICT_FORMS.items()
    }
    return render_template(
        "plans/district.html",
        year=year,
        goals=plans.district_goals(year.id) if year else [],
        categories=plans.categories(g.district.id),
        terms=plans.glossary_terms(g.district.id),
        forms_by_kind=forms,
        which=which,
    ), status


@bp.get("/manage/planning")
@role_required(*DISTRICT_STAFF)
def district_planning():
    """What every school's plan builds on."""
    return _page()


@bp.post("/manage/planning/<kind>")
@role_required(*DISTRICT_STAFF)
def add_planning_item(kind: str):
    """Add a district goal, a spending category or a glossary term."""
    if kind not in DISTRICT_FORMS:
        abort(404)
    year = current_year(g.district.id)
    if kind == "goal" and year is None:
        abort(404)
    form = DISTRICT_FORMS[kind]()
    if saved(form, lambda: ADD[kind](form, year)):
        flash(_("Added."), "success")
        return redirect(url_for("plans.district_planning") + f"#{kind}", code=303)
    return _page(422, form, kind)


@bp.post("/manage/planning/<kind>/<int:item_id>/delete")
@role_required(*DISTRICT_STAFF)
def delete_planning_item(kind: str, item_id: int):
    """Remove a district goal, a category or a glossary term."""
    if kind not in KINDS:
        abort(404)
    lists.remove_item(district_row_or_404(KINDS[kind], item_id), current_user)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("plans.district_planning") + f"#{kind}", code=303)
