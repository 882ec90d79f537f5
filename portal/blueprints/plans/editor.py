"""The principal's plan editor and budget matrix. Every form works as a plain POST; with htmx the
same handlers answer with just the section that changed."""

import re

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.blueprints.plans import bp
from portal.blueprints.plans.rows import (
    parse_action,
    parse_goal,
    parse_investment,
    parse_strategy,
)
from portal.blueprints.school_access import current_year_or_404, editable_school_or_404
from portal.extensions import db
from portal.forms import parse_date, parse_decimal, parse_dollars, parse_int
from portal.htmx import render, wants_fragment
from portal.models import (
    DistrictGoal,
    Goal,
    GoalMeasurement,
    Investment,
    InvestmentCategory,
    PlanAction,
    SchoolPlan,
    SchoolYear,
    Strategy,
)
from portal.models.planning import ActionStatus, PlanStatus
from portal.permissions import SCHOOL_EDITORS, role_required
from portal.services import funding, plans
from portal.services.readability import reading_hint
from portal.services.school_year import previous_year

SECTIONS = ("goals", "investments")
ADDED = {
    "goal": _l("Goal added."),
    "strategy": _l("Strategy added."),
    "action": _l("Action added."),
    "investment": _l("Investment added."),
}
TRANSLATED_FIELDS = {
    "goal": ("statement", "indicator"),
    "strategy": ("description",),
    "action": ("description",),
    "investment": ("description",),
}


def _editing_locale() -> str:
    return str(get_locale())


# What the page can be asked to focus after a change (?focus=...): a row, a row's move button,
# or a section.
FOCUS = re.compile(
    r"(goal|strategy|action|investment)-(\d+)(-up|-down)?|goals|investments|settings|needs"
)


def _opened(plan, kind: str, row_id, parent=None) -> set[str]:
    """The ids of the <details> to open so that a row (or its add form) can be seen."""
    if plan is None:
        return set()
    if kind in ("settings", "needs"):
        return {kind}
    strategy_goal = {s.id: g.id for g in plan.goals for s in g.strategies}
    action_strategy = {a.id: s.id for g in plan.goals for s in g.strategies for a in s.actions}
    if row_id == "new":
        if kind == "goal":
            return {"add-goal"}
        if kind == "strategy":
            return {f"goal-{parent}", f"add-strategy-{parent}"}
        if kind == "action":
            return {
                f"goal-{strategy_goal.get(parent)}",
                f"strategy-{parent}",
                f"add-action-{parent}",
            }
        return {"add-investment"}
    if kind == "progress":
        return {f"goal-{row_id}", f"progress-{row_id}"}
    if kind == "strategy":
        return {f"goal-{strategy_goal.get(row_id)}", f"strategy-{row_id}"}
    if kind == "action":
        strategy = action_strategy.get(row_id)
        return {f"goal-{strategy_goal.get(strategy)}", f"strategy-{strategy}", f"action-{row_id}"}
    return {f"{kind}-{row_id}"}


def _focus_for(plan, wanted: str | None) -> tuple[str | None, set[str]]:
    """What to focus and open for "goal-12", "investment-3-up" or a section name (after a
    change; without JavaScript it comes back as ?focus=...)."""
    match = FOCUS.fullmatch(wanted or "")
    if not match:
        return None, set()
    if match.group(1) is None:
        return (f"{wanted}-h", {wanted})
    kind, row_id, button = match.group(1), int(match.group(2)), match.group(3)
    opened = _opened(plan, kind, row_id)
    return (f"{kind}-{row_id}{button}" if button else f"{kind}-{row_id}-summary"), opened


def _context(
    school,
    plan,
    year,
    errors=None,
    form=None,
    error_row=None,
    focus=None,
    opened=None,
    announce="",
    oob=False,
):
    district_goals = list(
        db.session.scalars(
            select(DistrictGoal)
            .where(DistrictGoal.school_year_id == year.id)
            .order_by(DistrictGoal.position)
        )
    )
    categories = list(
        db.session.scalars(
            select(InvestmentCategory)
            .where(InvestmentCategory.district_id == g.district.id)
            .order_by(InvestmentCategory.position)
        )
    )
    money = funding.school_funding(funding.published_run(g.district.id, year.id), school.id)
    change = parse_int(request.args.get("change"), -90, 90) or 0
    budget = plans.budget_totals(plan, money, change) if plan else None
    measurements = {}
    if plan:
        lineages = [goal.lineage for goal in plan.goals]
        for m in db.session.scalars(
            select(GoalMeasurement)
            .where(GoalMeasurement.lineage.in_(lineages))
            .join(SchoolYear)
            .order_by(SchoolYear.starts_on)
        ):
            measurements.setdefault(m.lineage, []).append(m)
    return {
        "school": school,
        "plan": plan,
        "year": year,
        "district_goals": district_goals,
        "categories": categories,
        "budget": budget,
        "available": budget.available_cents if budget else None,
        "from_allocation": money is not None,
        "change": change,
        "ranked": budget.ranked if budget else [],
        "cut": budget.cut if budget else None,
        "measurements": measurements,
        "errors": errors or {},
        "form": form or {},
        "error_row": error_row,
        # After a change: the element that takes the focus, the <details> shown open, and what
        # the polite live region says ("Goal added."); `oob` when htmx swaps one section, so
        # the live region and the table of contents are sent along out of band.
        "focus": focus,
        "opened": (opened or set()) | (_opened(plan, *error_row) if error_row else set()),
        "announce": announce,
        "oob": oob,
        "editing": _editing_locale(),
        "statuses": [(s.value, s.label) for s in PlanStatus],
        "action_statuses": [(s.value, s.label) for s in ActionStatus],
        "needs_questions": plans.NEEDS_QUESTIONS,
        "previous": previous_year(year),
        "reading_hint": reading_hint,
    }


def _plan_or_404(school, year) -> SchoolPlan:
    plan = plans.load_plan(school.id, year.id)
    if plan is None:
        abort(404)
    return plan


def _page(school, section: str = "goals", status: int = 200, **extra):
    year = current_year_or_404()
    plan = plans.load_plan(school.id, year.id)
    extra.setdefault("oob", wants_fragment(section))
    if not extra.get("errors"):
        extra["focus"], extra["opened"] = _focus_for(
            plan, extra.pop("focus_target", None) or request.args.get("focus")
        )
    return render(
        "plans/editor.html",
        f"plans/_partials/{section}.html",
        section,
        status=status,
        **_context(school, plan, year, **extra),
    )


def _done(school, section: str, message: str, focus: str | None = None):
    """After a change: the section for htmx, else back to the page at that section. Either way
    the changed row (`focus`: "goal-12", "investment-3-up") is shown open and takes the focus,
    or the section's heading when the row is gone, and `message` is announced politely."""
    target, message = focus or section, str(message)
    if wants_fragment(section):
        return _page(school, section, focus_target=target, announce=message)
    flash(message, "success")
    # No #fragment: a browser skips `autofocus` when the address has one, and the autofocused
    # row is scrolled into view anyway.
    return redirect(url_for("plans.edit_plan", slug=school.slug, focus=target), code=303)


@bp.get("/manage/schools/<slug>/plan")
@role_required(*SCHOOL_EDITORS)
def edit_plan(slug: str):
    """The plan editor: status, needs, goals with strategies and actions, investments."""
    section = "investments" if wants_fragment("investments") else "goals"
    return _page(editable_school_or_404(slug), section)


@bp.post("/manage/schools/<slug>/plan")
@role_required(*SCHOOL_EDITORS)
def create_plan(slug: str):
    """Start this year's plan, empty or from last year's."""
    school = editable_school_or_404(slug)
    year = current_year_or_404()
    if plans.load_plan(school.id, year.id) is not None:
        flash(_("This year's plan already exists."), "error")
        return redirect(url_for("plans.edit_plan", slug=slug), code=303)
    if request.form.get("from") == "previous":
        plan = plans.start_from_previous(school.id, year)
        if plan is None:
            flash(_("There is no plan from last year to start from."), "error")
            return redirect(url_for("plans.edit_plan", slug=slug), code=303)
    else:
        db.session.add(
            SchoolPlan(school_id=school.id, school_year_id=year.id, source_locale=_editing_locale())
        )
    db.session.commit()
    flash(_("The plan is started."), "success")
    return redirect(url_for("plans.edit_plan", slug=slug), code=303)


@bp.post("/manage/schools/<slug>/plan/settings")
@role_required(*SCHOOL_EDITORS)
def plan_settings(slug: str):
    """Status (draft, shared for feedback, approved on a date) and the planning figure."""
    school = editable_school_or_404(slug)
    plan = _plan_or_404(school, current_year_or_404())
    form, errors = request.form, {}
    status = form.get("status")
    approved_on = parse_date(form.get("approved_on")) if form.get("approved_on") else None
    figure = parse_dollars(form.get("planning_figure")) if form.get("planning_figure") else None
    if status not in {s.value for s in PlanStatus}:
        errors["status"] = _("Choose a status.")
    if status == PlanStatus.APPROVED and approved_on is None:
        errors["approved_on"] = _("Enter the date the site council approved the plan.")
    if form.get("planning_figure") and figure is None:
        errors["planning_figure"] = _("Enter an amount in dollars, such as 2,500,000.")
    if errors:
        return _page(
            school, status=422, errors=errors, form=form, error_row=("settings", "settings", None)
        )
    plan.status = status
    plan.approved_on = approved_on if status == PlanStatus.APPROVED else None
    plan.planning_figure_cents = figure
    db.session.commit()
    flash(_("Plan settings saved."), "success")
    return redirect(url_for("plans.edit_plan", slug=slug, focus="settings"), code=303)


@bp.post("/manage/schools/<slug>/plan/needs")
@role_required(*SCHOOL_EDITORS)
def plan_needs(slug: str):
    """The needs assessment, in the editing language."""
    school = editable_school_or_404(slug)
    plan = _plan_or_404(school, current_year_or_404())
    locale = _editing_locale()
    needs = {key: dict(answers) for key, answers in (plan.needs or {}).items()}
    for key, _question in plans.NEEDS_QUESTIONS:
        text = (request.form.get(key) or "").strip()[:3000]
        answers = needs.setdefault(key, {})
        if text:
            answers[locale] = text
        else:
            answers.pop(locale, None)
    plan.needs = needs
    db.session.commit()
    flash(_("Needs assessment saved."), "success")
    return redirect(url_for("plans.edit_plan", slug=slug, focus="needs"), code=303)


def _find(plan: SchoolPlan, kind: str, row_id: int):
    """A row of this plan by kind and id, or 404 (rows of other schools are never found)."""
    goals = {goal.id: goal for goal in plan.goals}
    strategies = {s.id: s for goal in plan.goals for s in goal.strategies}
    rows = {
        "goal": goals,
        "strategy": strategies,
        "action": {a.id: a for s in strategies.values() for a in s.actions},
        "investment": {i.id: i for i in plan.investments},
    }.get(kind)
    if rows is None or row_id not in rows:
        abort(404)
    return rows[row_id]


def _parse(kind: str, plan: SchoolPlan, year):
    form = request.form
    if kind == "goal":
        ids = set(
            db.session.scalars(
                select(DistrictGoal.id).where(DistrictGoal.school_year_id == year.id)
            )
        )
        return parse_goal(form, ids)
    if kind == "strategy":
        return parse_strategy(form)
    if kind == "action":
        return parse_action(form)
    categories = set(
        db.session.scalars(
            select(InvestmentCategory.id).where(InvestmentCategory.district_id == g.district.id)
        )
    )
    return parse_investment(
        form,
        {goal.id for goal in plan.goals},
        {s.id for goal in plan.goals for s in goal.strategies},
        categories,
    )


def _apply(row, kind: str, values: dict) -> None:
    locale = _editing_locale()
    for key, value in values.items():
        if key in TRANSLATED_FIELDS[kind]:
            text = dict(getattr(row, key) or {})
            text[locale] = value
            setattr(row, key, text)
        else:
            setattr(row, key, value)


def _section(kind: str) -> str:
    return "investments" if kind == "investment" else "goals"


@bp.post("/manage/schools/<slug>/plan/<kind>/add")
@role_required(*SCHOOL_EDITORS)
def add_row(slug: str, kind: str):
    """Add a goal, strategy (to a goal), action (to a strategy) or investment."""
    if kind not in TRANSLATED_FIELDS:
        abort(404)
    school = editable_school_or_404(slug)
    year = current_year_or_404()
    plan = _plan_or_404(school, year)
    values, errors = _parse(kind, plan, year)
    parent = None
    if kind in ("strategy", "action"):
        parent_kind = "goal" if kind == "strategy" else "strategy"
        parent_id = parse_int(request.form.get("parent_id"), 1, 2**31)
        parent = _find(plan, parent_kind, parent_id) if parent_id else abort(404)
    section = _section(kind)
    if errors:
        status = 422
        return _page(
            school,
            section,
            status,
            errors=errors,
            form=request.form,
            error_row=(kind, "new", parent.id if parent else None),
        )
    locale = _editing_locale()
    row = {"goal": Goal, "strategy": Strategy, "action": PlanAction, "investment": Investment}[
        kind
    ](source_locale=locale)
    _apply(row, kind, values)
    if kind == "goal":
        row.position = len(plan.goals)
        plan.goals.append(row)
    elif kind == "strategy":
        row.position = len(parent.strategies)
        parent.strategies.append(row)
    elif kind == "action":
        row.position = len(parent.actions)
        parent.actions.append(row)
    else:
        plan.investments.append(row)
    db.session.commit()
    return _done(school, section, ADDED[kind], f"{kind}-{row.id}")


@bp.post("/manage/schools/<slug>/plan/<kind>/<int:row_id>")
@role_required(*SCHOOL_EDITORS)
def update_row(slug: str, kind: str, row_id: int):
    """Save a row's fields; translatable text goes into the editing language."""
    if kind not in TRANSLATED_FIELDS:
        abort(404)
    school = editable_school_or_404(slug)
    year = current_year_or_404()
    plan = _plan_or_404(school, year)
    row = _find(plan, kind, row_id)
    values, errors = _parse(kind, plan, year)
    if errors:
        return _page(
            school,
            _section(kind),
            422,
            errors=errors,
            form=request.form,
            error_row=(kind, row_id, None),
        )
    _apply(row, kind, values)
    db.session.commit()
    return _done(school, _section(kind), _("Saved."), f"{kind}-{row_id}")


@bp.post("/manage/schools/<slug>/plan/<kind>/<int:row_id>/delete")
@role_required(*SCHOOL_EDITORS)
def delete_row(slug: str, kind: str, row_id: int):
    if kind not in TRANSLATED_FIELDS:
        abort(404)
    school = editable_school_or_404(slug)
    plan = _plan_or_404(school, current_year_or_404())
    row = _find(plan, kind, row_id)
    if kind == "goal":
        for investment in [i for i in plan.investments if i.goal_id == row.id]:
            plan.investments.remove(investment)
    db.session.delete(row)
    db.session.commit()
    return _done(school, _section(kind), _("Removed."))


@bp.post("/manage/schools/<slug>/plan/<kind>/<int:row_id>/move")
@role_required(*SCHOOL_EDITORS)
def move_row(slug: str, kind: str, row_id: int):
    """Move a goal up or down, or an investment up or down in priority."""
    if kind not in ("goal", "investment"):
        abort(404)
    school = editable_school_or_404(slug)
    plan = _plan_or_404(school, current_year_or_404())
    row = _find(plan, kind, row_id)
    direction = "up" if request.form.get("direction") == "up" else "down"
    step = -1 if direction == "up" else 1
    if kind == "goal":
        goals = list(plan.goals)
        index = goals.index(row)
        other = index + step
        if 0 <= other < len(goals):
            goals[index], goals[other] = goals[other], goals[index]
            for position, goal in enumerate(goals):
                goal.position = position
    else:
        ranked = plans.ranked_investments(plan)
        index = ranked.index(row)
        other = index + step
        if 0 <= other < len(ranked):
            neighbour = ranked[other]
            if neighbour.priority == row.priority:
                # A tie: break it in the direction asked.
                row.priority = max(1, row.priority + step)
            else:
                row.priority, neighbour.priority = neighbour.priority, row.priority
    db.session.commit()
    return _done(school, _section(kind), _("Moved."), f"{kind}-{row_id}-{direction}")


@bp.post("/manage/schools/<slug>/plan/goal/<int:row_id>/progress")
@role_required(*SCHOOL_EDITORS)
def record_progress(slug: str, row_id: int):
    """Record the goal's indicator value for this school year."""
    school = editable_school_or_404(slug)
    year = current_year_or_404()
    plan = _plan_or_404(school, year)
    goal = _find(plan, "goal", row_id)
    value = parse_decimal(request.form.get("value"))
    if value is None:
        return _page(
            school,
            "goals",
            422,
            errors={"value": _("Enter a number such as 72.5.")},
            form=request.form,
            error_row=("progress", row_id, None),
        )
    measurement = db.session.scalars(
        select(GoalMeasurement).where(
            GoalMeasurement.lineage == goal.lineage, GoalMeasurement.school_year_id == year.id
        )
    ).first() or GoalMeasurement(lineage=goal.lineage, school_year_id=year.id)
    measurement.value = value
    db.session.add(measurement)
    db.session.commit()
    return _done(school, "goals", _("Progress recorded."), f"goal-{goal.id}")


@bp.post("/manage/readability")
@role_required(*SCHOOL_EDITORS)
def readability():
    """The reading-level hint for English text as it is typed (htmx)."""
    text = next((v for k, v in request.form.items() if k != "csrf_token"), "")
    return render_template(
        "plans/_partials/reading_hint.html",
        hint=reading_hint(text),
        hint_id=(request.headers.get("HX-Target") or "reading-hint")[:80],
    )


@bp.route("/manage/schools/<slug>/budget", methods=["GET", "POST"])
@role_required(*SCHOOL_EDITORS)
def edit_budget(slug: str):
    """The budget matrix: investments down, funding streams across."""
    school = editable_school_or_404(slug)
    year = current_year_or_404()
    plan = _plan_or_404(school, year)
    money = funding.school_funding(funding.published_run(g.district.id, year.id), school.id)
    sources = money.sources if money else []
    errors = {}
    if request.method == "POST":
        stream_ids = [s.stream.id for s in sources]
        parsed = {}
        for investment in plans.ranked_investments(plan):  # errors in the order of the page
            for stream_id in stream_ids:
                name = f"cell-{investment.id}-{stream_id}"
                raw = request.form.get(name, "")
                cents = parse_dollars(raw) if raw.strip() else 0
                if cents is None:
                    errors[name] = _("Enter dollars, such as 12,000, or leave it empty.")
                else:
                    parsed[(investment, stream_id)] = cents
        if not errors:
            for (investment, stream_id), cents in parsed.items():
                plans.set_budget_line(investment, stream_id, cents)
            db.session.commit()
            flash(_("Budget saved."), "success")
            return redirect(url_for("plans.edit_budget", slug=slug), code=303)
    budget = plans.budget_totals(plan, money)
    return render(
        "plans/budget_editor.html",
        "plans/_partials/matrix.html",
        "matrix",
        status=422 if errors else 200,
        school=school,
        plan=plan,
        year=year,
        money=money,
        sources=sources,
        budget=budget,
        totals=budget.matrix,
        cells=budget.cells,
        errors=errors,
        form=request.form if errors else {},
        ranked=budget.ranked,
    )
