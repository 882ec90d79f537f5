"""The spending side of a school's public budget page: what the money is spent on, by goal, and
what is still open for input. Used beside the allocation's "where it comes from"."""

from portal.models.calendar import EventKind
from portal.models.planning import PlanStatus
from portal.services import plans
from portal.services import school_calendar as cal
from portal.services.charts import goal_bars

# Events where families can weigh in on the budget.
INPUT_EVENTS = (EventKind.BUDGET_REVIEW, EventKind.SITE_COUNCIL, EventKind.SURVEY_WINDOW)


def spending_context(school, year, money, district) -> dict:
    """Template values for the spending half of /schools/<slug>/budget."""
    if year is None:
        return {"plan": None}
    plan = plans.load_plan(school.id, year.id)
    if plan is None or plan.status == PlanStatus.DRAFT:
        return {"plan": None}
    totals = plans.budget_totals(plan, money)
    now = cal.local_now(district)
    events = [e for e in cal.school_events(year.id, school.id) if e.kind in INPUT_EVENTS]
    return {
        "plan": plan,
        "budget": totals,
        "streams_by_id": {
            source.stream.id: source.stream for source in (money.sources if money else [])
        },
        "spend_chart": goal_bars(totals),
        "input_events": cal.upcoming(events, now, 3),
        "open_for_feedback": plan.status == PlanStatus.SHARED,
    }
