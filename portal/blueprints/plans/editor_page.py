"""Drawing the plan editor after a change or a refusal: which rows are open, what takes the
focus, what the live region says, and the page or just the section htmx asked for."""

import re

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import get_locale

from portal.blueprints.plans.editor_forms import EditorForms, editor_choices
from portal.blueprints.school_access import current_year_or_404, editable_school_or_404
from portal.forms import parse_int
from portal.htmx import render, wants_fragment
from portal.services import funding, plan_editing, plans, positions
from portal.services.readability import reading_hint
from portal.services.school_year import previous_year

# What the page can be asked to focus after a change (?focus=...): a row, a row's move button,
# or a section.
FOCUS = re.compile(
    r"(goal|strategy|action|investment)-(\d+)(-up|-down)?|goals|investments|settings|needs"
)


def editing_locale() -> str:
    """The language the principal writes in: the page's (switch it to add a translation)."""
    return str(get_locale())


def editable_plan(slug: str):
    """(school, current year, this year's plan) for a school this user edits, or 404."""
    school = editable_school_or_404(slug)
    year = current_year_or_404()
    plan = plans.load_plan(school.id, year.id)
    if plan is None:
        abort(404)
    return school, year, plan


def section_of(kind: str) -> str:
    return "investments" if kind in ("investment", "position") else "goals"


def opened_for(plan, kind: str, row_id, parent=None) -> set[str]:
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
        return {"add-position"} if kind == "position" else {"add-investment"}
    if kind == "position":
        return {f"investment-{row_id}"}
    if kind == "progress":
        return {f"goal-{row_id}", f"progress-{row_id}"}
    if kind == "strategy":
        return {f"goal-{strategy_goal.get(row_id)}", f"strategy-{row_id}"}
    if kind == "action":
        strategy = action_strategy.get(row_id)
        return {f"goal-{strategy_goal.get(strategy)}", f"strategy-{strategy}", f"action-{row_id}"}
    return {f"{kind}-{row_id}"}


def focus_for(plan, wanted: str | None) -> tuple[str | None, set[str]]:
    """What to focus and open for "goal-12", "investment-3-up" or a section name (after a
    change; without JavaScript it comes back as ?focus=...)."""
    match = FOCUS.fullmatch(wanted or "")
    if not match:
        return None, set()
    if match.group(1) is None:
        return (f"{wanted}-h", {wanted})
    kind, row_id, button = match.group(1), int(match.group(2)), match.group(3)
    opened = opened_for(plan, kind, row_id)
    return (f"{kind}-{row_id}{button}" if button else f"{kind}-{row_id}-summary"), opened


def _context(school, plan, year, refused=None, at=None) -> dict:
    money = funding.school_funding(funding.published_run(g.district.id, year.id), school.id)
    actual = positions.costs_actual(g.district)
    change = parse_int(request.args.get("change"), -90, 90) or 0
    budget = plans.budget_totals(plan, money, change) if plan else None
    editor = None
    if plan is not None:
        choices = editor_choices(
            plan,
            plans.district_goals(year.id),
            plans.categories(g.district.id),
            positions.staff_roles(g.district.id),
            plan_editing.plan_streams(school, year.id, money),
        )
        editor = EditorForms(plan, choices, editing_locale(), refused, at, actual)
    return {
        "school": school,
        "plan": plan,
        "year": year,
        "budget": budget,
        "available": budget.available_cents if budget else None,
        "from_allocation": money is not None,
        "change": change,
        "ranked": budget.ranked if budget else [],
        "cut": budget.cut if budget else None,
        "measurements": plans.measurements(plan) if plan else {},
        "editor": editor,  # the forms, row by row
        "error_row": at,
        "editing": editing_locale(),
        "needs_questions": plans.NEEDS_QUESTIONS,
        "previous": previous_year(year),
        "reading_hint": reading_hint,
        # Under average costing a position's row shows its arithmetic at the year's rates.
        "rates": {} if actual or plan is None else positions.salary_table(year.id),
        "actual_costing": actual,
    }


def page(school, section="goals", status=200, refused=None, at=None, focus=None, announce=""):
    """The editor, or the section htmx asked for. After a change the row `focus` names is open
    and takes the focus and `announce` is said politely; after a refusal the refused form is
    open with what was typed."""
    year = current_year_or_404()
    plan = plans.load_plan(school.id, year.id)
    if refused is None:
        focused, opened = focus_for(plan, focus or request.args.get("focus"))
    else:
        focused, opened = None, opened_for(plan, *at)
    return render(
        "plans/editor.html",
        f"plans/_partials/{section}.html",
        section,
        status=status,
        **_context(school, plan, year, refused, at),
        # When htmx swaps one section, the live region and the table of contents are sent
        # along out of band.
        oob=wants_fragment(section),
        focus=focused,
        opened=opened,
        announce=announce,
    )


def refused(school, section: str, form, at):
    """A refused form (by its validators, or by the service, through `portal.forms.saved`):
    nothing saved, the editor again with the form as typed, a summary and each message by its
    field (422)."""
    return page(school, section, 422, refused=form, at=at)


def done(school, section: str, message, focus: str | None = None):
    """After a change: the section for htmx, else back to the page at that section. Either way
    the changed row (`focus`: "goal-12", "investment-3-up") is shown open and takes the focus,
    or the section's heading when the row is gone, and `message` is announced politely."""
    target, message = focus or section, str(message)
    if wants_fragment(section):
        return page(school, section, focus=target, announce=message)
    flash(message, "success")
    # No #fragment: a browser skips `autofocus` when the address has one, and the autofocused
    # row is scrolled into view anyway.
    return redirect(url_for("plans.edit_plan", slug=school.slug, focus=target), code=303)
