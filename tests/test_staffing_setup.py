"""The district's staffing setup (issue 16): who may see and change it, the list of roles (job
codes unique, a role in use never removed), the salary table of each year (independent years,
repricing only that year's positions and only under average costing, a past year refused with
409), how positions are priced, and the base-program rules in plain words."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEntry,
    BaseProgramRule,
    District,
    Investment,
    Role,
    SalaryRate,
    School,
    SchoolYear,
    StaffRole,
)
from portal.models.planning import PlanStatus
from tests import factories
from tests.conftest import visible_text

PAGES = ["/manage/staffing", "/manage/staffing/roles", "/manage/staffing/salaries",
         "/manage/staffing/base"]  # fmt: skip
STAFF = {Role.ADMIN, Role.DISTRICT}


def build_staffing(district_id: int) -> dict:
    """Last year (2025-26) beside the current 2026-27: three roles (the counselor unused), a
    salary table per year, Maple's plans with positions (2 teachers, 1 principal) each year."""
    district = db.session.get(District, district_id)
    this = db.session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
    last = factories.school_year(district, "2025-26", current=False)
    roles = {}
    for n, (code, en, es, group) in enumerate(
        [
            ("T100", "Teacher, grades K-5", "Maestro, grados K-5", "teacher"),
            ("P200", "Principal", "Director", "administrator"),
            ("C300", "Counselor", "Consejero", "counselor"),
        ]
    ):
        role = StaffRole(district_id=district.id, code=code, name={"en": en, "es": es},
                         group=group, position=n + 1, source_locale="en")  # fmt: skip
        db.session.add(role)
        roles[code] = role
    db.session.flush()
    for year, teacher, principal in ((last, 60_000_00, 110_000_00), (this, 65_000_00, 120_000_00)):
        for role, salary in ((roles["T100"], teacher), (roles["P200"], principal)):
            db.session.add(SalaryRate(staff_role_id=role.id, school_year_id=year.id,
                                      salary_cents=salary, benefits_cents=salary // 4))  # fmt: skip
    maple = db.session.scalars(select(School).where(School.slug == "maple-elementary")).one()
    ids = {}
    for year in (last, this):
        plan = factories.plan(maple, year, status=PlanStatus.DRAFT)
        for code, fte in (("T100", 200), ("P200", 100)):
            rate = db.session.scalars(select(SalaryRate).where(
                SalaryRate.school_year_id == year.id, SalaryRate.staff_role_id == roles[code].id
            )).one()  # fmt: skip
            item = Investment(staff_role_id=roles[code].id, fte=fte, priority=1,
                              cost_cents=rate.full_time_cents * fte // 100,
                              description=factories.text(code), source_locale="en")  # fmt: skip
            plan.investments.append(item)
            db.session.flush()
            ids[(year.label, code)] = item.id
    db.session.commit()
    return {"this": this.id, "last": last.id, "roles": {c: r.id for c, r in roles.items()},
            "positions": ids, "district": district.id}  # fmt: skip


@pytest.fixture
def staffed(clean_app, funded):
    with clean_app.app_context():
        info = build_staffing(funded["id"])
        db.session.remove()
    return info


def _cost(ctx, investment_id: int) -> int:
    with ctx() as session:
        return session.get(Investment, investment_id).cost_cents


def _rates(ctx, year_id: int) -> dict:
    with ctx() as session:
        rows = session.scalars(select(SalaryRate).where(SalaryRate.school_year_id == year_id))
        return {r.staff_role_id: (r.salary_cents, r.benefits_cents) for r in rows}


def _table(staffed, **typed) -> dict:
    """The salary form as the page fills it (this year's figures), with `typed` changed."""
    data = {}
    for code, role_id in staffed["roles"].items():
        data[f"salary_{role_id}"] = typed.get(f"salary_{code}", "")
        data[f"benefits_{role_id}"] = typed.get(f"benefits_{code}", "")
    return data


# -- Who may see and change it --------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_page_is_for_district_staff_and_admins_only(login_as, staffed, role, ctx):
    client = login_as(role)
    allowed = role in STAFF
    rule_page = f"/manage/staffing/roles/{staffed['roles']['T100']}"
    for url in [*PAGES, rule_page, "/manage/staffing/salaries?year=2025-26"]:
        assert client.get(url).status_code == (200 if allowed else 403), url
    posts = [
        ("/manage/staffing/roles", {"code": "X1", "name_en": "Aide", "group": "aide"}),
        (f"/manage/staffing/salaries/{staffed['this']}", _table(staffed, salary_T100="1")),
        ("/manage/staffing/costing", {"costing": "actual"}),
        (f"/manage/staffing/roles/{staffed['roles']['C300']}/delete", {}),
    ]
    for url, data in posts:
        answer = client.post(url, data=data)
        assert answer.status_code == (303 if allowed else 403), url
    with ctx() as session:
        district = session.get(District, staffed["district"])
        assert (district.position_costing == "actual") is allowed
        assert (session.scalars(select(StaffRole).where(StaffRole.code == "X1")).first()
                is not None) is allowed  # fmt: skip


def test_signed_out_visitors_are_sent_to_sign_in(client, staffed):
    for url in PAGES:
        answer = client.get(url)
        assert answer.status_code in (302, 303) and "/auth/sign-in" in answer.location, url
    answer = client.post("/manage/staffing/costing", data={"costing": "actual"})
    assert answer.status_code in (302, 303) and "/auth/sign-in" in answer.location


def test_the_workspace_links_to_the_staffing_setup(login_as, staffed):
    assert "/manage/staffing" in login_as(Role.DISTRICT).get("/manage/").get_data(as_text=True)
    assert "/manage/staffing" not in login_as(Role.PRINCIPAL).get("/manage/").get_data(as_text=True)


# -- Roles ----------------------------------------------------------------------------------------


def test_roles_are_added_edited_and_reordered_with_audit(login_as, staffed, ctx):
    staff = login_as(Role.DISTRICT)
    data = {
        "code": "A400",
        "name_en": "Instructional aide",
        "name_es": "Asistente",
        "group": "aide",
    }
    assert staff.post("/manage/staffing/roles", data=data).status_code == 303
    page = visible_text(staff.get("/manage/staffing/roles").get_data(as_text=True))
    assert "Instructional aide" in page and "A400" in page
    spanish = staff.get("/manage/staffing/roles", headers={"Accept-Language": "es"})
    assert "Asistente" in visible_text(spanish.get_data(as_text=True))
    with ctx() as session:
        aide = session.scalars(select(StaffRole).where(StaffRole.code == "A400")).one()
        aide_id = aide.id
    edit = {**data, "code": "A401", "name_en": "Classroom aide"}
    assert staff.post(f"/manage/staffing/roles/{aide_id}", data=edit).status_code == 303
    answer = staff.post(f"/manage/staffing/roles/{aide_id}/move", data={"direction": "up"})
    assert answer.status_code == 303
    with ctx() as session:
        order = [r.code for r in session.scalars(
            select(StaffRole).order_by(StaffRole.position, StaffRole.id))]  # fmt: skip
        assert order == ["T100", "P200", "A401", "C300"]
        assert session.get(StaffRole, aide_id).name["en"] == "Classroom aide"
        actions = {a for (a,) in session.execute(select(AuditEntry.action))}
        assert {"staffing.role_added", "staffing.role_edited", "staffing.role_moved"} <= actions


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"code": "T100"}, "code", "Another role already has this job code."),
        ({"code": "<b>!"}, "code", "Enter the finance system's job code"),
        ({"code": ""}, "code", "Enter the finance system's job code"),
        ({"name_en": ""}, "name", "Name the role in the district's main language."),
        ({"group": "wizard"}, "group", "Choose the kind of staff."),
    ],
)
def test_a_refused_role_says_why_beside_the_field_and_keeps_what_was_typed(
    login_as, staffed, ctx, typed, field, message
):
    staff = login_as(Role.DISTRICT)
    data = {"code": "N500", "name_en": "Nurse", "name_es": "Enfermera", "group": "nurse", **typed}
    answer = staff.post("/manage/staffing/roles", data=data)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in visible_text(html) and "There is a problem" in html
    assert f'id="{field}-error"' in html  # beside the field, and in the summary above
    assert 'value="Enfermera"' in html  # typed values come back
    with ctx() as session:
        assert len(session.scalars(select(StaffRole)).all()) == 3


def test_a_role_with_positions_cannot_be_removed_and_says_so(login_as, staffed, ctx):
    staff = login_as(Role.DISTRICT)
    teacher = staffed["roles"]["T100"]
    answer = staff.post(f"/manage/staffing/roles/{teacher}/delete")
    assert answer.status_code == 409
    assert "2 positions in school budgets are in this role, so it cannot be removed" in (
        visible_text(answer.get_data(as_text=True))
    )
    counselor = staffed["roles"]["C300"]
    with ctx() as session:
        session.add(BaseProgramRule(district_id=staffed["district"], staff_role_id=counselor,
                                    minimum_fte=50))  # fmt: skip
        session.commit()
    assert staff.post(f"/manage/staffing/roles/{counselor}/delete").status_code == 303
    with ctx() as session:
        assert session.get(StaffRole, teacher) is not None
        assert session.get(StaffRole, counselor) is None
        assert session.scalars(select(BaseProgramRule)).first() is None


# -- The salary table -----------------------------------------------------------------------------


def test_saving_a_year_reprices_only_that_years_positions(login_as, staffed, ctx):
    before_last = _rates(ctx, staffed["last"])
    last_teachers = _cost(ctx, staffed["positions"][("2025-26", "T100")])
    principal = _cost(ctx, staffed["positions"][("2026-27", "P200")])
    staff = login_as(Role.DISTRICT)
    typed = _table(staffed, salary_T100="70,000", benefits_T100="$25,000.50",
                   salary_P200="120000", benefits_P200="30000")  # fmt: skip
    answer = staff.post(f"/manage/staffing/salaries/{staffed['this']}", data=typed)
    assert answer.status_code == 303 and "year=2026-27" in answer.location
    page = visible_text(staff.get(answer.location).get_data(as_text=True))
    assert "Salary table saved. 1 position's cost changed." in page
    assert "$95,000.50" in page or "$95,001" in page  # the full-time total shown
    assert _cost(ctx, staffed["positions"][("2026-27", "T100")]) == 2 * 9_500_050
    assert _cost(ctx, staffed["positions"][("2026-27", "P200")]) == principal
    assert _cost(ctx, staffed["positions"][("2025-26", "T100")]) == last_teachers
    assert _rates(ctx, staffed["last"]) == before_last  # the other year's table is its own
    assert _rates(ctx, staffed["this"])[staffed["roles"]["T100"]] == (7_000_000, 2_500_050)
    with ctx() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "staffing.salary_table_saved")
        ).one()
        assert entry.detail["positions_repriced"] == 1


def test_under_actual_costing_the_table_prices_nothing(login_as, staffed, ctx):
    staff = login_as(Role.DISTRICT)
    assert staff.post("/manage/staffing/costing", data={"costing": "actual"}).status_code == 303
    cost = _cost(ctx, staffed["positions"][("2026-27", "T100")])
    typed = _table(staffed, salary_T100="90000", benefits_T100="0", salary_P200="120000",
                   benefits_P200="30000")  # fmt: skip
    answer = staff.post(f"/manage/staffing/salaries/{staffed['this']}", data=typed)
    assert "0 positions' costs changed." in visible_text(
        staff.get(answer.location).get_data(as_text=True)
    )
    assert _cost(ctx, staffed["positions"][("2026-27", "T100")]) == cost
    # Back to averages: the current year is priced from its table at once.
    assert staff.post("/manage/staffing/costing", data={"costing": "average"}).status_code == 303
    assert _cost(ctx, staffed["positions"][("2026-27", "T100")]) == 2 * 9_000_000
    with ctx() as session:
        changes = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "staffing.costing_changed")
        ).all()
        assert [(e.detail["from"], e.detail["to"]) for e in changes] == [
            ("average", "actual"), ("actual", "average")]  # fmt: skip


@pytest.mark.parametrize("bad", ["-5", "lots", "12.345", "nan", "1e99"])
def test_a_refused_amount_is_shown_beside_its_field_and_kept(login_as, staffed, ctx, bad):
    before = _rates(ctx, staffed["this"])
    staff = login_as(Role.DISTRICT)
    typed = _table(staffed, salary_T100=bad, benefits_T100="1000", salary_P200="1")
    answer = staff.post(f"/manage/staffing/salaries/{staffed['this']}", data=typed)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    teacher = staffed["roles"]["T100"]
    assert f'id="salary_{teacher}-error"' in html and "There is a problem" in html
    assert f'value="{bad}"' in html and 'value="1000"' in html
    assert _rates(ctx, staffed["this"]) == before


def test_benefits_without_a_salary_are_refused(login_as, staffed, ctx):
    staff = login_as(Role.DISTRICT)
    typed = _table(staffed, benefits_T100="1000", salary_P200="1")
    answer = staff.post(f"/manage/staffing/salaries/{staffed['this']}", data=typed)
    assert answer.status_code == 422
    assert "Enter the average salary, or leave both empty." in visible_text(
        answer.get_data(as_text=True)
    )


def test_a_past_years_table_is_shown_but_cannot_change(login_as, staffed, ctx):
    before = _rates(ctx, staffed["last"])
    staff = login_as(Role.DISTRICT)
    page = staff.get("/manage/staffing/salaries?year=2025-26")
    text = visible_text(page.get_data(as_text=True))
    assert "past school year" in text and "$75,000" in text  # 60,000 + 15,000
    assert 'name="salary_' not in page.get_data(as_text=True)
    typed = _table(staffed, salary_T100="1", salary_P200="1")
    assert staff.post(f"/manage/staffing/salaries/{staffed['last']}", data=typed).status_code == 409
    assert staff.post(f"/manage/staffing/salaries/{staffed['last']}", data={}).status_code == 409
    assert _rates(ctx, staffed["last"]) == before
    assert staff.get("/manage/staffing/salaries?year=1999-00").status_code == 404


# -- The base program -----------------------------------------------------------------------------


def test_base_rules_in_plain_words_added_changed_removed(login_as, staffed, ctx):
    staff = login_as(Role.DISTRICT)
    roles = staffed["roles"]
    principal = {"role": roles["P200"], "level": "elementary", "minimum_fte": "1"}
    teacher = {"role": roles["T100"], "level": "", "minimum_fte": "2", "students_per_fte": "24"}
    for data in (principal, teacher):
        assert staff.post("/manage/staffing/base", data=data).status_code == 303
    text = visible_text(staff.get("/manage/staffing/base").get_data(as_text=True))
    assert "Elementary schools: at least 1 full-time Principal." in text
    assert "All schools: one Teacher, grades K-5 for every 24 students, and at least 2." in (text)
    with ctx() as session:
        rule = session.scalars(select(BaseProgramRule).where(BaseProgramRule.level.is_(None))).one()
        rule_id = rule.id
    half = {**teacher, "level": "middle", "minimum_fte": "0.5", "students_per_fte": ""}
    assert staff.post(f"/manage/staffing/base/{rule_id}", data=half).status_code == 303
    text = visible_text(staff.get("/manage/staffing/base").get_data(as_text=True))
    assert "Middle schools: at least 0.5 full-time Teacher, grades K-5." in text
    assert staff.post(f"/manage/staffing/base/{rule_id}/delete").status_code == 303
    with ctx() as session:
        assert [r.level for r in session.scalars(select(BaseProgramRule))] == ["elementary"]
        actions = [a for (a,) in session.execute(select(AuditEntry.action))]
        assert actions.count("staffing.base_rule_added") == 2
        assert {"staffing.base_rule_edited", "staffing.base_rule_removed"} <= set(actions)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"minimum_fte": "one"}, "Enter how many full-time people, such as 1 or 0.5."),
        ({"minimum_fte": "-1"}, "Enter how many full-time people, such as 1 or 0.5."),
        ({"students_per_fte": "0"}, "Enter a whole number of students, such as 24."),
        ({"students_per_fte": "2.5"}, "Enter a whole number of students, such as 24."),
        ({"role": ""}, "Choose a role."),
        ({"role": "999999"}, "Choose a role."),
        ({"level": "college"}, "Choose which schools."),
        ({"minimum_fte": "0"}, "Enter at least some full-time people"),
    ],
)
def test_a_refused_rule_says_why_and_keeps_what_was_typed(login_as, staffed, ctx, typed, message):
    staff = login_as(Role.DISTRICT)
    data = {"role": staffed["roles"]["P200"], "level": "high", "minimum_fte": "1", **typed}
    answer = staff.post("/manage/staffing/base", data=data)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in visible_text(html) and "There is a problem" in html
    if "minimum_fte" in typed:
        assert f'value="{typed["minimum_fte"]}"' in html
    with ctx() as session:
        assert session.scalars(select(BaseProgramRule)).first() is None
