"""The whole budget as a spreadsheet (issue 16): read back with openpyxl, its formulas are there,
and worked out here they give exactly the cents of plans.budget_totals, under a published
allocation (money assigned) and under the planning figure (the cut line); a draft is only the
school's editors'; headings in the reader's language, right to left in Arabic."""

import io
import re
from fractions import Fraction

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.models import (
    District,
    FundingStream,
    Investment,
    Role,
    SalaryRate,
    School,
    SchoolPlan,
    SchoolYear,
    StaffRole,
)
from portal.models.planning import PlanStatus
from portal.services import funding, plans
from tests import factories

SLUG = "maple-elementary"
URL = f"/schools/{SLUG}/budget/budget.xlsx"
REF = r"(?:'((?:[^']|'')+)'!)?\$?([A-Z]{1,2})\$?(\d+)"


def evaluate(book) -> dict[tuple[str, str], object]:
    """Every cell of every sheet with its formula worked out: SUM, SUMIF, MIN, ROUND and
    arithmetic over cells, the few things the budget sheet writes. Numbers as exact fractions."""
    raw = {
        (ws.title, c.coordinate): c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    done: dict = {}

    def value(sheet, ref):
        key = (sheet, ref)
        if key not in done:
            v = raw.get(key)
            if isinstance(v, str) and v.startswith("="):
                done[key] = calc(sheet, v[1:])
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                done[key] = Fraction(str(v))
            else:
                done[key] = v if v is not None else Fraction(0)
        return done[key]

    def rng(sheet, col, first, last):
        return [value(sheet, f"{col}{n}") for n in range(int(first), int(last) + 1)]

    def sumif(cells, criterion, amounts):
        return sum((a for c, a in zip(cells, amounts, strict=True) if c == criterion), Fraction(0))

    def round_half_up(x, digits):
        scale = Fraction(10) ** int(digits)
        return Fraction(int(x * scale + Fraction(1, 2)), scale)

    def calc(sheet, expr):
        strings = []
        expr = re.sub(
            r'"((?:[^"]|"")*)"',
            lambda m: strings.append(m.group(1)) or f"__str{len(strings) - 1}__",
            expr,
        )
        py = re.sub(REF + r"(?::\$?([A-Z]{1,2})\$?(\d+))?", lambda m: _range(m, sheet), expr)
        py = py.replace("SUMIF(", "sumif(").replace("SUM(", "sum(").replace("MIN(", "min(")
        py = py.replace("ROUND(", "round_half_up(")
        py = re.sub(
            r"__str(\d+)__", lambda m: repr(strings[int(m.group(1))].replace('""', '"')), py
        )
        scope = {"rng": rng, "value": value, "sumif": sumif, "round_half_up": round_half_up}
        return eval(py, scope)  # noqa: S307 - our own file's formulas

    def _range(m, sheet):
        name = (m.group(1) or sheet).replace("''", "'")
        if m.group(5):
            return f"rng({name!r},{m.group(2)!r},{m.group(3)},{m.group(5)})"
        return f"value({name!r},'{m.group(2)}{m.group(3)}')"

    return {key: value(*key) for key in raw}


def cents(amount) -> int:
    assert Fraction(amount) * 100 == int(Fraction(amount) * 100), amount
    return int(Fraction(amount) * 100)


def summary(book, values) -> dict[str, int]:
    """The summary's amounts by their row label."""
    ws = book.worksheets[0]
    return {
        ws[f"A{row}"].value: cents(values[(ws.title, f"B{row}")])
        for row in range(5, ws.max_row + 1)
        if ws[f"A{row}"].value
    }


@pytest.fixture
def budgeted(funded, ctx):
    """Maple's shared plan under the published allocation: two goals with investments (one
    only partly paid), a teacher half-time for goal 1 and a counselor for the base program at
    the year's averages ($92,600.00 and $98,765.43), a nurse priced at an older rate, and
    investments that are one-time."""
    with ctx() as session:
        district = session.get(District, funded["id"])
        year = session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
        school = session.scalars(select(School).where(School.slug == SLUG)).one()
        run = funding.published_run(district.id, year.id)
        money = funding.school_funding(run, school.id)
        streams = {s.name["en"]: s for s in session.scalars(select(FundingStream))}
        base = next(s for n, s in streams.items() if n.startswith("Base"))
        plan = factories.plan(
            school,
            year,
            [
                factories.goal_spec("Read more", [("Tutors", 10_000, 3)]),
                factories.goal_spec("Feel safe", [("Books", 5_000, 4)]),
            ],
        )
        plans.set_budget_line(plan.investments[0], base.id, 10_000_00)
        plans.set_budget_line(plan.investments[1], base.id, 2_000_00)  # partly paid
        plan.investments[1].recurrence = "one_time"
        roles = {}
        for code, name, group, salary, benefits in (
            ("T100", "Teacher", "teacher", 68_500_00, 24_100_00),
            ("CNS", "Counselor", "counselor", 80_000_00, 18_765_43),
            ("NRS", "Nurse", "nurse", 70_000_00, 0),
        ):
            roles[code] = StaffRole(
                district_id=district.id,
                code=code,
                name={"en": name, "es": f"{name} ES"},
                group=group,
                source_locale="en",
            )
            session.add(roles[code])
            session.flush()
            session.add(
                SalaryRate(
                    staff_role_id=roles[code].id,
                    school_year_id=year.id,
                    salary_cents=salary,
                    benefits_cents=benefits,
                )
            )
        for code, fte, goal, cost, recurrence in (
            ("T100", 50, plan.goals[0].id, 46_300_00, "ongoing"),
            ("CNS", 100, None, 98_765_43, "ongoing"),
            ("NRS", 33, None, 22_000_00, "one_time"),  # an older price: kept as a value
        ):
            investment = Investment(
                goal_id=goal,
                staff_role_id=roles[code].id,
                fte=fte,
                cost_cents=cost,
                priority=1,
                recurrence=recurrence,
                funding_stream_id=base.id,
                description={"en": code},
                source_locale="en",
            )
            plan.investments.append(investment)
            session.flush()
            plans.set_budget_line(investment, base.id, cost)
        session.commit()
        assert money is not None
    return funded


def _totals(ctx, slug=SLUG):
    with ctx() as session:
        school = session.scalars(select(School).where(School.slug == slug)).one()
        year = session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
        plan = plans.load_plan(school.id, year.id)
        money = funding.school_funding(
            funding.published_run(school.district_id, year.id), school.id
        )
        t = plans.budget_totals(plan, money)
        return {
            "available": t.available_cents,
            "people": t.people_cents,
            "other": t.other_cents,
            "funded": t.funded_cents,
            "left": t.left_cents,
            "ongoing": t.ongoing_cents,
            "one_time": t.one_time_cents,
            "groups": [g.funded_cents for g in t.groups],
            "basis": t.basis,
        }


def _book(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


def test_the_summary_formulas_give_the_budget_totals_to_the_cent(client, budgeted, ctx):
    response = client.get(URL)
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert (
        'filename="maple-elementary-budget-2026-27.xlsx"' in response.headers["Content-Disposition"]
    )
    assert response.headers["Cache-Control"].startswith("public")
    book = _book(response)
    assert book.sheetnames == ["Summary", "Positions", "Other investments"]
    people = book["Positions"]
    rows = {people[f"B{r}"].value: r for r in range(5, 8)}
    teacher, nurse = rows["T100"], rows["NRS"]
    assert people["A4"].value == "Role" and people[f"C{teacher}"].value == 0.5
    # FTE x the year's average, a live formula; the nurse's older price stays a value.
    assert people[f"E{teacher}"].value == f"=ROUND(C{teacher}*D{teacher},2)"
    assert people[f"E{nurse}"].value == 22000
    # Funded: no more than the money assigned.
    assert people[f"F{teacher}"].value == f"=MIN(E{teacher},K{teacher})"
    assert people[f"E{teacher}"].number_format.startswith('"$"#,##0.00')
    formulas = [c.value for c in book["Summary"]["B"] if isinstance(c.value, str)]
    assert any(f.startswith("=SUM('Positions'!$F$5:$F$7)") for f in formulas)
    assert any("SUMIF('Positions'!$G$5:$G$7,A" in f for f in formulas)
    assert any("SUMIF('Positions'!$I$5:$I$7,\"Ongoing\"" in f for f in formulas)
    values = evaluate(book)
    assert values[("Positions", f"E{teacher}")] == Fraction(46_300)
    got, want = summary(book, values), _totals(ctx)
    assert want["basis"] == "budget" and want["other"] == 12_000_00  # Books only partly paid
    assert got["The school's allocation"] == want["available"]
    assert got["People (positions)"] == want["people"]
    assert got["Everything else"] == want["other"]
    assert got["Funded in all"] == want["funded"]
    assert [got["Base program"], got["Goal 1"], got["Goal 2"]] == want["groups"]
    assert got["Unassigned"] == want["left"]
    assert got["What next year already owes (ongoing)"] == want["ongoing"]
    assert got["Spent this year only (one-time)"] == want["one_time"]


def test_under_the_planning_figure_the_cut_line_decides_what_is_funded(client, district, ctx):
    with ctx() as session:
        row = session.get(District, district["id"])
        year = factories.school_year(row)
        school = session.scalars(select(School).where(School.slug == SLUG)).one()
        plan = factories.plan(
            school,
            year,
            [factories.goal_spec("Read", [("Tutors", 30_000, 1), ("Laptops", 25_000, 2)])],
        )
        plan.planning_figure_cents = 40_000_00  # the laptops fall below the line
        session.commit()
    book = _book(client.get(URL))
    other = book["Other investments"]
    assert other["I6"].value == "Below the line" and other["D6"].value == 0
    got, want = summary(book, evaluate(book)), _totals(ctx)
    assert want["basis"] == "planning"
    assert got["Planning figure (the allocation is not published yet)"] == 40_000_00
    assert got["Funded in all"] == want["funded"] == 30_000_00
    assert got["Unassigned"] == want["left"] == 10_000_00
    assert got["People (positions)"] == 0 and got["Goal 1"] == want["groups"][0]


def test_under_actual_costing_the_cost_is_the_positions_own(client, budgeted, ctx):
    with ctx() as session:
        session.get(District, budgeted["id"]).position_costing = "actual"
        session.commit()
    book = _book(client.get(URL))
    people = book["Positions"]
    costs = {people[f"B{r}"].value: people[f"E{r}"].value for r in (5, 6, 7)}
    assert costs == {"T100": 46300, "CNS": 98765.43, "NRS": 22000}
    assert all(people[f"D{r}"].value is None for r in (5, 6, 7))  # no average under actual
    assert summary(book, evaluate(book))["People (positions)"] == _totals(ctx)["people"]


def test_headings_in_spanish_and_right_to_left_in_arabic(client, budgeted):
    spanish = _book(client.get(URL + "?lang=es"))
    assert spanish.sheetnames[0] == "Resumen" and spanish.worksheets[1]["E4"].value == "Costo"
    assert spanish.worksheets[0]["B4"].value == "Monto"
    assert not spanish.worksheets[0].sheet_view.rightToLeft
    arabic = _book(client.get(URL + "?lang=ar"))
    assert all(ws.sheet_view.rightToLeft for ws in arabic.worksheets)
    values = evaluate(arabic)  # the formulas still add up under translated sheet names
    english = evaluate(_book(client.get(URL)))
    assert sorted(v for v in values.values() if isinstance(v, Fraction)) == sorted(
        v for v in english.values() if isinstance(v, Fraction)
    )


def test_a_draft_is_only_for_the_schools_editors(client, budgeted, ctx, login_as):
    with ctx() as session:
        plan = session.scalars(select(SchoolPlan)).one()
        plan.status = PlanStatus.DRAFT.value
        session.commit()
    assert client.get(URL).status_code == 404
    assert login_as(Role.PRINCIPAL, schools=("cedar-middle",)).get(URL).status_code == 404
    assert login_as(Role.COUNCIL).get(URL).status_code == 404
    principal = login_as(Role.PRINCIPAL)
    response = principal.get(URL)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert "Draft" in load_workbook(io.BytesIO(response.data)).worksheets[0]["A2"].value
    assert login_as(Role.DISTRICT).get(URL).status_code == 200


def test_no_plan_or_an_unknown_year_is_404(client, budgeted):
    assert client.get("/schools/cedar-middle/budget/budget.xlsx").status_code == 404
    assert client.get(URL + "?year=2019-20").status_code == 404
    assert client.get("/schools/nowhere/budget/budget.xlsx").status_code == 404
