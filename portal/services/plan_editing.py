"""Changing a school's plan: starting it (empty or from last year's), its status and planning
figure, the needs assessment, goals, strategies, actions and investments, progress on a goal,
and the budget matrix.

Plain values in (a row's values are keyed by its column names; translatable text is the text
in `locale`, the language the principal is writing in), the acting user for the audit log.
Refused input raises Rejected; the caller commits. A plan becomes approved only by the site
council's vote (SchoolPlan.approve, called by the committee record), never here.
"""

from flask_babel import gettext as _
from sqlalchemy import JSON, select
from sqlalchemy import inspect as inspect_model

from portal.extensions import db
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
from portal.services import plans
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.school_year import previous_year

# The plan's rows by the name the editor's addresses use ("/plan/goal/12").
ROWS = {"goal": Goal, "strategy": Strategy, "action": PlanAction, "investment": Investment}
# A strategy is added to a goal, an action to a strategy.
PARENTS = {"strategy": "goal", "action": "strategy"}
# The columns that tie a row to its parent: set by where the copy goes, never copied.
PARENT_COLUMNS = {"plan_id", "goal_id", "strategy_id"}


def find_row(plan: SchoolPlan, kind: str, row_id):
    """A row of this plan by kind and id, or None (rows of other plans are never found)."""
    strategies = {s.id: s for goal in plan.goals for s in goal.strategies}
    rows = {
        "goal": {goal.id: goal for goal in plan.goals},
        "strategy": strategies,
        "action": {a.id: a for s in strategies.values() for a in s.actions},
        "investment": {i.id: i for i in plan.investments},
    }.get(kind, {})
    return rows.get(row_id)


def _kind(row) -> str:
    return next(kind for kind, model in ROWS.items() if isinstance(row, model))


def _audit(actor, plan: SchoolPlan, action: str, **detail) -> None:
    record_audit(actor, f"plan.{action}", "school_plan", plan.id, detail)


# -- Starting a plan ---------------------------------------------------------------------------


def start_plan(school, year: SchoolYear, locale: str, actor, from_previous: bool) -> SchoolPlan:
    """Start the school's plan for `year`: empty, written first in `locale`, or a copy of last
    year's (copy_previous)."""
    if plans.load_plan(school.id, year.id) is not None:
        raise Rejected(None, _("This year's plan already exists."))
    if from_previous:
        plan = copy_previous(school.id, year)
        if plan is None:
            raise Rejected(None, _("There is no plan from last year to start from."))
    else:
        plan = SchoolPlan(school_id=school.id, school_year_id=year.id, source_locale=locale)
        db.session.add(plan)
    db.session.flush()
    _audit(actor, plan, "started", copied_from=plan.copied_from_id)
    return plan


def _copied(row, **changes):
    """A new row with `row`'s columns (translated text copied, not shared) but its id and its
    parent's, changed by `changes`. A column added to a row later is copied without a word here."""
    columns = inspect_model(type(row)).column_attrs
    values = {
        c.key: dict(value) if isinstance(value := getattr(row, c.key), dict) else value
        for c in columns
        if not c.columns[0].primary_key and c.key not in PARENT_COLUMNS
    }
    return type(row)(**{**values, **changes})


def copy_previous(school_id: int, year: SchoolYear) -> SchoolPlan | None:
    """This year's plan as a draft copy of last year's: the needs assessment and planning
    figure, goals (same lineage, so progress is one history; district goals are the year's, so
    not carried), strategies, actions (not started, no date) and investments (without budget
    lines, since the money is new). Last year's plan is left as it was. None if there is none."""
    before = previous_year(year)
    old = plans.load_plan(school_id, before.id) if before else None
    if old is None:
        return None
    plan = SchoolPlan(
        school_id=school_id,
        school_year_id=year.id,
        status=PlanStatus.DRAFT.value,
        needs={key: dict(answers) for key, answers in (old.needs or {}).items()},
        source_locale=old.source_locale,
        copied_from_id=old.id,
        planning_figure_cents=old.planning_figure_cents,
    )
    db.session.add(plan)
    goals, strategies = {}, {}
    for goal in old.goals:
        goals[goal.id] = new_goal = _copied(goal, district_goal_id=None)
        plan.goals.append(new_goal)
        for strategy in goal.strategies:
            strategies[strategy.id] = new_strategy = _copied(strategy)
            new_goal.strategies.append(new_strategy)
            for action in strategy.actions:
                new_strategy.actions.append(
                    _copied(action, status=ActionStatus.NOT_STARTED.value, due_on=None)
                )
    db.session.flush()
    for investment in old.investments:
        strategy = strategies.get(investment.strategy_id)
        plan.investments.append(
            _copied(
                investment,
                goal_id=goals[investment.goal_id].id,
                strategy_id=strategy.id if strategy else None,
            )
        )
    return plan


# -- The plan as a whole -----------------------------------------------------------------------


def save_settings(plan: SchoolPlan, status, planning_figure_cents: int | None, actor) -> None:
    """Share a draft for feedback or take it back to draft (`status`; None leaves it, as for an
    approved plan), and set the planning figure (None: none). Approval is the council's vote."""
    if status is not None and status != plan.status:
        if status == PlanStatus.SHARED:
            plan.share()
        elif status == PlanStatus.DRAFT:
            plan.withdraw()
        else:
            raise Rejected({"status": _("Only the site council's vote approves a plan.")})
        _audit(actor, plan, "shared" if status == PlanStatus.SHARED else "withdrawn")
    if planning_figure_cents != plan.planning_figure_cents:
        plan.planning_figure_cents = planning_figure_cents
        _audit(actor, plan, "planning_figure", cents=planning_figure_cents)


def save_needs(plan: SchoolPlan, answers: dict[str, str], locale: str, actor) -> None:
    """The needs assessment's answers in `locale` ({question key: text}); an empty answer
    removes that language's text. Other languages' answers stay."""
    known = {key for key, _question in plans.NEEDS_QUESTIONS}
    needs = {key: dict(texts) for key, texts in (plan.needs or {}).items()}
    for key, text in answers.items():
        if key not in known:
            raise Rejected(None, _("The needs assessment has no such question."))
        texts = needs.setdefault(key, {})
        if text:
            texts[locale] = text
        else:
            texts.pop(locale, None)
    plan.needs = needs
    _audit(actor, plan, "needs_saved", locale=locale)


# -- Goals, strategies, actions, investments ---------------------------------------------------


def _check(plan: SchoolPlan, kind: str, values: dict) -> None:
    """The rules a row's values must keep beyond their form: what they point at belongs to
    this plan, its school year or its district."""
    errors = {}
    if kind == "goal" and values.get("district_goal_id") is not None:
        year_goals = select(DistrictGoal.id).where(
            DistrictGoal.school_year_id == plan.school_year_id
        )
        if values["district_goal_id"] not in set(db.session.scalars(year_goals)):
            errors["district_goal_id"] = _("Choose a district goal from the list.")
    if kind == "action" and "status" in values and values["status"] not in set(ActionStatus):
        errors["status"] = _("Choose a status.")
    if kind == "investment":
        strategies = {s.id for goal in plan.goals for s in goal.strategies}
        district_categories = select(InvestmentCategory.id).where(
            InvestmentCategory.district_id == plan.school.district_id
        )
        if values.get("goal_id") not in {goal.id for goal in plan.goals}:
            errors["goal_id"] = _("Choose the goal it serves.")
        if values.get("strategy_id") is not None and values["strategy_id"] not in strategies:
            errors["strategy_id"] = _("Choose a strategy of the plan, or none.")
        if values.get("category_id") is not None and values["category_id"] not in set(
            db.session.scalars(district_categories)
        ):
            errors["category_id"] = _("Choose a category from the district's list.")
    if errors:
        raise Rejected(errors)


def _apply(row, values: dict, locale: str) -> None:
    """Write `values` onto the row; a translatable column (JSON) gets the text in `locale`, and
    its other languages stay."""
    columns = inspect_model(type(row)).columns
    for key, value in values.items():
        if isinstance(columns[key].type, JSON):
            texts = dict(getattr(row, key) or {})
            if value:
                texts[locale] = value
            else:
                texts.pop(locale, None)
            setattr(row, key, texts)
        else:
            setattr(row, key, value)


def add_row(plan: SchoolPlan, kind: str, values: dict, locale: str, actor, parent=None):
    """Add a goal or investment to the plan, a strategy to a goal (`parent`) or an action to a
    strategy, last in its list; its text is written in `locale`."""
    _check(plan, kind, values)
    row = ROWS[kind](source_locale=locale)
    _apply(row, values, locale)
    siblings = {
        "goal": lambda: plan.goals,
        "strategy": lambda: parent.strategies,
        "action": lambda: parent.actions,
        "investment": lambda: plan.investments,
    }[kind]()
    if kind != "investment":
        row.position = len(siblings)
    siblings.append(row)
    db.session.flush()
    _audit(actor, plan, f"{kind}_added", id=row.id)
    return row


def update_row(plan: SchoolPlan, row, values: dict, locale: str, actor) -> None:
    """Save a row's values; translatable text goes into `locale` (a translation when the row
    was written in another language)."""
    kind = _kind(row)
    _check(plan, kind, values)
    _apply(row, values, locale)
    _audit(actor, plan, f"{kind}_saved", id=row.id, locale=locale)


def remove_row(plan: SchoolPlan, row, actor) -> None:
    """Remove a row and what hangs under it (a goal takes its investments with it)."""
    kind = _kind(row)
    if kind == "goal":
        for investment in [i for i in plan.investments if i.goal_id == row.id]:
            plan.investments.remove(investment)
    db.session.delete(row)
    _audit(actor, plan, f"{kind}_removed", id=row.id)


def move_row(plan: SchoolPlan, row, up: bool, actor) -> None:
    """Move a goal one place up or down the plan, or an investment one place up or down the
    priorities (two investments of the same priority: the tie is broken the way asked)."""
    step = -1 if up else 1
    if isinstance(row, Goal):
        goals = list(plan.goals)
        index = goals.index(row)
        if 0 <= index + step < len(goals):
            goals[index], goals[index + step] = goals[index + step], goals[index]
            for position, goal in enumerate(goals):
                goal.position = position
    else:
        ranked = plans.ranked_investments(plan)
        index = ranked.index(row)
        if 0 <= index + step < len(ranked):
            neighbour = ranked[index + step]
            if neighbour.priority == row.priority:
                row.priority = max(1, row.priority + step)
            else:
                row.priority, neighbour.priority = neighbour.priority, row.priority
    _audit(actor, plan, f"{_kind(row)}_moved", id=row.id, up=up)


def record_progress(plan: SchoolPlan, goal: Goal, year: SchoolYear, value, actor) -> None:
    """The goal's indicator value for `year` (one per lineage and year: a second replaces it)."""
    measurement = db.session.scalars(
        select(GoalMeasurement).where(
            GoalMeasurement.lineage == goal.lineage, GoalMeasurement.school_year_id == year.id
        )
    ).first() or GoalMeasurement(lineage=goal.lineage, school_year_id=year.id)
    measurement.value = value
    db.session.add(measurement)
    _audit(actor, plan, "progress_recorded", goal=goal.id, value=str(value))


# -- The budget matrix -------------------------------------------------------------------------


def save_budget(plan: SchoolPlan, cells: dict[tuple[int, int], int], stream_ids, actor) -> None:
    """Set the matrix: {(investment id, funding stream id): cents}, 0 for none. Only this plan's
    investments and the school's own streams (`stream_ids`) take money."""
    investments = {i.id: i for i in plan.investments}
    for (investment_id, stream_id), cents in cells.items():
        if investment_id not in investments or stream_id not in set(stream_ids):
            raise Rejected(
                None, _("Money goes only to this plan's investments from the school's streams.")
            )
        plans.set_budget_line(investments[investment_id], stream_id, cents)
    _audit(actor, plan, "budget_saved", cells=len(cells))
