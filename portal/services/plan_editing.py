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
    FundingStream,
    Goal,
    GoalMeasurement,
    Investment,
    InvestmentCategory,
    PlanAction,
    School,
    SchoolPlan,
    SchoolYear,
    StaffRole,
    Strategy,
)
from portal.models.planning import ActionStatus, PlanStatus
from portal.models.staffing import Recurrence
from portal.services import plans, positions
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.notices import announce
from portal.services.school_year import previous_year

# The plan's rows by the name the editor's addresses use ("/plan/goal/12").
# A position is an investment with a staff role and an FTE.
ROWS = {
    "goal": Goal,
    "strategy": Strategy,
    "action": PlanAction,
    "investment": Investment,
    "position": Investment,
}
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
        "position": {i.id: i for i in plan.investments if i.is_position},
    }.get(kind, {})
    return rows.get(row_id)


def _kind(row) -> str:
    if isinstance(row, Investment) and row.is_position:
        return "position"
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
    not carried), strategies, actions (not started, no date) and the **ongoing** investments
    and positions only (one-time costs were spent last year). A position keeps its role, FTE
    and base program, and is priced again at this year's average salary (its old cost when the
    year has no rate yet, or under actual costing). Funding streams map to this year's stream
    of the same place and name (services/year_carry.py copies them), else none; a carried item
    paid from one stream gets its line there, and no other budget line, since the money is
    new. Last year's plan is left as it was. None if there is none."""
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
    district = db.session.get(School, school_id).district
    rates = {} if positions.costs_actual(district) else positions.salary_table(year.id)
    streams = _stream_map(district.id, before.id, year.id)
    for investment in old.investments:
        if not investment.is_ongoing:
            continue
        strategy = strategies.get(investment.strategy_id)
        cost = investment.cost_cents
        if investment.is_position:
            repriced = positions.average_cost(rates, investment.staff_role_id, investment.fte)
            cost = cost if repriced is None else repriced
        new = _copied(
            investment,
            goal_id=goals[investment.goal_id].id if investment.goal_id is not None else None,
            strategy_id=strategy.id if strategy else None,
            cost_cents=cost,
            funding_stream_id=streams.get(investment.funding_stream_id),
        )
        plan.investments.append(new)
        positions.sync_stream_line(new)
    return plan


def plan_streams(school, year_id: int, money) -> list[FundingStream]:
    """The streams an item of the school's plan may be paid from: those of its published
    allocation (funding.SchoolFunding), or before it is published, the year's streams the
    school would receive (formula streams, and grants it is eligible for)."""
    if money is not None:
        return [source.stream for source in money.sources]
    found = db.session.scalars(
        select(FundingStream)
        .where(
            FundingStream.district_id == school.district_id,
            FundingStream.school_year_id == year_id,
        )
        .order_by(FundingStream.position, FundingStream.id)
    )
    return [s for s in found if s.distribution != "grant" or school in s.eligible_schools]


def _stream_map(district_id: int, old_year_id: int, new_year_id: int) -> dict[int, int]:
    """{last year's stream id: this year's stream of the same position and name}."""
    found = db.session.scalars(
        select(FundingStream).where(
            FundingStream.district_id == district_id,
            FundingStream.school_year_id.in_((old_year_id, new_year_id)),
        )
    ).all()
    new = {
        (s.position, tuple(sorted((s.name or {}).items()))): s.id
        for s in found
        if s.school_year_id == new_year_id
    }
    return {
        s.id: new[key]
        for s in found
        if s.school_year_id == old_year_id
        and (key := (s.position, tuple(sorted((s.name or {}).items())))) in new
    }


# -- The plan as a whole -----------------------------------------------------------------------


def save_settings(plan: SchoolPlan, status, planning_figure_cents: int | None, actor) -> None:
    """Share a draft for feedback or take it back to draft (`status`; None leaves it, as for an
    approved plan), and set the planning figure (None: none). Approval is the council's vote."""
    if status is not None and status != plan.status:
        if status == PlanStatus.SHARED:
            plan.share()
            announce("plan_shared", plan)  # the school's followers hear of it, once
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
    if kind in ("investment", "position"):
        errors.update(_spending_errors(plan, values))
    if kind == "position":
        errors.update(_position_errors(plan, values))
    if errors:
        raise Rejected(errors)


def _spending_errors(plan: SchoolPlan, values: dict) -> dict:
    """An investment's or position's goal is the plan's (or None: the base program, which has
    no strategy), its strategy that goal's, its category and funding stream the district's
    (the stream of the plan's year), and it is ongoing or one-time."""
    errors = {}
    goals = {goal.id: goal for goal in plan.goals}
    goal_id, strategy_id = values.get("goal_id"), values.get("strategy_id")
    if goal_id is not None and goal_id not in goals:
        errors["goal_id"] = _("Choose the goal it serves, or the base program.")
    elif strategy_id is not None and goal_id is None:
        errors["strategy_id"] = _("The base program has no strategies: choose none.")
    elif strategy_id is not None and strategy_id not in {s.id for s in goals[goal_id].strategies}:
        errors["strategy_id"] = _("Choose a strategy of the goal it serves, or none.")
    district_id = plan.school.district_id
    if values.get("category_id") is not None and values["category_id"] not in set(
        db.session.scalars(
            select(InvestmentCategory.id).where(InvestmentCategory.district_id == district_id)
        )
    ):
        errors["category_id"] = _("Choose a category from the district's list.")
    if values.get("funding_stream_id") is not None and values["funding_stream_id"] not in set(
        db.session.scalars(
            select(FundingStream.id).where(
                FundingStream.district_id == district_id,
                FundingStream.school_year_id == plan.school_year_id,
            )
        )
    ):
        errors["funding_stream_id"] = _("Choose a funding stream of this year's budget, or none.")
    if values.get("recurrence") not in set(Recurrence):
        errors["recurrence"] = _("Say whether it comes back every year or is spent once.")
    return errors


def _position_errors(plan: SchoolPlan, values: dict) -> dict:
    """A position's role is on the district's list and its FTE is 0.01 to 40."""
    errors = {}
    roles = select(StaffRole.id).where(StaffRole.district_id == plan.school.district_id)
    if values.get("staff_role_id") not in set(db.session.scalars(roles)):
        errors["staff_role_id"] = _("Choose a role from the district's list.")
    fte = values.get("fte")
    if not isinstance(fte, int) or not 1 <= fte <= 4000:
        errors["fte"] = _(
            "Enter the FTE as a number from 0.01 to 40 with at most two decimals, such as 0.5."
        )
    return errors


def _priced(plan: SchoolPlan, values: dict) -> dict:
    """A position's values with its cost: under average costing the year's average for the
    role times its FTE (refused when the district has no rate for the role yet); under actual
    costing the cost typed."""
    if positions.costs_actual(plan.school.district):
        return values
    rates = positions.salary_table(plan.school_year_id)
    cost = positions.average_cost(rates, values["staff_role_id"], values["fte"])
    if cost is None:
        raise Rejected(
            {
                "staff_role_id": _(
                    "The district has not set an average salary for this role for %(year)s yet.",
                    year=plan.year.label,
                )
            }
        )
    return {**values, "cost_cents": cost}


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
    """Add a goal, investment or position to the plan, a strategy to a goal (`parent`) or an
    action to a strategy, last in its list; its text is written in `locale`. A position is
    priced (_priced), and an item paid from one stream gets its matrix line there."""
    _check(plan, kind, values)
    if kind == "position":
        values = _priced(plan, values)
    row = ROWS[kind](source_locale=locale)
    _apply(row, values, locale)
    siblings = {
        "goal": lambda: plan.goals,
        "strategy": lambda: parent.strategies,
        "action": lambda: parent.actions,
        "investment": lambda: plan.investments,
        "position": lambda: plan.investments,
    }[kind]()
    if kind not in ("investment", "position"):
        row.position = len(siblings)
    siblings.append(row)
    if kind in ("investment", "position"):
        positions.sync_stream_line(row)
    db.session.flush()
    _audit(actor, plan, f"{kind}_added", id=row.id)
    return row


def update_row(plan: SchoolPlan, row, values: dict, locale: str, actor) -> None:
    """Save a row's values; translatable text goes into `locale` (a translation when the row
    was written in another language)."""
    kind = _kind(row)
    _check(plan, kind, values)
    if kind == "position":
        values = _priced(plan, values)
    _apply(row, values, locale)
    if kind in ("investment", "position"):
        positions.sync_stream_line(row)
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
