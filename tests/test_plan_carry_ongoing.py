"""Starting next year's plan from last year's (plan_editing.copy_previous, which the year
rollover uses too), through the editor's route: only ongoing investments and positions are
carried, with their role, FTE, recurrence and base program; positions are priced again at the
new year's average salary (kept at last year's cost when the year has no rate, or under actual
costing), and each funding stream becomes the new year's stream of the same place and name."""

import pytest

from portal.models import (
    District,
    FundingStream,
    Goal,
    Investment,
    Role,
    SalaryRate,
    School,
    SchoolPlan,
    StaffRole,
    Strategy,
)
from tests import factories

SLUG = "maple-elementary"


@pytest.fixture
def last_year(district, ctx):
    """Maple's 2025-26 plan: a half-time counselor (ongoing, paid from the base stream), a
    full-time nurse for the base program (ongoing; no 2026-27 rate), laptops (one-time) and
    tutoring (ongoing, paid from a stream that 2026-27 does not have). 2026-27 is current."""
    with ctx() as session:
        d = session.get(District, district["id"])
        school = session.query(School).filter_by(slug=SLUG).one()
        old = factories.school_year(d, "2025-26", current=False)
        new = factories.school_year(d, "2026-27", current=True)
        old_base = factories.stream(d, old, "Base", revenue=100)
        old_grant = factories.stream(d, old, "Old grant", revenue=100)
        new_base = factories.stream(d, new, "Base", revenue=100)
        factories.stream(d, new, "New grant", revenue=100)
        roles = {}
        for code in ("CNS", "NRS"):
            roles[code] = StaffRole(district_id=d.id, code=code, name={"en": code}, group="other")
            session.add(roles[code])
        session.flush()
        for role, year, cents in (
            ("CNS", old, 90_000_00),
            ("CNS", new, 95_000_55),
            ("NRS", old, 80_000_00),
        ):
            session.add(
                SalaryRate(
                    staff_role_id=roles[role].id,
                    school_year_id=year.id,
                    salary_cents=cents,
                    benefits_cents=0,
                )
            )
        plan = SchoolPlan(school_id=school.id, school_year_id=old.id, source_locale="en")
        goal = Goal(statement={"en": "Feel safe"}, indicator={"en": "Survey"}, position=0)
        goal.strategies.append(Strategy(description={"en": "Circles"}))
        plan.goals.append(goal)
        session.add(plan)
        session.flush()
        rows = [
            dict(
                goal_id=goal.id,
                strategy_id=goal.strategies[0].id,
                staff_role_id=roles["CNS"].id,
                fte=50,
                cost_cents=45_000_00,
                recurrence="ongoing",
                funding_stream_id=old_base.id,
                description={"en": "Counselor"},
            ),
            dict(
                goal_id=None,
                staff_role_id=roles["NRS"].id,
                fte=100,
                cost_cents=80_000_00,
                recurrence="ongoing",
                description={},
            ),
            dict(
                goal_id=goal.id,
                cost_cents=6_500_00,
                recurrence="one_time",
                description={"en": "Laptops"},
            ),
            dict(
                goal_id=goal.id,
                cost_cents=12_000_00,
                recurrence="ongoing",
                funding_stream_id=old_grant.id,
                description={"en": "Tutoring"},
            ),
        ]
        for priority, row in enumerate(rows, start=1):
            plan.investments.append(Investment(priority=priority, source_locale="en", **row))
        session.commit()
        return {
            "roles": {code: r.id for code, r in roles.items()},
            "new_year": new.id,
            "new_base": new_base.id,
            "district": d.id,
        }


def carried(ctx, year_id):
    with ctx() as session:
        plan = session.query(SchoolPlan).filter_by(school_year_id=year_id).one()
        return plan.id, [
            (
                (i.description or {}).get("en"),
                i.staff_role_id,
                i.fte,
                i.cost_cents,
                i.recurrence,
                i.goal_id is None,
                i.strategy_id is not None,
                i.funding_stream_id,
                sorted((b.funding_stream_id, b.cents) for b in i.budget_lines),
            )
            for i in sorted(plan.investments, key=lambda i: i.priority)
        ]


@pytest.mark.parametrize("costing", ["average", "actual"])
def test_next_years_plan_carries_only_ongoing_costs_priced_at_the_new_year(
    last_year, login_as, ctx, costing
):
    with ctx() as session:
        session.get(District, last_year["district"]).position_costing = costing
        session.commit()
    principal = login_as(Role.PRINCIPAL)
    response = principal.post(f"/manage/schools/{SLUG}/plan", data={"from": "previous"})
    assert response.status_code == 303
    _plan, rows = carried(ctx, last_year["new_year"])
    cns, nrs, base = last_year["roles"]["CNS"], last_year["roles"]["NRS"], last_year["new_base"]
    # $95,000.55 x 0.5 = $47,500.275: $47,500.28 (half up), and its line on this year's Base.
    counselor = 47_500_28 if costing == "average" else 45_000_00
    assert rows == [
        ("Counselor", cns, 50, counselor, "ongoing", False, True, base, [(base, counselor)]),
        (None, nrs, 100, 80_000_00, "ongoing", True, False, None, []),
        ("Tutoring", None, None, 12_000_00, "ongoing", False, False, None, []),
    ]
    # Last year's plan is as it was.
    with ctx() as session:
        old = session.query(Investment).filter(Investment.plan_id != _plan).count()
        assert old == 4
        assert session.query(FundingStream).count() == 4
