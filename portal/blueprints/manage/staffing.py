"""District staff: the staffing setup. The list of roles, the salary table of each school year,
how positions are priced, and the base program every school keeps staffed."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.manage import bp
from portal.blueprints.manage.staffing_forms import (
    CostingForm,
    MoveRoleForm,
    role_form,
    rule_form,
    salary_form,
)
from portal.blueprints.school_access import district_row_or_404
from portal.extensions import db
from portal.forms import ActionForm, saved
from portal.models import BaseProgramRule, SchoolYear, StaffRole
from portal.models.staffing import PositionCosting
from portal.permissions import DISTRICT_STAFF, role_required
from portal.services import positions
from portal.services import staffing_setup as setup
from portal.services.school_year import current_year
from portal.services.year_rollover import past_year


def _to(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


def _costing_form(**kwargs) -> CostingForm:
    form = CostingForm(**kwargs)
    if not form.is_submitted():
        form.costing.data = g.district.position_costing
    return form


@bp.get("/staffing")
@role_required(*DISTRICT_STAFF)
def staffing():
    """The staffing setup: how positions are priced, and the three lists."""
    return _staffing_page(_costing_form(formdata=None))


def _staffing_page(form, status=200):
    return render_template(
        "manage/staffing/index.html",
        form=form,
        costings=list(PositionCosting),
        roles=positions.staff_roles(g.district.id),
        rules=setup.base_rules(g.district.id),
        year=current_year(g.district.id),
    ), status


@bp.post("/staffing/costing")
@role_required(*DISTRICT_STAFF)
def set_costing():
    """Price positions at the district's averages or at their actual cost."""
    form = _costing_form()
    year = current_year(g.district.id)
    result = {}

    def _set():
        result["n"] = setup.set_costing(g.district, year, current_user, form.costing.data)

    if saved(form, _set):
        flash(_("Saved: how positions are priced."), "success")
        if result["n"]:
            flash(_positions_changed(result["n"]), "success")
        return _to("manage.staffing")
    return _staffing_page(form, 422)


def _positions_changed(count: int) -> str:
    return ngettext("%(num)d position's cost changed.", "%(num)d positions' costs changed.", count)


# -- Roles ----------------------------------------------------------------------------------------


def _roles_page(form, status=200):
    roles = positions.staff_roles(g.district.id)
    return render_template("manage/staffing/roles.html", roles=roles, form=form), status


@bp.get("/staffing/roles")
@role_required(*DISTRICT_STAFF)
def staff_roles():
    """The district's list of roles, with a form to add one."""
    return _roles_page(role_form(formdata=None))


@bp.post("/staffing/roles")
@role_required(*DISTRICT_STAFF)
def add_staff_role():
    """Add a role at the end of the list."""
    form = role_form()
    if saved(form, lambda: setup.add_role(g.district, current_user, **form.values())):
        flash(_("Role added."), "success")
        return _to("manage.staff_roles")
    return _roles_page(form, 422)


@bp.route("/staffing/roles/<int:role_id>", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def edit_staff_role(role_id: int):
    """A role's job code, names and kind of staff."""
    role = district_row_or_404(StaffRole, role_id)
    form = role_form(role)
    if saved(form, lambda: setup.edit_role(role, current_user, **form.values())):
        flash(_("Role saved."), "success")
        return _to("manage.staff_roles")
    status = 422 if form.is_submitted() else 200
    return render_template(
        "manage/staffing/role.html", role=role, form=form, used=setup.positions_using(role)
    ), status


@bp.post("/staffing/roles/<int:role_id>/move")
@role_required(*DISTRICT_STAFF)
def move_staff_role(role_id: int):
    """Move a role one place up or down the list."""
    role = district_row_or_404(StaffRole, role_id)
    form = MoveRoleForm()
    step = {"up": -1, "down": 1}.get(form.direction.data or "")
    if step is None:
        abort(400)
    if saved(form, lambda: setup.move_role(role, current_user, step)):
        return redirect(url_for("manage.staff_roles") + f"#role-{role.id}", code=303)
    abort(400)


@bp.post("/staffing/roles/<int:role_id>/delete")
@role_required(*DISTRICT_STAFF)
def delete_staff_role(role_id: int):
    """Remove a role no position uses; otherwise say why not."""
    role = district_row_or_404(StaffRole, role_id)
    form = ActionForm()
    if saved(form, lambda: setup.remove_role(role, current_user)):
        flash(_("Role removed."), "success")
        return _to("manage.staff_roles")
    if not form.form_errors:
        abort(400)
    role = district_row_or_404(StaffRole, role_id)  # rolled back: load it again
    return render_template(
        "manage/staffing/role.html",
        role=role,
        form=role_form(role, formdata=None),
        used=setup.positions_using(role),
        refusal=" ".join(form.form_errors),
    ), 409


# -- The salary table -----------------------------------------------------------------------------


def _district_years() -> list[SchoolYear]:
    return list(
        db.session.scalars(
            select(SchoolYear)
            .where(SchoolYear.district_id == g.district.id)
            .order_by(SchoolYear.starts_on.desc())
        )
    )


def _salaries_page(year, form=None, status=200):
    roles = positions.staff_roles(g.district.id)
    rates = positions.salary_table(year.id)
    return render_template(
        "manage/staffing/salaries.html",
        year=year,
        years=_district_years(),
        roles=roles,
        rates=rates,
        past=past_year(year),
        form=form or salary_form(roles, rates, formdata=None),
        actual=positions.costs_actual(g.district),
    ), status


@bp.get("/staffing/salaries")
@role_required(*DISTRICT_STAFF)
def salary_table():
    """A school year's salary table (the current year unless ?year= names another)."""
    label = request.args.get("year")
    years = _district_years()
    year = next((y for y in years if y.label == label), None) if label else None
    if label and year is None:
        abort(404)
    year = year or current_year(g.district.id)
    if year is None:
        abort(404)
    return _salaries_page(year)


@bp.post("/staffing/salaries/<int:year_id>")
@role_required(*DISTRICT_STAFF)
def save_salary_table(year_id: int):
    """Save a year's table and price the year's positions again; past years answer 409."""
    year = district_row_or_404(SchoolYear, year_id)
    roles = positions.staff_roles(g.district.id)
    form = salary_form(roles, positions.salary_table(year.id))
    result = {}

    def _save():
        result["n"] = setup.save_salary_table(g.district, year, current_user, form.rows())

    setup.check_year_open(year)  # before the form: a past year's table is refused as a whole
    if saved(form, _save):
        flash(_("Salary table saved.") + " " + _positions_changed(result["n"]), "success")
        return _to("manage.salary_table", year=year.label)
    return _salaries_page(year, form, 422)


# -- The base program -----------------------------------------------------------------------------


def _base_page(form, status=200):
    rules = setup.base_rules(g.district.id)
    return render_template(
        "manage/staffing/base.html",
        rules=[(rule, setup.rule_sentence(rule)) for rule in rules],
        form=form,
        has_roles=bool(form.role.choices[1:]),
    ), status


@bp.get("/staffing/base")
@role_required(*DISTRICT_STAFF)
def base_program():
    """The base program's rules in plain words, with a form to add one."""
    return _base_page(rule_form(positions.staff_roles(g.district.id), formdata=None))


@bp.post("/staffing/base")
@role_required(*DISTRICT_STAFF)
def add_base_rule():
    """Add a base-program rule."""
    form = rule_form(positions.staff_roles(g.district.id))
    if saved(form, lambda: setup.add_rule(g.district, current_user, **form.values())):
        flash(_("Rule added."), "success")
        return _to("manage.base_program")
    return _base_page(form, 422)


@bp.route("/staffing/base/<int:rule_id>", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def edit_base_rule(rule_id: int):
    """A base-program rule's role, schools and numbers."""
    rule = district_row_or_404(BaseProgramRule, rule_id)
    form = rule_form(positions.staff_roles(g.district.id), rule)
    if saved(form, lambda: setup.edit_rule(rule, current_user, **form.values())):
        flash(_("Rule saved."), "success")
        return _to("manage.base_program")
    status = 422 if form.is_submitted() else 200
    return render_template(
        "manage/staffing/rule.html", rule=rule, sentence=setup.rule_sentence(rule), form=form
    ), status


@bp.post("/staffing/base/<int:rule_id>/delete")
@role_required(*DISTRICT_STAFF)
def delete_base_rule(rule_id: int):
    """Remove a base-program rule."""
    rule = district_row_or_404(BaseProgramRule, rule_id)
    if not saved(ActionForm(), lambda: setup.remove_rule(rule, current_user)):
        abort(400)
    flash(_("Rule removed."), "success")
    return _to("manage.base_program")
