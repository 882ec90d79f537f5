"""Allocation pages: the public arithmetic, the district view, the calculator, staff screens and
the enrollment import."""

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import event

from portal.extensions import db
from portal.models import AllocationScenario, Enrollment, Role, School
from portal.models.allocation import ScenarioStatus
from tests.conftest import visible_text


def test_a_school_budget_page_shows_the_arithmetic(client, funded):
    page = visible_text(client.get("/schools/maple-elementary/budget").get_data(as_text=True))
    # Maple: 412 students; 40% poverty = 164, 20% English learners = 82, 12% special ed = 49.
    assert "412 students × $3,741.00 = $1,541,292.00" in page
    assert "164 students in poverty × $1,272.00 = $208,608.00" in page
    total = 1_541_292 + 208_608 + 82 * 636 + 49 * 3442
    assert f"Total: ${total:,}" in page
    assert f"That is ${total / 412:,.2f} for each of our 412 students." in page
    assert "Restricted: Must pay for more or better services" in page
    assert "Unrestricted: the school decides" in page


def test_the_budget_page_in_vietnamese_formats_money_for_the_district_region(client, funded):
    page = visible_text(
        client.get("/schools/maple-elementary/budget?lang=vi").get_data(as_text=True)
    )
    # A US district: amounts the US way for every reader (not Vietnam's "3.741,00 US$").
    assert "412 học sinh × $3,741.00 = $1,541,292.00" in page
    assert "học sinh thuộc diện nghèo" in page


def test_district_page_has_the_weights_and_an_equity_table(client, funded):
    html = client.get("/allocation").get_data(as_text=True)
    page = visible_text(html)
    assert "$3,741.00" in page and "$4,683.00" in page
    assert "Horizontal equity" in page and "Vertical equity" in page
    assert html.count('<svg class="scatter"') == 2 and 'id="equity-poverty-table"' in html
    assert 'aria-describedby="equity-poverty-table"' in html
    for name in ("Maple Elementary", "Cedar Middle School", "Summit High School"):
        assert name in page


def test_the_calculator_reproduces_the_number_with_formulas(client, funded):
    response = client.get("/schools/maple-elementary/budget/calculator.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None}
    assert cells["B5"] == 412 and cells["D5"] == "=B5*C5"
    assert any(str(v).startswith("=SUM(D5:") for v in cells.values())
    assert any(str(v).startswith("=ROUND(") for v in cells.values())
    values = load_workbook(io.BytesIO(response.data), data_only=False).active
    assert float(values["C5"].value) == 3741.0


def test_no_budget_published_says_so(client, district):
    assert "has not published" in client.get("/schools/maple-elementary/budget").get_data(
        as_text=True
    )
    assert client.get("/schools/maple-elementary/budget/calculator.xlsx").status_code == 404


def test_public_budget_pages_do_not_query_per_school(client, funded, clean_app):
    statements = []

    def count(*_args):
        statements.append(1)

    with clean_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/allocation")
        district_queries = len(statements)
        statements.clear()
        client.get("/schools/maple-elementary/budget")
        school_queries = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert district_queries <= 20 and school_queries <= 20, (district_queries, school_queries)


def _csv(rows):
    return io.BytesIO("\n".join(",".join(map(str, r)) for r in rows).encode())


def test_an_import_with_bad_rows_is_rejected_whole_and_reports_every_problem(login_as, funded, ctx):
    staff = login_as(Role.DISTRICT)
    with ctx() as session:
        before = sorted((e.school_id, e.group_key, e.pupils) for e in session.query(Enrollment))
    bad = _csv(
        [
            ["school", "all", "poverty", "el", "sped"],
            ["maple-elementary", 500, 200, 100, 50],
            ["no-such-school", 100, 10, 10, 10],
            ["cedar-middle", 700, "-5", 10, 10],
            ["summit-high", 1500, 1600, 10, 10],
        ]
    )
    response = staff.post(
        "/manage/allocation/enrollment",
        data={"file": (bad, "enrollment.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = visible_text(response.get_data(as_text=True))
    assert "Row 3: Unknown school: no-such-school." in page
    assert "Row 4:" in page and "whole number" in page
    assert "Row 5:" in page and "more than the school's total" in page
    assert "Nothing was saved" in page
    with ctx() as session:
        assert (
            sorted((e.school_id, e.group_key, e.pupils) for e in session.query(Enrollment))
            == before
        )
    good = _csv(
        [
            ["school", "all", "poverty", "el", "sped"],
            ["maple-elementary", 500, 200, 100, 50],
            ["Summit High School", '"1,600"', 700, 90, 150],
        ]
    )
    preview = staff.post(
        "/manage/allocation/enrollment",
        data={"file": (good, "e.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and "2 schools, ready to save" in preview.get_data(
        as_text=True
    )
    import re

    apply_url = re.search(
        r'action="(/manage/allocation/enrollment/\d+/apply)"', preview.get_data(as_text=True)
    ).group(1)
    assert staff.post(apply_url).status_code == 303
    with ctx() as session:
        maple = session.query(School).filter_by(slug="maple-elementary").one()
        assert maple.enrollment == 500
        assert session.get(Enrollment, (maple.id, 1, "poverty")).pupils == 200
    assert staff.post(apply_url).status_code == 303  # applying twice changes nothing more


def test_an_xlsx_enrollment_file_imports(login_as, funded, ctx):
    book = Workbook()
    book.active.append(["school", "all", "poverty"])
    book.active.append(["cedar-middle", 650, 300])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    staff = login_as(Role.DISTRICT)
    response = staff.post(
        "/manage/allocation/enrollment",
        data={"file": (data, "e.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "1 schools, ready to save" in response.get_data(
        as_text=True
    )


def test_staff_edit_weights_and_adopt_a_what_if_scenario(login_as, funded, ctx, client):
    staff = login_as(Role.DISTRICT)
    assert staff.get("/manage/allocation").status_code == 200
    with ctx() as session:
        draft = session.query(AllocationScenario).filter_by(status="draft").one().id
    bad = staff.post(
        f"/manage/allocation/scenarios/{draft}",
        data={"name": "x", "w-elementary-all": "abc", "central_share": "150"},
    )
    assert bad.status_code == 422
    ok = staff.post(
        f"/manage/allocation/scenarios/{draft}",
        data={
            "name": "Flat",
            "w-elementary-all": "5,000",
            "w-middle-all": "5000",
            "w-high-all": "5000.50",
            "w-other-all": "5000",
            "central_share": "10",
            "minimum": "0",
        },
    )
    assert ok.status_code == 303
    with ctx() as session:
        scenario = session.get(AllocationScenario, draft)
        assert scenario.weights["high"] == {"all": 500050} and scenario.central_share_bp == 1000
    staff.post(f"/manage/allocation/scenarios/{draft}/status", data={"status": "adopted"})
    with ctx() as session:
        statuses = sorted(s.status for s in session.query(AllocationScenario))
        assert statuses == ["adopted", "draft"]
    page = visible_text(client.get("/schools/maple-elementary/budget").get_data(as_text=True))
    assert "412 students × $5,000.00 = $2,060,000.00" in page
    staff.post(
        f"/manage/allocation/scenarios/{draft}/status", data={"status": ScenarioStatus.WHAT_IF}
    )
    page = visible_text(client.get("/schools/maple-elementary/budget").get_data(as_text=True))
    assert "Guidebook weights" not in page  # the adopted one (Table 2.2) is back in force
    assert (
        staff.post(
            f"/manage/allocation/scenarios/{draft}/status", data={"status": "bogus"}
        ).status_code
        == 400
    )


def test_a_what_if_scenario_is_labelled_on_the_public_page(client, funded, ctx):
    with ctx() as session:
        for scenario in session.query(AllocationScenario):
            scenario.status = "what_if" if scenario.status == "adopted" else "draft"
        session.commit()
    page = visible_text(client.get("/schools/maple-elementary/budget").get_data(as_text=True))
    assert "would receive if the district's per-pupil weights were turned on" in page


def test_staff_add_a_restricted_stream_only_with_its_rule(login_as, funded, ctx):
    from portal.models import FundingStream

    staff = login_as(Role.DISTRICT)
    with ctx() as session:
        before = session.query(FundingStream).count()
    form = {
        "name_en": "Arts grant",
        "kind": "restricted",
        "revenue": "100,000",
        "distribution": "formula",
    }
    assert staff.post("/manage/allocation/streams", data=form).status_code == 422
    assert (
        staff.post(
            "/manage/allocation/streams",
            data={**form, "revenue": "lots", "restriction_en": "Arts only."},
        ).status_code
        == 422
    )
    assert (
        staff.post(
            "/manage/allocation/streams", data={**form, "restriction_en": "Arts only."}
        ).status_code
        == 303
    )
    with ctx() as session:
        assert session.query(FundingStream).count() == before + 1


def test_staff_add_a_need_group_that_becomes_a_weight_column(login_as, funded, ctx):
    from portal.models import NeedGroup

    staff = login_as(Role.DISTRICT)
    bad = staff.post(
        "/manage/allocation/groups", data={"key": "Foster Youth!", "group_name_en": ""}
    )
    assert bad.status_code == 422
    text = visible_text(bad.get_data(as_text=True))
    assert "lowercase letters" in text and "main language" in text
    duplicate = staff.post("/manage/allocation/groups", data={"key": "el", "group_name_en": "EL"})
    assert duplicate.status_code == 422
    good = staff.post(
        "/manage/allocation/groups",
        data={
            "key": "foster",
            "group_name_en": "Foster youth",
            "group_name_es": "Jóvenes en hogares de acogida",
        },
    )
    assert good.status_code == 303
    with ctx() as session:
        assert (
            session.query(NeedGroup).filter_by(key="foster").one().name["es"].startswith("Jóvenes")
        )
        scenario_id = session.query(AllocationScenario).first().id
    page = staff.get(f"/manage/allocation/scenarios/{scenario_id}").get_data(as_text=True)
    assert 'name="w-elementary-foster"' in page
    overview = visible_text(staff.get("/manage/allocation").get_data(as_text=True))
    assert "Foster youth" in overview


def test_adopting_is_audited_and_a_stale_second_click_changes_nothing(login_as, funded, ctx):
    from portal.models import AuditEntry

    staff = login_as(Role.DISTRICT)
    with ctx() as session:
        adopted = session.query(AllocationScenario).filter_by(status="adopted").one().id
        draft = session.query(AllocationScenario).filter_by(status="draft").one().id
    url = f"/manage/allocation/scenarios/{draft}/status"
    assert staff.post(url, data={"status": "adopted"}).status_code == 303
    # The same button on a page loaded before: the scenario is adopted already.
    again = staff.post(url, data={"status": "adopted"})
    assert again.status_code == 409 and "already adopted" in again.get_data(as_text=True)
    with ctx() as session:
        assert session.get(AllocationScenario, adopted).status == "draft"
        entries = (
            session.query(AuditEntry)
            .filter_by(object_type="allocation_scenario", object_id=draft)
            .order_by(AuditEntry.id)
            .all()
        )
        # Stored by the fixture (the system), then adopted with its status before and after.
        assert [e.action for e in entries] == ["allocation_scenario.created", "scenario.adopted"]
        assert entries[1].detail["replaced"] == [adopted]
        assert entries[1].changes[0]["fields"] == {"status": ["draft", "adopted"]}
    page = staff.get("/manage/allocation").get_data(as_text=True)
    # Only the moves a scenario can make are offered.
    form = page[page.index(f'action="/manage/allocation/scenarios/{draft}/status"') :]
    form = form[: form.index("</form>")]
    assert 'value="adopted"' not in form and 'value="draft"' in form


def test_the_calculator_is_a_download_named_after_the_school(client, funded):
    response = client.get("/schools/maple-elementary/budget/calculator.xlsx")
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="maple-elementary-allocation.xlsx"'
    )


def test_a_file_over_one_megabyte_is_refused_beside_the_field(login_as, funded):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    staff = login_as(Role.DISTRICT)
    big = io.BytesIO(b"school,all\n" + b"x" * (1024 * 1024))
    # Encoded in memory: the test client would spool a body this large to a file it never closes.
    body, _length, boundary = stream_encode_multipart(
        {"file": FileStorage(big, filename="big.csv")}, use_tempfile=False
    )
    response = staff.post(
        "/manage/allocation/enrollment",
        data=body.getvalue(),
        content_type=f'multipart/form-data; boundary="{boundary}"',
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and "larger than 1 MB" in html
