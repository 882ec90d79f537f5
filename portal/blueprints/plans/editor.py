"""The principal's plan editor and budget matrix. Every form works as a plain POST; with htmx the
same handlers answer with just the section that changed (editor_page)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.blueprints.plans import bp
from portal.blueprints.plans.editor_page import (
    done,
    editable_plan,
    editing_locale,
    page,
    refused,
    section_of,
)
from portal.blueprints.plans.forms import (
    ROW_FORMS,
    MoveForm,
    NeedsForm,
    ProgressForm,
    ReadingForm,
    StartPlanForm,
    budget_form,
    field_ids,
    row_form,
    settings_form,
)
from portal.blueprints.school_access import current_year_or_404, editable_school_or_404
from portal.extensions import db
from portal.forms import saved
from portal.htmx import render, wants_fragment
from portal.permissions import SCHOOL_EDITORS, role_required
from portal.services import funding, plan_editing, plans, positions
from portal.services.errors import Rejected
from portal.services.readability import reading_hint

ADDED = {
    "goal": _l("Goal added."),
    "strategy": _l("Strategy added."),
    "action": _l("Action added."),
    "investment": _l("Investment added."),
    "position": _l("Position added."),
}


def _row_form(kind: str):
    """The posted form of a row kind (a position's has a cost field only under actual costing)."""
    return row_form(kind, positions.costs_actual(g.district))


def _focus(kind: str, row_id) -> str:
    """A position is shown in the investments list, under the investment's ids."""
    return f"{'investment' if kind == 'position' else kind}-{row_id}"


def _row_or_404(plan, kind: str, row_id):
    row = plan_editing.find_row(plan, kind, row_id)
    if row is None:
        abort(404)
    return row


@bp.get("/manage/schools/<slug>/plan")
@role_required(*SCHOOL_EDITORS)
def edit_plan(slug: str):
    """The plan editor: status, needs, goals with strategies and actions, investments."""
    section = "investments" if wants_fragment("investments") else "goals"
    return page(editable_school_or_404(slug), section)


@bp.post("/manage/schools/<slug>/plan")
@role_required(*SCHOOL_EDITORS)
def create_plan(slug: str):
    """Start this year's plan, empty or from last year's."""
    school = editable_school_or_404(slug)
    form = StartPlanForm()
    try:
        plan_editing.start_plan(
            school,
            current_year_or_404(),
            editing_locale(),
            current_user,
            from_previous=form.validate() and form.origin.data == "previous",
        )
    except Rejected as error:
        db.session.rollback()
        flash(" ".join(error.messages), "error")
    else:
        db.session.commit()
        flash(_("The plan is started."), "success")
    return redirect(url_for("plans.edit_plan", slug=slug), code=303)


@bp.post("/manage/schools/<slug>/plan/settings")
@role_required(*SCHOOL_EDITORS)
def plan_settings(slug: str):
    """Share the plan for feedback or take it back to draft, and the planning figure."""
    school, _year, plan = editable_plan(slug)
    form = settings_form(plan)
    at = ("settings", None, None)
    if saved(
        form,
        lambda: plan_editing.save_settings(
            plan, form.chosen_status, form.planning_figure_cents.data, current_user
        ),
    ):
        flash(_("Plan settings saved."), "success")
        return redirect(url_for("plans.edit_plan", slug=slug, focus="settings"), code=303)
    return refused(school, "goals", form, at)


@bp.post("/manage/schools/<slug>/plan/needs")
@role_required(*SCHOOL_EDITORS)
def plan_needs(slug: str):
    """The needs assessment, in the editing language."""
    school, _year, plan = editable_plan(slug)
    form = field_ids(NeedsForm(), "need")
    if not form.validate():
        return refused(school, "goals", form, ("needs", None, None))
    plan_editing.save_needs(plan, form.answers(), editing_locale(), current_user)
    db.session.commit()
    flash(_("Needs assessment saved."), "success")
    return redirect(url_for("plans.edit_plan", slug=slug, focus="needs"), code=303)


@bp.post("/manage/schools/<slug>/plan/<kind>/add")
@role_required(*SCHOOL_EDITORS)
def add_row(slug: str, kind: str):
    """Add a goal, strategy (to a goal), action (to a strategy), investment or position."""
    if kind not in ROW_FORMS:
        abort(404)
    school, _year, plan = editable_plan(slug)
    form = _row_form(kind)
    parent = None
    if kind in plan_editing.PARENTS:
        parent = _row_or_404(plan, plan_editing.PARENTS[kind], form.parent)
    at = (kind, "new", parent.id if parent else None)
    added = []  # the new row, for its id
    if saved(
        form,
        lambda: added.append(
            plan_editing.add_row(plan, kind, form.values(), editing_locale(), current_user, parent)
        ),
    ):
        return done(school, section_of(kind), ADDED[kind], _focus(kind, added[0].id))
    return refused(school, section_of(kind), form, at)


@bp.post("/manage/schools/<slug>/plan/<kind>/<int:row_id>")
@role_required(*SCHOOL_EDITORS)
def update_row(slug: str, kind: str, row_id: int):
    """Save a row's fields; translatable text goes into the editing language."""
    if kind not in ROW_FORMS:
        abort(404)
    school, _year, plan = editable_plan(slug)
    row = _row_or_404(plan, kind, row_id)
    if kind == "investment" and row.is_position:
        abort(404)  # a position is saved through its own form (/plan/position/<id>)
    form = _row_form(kind)
    at = (kind, row_id, None)
    if saved(
        form,
        lambda: plan_editing.update_row(plan, row, form.values(), editing_locale(), current_user),
    ):
        return done(school, section_of(kind), _("Saved."), _focus(kind, row_id))
    return refused(school, section_of(kind), form, at)


@bp.post("/manage/schools/<slug>/plan/<kind>/<int:row_id>/delete")
@role_required(*SCHOOL_EDITORS)
def delete_row(slug: str, kind: str, row_id: int):
    """Remove a row (a goal with its strategies, actions and investments)."""
    if kind not in ROW_FORMS:
        abort(404)
    school, _year, plan = editable_plan(slug)
    plan_editing.remove_row(plan, _row_or_404(plan, kind, row_id), current_user)
    db.session.commit()
    return done(school, section_of(kind), _("Removed."))


@bp.post("/manage/schools/<slug>/plan/<kind>/<int:row_id>/move")
@role_required(*SCHOOL_EDITORS)
def move_row(slug: str, kind: str, row_id: int):
    """Move a goal up or down, or an investment up or down in priority."""
    if kind not in ("goal", "investment"):
        abort(404)
    school, _year, plan = editable_plan(slug)
    form = MoveForm()
    plan_editing.move_row(plan, _row_or_404(plan, kind, row_id), form.up, current_user)
    db.session.commit()
    direction = "up" if form.up else "down"
    return done(school, section_of(kind), _("Moved."), f"{kind}-{row_id}-{direction}")


@bp.post("/manage/schools/<slug>/plan/goal/<int:row_id>/progress")
@role_required(*SCHOOL_EDITORS)
def record_progress(slug: str, row_id: int):
    """Record the goal's indicator value for this school year."""
    school, year, plan = editable_plan(slug)
    goal = _row_or_404(plan, "goal", row_id)
    form = ProgressForm()
    if not form.validate():
        return refused(school, "goals", form, ("progress", row_id, None))
    plan_editing.record_progress(plan, goal, year, form.value.data, current_user)
    db.session.commit()
    return done(school, "goals", _("Progress recorded."), f"goal-{goal.id}")


@bp.post("/manage/readability")
@role_required(*SCHOOL_EDITORS)
def readability():
    """The reading-level hint for English text as it is typed (htmx)."""
    form = ReadingForm()
    return render_template(
        "plans/_partials/reading_hint.html",
        hint=reading_hint(form.statement.data or ""),
        hint_id=(request.headers.get("HX-Target") or "reading-hint")[:80],
    )


@bp.route("/manage/schools/<slug>/budget", methods=["GET", "POST"])
@role_required(*SCHOOL_EDITORS)
def edit_budget(slug: str):
    """The budget matrix: investments down, funding streams across."""
    school, year, plan = editable_plan(slug)
    money = funding.school_funding(funding.published_run(g.district.id, year.id), school.id)
    sources = money.sources if money else []
    budget = plans.budget_totals(plan, money)
    form = budget_form(budget.ranked, sources, budget.cells)
    if form.validate_on_submit():
        stream_ids = [source.stream.id for source in sources]
        plan_editing.save_budget(plan, form.cells(), stream_ids, current_user)
        db.session.commit()
        flash(_("Budget saved."), "success")
        return redirect(url_for("plans.edit_budget", slug=slug), code=303)
    return render(
        "plans/budget_editor.html",
        "plans/_partials/matrix.html",
        "matrix",
        status=422 if form.errors else 200,
        school=school,
        plan=plan,
        money=money,
        sources=sources,
        budget=budget,
        base_checks=positions.school_base_checks(school, budget),
        form=form,
    )
