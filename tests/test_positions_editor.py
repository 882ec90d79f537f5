"""Positions in the plan editor, through the real routes (plain POST and htmx): a role and an
FTE priced at the district's average in integer cents (or at the cost typed under actual
costing), a role the district has no rate for refused with what was typed kept, FTE values out
of range refused, the base program as a goal (with no strategy), ongoing or one-time required
of every investment, a funding stream of another year refused, and the budget matrix showing
positions and the base-program checks in words."""

import pytest

from portal.extensions import db
from portal.models import (
    BaseProgramRule,
    BudgetLine,
    District,
    FundingStream,
    Investment,
    Role,
    SalaryRate,
    School,
    SchoolYear,
    StaffRole,
)
from tests import factories
from tests.conftest import hx, visible_text
from tests.test_plans_phone import assert_kept_and_summarised, controls

SLUG = "maple-elementary"
ADD = f"/manage/schools/{SLUG}/plan/position/add"
EDITOR = f"/manage/schools/{SLUG}/plan"


@pytest.fixture
def staffed(funded, ctx):
    """Maple's plan (two goals, each with a strategy), the district's roles with this year's
    rates ($98,765.43 for a counselor, $98,765.50 for a nurse; none yet for a K-5 teacher), a
    base-program rule for the teacher, another district's role and a stream of another year."""
    with ctx() as session:
        district = session.get(District, funded["id"])
        school = session.query(School).filter_by(slug=SLUG).one()
        year = session.query(SchoolYear).filter_by(is_current=True).one()
        plan = factories.plan(
            school,
            year,
            [
                factories.goal_spec("Read more", strategy="Small groups"),
                factories.goal_spec("Feel safe", strategy="Circles"),
            ],
        )
        roles = {}
        for position, (code, name, group) in enumerate(
            (
                ("CNS", "Counselor", "counselor"),
                ("NRS", "Nurse", "nurse"),
                ("TK5", "Teacher, grades K-5", "teacher"),
            )
        ):
            roles[code] = StaffRole(
                district_id=district.id,
                code=code,
                name={"en": name, "es": f"{name} (es)"},
                group=group,
                position=position,
                source_locale="en",
            )
            session.add(roles[code])
        session.flush()
        session.add(
            SalaryRate(
                staff_role_id=roles["CNS"].id,
                school_year_id=year.id,
                salary_cents=80_000_00,
                benefits_cents=18_765_43,
            )
        )
        session.add(
            SalaryRate(
                staff_role_id=roles["NRS"].id,
                school_year_id=year.id,
                salary_cents=80_000_00,
                benefits_cents=18_765_50,
            )
        )
        session.add(
            BaseProgramRule(
                district_id=district.id,
                staff_role_id=roles["TK5"].id,
                level="elementary",
                minimum_fte=100,
                students_per_fte=24,
            )
        )
        other = factories.district(slug="elsewhere", name="Elsewhere Unified")
        foreign = StaffRole(district_id=other.id, code="CNS", name={"en": "Their counselor"})
        session.add(foreign)
        session.flush()
        # Even with a rate in this year's table (a crafted request), it is not this district's.
        session.add(SalaryRate(staff_role_id=foreign.id, school_year_id=year.id, salary_cents=1))
        last_year = factories.school_year(district, "2025-26", current=False)
        old_stream = factories.stream(district, last_year, "Base (last year)", revenue=10)
        session.commit()
        base = (
            session.query(FundingStream)
            .filter_by(school_year_id=year.id)
            .order_by(FundingStream.position)[0]
        )
        return {
            "plan": plan.id,
            "goals": [g.id for g in plan.goals],
            "strategies": [g.strategies[0].id for g in plan.goals],
            "roles": {code: role.id for code, role in roles.items()},
            "foreign_role": foreign.id,
            "stream": base.id,
            "old_stream": old_stream.id,
        }


def position(staffed, **changes) -> dict:
    data = {
        "staff_role_id": str(staffed["roles"]["CNS"]),
        "fte": "0.33",
        "description": "Meets every student once a term",
        "goal_id": str(staffed["goals"][1]),
        "strategy_id": str(staffed["strategies"][1]),
        "funding_stream_id": str(staffed["stream"]),
        "recurrence": "ongoing",
        "priority": "1",
    }
    return {**data, **changes}


def positions(ctx, staffed):
    with ctx() as session:
        rows = session.query(Investment).filter(Investment.staff_role_id.is_not(None))
        return [
            (i.staff_role_id, i.fte, i.cost_cents, i.goal_id, i.recurrence, i.funding_stream_id)
            for i in rows.order_by(Investment.id)
        ]


@pytest.mark.parametrize("headers", [{}, hx("investments")], ids=["plain", "htmx"])
def test_a_position_costs_its_fte_times_the_average_rounded_half_up_to_the_cent(
    staffed, login_as, ctx, headers
):
    principal = login_as(Role.PRINCIPAL)
    response = principal.post(ADD, data=position(staffed), headers=headers)
    assert response.status_code == (200 if headers else 303)
    # $98,765.43 x 0.33 = $32,592.5919: $32,592.59. $98,765.50 x 0.33 = $32,592.615: $32,592.62.
    nurse = position(staffed, staff_role_id=str(staffed["roles"]["NRS"]), goal_id="")
    nurse.pop("strategy_id")
    assert principal.post(ADD, data=nurse, headers=headers).status_code in (200, 303)
    cns, nrs = staffed["roles"]["CNS"], staffed["roles"]["NRS"]
    assert positions(ctx, staffed) == [
        (cns, 33, 32_592_59, staffed["goals"][1], "ongoing", staffed["stream"]),
        (nrs, 33, 32_592_62, None, "ongoing", staffed["stream"]),
    ]
    with ctx() as session:
        # Paid from one stream: its matrix line there is its cost.
        lines = {(b.funding_stream_id, b.cents) for b in session.query(BudgetLine)}
        assert lines == {(staffed["stream"], 32_592_59), (staffed["stream"], 32_592_62)}
    text = visible_text(principal.get(EDITOR).get_data(as_text=True))
    assert "1. Counselor, 0.33 FTE $32,592.59" in text
    assert "0.33 × $98,765.43 = $32,592.59 (district average salary and benefits)" in text
    assert "Nurse, 0.33 FTE $32,592.62 Base program" in text
    assert "Next year already owes $65,185.21 (ongoing costs); $0 is one-time." in text


@pytest.mark.parametrize("headers", [{}, hx("investments")], ids=["plain", "htmx"])
def test_a_role_without_a_rate_this_year_is_refused_with_what_was_typed_kept(
    staffed, login_as, ctx, headers
):
    principal = login_as(Role.PRINCIPAL)
    teacher = position(staffed, staff_role_id=str(staffed["roles"]["TK5"]), fte="2.5")
    response = principal.post(ADD, data=teacher, headers=headers)
    c = assert_kept_and_summarised(
        response,
        {
            "pos-new-staff_role_id": str(staffed["roles"]["TK5"]),
            "pos-new-fte": "2.5",
            "pos-new-description": "Meets every student once a term",
            "pos-new-goal_id": str(staffed["goals"][1]),
            "pos-new-strategy_id": str(staffed["strategies"][1]),
            "pos-new-funding_stream_id": str(staffed["stream"]),
            "pos-new-priority": "1",
        },
        ["pos-new-staff_role_id"],
    )
    assert "checked" in c.by_id["pos-new-recurrence-0"]
    assert "open" in c.by_id["add-position"]
    html = response.get_data(as_text=True)
    assert "The district has not set an average salary for this role for 2026-27 yet." in html
    assert positions(ctx, staffed) == []


def test_the_role_list_is_grouped_and_the_cost_is_never_typed_under_average_costing(
    staffed, login_as
):
    html = login_as(Role.PRINCIPAL).get(EDITOR).get_data(as_text=True)
    c = controls(html)
    assert "pos-new-cost" not in c.by_id
    assert c.by_id["pos-new-fte"]["inputmode"] == "decimal"
    role_select = html[html.index('id="pos-new-staff_role_id"') :]
    role_select = role_select[: role_select.index("</select>")]
    assert '<optgroup label="Counselors">' in role_select
    assert '<optgroup label="Teachers">' in role_select
    assert "Their counselor" not in html  # another district's role
    # Ongoing is chosen for a new position; a new investment must say which it is.
    assert "checked" in c.by_id["pos-new-recurrence-0"]
    assert "checked" not in c.by_id["inv-new-recurrence-0"]
    assert "checked" not in c.by_id["inv-new-recurrence-1"]


@pytest.mark.parametrize("headers", [{}, hx("investments")], ids=["plain", "htmx"])
def test_under_actual_costing_the_school_types_the_cost(staffed, login_as, ctx, headers):
    with ctx() as session:
        session.get(District, staffed_district(session)).position_costing = "actual"
        session.commit()
    principal = login_as(Role.PRINCIPAL)
    assert "pos-new-cost" in controls(principal.get(EDITOR).get_data(as_text=True)).by_id
    # Actual costing needs no rate: the K-5 teacher is priced as typed.
    typed = position(staffed, staff_role_id=str(staffed["roles"]["TK5"]), fte="1", cost="")
    assert_kept_and_summarised(
        principal.post(ADD, data=typed, headers=headers), {"pos-new-cost": ""}, ["pos-new-cost"]
    )
    typed["cost"] = "61,250.50"
    assert principal.post(ADD, data=typed, headers=headers).status_code in (200, 303)
    [(role, fte, cost, *_rest)] = positions(ctx, staffed)
    assert (role, fte, cost) == (staffed["roles"]["TK5"], 100, 61_250_50)


def staffed_district(session) -> int:
    return session.query(School).filter_by(slug=SLUG).one().district_id


@pytest.mark.parametrize("typed", ["abc", "0", "41", "1.234", "-1"])
def test_an_fte_outside_one_hundredth_to_forty_is_refused_beside_the_field(
    staffed, login_as, ctx, typed
):
    for headers in ({}, hx("investments")):
        response = login_as(Role.PRINCIPAL).post(
            ADD, data=position(staffed, fte=typed), headers=headers
        )
        assert_kept_and_summarised(response, {"pos-new-fte": typed}, ["pos-new-fte"])
        assert "Enter the FTE as a number from 0.01 to 40" in response.get_data(as_text=True)
    assert positions(ctx, staffed) == []


def test_the_base_program_is_the_first_goal_and_has_no_strategy(staffed, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    html = principal.get(EDITOR).get_data(as_text=True)
    c = controls(html)
    for form in ("pos-new", "inv-new"):
        assert c.by_id[f"{form}-goal_id"]["first"] == ""
    assert "Base program (the core staffing every school needs)" in html
    # The base program with a strategy, and a strategy of another goal, are refused.
    for goal, strategy in (("", 0), (str(staffed["goals"][0]), 1)):
        response = principal.post(
            ADD,
            data=position(staffed, goal_id=goal, strategy_id=str(staffed["strategies"][strategy])),
        )
        assert_kept_and_summarised(response, {"pos-new-goal_id": goal}, ["pos-new-strategy_id"])
    assert positions(ctx, staffed) == []
    # An ordinary investment can be base program too.
    ok = principal.post(
        f"{EDITOR}/investment/add",
        data={
            "description": "Office paper",
            "cost": "1,200",
            "priority": "3",
            "goal_id": "",
            "recurrence": "one_time",
        },
    )
    assert ok.status_code == 303
    with ctx() as session:
        paper = session.query(Investment).filter_by(cost_cents=1_200_00).one()
        assert (paper.goal_id, paper.recurrence, paper.staff_role_id) == (None, "one_time", None)


@pytest.mark.parametrize("headers", [{}, hx("investments")], ids=["plain", "htmx"])
def test_every_investment_must_say_whether_it_comes_back_next_year(staffed, login_as, ctx, headers):
    principal = login_as(Role.PRINCIPAL)
    books = {
        "description": "Books",
        "cost": "1,000",
        "priority": "2",
        "goal_id": str(staffed["goals"][0]),
    }
    for recurrence in (None, "sometimes"):
        data = books if recurrence is None else {**books, "recurrence": recurrence}
        response = principal.post(f"{EDITOR}/investment/add", data=data, headers=headers)
        assert_kept_and_summarised(
            response, {"inv-new-description": "Books"}, ["inv-new-recurrence"]
        )
        assert "Say whether it comes back every year or is spent once." in response.get_data(
            as_text=True
        )
    with ctx() as session:
        assert session.query(Investment).count() == 0


@pytest.mark.parametrize(
    "field, value_key",
    [("funding_stream_id", "old_stream"), ("staff_role_id", "foreign_role")],
)
def test_a_stream_of_another_year_or_a_role_of_another_district_is_refused(
    staffed, login_as, ctx, field, value_key
):
    for headers in ({}, hx("investments")):
        response = login_as(Role.PRINCIPAL).post(
            ADD, data=position(staffed, **{field: str(staffed[value_key])}), headers=headers
        )
        # Not on the page's list, so the list shows its first choice; the message is beside it.
        assert_kept_and_summarised(response, {"pos-new-fte": "0.33"}, [f"pos-new-{field}"])
    assert positions(ctx, staffed) == []
    # The same stream on an ordinary investment is refused too.
    response = login_as(Role.PRINCIPAL).post(
        f"{EDITOR}/investment/add",
        data={
            "description": "Books",
            "cost": "1,000",
            "priority": "2",
            "goal_id": "",
            "recurrence": "ongoing",
            "funding_stream_id": str(staffed["old_stream"]),
        },
    )
    if field == "funding_stream_id":
        assert_kept_and_summarised(response, {}, ["inv-new-funding_stream_id"])


def test_a_position_is_saved_through_its_own_form_and_repriced(staffed, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    assert principal.post(ADD, data=position(staffed)).status_code == 303
    with ctx() as session:
        row = session.query(Investment).one().id
    # As an ordinary investment its cost could be typed over the average: not found that way.
    as_investment = {
        "description": "x",
        "cost": "1",
        "priority": "1",
        "goal_id": "",
        "recurrence": "ongoing",
    }
    response = principal.post(f"{EDITOR}/investment/{row}", data=as_investment)
    assert response.status_code == 404
    changed = position(staffed, fte="1", recurrence="one_time")
    response = principal.post(f"{EDITOR}/position/{row}", data=changed, headers=hx("investments"))
    assert response.status_code == 200
    assert (
        "autofocus" in controls(response.get_data(as_text=True)).by_id[f"investment-{row}-summary"]
    )
    [(_role, fte, cost, _goal, recurrence, _stream)] = positions(ctx, staffed)
    assert (fte, cost, recurrence) == (100, 98_765_43, "one_time")
    with ctx() as session:
        assert [b.cents for b in session.query(BudgetLine)] == [98_765_43]


def test_the_editor_reconciles_the_whole_allocation(staffed, login_as):
    principal = login_as(Role.PRINCIPAL)
    base = position(staffed, goal_id="", fte="1")
    base.pop("strategy_id")
    assert principal.post(ADD, data=base).status_code == 303
    html = principal.get(EDITOR).get_data(as_text=True)
    from tests.test_totals import assert_sums_add_up, cents

    m = assert_sums_add_up(html, "editor")
    base_cents, goals_cents, left_cents = (cents(p) for p in m.parts["allocation"])
    assert base_cents == 98_765_43 and goals_cents == 0
    assert base_cents + left_cents == cents(m.totals["allocation"][0])


def test_the_matrix_shows_positions_and_the_base_program_in_words(staffed, login_as):
    principal = login_as(Role.PRINCIPAL)
    base = position(staffed, goal_id="", fte="1")
    base.pop("strategy_id")
    assert principal.post(ADD, data=base).status_code == 303
    for headers in ({}, hx("matrix")):
        html = principal.get(f"/manage/schools/{SLUG}/budget", headers=headers).get_data(
            as_text=True
        )
        text = visible_text(html)
        assert "Base program 1. Counselor, 1 FTE" in text
        # 412 students at one per 24: 17.17 teachers, and the budget has none.
        assert (
            "Base program: at least 17.17 full-time Teacher, grades K-5 (one for every 24 of our "
            "412 students). The budget pays for 0: 17.17 short."
        ) in text
    es = principal.get(f"/manage/schools/{SLUG}/budget?lang=es").get_data(as_text=True)
    assert "Counselor (es), 1 ETC" in visible_text(es)  # ETC: equivalente a tiempo completo


@pytest.mark.parametrize(
    "field, value",
    [("fte", 0), ("fte", 4001), ("fte", None), ("recurrence", "sometimes"), ("recurrence", None)],
)
def test_the_service_refuses_an_fte_or_recurrence_whatever_the_form_sent(
    staffed, make_user, clean_app, field, value
):
    from portal.models import SchoolPlan, User
    from portal.services import plan_editing
    from portal.services.errors import Rejected

    email = make_user(Role.PRINCIPAL, schools=[SLUG])
    with clean_app.test_request_context():
        plan = db.session.get(SchoolPlan, staffed["plan"])
        actor = db.session.scalars(db.select(User).where(User.email == email)).one()
        values = {
            "staff_role_id": staffed["roles"]["CNS"],
            "fte": 50,
            "description": "",
            "goal_id": None,
            "strategy_id": None,
            "funding_stream_id": None,
            "category_id": None,
            "recurrence": "ongoing",
            "priority": 1,
            field: value,
        }
        with pytest.raises(Rejected) as refused:
            plan_editing.add_row(plan, "position", values, "en", actor)
        assert list(refused.value.fields) == [field]
        db.session.rollback()
