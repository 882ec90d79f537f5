"""Approved versions keep the people in a budget: a snapshot records each position's role, FTE,
whether it recurs and the stream paying it; the frozen version's people totals are the ones
the council approved, whatever the working plan does next; a change to a position is said in
plain words in the public record; and a snapshot taken before positions existed still reads."""

import copy
import re

from sqlalchemy import select

from portal.models import (
    BudgetLine,
    FundingStream,
    Goal,
    Investment,
    PlanVersion,
    SchoolPlan,
    StaffRole,
    Strategy,
)
from portal.services import plan_versions, plans
from portal.services.plan_changes import changes_since
from portal.services.plan_snapshots import rebuild
from tests.committee_helpers import saving
from tests.conftest import visible_text
from tests.test_plan_versions import _approve, _text

BUDGET = "/schools/maple-elementary/budget"
TEACHER_COST = 9_000_000  # one full-time teacher, salary and benefits


def _staffed_plan(ctx) -> dict:
    """Maple's shared plan: a reading goal, two base-program teachers and a half-time aide for
    the goal (each paid in full from the first stream), and one-time laptops."""
    with saving(ctx) as session:
        plan = session.scalars(select(SchoolPlan)).one()
        stream = session.scalars(select(FundingStream).order_by(FundingStream.id)).first()
        district_id = plan.school.district_id
        teacher = StaffRole(
            district_id=district_id,
            code="1210",
            name={"en": "Teacher, grades K-5", "es": "Maestro, kínder a 5.º"},
            group="teacher",
            position=0,
            source_locale="en",
        )
        aide = StaffRole(
            district_id=district_id,
            code="2110",
            name={"en": "Instructional aide", "es": "Asistente de instrucción"},
            group="aide",
            position=1,
            source_locale="en",
        )
        session.add_all([teacher, aide])
        goal = Goal(statement={"en": "Read at grade level"}, indicator={"en": "Share"})
        goal.strategies.append(Strategy(description={"en": "Small groups"}))
        plan.goals.append(goal)
        session.flush()

        def add(description, cost, role=None, fte=None, goal_id=None, recurrence="ongoing"):
            row = Investment(
                goal_id=goal_id,
                description={"en": description},
                cost_cents=cost,
                priority=1,
                recurrence=recurrence,
                staff_role_id=role.id if role else None,
                fte=fte,
                funding_stream_id=stream.id,
                source_locale="en",
            )
            row.budget_lines.append(BudgetLine(funding_stream_id=stream.id, cents=cost))
            plan.investments.append(row)
            return row

        teachers = add("Classroom teachers", 2 * TEACHER_COST, teacher, 200)
        aides = add("Reading aide", 2_450_000, aide, 50, goal.id)
        laptops = add("Start-up laptops", 1_200_000, goal_id=goal.id, recurrence="one_time")
        session.flush()
        return {
            "plan": plan.id,
            "teachers": teachers.id,
            "aides": aides.id,
            "laptops": laptops.id,
            "goal": goal.id,
            "stream": stream.id,
            "teacher": teacher.id,
            "aide": aide.id,
        }


def _people(totals) -> list:
    """What a page prints of the people: per group and per role, FTE, cost and funded."""
    return [
        (
            g.group,
            str(g.label),
            g.fte,
            g.cost_cents,
            g.funded_cents,
            [(r.role.code, r.role.name, r.fte, r.funded_fte, r.funded_cents) for r in g.roles],
        )
        for g in totals.people_groups
    ] + [totals.fte, totals.people_cents, totals.other_cents, totals.ongoing_cents]


def _working_totals(session, plan_id):
    plan = session.get(SchoolPlan, plan_id)
    money = plan_versions.school_money(plan)
    return plans.budget_totals(plans.load_plan(plan.school_id, plan.school_year_id), money)


def test_the_snapshot_keeps_positions_and_the_frozen_people_totals(council, login_as, ctx):
    ids = _staffed_plan(ctx)
    with ctx() as session:
        at_approval = _people(_working_totals(session, ids["plan"]))
    assert at_approval[-4:] == [250, 2 * TEACHER_COST + 2_450_000, 1_200_000, 20_450_000]
    _approve(ctx, login_as, council["motion"], council["members"])
    with ctx() as session:
        (version,) = plan_versions.versions(ids["plan"])
        rows = {i["id"]: i for i in version.snapshot["investments"]}
        assert rows[ids["teachers"]]["fte"] == 200
        assert rows[ids["teachers"]]["staff_role"] == {
            "id": ids["teacher"],
            "code": "1210",
            "name": {"en": "Teacher, grades K-5", "es": "Maestro, kínder a 5.º"},
            "group": "teacher",
            "position": 0,
            "source_locale": "en",
        }
        assert rows[ids["aides"]]["funding_stream_id"] == ids["stream"]
        assert rows[ids["laptops"]]["recurrence"] == "one_time"
        assert rows[ids["laptops"]]["staff_role"] is None and rows[ids["laptops"]]["fte"] is None
        frozen, money = rebuild(version)
        assert frozen not in session
        assert _people(plans.budget_totals(frozen, money)) == at_approval
        # The principal halves the teachers after the vote: the working plan changes, the
        # approved version does not.
        teachers = session.get(Investment, ids["teachers"])
        teachers.fte, teachers.cost_cents = 150, 3 * TEACHER_COST // 2
        teachers.budget_lines[0].cents = teachers.cost_cents
        session.commit()
        assert _people(_working_totals(session, ids["plan"])) != at_approval
        frozen, money = rebuild(plan_versions.version(ids["plan"], 1))
        assert _people(plans.budget_totals(frozen, money)) == at_approval


def test_the_public_record_says_a_position_changed_in_plain_words(council, login_as, ctx, client):
    ids = _staffed_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    with saving(ctx) as session:
        plan = session.get(SchoolPlan, ids["plan"])
        teachers = session.get(Investment, ids["teachers"])
        teachers.fte, teachers.cost_cents = 150, 3 * TEACHER_COST // 2
        teachers.budget_lines[0].cents = teachers.cost_cents
        aides = session.get(Investment, ids["aides"])
        aides.goal_id = None  # the reading aide becomes part of the base program
        aides.staff_role_id = ids["teacher"]  # ... and a teacher
        session.get(Investment, ids["laptops"]).recurrence = "ongoing"
        plan.investments.append(
            Investment(
                description={"en": "School counselor"},
                cost_cents=4_850_000,
                priority=2,
                staff_role_id=ids["aide"],
                fte=100,
                source_locale="en",
            )
        )
    page = _text(client, BUDGET)
    assert "Changed since the council approved it on" in page
    assert "Classroom teachers: 2 → 1.5 full-time equivalent" in page
    assert "Classroom teachers: $180,000 → $135,000" in page
    assert "Reading aide: the role changed from Instructional aide to Teacher, grades K-5" in page
    assert "Reading aide moved to the base program" in page
    assert "Start-up laptops is now ongoing: it comes back every year" in page
    assert "Position added: School counselor (" in page
    assert "Instructional aide, 1 full-time equivalent), $48,500" in page
    spanish = _text(client, BUDGET + "?lang=es")
    assert "Maestro, kínder a 5.º" in spanish  # the role's own name in the reader's language


def test_a_removed_position_and_a_new_goal_for_it(council, login_as, ctx):
    ids = _staffed_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    with saving(ctx) as session:
        plan = session.get(SchoolPlan, ids["plan"])
        session.delete(session.get(Investment, ids["aides"]))
        session.get(Investment, ids["teachers"]).goal_id = ids["goal"]
        session.get(Investment, ids["laptops"]).staff_role_id = None
        session.flush()
        found = {
            (c.kind, c.what, c.text["en"]): c
            for c in changes_since(plan_versions.version(plan.id, 1), plan)
        }
    removed = found[("removed", "position", "Reading aide")]
    assert removed.before_fte == 50 and removed.before_cents == 2_450_000
    assert removed.role_name["en"] == "Instructional aide"
    moved = found[("moved", "investment", "Classroom teachers")]
    assert moved.goal_text == {"en": "Read at grade level"}
    assert len(found) == 2  # nothing else changed


def test_an_old_snapshot_without_positions_still_rebuilds(council, login_as, ctx):
    """A version frozen before positions existed (format 1: no recurrence, FTE, role or
    stream) rebuilds as ongoing costs that are not people, and compares without changes."""
    ids = _staffed_plan(ctx)
    with saving(ctx) as session:  # the plan as it was before issue 16: no positions
        for key in ("teachers", "aides"):
            session.delete(session.get(Investment, ids[key]))
        session.get(Investment, ids["laptops"]).recurrence = "ongoing"
        session.get(Investment, ids["laptops"]).funding_stream_id = None
    _approve(ctx, login_as, council["motion"], council["members"])
    with ctx() as session:
        version = plan_versions.version(ids["plan"], 1)
        old = copy.deepcopy(version.snapshot)
        old["format"] = 1
        for row in old["investments"]:
            for key in ("recurrence", "fte", "staff_role", "funding_stream_id"):
                del row[key]
        shaped = PlanVersion(snapshot=old, approved_on=version.approved_on, tally=version.tally)
        frozen, money = rebuild(shaped)
        (laptops,) = frozen.investments
        assert laptops.is_ongoing and not laptops.is_position and laptops.fte is None
        totals = plans.budget_totals(frozen, money)
        assert totals.people_groups == [] and totals.people_cents == 0
        assert totals.other_cents == totals.funded_cents == 1_200_000
        plan = session.get(SchoolPlan, ids["plan"])
        assert changes_since(shaped, plan) == []


def test_the_district_review_shows_the_whole_budget_and_the_base_program(council, login_as, ctx):
    """A submitted plan on the review page: base program, goal, unassigned and the whole
    allocation adding up, people and everything else, what next year owes, and each rule of
    the base program met or short in words."""
    from portal.models import BaseProgramRule, Role
    from portal.services import plan_review

    ids = _staffed_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    with saving(ctx) as session:
        plan = session.get(SchoolPlan, ids["plan"])
        district_id = plan.school.district_id
        session.add(
            BaseProgramRule(district_id=district_id, staff_role_id=ids["aide"], minimum_fte=100)
        )
        session.add(
            BaseProgramRule(
                district_id=district_id,
                staff_role_id=ids["teacher"],
                level="elementary",
                minimum_fte=100,
                students_per_fte=1000,
            )
        )
        plan_review.submit_plan(plan, None)
        totals = _working_totals(session, ids["plan"])
        pupils = totals.money.pupils
    response = login_as(Role.DISTRICT).get("/manage/plans/review")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    card = html[html.index('id="plan-maple-elementary"') :]
    card = card[: card.index('<li class="card"', 1)] if '<li class="card"' in card[1:] else card
    text = _text_of(card)
    assert "The whole budget" in text
    assert f"Not assigned yet {_dollars(totals.left_cents)}" in text
    assert f"Our whole allocation {_dollars(totals.available_cents)}" in text
    assert "People: $204,500 (2.5 full-time equivalent). Everything else: $12,000." in text
    assert "Next year already owes $204,500 of this: it comes back every year." in text
    assert "$12,000 is spent once." in text
    assert "1 rule of the base program is not met." in text
    assert (
        "Short: Instructional aide: at least 1 full-time. The budget pays for 0.5: 0.5 short."
        in text
    )
    assert (
        "Met: Teacher, grades K-5: at least 1 full-time, one for every 1,000 of its "
        f"{pupils} students. The budget pays for 2." in text
    )
    # The parts printed in the table add up to the whole allocation.
    parts = [
        int(re.sub(r"\D", "", v)) for v in re.findall(r'data-part="allocation">([^<]+)<', card)
    ]
    total = re.search(r'data-total="allocation">([^<]+)<', card).group(1)
    assert sum(parts) == int(re.sub(r"\D", "", total)) == totals.available_cents // 100


def _dollars(cents: int) -> str:
    return f"${cents // 100:,}" if cents % 100 == 0 else f"${cents / 100:,.2f}"


def _text_of(html: str) -> str:
    return re.sub(r" ([:,.)])", r"\1", visible_text(html)).replace("( ", "(")
