"""Reading the plan editor's row forms. Translatable text is written in the editor's current
language (switch the language to add a translation); each parser returns (values, errors)."""

from flask_babel import gettext as _

from portal.forms import parse_date, parse_decimal, parse_dollars, parse_int
from portal.models.planning import ActionStatus


def _text(form, name: str, max_length: int) -> str:
    return (form.get(name) or "").strip()[:max_length]


def parse_goal(form, district_goal_ids: set[int]) -> tuple[dict, dict]:
    errors = {}
    statement = _text(form, "statement", 500)
    indicator = _text(form, "indicator", 300)
    baseline = parse_decimal(form.get("baseline")) if form.get("baseline") else None
    target = parse_decimal(form.get("target")) if form.get("target") else None
    target_date = parse_date(form.get("target_date")) if form.get("target_date") else None
    district_goal = (
        parse_int(form.get("district_goal_id"), 1, 2**31) if form.get("district_goal_id") else None
    )
    if not statement:
        errors["statement"] = _("Say what the goal is, in one sentence.")
    if not indicator:
        errors["indicator"] = _("Say how progress will be measured.")
    if form.get("baseline") and baseline is None:
        errors["baseline"] = _("Enter a number such as 60.")
    if form.get("target") and target is None:
        errors["target"] = _("Enter a number such as 80.")
    if form.get("target_date") and target_date is None:
        errors["target_date"] = _("Enter a date such as 2027-06-15.")
    if form.get("district_goal_id") and district_goal not in district_goal_ids:
        errors["district_goal_id"] = _("Choose a district goal from the list.")
    return {
        "statement": statement,
        "indicator": indicator,
        "baseline": baseline,
        "target": target,
        "target_date": target_date,
        "district_goal_id": district_goal,
    }, errors


def parse_strategy(form) -> tuple[dict, dict]:
    description = _text(form, "description", 500)
    errors = {} if description else {"description": _("Describe the strategy.")}
    return {"description": description}, errors


def parse_action(form) -> tuple[dict, dict]:
    errors = {}
    description = _text(form, "description", 500)
    due_on = parse_date(form.get("due_on")) if form.get("due_on") else None
    status = form.get("status") or ActionStatus.NOT_STARTED.value
    if not description:
        errors["description"] = _("Describe the action.")
    if form.get("due_on") and due_on is None:
        errors["due_on"] = _("Enter a date such as 2027-06-15.")
    if status not in {s.value for s in ActionStatus}:
        errors["status"] = _("Choose a status.")
    return {
        "description": description,
        "owner": _text(form, "owner", 120),
        "due_on": due_on,
        "status": status,
    }, errors


def parse_investment(form, goal_ids: set[int], strategy_ids: set[int], category_ids: set[int]):
    errors = {}
    description = _text(form, "description", 500)
    cost = parse_dollars(form.get("cost"))
    priority = parse_int(form.get("priority"), 1, 999)
    goal_id = parse_int(form.get("goal_id"), 1, 2**31)
    strategy_id = parse_int(form.get("strategy_id"), 1, 2**31) if form.get("strategy_id") else None
    category_id = parse_int(form.get("category_id"), 1, 2**31) if form.get("category_id") else None
    if not description:
        errors["description"] = _("Describe what the money buys.")
    if cost is None:
        errors["cost"] = _("Enter an amount in dollars, such as 25,000.")
    if priority is None:
        errors["priority"] = _("Enter a priority from 1 (first) to 999.")
    if goal_id not in goal_ids:
        errors["goal_id"] = _("Choose the goal it serves.")
    if form.get("strategy_id") and strategy_id not in strategy_ids:
        errors["strategy_id"] = _("Choose a strategy of the plan, or none.")
    if form.get("category_id") and category_id not in category_ids:
        errors["category_id"] = _("Choose a category from the district's list.")
    return {
        "description": description,
        "cost_cents": cost,
        "priority": priority,
        "goal_id": goal_id,
        "strategy_id": strategy_id,
        "category_id": category_id,
    }, errors
