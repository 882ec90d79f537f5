"""The spending side of a school's public budget page: the whole allocation split into people,
everything else and what is not assigned yet, what the money is spent on (the base program and
each goal), the people drill-down, and what is still open for input. Used beside the
allocation's "where it comes from"."""

from portal.models.calendar import EventKind
from portal.models.planning import PlanStatus
from portal.services import funding, plans
from portal.services import school_calendar as cal
from portal.services.charts import goal_bars, whole_bar
from portal.services.positions import costs_actual

# Events where families can weigh in on the budget.
INPUT_EVENTS = (EventKind.BUDGET_REVIEW, EventKind.SITE_COUNCIL, EventKind.SURVEY_WINDOW)


def private_costs(budget, district) -> set[int]:
    """The positions whose own cost a public page must not print: under actual costing a
    position's cost is a person's pay, so the page prints its role's total instead (services
    and templates ask `it.investment.id in private`)."""
    if not costs_actual(district):
        return set()
    return {item.investment.id for item in budget.positions}


def money_context(plan, money, district) -> dict:
    """What every public page that prints a plan's money needs beside the totals."""
    budget = plans.budget_totals(plan, money)
    return {
        "budget": budget,
        "streams_by_id": {
            source.stream.id: source.stream for source in (money.sources if money else [])
        },
        "whole_chart": whole_bar(budget),
        "private": private_costs(budget, district),
        "roles_by_id": {r.role.id: r for r in budget.roles},
    }


def spending_context(school, year, money, district) -> dict:
    """Template values for the spending half of /schools/<slug>/budget."""
    if year is None:
        return {"plan": None}
    plan = plans.public_plan(school.id, year.id)
    if plan is None:
        return {"plan": None}
    context = money_context(plan, money, district)
    return {
        "plan": plan,
        **context,
        "spend_chart": goal_bars(context["budget"]),
        "input_events": cal.upcoming_of_kinds(
            year, school.id, INPUT_EVENTS, cal.local_now(district), 3
        ),
        "open_for_feedback": plan.status == PlanStatus.SHARED,
    }


def people_context(school, year, district) -> dict | None:
    """Template values for /schools/<slug>/budget/people (None: no public plan that year)."""
    plan = plans.public_plan(school.id, year.id) if year else None
    if plan is None:
        return None
    money = funding.school_funding(funding.published_run(district.id, year.id), school.id)
    return {
        "school": school,
        "year": year,
        "plan": plan,
        "money": money,
        **money_context(plan, money, district),
    }
