"""The finance system's files (issue 16): salary averages per job code and school year, and
positions in each school's plan, read from CSV or XLSX with the imports' preview-then-apply
pattern. Every problem row is listed with its row number and nothing changes while any row is
wrong; applying the same file again changes nothing; salaries reprice the year's positions."""

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.models import (
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
from portal.models.district_imports import DistrictImport
from tests import factories
from tests.conftest import visible_text

TABLES = (StaffRole, SalaryRate, Investment, BudgetLine, DistrictImport)


def _csv(rows) -> bytes:
    return ("\n".join(",".join(str(c) for c in row) for row in rows) + "\n").encode()


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _file(rows, fmt):
    return (_csv(rows) if fmt == "csv" else _xlsx(rows)), f"finance.{fmt}"


def _upload(client, kind, rows, fmt="csv"):
    data, name = _file(rows, fmt)
    return client.post(
        "/manage/imports",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _apply(client, preview):
    html = preview.get_data(as_text=True)
    url = re.search(r'action="(/manage/imports/\d+/apply)"', html).group(1)
    response = client.post(url)
    assert response.status_code == 303, response.get_data(as_text=True)
    return visible_text(client.get(response.headers["Location"]).get_data(as_text=True))


def _snapshot(ctx) -> tuple:
    """Every row an import of these kinds writes, as plain values (and the counts)."""
    with ctx() as session:
        counts = tuple(session.scalar(select(func.count()).select_from(t)) for t in TABLES)
        roles = sorted((r.code, str(r.name), r.group) for r in session.scalars(select(StaffRole)))
        rates = sorted(
            (r.staff_role_id, r.school_year_id, r.salary_cents, r.benefits_cents)
            for r in session.scalars(select(SalaryRate))
        )
        investments = sorted(
            (
                i.plan_id,
                i.staff_role_id or 0,
                i.goal_id or 0,
                i.fte or 0,
                i.cost_cents,
                i.priority,
                i.recurrence,
                i.funding_stream_id or 0,
                str(i.description),
            )
            for i in session.scalars(select(Investment))
        )
        lines = sorted(
            (b.investment_id, b.funding_stream_id, b.cents)
            for b in session.scalars(select(BudgetLine))
        )
        return counts, roles, rates, investments, lines


@pytest.fixture
def finance(funded, ctx):
    """The funded district with a past (2025-26) and a next (2027-28) school year beside the
    current 2026-27; roles T100 (teacher, $68,500 + $24,100 this year) and CNS (counselor,
    $80,000 + $18,765.43) and NRS (nurse, no rate); Maple's and Cedar's plans (two goals and
    one goal), none for Summit High."""
    with ctx() as session:
        district = session.get(District, funded["id"])
        year = session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
        factories.school_year(district, "2025-26", current=False)
        factories.school_year(district, "2027-28", current=False)
        roles = {}
        for position, (code, name, group) in enumerate(
            (
                ("T100", "Teacher", "teacher"),
                ("CNS", "Counselor", "counselor"),
                ("NRS", "Nurse", "nurse"),
            )
        ):
            roles[code] = StaffRole(
                district_id=district.id,
                code=code,
                name={"en": name},
                group=group,
                position=position,
                source_locale="en",
            )
            session.add(roles[code])
        session.flush()
        for code, salary, benefits in (
            ("T100", 68_500_00, 24_100_00),
            ("CNS", 80_000_00, 18_765_43),
        ):
            session.add(
                SalaryRate(
                    staff_role_id=roles[code].id,
                    school_year_id=year.id,
                    salary_cents=salary,
                    benefits_cents=benefits,
                )
            )
        schools = {s.slug: s for s in session.scalars(select(School))}
        factories.plan(
            schools["maple-elementary"],
            year,
            [factories.goal_spec("Read more"), factories.goal_spec("Feel safe")],
        )
        factories.plan(schools["cedar-middle"], year, [factories.goal_spec("Math")])
        session.commit()
    return funded


@pytest.fixture
def admin(login_as):
    return login_as(Role.ADMIN)


def _rate(ctx, code, label):
    with ctx() as session:
        return session.scalars(
            select(SalaryRate)
            .join(StaffRole)
            .join(SchoolYear, SalaryRate.school_year_id == SchoolYear.id)
            .where(StaffRole.code == code, SchoolYear.label == label)
        ).first()


SALARIES = [
    ["Job code", "School year", "Average salary", "Average benefits", "Role name", "Role group"],
    ["T100", "2026-27", "70000", "25000", "", ""],  # changes this year's teacher
    ["CNS", "", "80000", "18765.43", "", ""],  # the current year, as it is
    ["NRS", "2027-28", "75000.50", "20000", "", ""],  # next year's nurse
    ["LIB1", "2026-27", "60000", "15000", "Librarian", "Librarians"],  # a new role
]


# --- salaries ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_salaries_are_previewed_applied_and_the_same_file_again_changes_nothing(
    admin, ctx, finance, fmt
):
    before = _snapshot(ctx)
    preview = _upload(admin, "salaries", SALARIES, fmt)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    text = visible_text(preview.get_data(as_text=True))
    assert "Librarian (LIB1)" in text and "New role" in text and "$75,000.50" in text
    assert "Row 3 · No change" in text and "Row 2 · Will change" in text
    assert _snapshot(ctx)[1:] == before[1:]  # a preview changes nothing but its staged file
    done = _apply(admin, preview)
    assert "2 added, 1 changed, 1 already as the file says" in done
    rate = _rate(ctx, "T100", "2026-27")
    assert (rate.salary_cents, rate.benefits_cents) == (70_000_00, 25_000_00)
    assert _rate(ctx, "NRS", "2027-28").salary_cents == 75_000_50
    with ctx() as session:
        librarian = session.scalars(select(StaffRole).where(StaffRole.code == "LIB1")).one()
        assert (librarian.name, librarian.group) == ({"en": "Librarian"}, "librarian")
        staged = session.scalars(select(DistrictImport).where(DistrictImport.applied)).one()
        assert staged.result == {"created": 2, "updated": 1, "unchanged": 1, "repriced": 0}
    after = _snapshot(ctx)
    done = _apply(admin, _upload(admin, "salaries", SALARIES, fmt))
    assert "0 added, 0 changed, 4 already as the file says" in done
    assert _snapshot(ctx)[1:] == after[1:]


def test_new_averages_reprice_the_years_positions(admin, ctx, finance):
    positions = [
        ["school", "role code", "fte", "goal", "ongoing or one-time"],
        ["maple-elementary", "T100", "0.5", "1", "ongoing"],
        ["Cedar Middle School", "T100", "1", "base", "ongoing"],
    ]
    _apply(admin, _upload(admin, "positions", positions))
    done = _apply(
        admin,
        _upload(admin, "salaries", [["code", "salary", "benefits"], ["T100", "70000", "25000.01"]]),
    )
    assert "2 positions in school budgets were priced again" in done
    with ctx() as session:
        costs = sorted(i.cost_cents for i in session.scalars(select(Investment)))
    # 0.5 x $95,000.01 = $47,500.005, half up to the cent.
    assert costs == [47_500_01, 95_000_01]


def test_bad_salary_rows_are_each_listed_and_nothing_changes(admin, ctx, finance):
    before = _snapshot(ctx)
    rows = [
        ["code", "year", "salary", "benefits", "name", "group"],
        ["T100", "2025-26", "70000", "25000", "", ""],  # a past year
        ["ZZZ9", "2026-27", "70000", "25000", "", ""],  # unknown code, no name or group
        ["CNS", "2031-32", "70000", "25000", "", ""],  # no such year
        ["CNS", "", "seventy", "", "", ""],  # not amounts
        ["NEW1", "", "50000", "0", "Helper", "wizard"],  # unknown group
        ["T100", "2026-27", "70000", "25000", "", ""],  # good, but the file is refused whole
        ["t100", "2026-27", "71000", "25000", "", ""],  # the same role and year again
    ]
    response = _upload(admin, "salaries", rows)
    assert response.status_code == 422
    text = visible_text(response.get_data(as_text=True))
    assert "Nothing was saved" in text
    assert "Row 2: 2025-26 is a past school year" in text
    assert "Row 3: Unknown job code: “ZZZ9”. Add the role's name and group" in text
    assert "Row 4: Unknown school year: “2031-32”" in text
    assert "Row 5: Enter the average salary" in text and "Row 5: Enter the average benefits" in text
    assert "Row 6: Unknown group of staff: “wizard”" in text
    assert "Row 8: This role and year are already on row 7" in text
    assert "Row 7" not in text.replace("on row 7", "")
    assert _snapshot(ctx) == before  # nothing staged, nothing changed


def test_a_salaries_file_in_spanish_reads_the_group_in_spanish(admin, ctx, finance):
    from flask_babel import force_locale

    from portal.services.import_salaries import parse_group

    with admin.application.test_request_context("/"), force_locale("es"):
        from portal.models.staffing import RoleGroup

        spanish = str(RoleGroup.NURSE.label)
        assert parse_group(spanish.upper()) == "nurse"
    assert parse_group("special-education") == "special_education"
    assert parse_group("Wizards") is None


# --- positions -----------------------------------------------------------------------------

POSITIONS = [
    [
        "School",
        "Role code",
        "FTE",
        "Goal",
        "Funding stream",
        "Ongoing or one-time",
        "Priority",
        "Actual cost",
        "Description",
    ],
    ["maple-elementary", "T100", "0.5", "Goal 1", "Title I", "ongoing", "2", "", "Reading"],
    ["Maple Elementary", "CNS", "1", "base program", "", "One-time", "", "", ""],
    ["cedar-middle", "T100", "2", "1", "Base allocation", "ongoing", "1", "999", "Math"],
]


def _streams(ctx) -> dict:
    with ctx() as session:
        return {s.name["en"]: s.id for s in session.scalars(select(FundingStream))}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_positions_are_previewed_applied_and_the_same_file_again_changes_nothing(
    admin, ctx, finance, fmt
):
    streams = _streams(ctx)
    rows = [r[:] for r in POSITIONS]
    rows[1][4] = next(n for n in streams if "Title" in n)
    rows[3][4] = next(iter(streams))
    before = _snapshot(ctx)
    preview = _upload(admin, "positions", rows, fmt)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    text = visible_text(preview.get_data(as_text=True))
    assert "Teacher (T100) · 0.5 FTE" in text and "$46,300.00" in text and "Base program" in text
    assert _snapshot(ctx)[1:] == before[1:]
    done = _apply(admin, preview)
    assert "3 added, 0 changed, 0 already" in done
    with ctx() as session:
        found = {
            (i.plan.school.slug, i.staff_role.code): i
            for i in session.scalars(
                select(Investment).where(Investment.staff_role_id.is_not(None))
            )
        }
        reading = found[("maple-elementary", "T100")]
        assert (reading.fte, reading.cost_cents, reading.priority) == (50, 46_300_00, 2)
        assert reading.goal_id == reading.plan.goals[0].id and reading.description == {
            "en": "Reading"
        }
        assert [(b.funding_stream_id, b.cents) for b in reading.budget_lines] == [
            (streams[rows[1][4]], 46_300_00)
        ]
        counselor = found[("maple-elementary", "CNS")]
        assert counselor.goal_id is None and counselor.recurrence == "one_time"
        assert counselor.cost_cents == 98_765_43 and counselor.priority == 1
        # Under average costing the actual cost column is ignored.
        assert found[("cedar-middle", "T100")].cost_cents == 2 * 92_600_00
    after = _snapshot(ctx)
    done = _apply(admin, _upload(admin, "positions", rows, fmt))
    assert "0 added, 0 changed, 3 already as the file says" in done
    assert _snapshot(ctx)[1:] == after[1:]
    # A changed FTE changes the matched position, not a second one.
    rows[1][2] = "0.75"
    done = _apply(admin, _upload(admin, "positions", rows, fmt))
    assert "0 added, 1 changed, 2 already" in done
    with ctx() as session:
        reading = session.get(Investment, reading.id)
        assert (reading.fte, reading.cost_cents) == (75, 69_450_00)
        assert reading.budget_lines[0].cents == 69_450_00


def test_bad_position_rows_are_each_listed_and_nothing_changes(admin, ctx, finance):
    before = _snapshot(ctx)
    rows = [
        ["school", "code", "fte", "goal", "stream", "recurrence", "priority", "description"],
        ["summit-high", "T100", "1", "1", "", "ongoing", "", ""],  # no plan this year
        ["maple-elementary", "NRS", "1", "1", "", "ongoing", "", ""],  # no rate for the nurse
        ["maple-elementary", "XX1", "1", "1", "", "ongoing", "", ""],  # unknown role
        ["maple-elementary", "T100", "0", "3", "", "sometimes", "0", ""],  # four problems
        ["nowhere", "T100", "1", "1", "Lottery", "ongoing", "", ""],  # school and stream
        ["maple-elementary", "T100", "1", "1", "", "ongoing", "", "Tutor"],  # good
        ["maple-elementary", "T100", "0.5", "goal 1", "", "ongoing", "", " tutor "],  # same
    ]
    response = _upload(admin, "positions", rows)
    assert response.status_code == 422
    text = visible_text(response.get_data(as_text=True))
    assert "Row 2: Summit High School has no plan for 2026-27 yet." in text
    assert "Row 3: The district has no average salary for NRS in 2026-27 yet" in text
    assert "Row 4: Unknown job code: “XX1”." in text
    assert "Row 5: Enter the FTE" in text and "Row 5: The school's plan has no goal 3" in text
    assert "Row 5: Write ongoing or one-time." in text and "Row 5: The priority is" in text
    assert "Row 6: Unknown school: nowhere." in text
    assert "Row 6: Unknown funding stream for this year: Lottery." in text
    assert "Row 8: This position is already on row 7." in text
    assert _snapshot(ctx) == before


def test_under_actual_costing_the_cost_is_required_and_used(admin, ctx, finance):
    with ctx() as session:
        session.get(District, finance["id"]).position_costing = "actual"
        session.commit()
    rows = [
        ["school", "code", "fte", "goal", "recurrence", "actual cost"],
        ["maple-elementary", "NRS", "0.5", "base", "ongoing", "41234.56"],  # no rate needed
        ["maple-elementary", "T100", "1", "2", "ongoing", ""],  # no cost
    ]
    before = _snapshot(ctx)
    response = _upload(admin, "positions", rows)
    assert response.status_code == 422
    assert "Row 3: The district prices positions at their actual cost" in visible_text(
        response.get_data(as_text=True)
    )
    assert _snapshot(ctx) == before
    done = _apply(admin, _upload(admin, "positions", rows[:2]))
    assert "1 added" in done
    with ctx() as session:
        nurse = session.scalars(
            select(Investment).where(Investment.staff_role_id.is_not(None))
        ).one()
        assert (nurse.fte, nurse.cost_cents, nurse.goal_id) == (50, 41_234_56, None)


def test_finance_templates_read_back_and_only_administrators_import(admin, login_as, finance):
    from portal.services.district_imports import kind_module, read_rows

    for kind in ("salaries", "positions"):
        template = admin.get(f"/manage/imports/{kind}/template.csv")
        assert template.status_code == 200
        rows, problems = read_rows(template.data, "t.csv", kind_module(kind).COLUMNS)
        assert problems == [] and len(rows) == 1
    district = login_as(Role.DISTRICT)
    assert _upload(district, "salaries", SALARIES).status_code == 403
