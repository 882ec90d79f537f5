"""The spending side of a school's public budget page: what the money is spent on, by goal, and
what is still open for input. Used beside the allocation's "where it comes from"."""

from portal.models.calendar import EventKind
from portal.models.planning import PlanStatus
from portal.services import plans
from portal.services import school_calendar as cal
from portal.services.charts import bar_chart

# Events where families can weigh in on the budget.
INPUT_EVENTS = (EventKind.BUDGET_REVIEW, EventKind.SITE_COUNCIL, EventKind.SURVEY_WINDOW)


def spending_context(school, year, money, district) -> dict:
    """Template values for the spending half of /schools/<slug>/budget."""
    if year is None:
        return {"plan": None}
    plan = plans.load_plan(school.id, year.id)
    if plan is None or plan.status == PlanStatus.DRAFT:
        return {"plan": None}
    sources = money.sources if money else []
    _streams, totals, cells = plans.matrix_for(plan, sources)
    by_goal = plans.spending_by_goal(plan)
    available = money.total_cents if money else plan.planning_figure_cents
    line = plans.cut_line(plans.candidates(plan), available) if available is not None else None
    now = cal.local_now(district)
    events = [e for e in cal.school_events(year.id, school.id) if e.kind in INPUT_EVENTS]
    ranked = plans.ranked_investments(plan)
    return {
        "plan": plan,
        "investments_by_goal": plans.investments_by_goal(ranked),
        "streams_by_id": {source.stream.id: source.stream for source in sources},
        "unfunded": set(line.unfunded) if line else set(),
        "totals": totals,
        "cells": cells,
        "by_goal": by_goal,
        "spend_chart": bar_chart([(goal, assigned or cost) for goal, assigned, cost in by_goal]),
        "ranked": ranked,
        "cut": line,
        "input_events": cal.upcoming(events, now, 3),
        "open_for_feedback": plan.status == PlanStatus.SHARED,
    }
