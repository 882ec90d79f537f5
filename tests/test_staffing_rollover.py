"""Opening the next school year carries the salary table (issue 16): a new row per role for the
new year, starting from this year's figures; this year's rows stay, and now as a past year's
they are refused (409). Base-program rules are the district's and are not copied."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, BaseProgramRule, Role, SalaryRate, SchoolYear
from tests.conftest import visible_text
from tests.test_staffing_setup import _rates, _table, build_staffing


@pytest.fixture
def staffed(clean_app, funded):
    with clean_app.app_context():
        info = build_staffing(funded["id"])
        principal = info["roles"]["P200"]
        db.session.add(
            BaseProgramRule(district_id=info["district"], staff_role_id=principal, minimum_fte=100)
        )
        db.session.commit()
        db.session.remove()
    return info


def _open_next_year(staff):
    page = staff.get("/manage/years")
    assert page.status_code == 200
    answer = staff.post("/manage/years/next", data={"opening": "2027-28"})
    assert answer.status_code == 303, visible_text(answer.get_data(as_text=True))


def test_the_salary_table_starts_the_new_year_from_this_years(login_as, staffed, ctx):
    this_year = _rates(ctx, staffed["this"])
    last_year = _rates(ctx, staffed["last"])
    staff = login_as(Role.DISTRICT)
    _open_next_year(staff)
    with ctx() as session:
        new = session.scalars(select(SchoolYear).where(SchoolYear.label == "2027-28")).one()
        new_id = new.id
        old_ids = set(session.scalars(select(SalaryRate.id).where(
            SalaryRate.school_year_id == staffed["this"])))  # fmt: skip
        new_ids = set(session.scalars(select(SalaryRate.id).where(
            SalaryRate.school_year_id == new_id)))  # fmt: skip
        assert len(new_ids) == 2 and not old_ids & new_ids  # new rows, not moved ones
        assert session.scalar(select(func.count(BaseProgramRule.id))) == 1  # no copy
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "school_year.opened")
        ).one()
        assert entry.detail["salary_rates"] == 2
    assert _rates(ctx, new_id) == this_year
    assert _rates(ctx, staffed["this"]) == this_year
    assert _rates(ctx, staffed["last"]) == last_year
    # The new year's table is the current one, shown by default and editable.
    page = staff.get("/manage/staffing/salaries")
    assert "Salary table 2027-28" in visible_text(page.get_data(as_text=True))
    typed = _table(staffed, salary_T100="72000", benefits_T100="18000", salary_P200="125000")
    answer = staff.post(f"/manage/staffing/salaries/{new_id}", data=typed)
    assert answer.status_code == 303
    assert _rates(ctx, new_id)[staffed["roles"]["T100"]] == (7_200_000, 1_800_000)
    assert _rates(ctx, staffed["this"]) == this_year  # the year before keeps its own
    # ... which is now a past year: its table cannot change.
    answer = staff.post(f"/manage/staffing/salaries/{staffed['this']}", data=typed)
    assert answer.status_code == 409
    assert _rates(ctx, staffed["this"]) == this_year


def test_a_year_without_a_table_opens_with_none(login_as, funded, ctx):
    staff = login_as(Role.DISTRICT)
    _open_next_year(staff)
    with ctx() as session:
        assert session.scalar(select(func.count(SalaryRate.id))) == 0
