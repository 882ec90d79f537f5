"""Statement budgets of a school's public pages (issue 18): the plan, budget, people, calendar
and approved-version pages run a small, fixed number of SQL statements, the same with 5 goals,
investments, budget lines, positions and comments as with 80, so a cold page stays fast however
large the plan (tests/statements.py counts them, on SQLite and on PostgreSQL)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models import (
    BudgetLine,
    CalendarEvent,
    Feedback,
    FundingStream,
    Goal,
    Investment,
    Motion,
    School,
    SchoolPlan,
    SchoolYear,
    StaffRole,
    Strategy,
)
from portal.services import plan_versions
from portal.services import school_calendar as cal
from portal.services.spending import INPUT_EVENTS
from tests import factories
from tests.plan_helpers import approve_by_council
from tests.statements import statements_for
from tests.test_totals import SCHOOL, add_positions, planned  # noqa: F401  (fixture)

BUDGET_LIMIT = 10  # the budget for /schools/<slug>/budget (not met yet: see below)
PAGES = {
    "plan": f"/schools/{SCHOOL}/plan",
    "budget": f"/schools/{SCHOOL}/budget",
    "people": f"/schools/{SCHOOL}/budget/people",
    "calendar": f"/schools/{SCHOOL}/calendar",
    "version": f"/schools/{SCHOOL}/plan/versions/1",
}
# What each page runs at most, however large the plan: today's counts, so any new query fails
# here. Of each, 1 reads the district (every request), 1 the glossary (portal/web.py), and on
# plan, budget and people 7 work out the district's published allocation (services/funding.py).
LIMITS = {"plan": 18, "budget": 20, "people": 14, "calendar": 11, "version": 11}
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _approve(app) -> None:
    """César Chávez's council approves its plan: version 1 is frozen."""
    with app.app_context():
        school = db.session.query(School).filter_by(slug=SCHOOL).one()
        plan = db.session.query(SchoolPlan).filter_by(school_id=school.id).one()
        council = factories.committee(school)
        meeting = factories.meeting(council, school.district, date(2026, 9, 15), agenda=["Plan"])
        motion = Motion(
            text=factories.text("Approve the plan"),
            subject="plan",
            status="closed",
            passed=True,
            tally="7–1–1",
        )
        meeting.motions.append(motion)
        db.session.flush()
        approve_by_council(plan, date(2026, 9, 15))
        plan_versions.freeze(plan, motion)
        db.session.commit()
        db.session.remove()


def _grow(app, n: int, comments: int) -> None:
    """Add `n` goals (each with a strategy), `n` investments with a budget line each, `n` staff
    positions, and `comments` published comments on goals and on investments, to the plan;
    then change its first investment, so it differs from what the council approved."""
    with app.app_context():
        school = db.session.query(School).filter_by(slug=SCHOOL).one()
        year = db.session.query(SchoolYear).filter_by(is_current=True).one()
        plan = db.session.query(SchoolPlan).filter_by(school_id=school.id).one()
        stream = db.session.query(FundingStream).filter_by(school_year_id=year.id).first()
        done = db.session.query(StaffRole).count()  # rows from an earlier call keep their codes
        priority = len(plan.investments)
        goals = []
        for k in range(n):
            goal = Goal(
                statement={"en": f"Extra goal {k}"},
                indicator={"en": "Share"},
                position=100 + k,
                source_locale="en",
            )
            goal.strategies.append(Strategy(description={"en": f"Way {k}"}, source_locale="en"))
            plan.goals.append(goal)
            goals.append(goal)
        db.session.flush()
        # Each new investment and position has a category or role of its own, so a lazy load
        # per category or role would show as growth.
        categories = [factories.category(school.district, f"9{done + k:03}") for k in range(n)]
        roles = [
            StaffRole(
                district_id=school.district_id, code=f"8{done + k:03}", name={"en": f"Role {k}"}
            )
            for k in range(n)
        ]
        db.session.add_all(roles)
        db.session.flush()
        for k in range(n):
            priority += 1
            spend = Investment(
                category_id=categories[k].id,
                goal_id=goals[k].id,
                strategy_id=goals[k].strategies[0].id,
                description={"en": f"Extra investment {k}"},
                cost_cents=1_000_00,
                priority=priority,
                source_locale="en",
            )
            spend.budget_lines.append(BudgetLine(funding_stream_id=stream.id, cents=500_00))
            plan.investments.append(spend)
            priority += 1
            person = Investment(
                goal_id=goals[k].id,
                staff_role_id=roles[k].id,
                fte=1,
                cost_cents=50_000_00,
                priority=priority,
                recurrence="ongoing",
                funding_stream_id=stream.id,
                description={},
                source_locale="en",
            )
            person.budget_lines.append(BudgetLine(funding_stream_id=stream.id, cents=50_000_00))
            plan.investments.append(person)
        db.session.flush()
        investments = [i for i in plan.investments if i.staff_role_id is None]
        for k in range(comments):
            kind, target = ("goal", goals[k % n]) if k % 2 else ("investment", investments[k % n])
            db.session.add(
                Feedback(
                    district_id=school.district_id,
                    school_id=school.id,
                    target_type=kind,
                    target_id=target.id,
                    body=f"Comment {k}",
                    locale="en",
                    visibility="visible",
                )
            )
        for k in range(n):  # the year's calendar fills up too: events of every kind
            kind = ("budget_review", "survey_window", "training")[k % 3]
            db.session.add(_event(school, year, kind, k))
        first = min(investments, key=lambda i: i.priority)
        first.cost_cents += 1_000_00
        db.session.commit()
        db.session.remove()


def _event(school, year, kind: str, k: int) -> CalendarEvent:
    """An event of the school (or, one in four, district-wide) `k` days into the year."""
    starts = datetime.combine(year.starts_on, datetime.min.time(), UTC) + timedelta(days=k)
    return CalendarEvent(
        district_id=school.district_id,
        school_year_id=year.id,
        school_id=None if k % 4 == 0 else school.id,
        phase="engage",
        kind=kind,
        title={"en": f"Event {k}"},
        starts_at=starts + timedelta(hours=17),
        ends_at=starts + timedelta(hours=19) if k % 2 else None,
    )


@pytest.fixture
def approved(planned):  # noqa: F811
    """César Chávez: its plan with positions, approved by its council (version 1)."""
    add_positions(planned)
    _approve(planned)
    return planned


def _listing(statements: list[str]) -> str:
    return "\n".join(f"{n + 1:>3}. {' '.join(s.split())[:300]}" for n, s in enumerate(statements))


def _counts(app, client) -> dict[str, list[str]]:
    return {name: statements_for(app, client, path) for name, path in PAGES.items()}


def test_school_pages_run_the_same_few_statements_with_5_or_80_rows(approved, client):
    """5 goals, investments, positions, budget lines and events and no comments, then 80 of
    each and 20 comments: every page runs the same statements, within its ceiling, no write."""
    _grow(approved, 5, 0)
    small = _counts(approved, client)
    _grow(approved, 75, 20)
    large = _counts(approved, client)
    problems = []
    for name in PAGES:
        if len(large[name]) != len(small[name]):
            problems.append(
                f"{name}: {len(small[name])} statements with 5 rows, {len(large[name])} with 80\n"
                f"-- with 5:\n{_listing(small[name])}\n-- with 80:\n{_listing(large[name])}"
            )
        elif len(large[name]) > LIMITS[name]:
            problems.append(
                f"{name}: {len(large[name])} statements, at most {LIMITS[name]}\n"
                f"{_listing(large[name])}"
            )
        writes = [s for s in large[name] if WRITES.match(s)]
        if writes:
            problems.append(f"{name} writes during a GET:\n{_listing(writes)}")
    assert not problems, "\n\n".join(problems)


@pytest.mark.xfail(
    strict=True,
    reason="7 of the budget page's statements re-run the district's published allocation "
    "(services/funding.published_run: scenario, streams, their schools and categories, every "
    "school, enrollment, prior allocations) and 1 reads the need groups; storing each "
    "school's published figures when the scenario is published would bring it to about 14 "
    "(the rest read one thing each)",
)
def test_the_budget_page_runs_at_most_10_statements(approved, client):
    _grow(approved, 5, 0)
    seen = statements_for(approved, client, PAGES["budget"])
    assert len(seen) <= BUDGET_LIMIT, f"{len(seen)} statements\n{_listing(seen)}"


def test_the_budget_pages_next_chances_to_weigh_in_are_the_calendars(approved):
    """upcoming_of_kinds (two queries) lists what the whole year's agenda would, at any time:
    the same next three events and meetings of the kinds that take input, in the same order."""
    _grow(approved, 12, 0)
    with approved.app_context():
        school = db.session.query(School).filter_by(slug=SCHOOL).one()
        year = db.session.query(SchoolYear).filter_by(is_current=True).one()
        whole = [e for e in cal.school_events(year.id, school.id) if e.kind in INPUT_EVENTS]
        assert any(e.is_meeting for e in whole) and len(whole) > 5
        start = datetime.combine(year.starts_on, datetime.min.time(), UTC)
        for days in range(-3, 380, 2):
            now = start + timedelta(days=days, hours=18)
            expected = [e.id for e in cal.upcoming(whole, now, 3)]
            got = [e.id for e in cal.upcoming_of_kinds(year, school.id, INPUT_EVENTS, now, 3)]
            assert got == expected, now
        db.session.remove()
