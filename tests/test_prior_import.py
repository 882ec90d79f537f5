"""Last year's allocations read from a file (item 5 of issue 15): every problem row listed,
nothing saved while any row is wrong, applied in one transaction, the same file twice changes
nothing, a file over the limit refused beside the field, and hold harmless uses the figures."""

import io
import re

from openpyxl import Workbook
from sqlalchemy import select

from portal.models import AuditEntry, PriorAllocation, Role, School
from portal.models.year_rollover import PriorAllocationImport
from tests.conftest import visible_text

BASE = "Base grant (unrestricted)"
SUPPLEMENTAL = "Supplemental and concentration grant"


def _csv(rows) -> io.BytesIO:
    return io.BytesIO("\n".join(",".join(map(str, r)) for r in rows).encode())


def _upload(staff, data, name="prior.csv"):
    return staff.post(
        "/manage/allocation/prior",
        data={"file": (data, name)},
        content_type="multipart/form-data",
    )


def _figures(ctx) -> dict[str, int]:
    with ctx() as session:
        return {
            slug: cents
            for slug, cents in session.execute(
                select(School.slug, PriorAllocation.cents).join(
                    PriorAllocation, PriorAllocation.school_id == School.id
                )
            )
        }


def _apply(staff, preview) -> None:
    url = re.search(
        r'action="(/manage/allocation/prior/\d+/apply)"', preview.get_data(as_text=True)
    ).group(1)
    assert staff.post(url).status_code == 303
    return url


GOOD = [
    ["School", "Stream", "Amount"],
    ["maple-elementary", BASE, '"2,000,000"'],
    ["maple-elementary", SUPPLEMENTAL, "250000.50"],
    ["Cedar Middle School", "subvención base (sin restricciones)", "$3100000"],
    ["summit-high", BASE, 5000000],
]


def test_a_good_file_is_previewed_then_saved_and_the_same_file_again_changes_nothing(
    login_as, funded, ctx
):
    staff = login_as(Role.DISTRICT)
    before = _figures(ctx)
    preview = _upload(staff, _csv(GOOD))
    assert preview.status_code == 200
    page = visible_text(preview.get_data(as_text=True))
    assert "3 schools, ready to save" in page and "$2,250,000.50" in page
    assert _figures(ctx) == before  # the preview saves nothing
    url = _apply(staff, preview)
    saved = _figures(ctx)
    assert saved == {
        "maple-elementary": 225_000_050,
        "cedar-middle": 310_000_000,
        "summit-high": 500_000_000,
    }
    assert staff.post(url).status_code == 303  # a staged file applies once
    again = _upload(staff, _csv(GOOD))
    _apply(staff, again)
    assert _figures(ctx) == saved
    with ctx() as session:
        entries = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == "allocation.prior_imported")
            )
        )
        assert [e.detail for e in entries] == [
            {"schools": 3, "changed": 3},
            {"schools": 3, "changed": 0},
        ]


def test_every_problem_row_is_listed_and_nothing_is_saved(login_as, funded, ctx):
    staff = login_as(Role.DISTRICT)
    before = _figures(ctx)
    bad = [
        ["school", "stream", "amount"],
        ["maple-elementary", BASE, "1000"],
        ["no-such-school", BASE, "1000"],
        ["cedar-middle", "Lottery money", "1000"],
        ["summit-high", BASE, "-5"],
        ["summit-high", BASE, "12.345"],
        ["maple-elementary", BASE, "2000"],
    ]
    response = _upload(staff, _csv(bad))
    assert response.status_code == 422
    page = visible_text(response.get_data(as_text=True))
    assert "Nothing was saved" in page
    assert "Row 3: Unknown school: no-such-school." in page
    assert "Row 4: Unknown funding stream: Lottery money." in page
    assert "Row 5: The amount must be dollars" in page and "“-5”" in page
    assert "Row 6: The amount must be dollars" in page
    assert "Row 7: Maple Elementary and Base grant (unrestricted) appear twice." in page
    assert "Row 2" not in page
    assert 'action="/manage/allocation/prior/' not in response.get_data(as_text=True)
    assert _figures(ctx) == before
    with ctx() as session:
        assert session.scalar(select(PriorAllocationImport.id)) is None  # nothing staged


def test_wrong_columns_and_unreadable_files_are_refused(login_as, funded, ctx):
    staff = login_as(Role.DISTRICT)
    before = _figures(ctx)
    wrong = _upload(staff, _csv([["school", "amount"], ["maple-elementary", 100]]))
    assert wrong.status_code == 422
    assert "Row 1: The first row must name the columns: school, stream, amount." in visible_text(
        wrong.get_data(as_text=True)
    )
    broken = _upload(staff, io.BytesIO(b"PK\x03\x04 this is not a workbook"), "prior.xlsx")
    assert broken.status_code == 422
    assert "could not be read" in broken.get_data(as_text=True)
    latin1 = _upload(staff, io.BytesIO("school,stream,amount\nÉcole,x,1\n".encode("latin-1")))
    assert latin1.status_code == 422 and "could not be read" in latin1.get_data(as_text=True)
    empty = _upload(staff, io.BytesIO(b""))
    assert empty.status_code == 422
    assert _figures(ctx) == before


def test_an_xlsx_file_imports(login_as, funded, ctx):
    book = Workbook()
    book.active.append(["school", "stream", "amount"])
    book.active.append(["cedar-middle", BASE, 1234567.89])
    book.active.append(["cedar-middle", SUPPLEMENTAL, 100000])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    staff = login_as(Role.DISTRICT)
    preview = _upload(staff, data, "prior.xlsx")
    assert preview.status_code == 200
    _apply(staff, preview)
    assert _figures(ctx)["cedar-middle"] == 133_456_789


def _multipart(data: bytes, name: str) -> tuple[bytes, str]:
    """A multipart body encoded in memory: the test client would spool a body this large to a
    file it never closes."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    body, _length, boundary = stream_encode_multipart(
        {"file": FileStorage(io.BytesIO(data), filename=name)}, use_tempfile=False
    )
    return body.getvalue(), f'multipart/form-data; boundary="{boundary}"'


def test_a_ten_megabyte_file_is_refused_with_a_message(login_as, funded, ctx):
    staff = login_as(Role.DISTRICT)
    before = _figures(ctx)
    body, content_type = _multipart(
        b"school,stream,amount\n" + b"x" * (10 * 1024 * 1024), "big.csv"
    )
    response = staff.post("/manage/allocation/prior", data=body, content_type=content_type)
    assert response.status_code == 413
    assert "larger than we accept" in response.get_data(as_text=True)
    assert _figures(ctx) == before


def test_a_file_over_one_megabyte_is_refused_beside_the_field(login_as, funded, ctx):
    staff = login_as(Role.DISTRICT)
    body, content_type = _multipart(b"school,stream,amount\n" + b"x" * (1024 * 1024), "big.csv")
    response = staff.post("/manage/allocation/prior", data=body, content_type=content_type)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and "larger than 1 MB" in html


def test_hold_harmless_uses_the_imported_figures(login_as, funded, ctx):
    from portal.models import AllocationScenario
    from portal.services.funding import run_scenario

    def maple_under_adopted(hold_harmless: bool):
        with ctx() as session:
            scenario = session.scalars(
                select(AllocationScenario).where(AllocationScenario.status == "adopted")
            ).one()
            scenario.hold_harmless = hold_harmless
            result, _pool = run_scenario(scenario)
            maple = session.scalars(select(School).where(School.slug == "maple-elementary")).one()
            session.rollback()
            return result.for_school(maple.id)

    now = maple_under_adopted(False).total_cents
    more = (now + 1_000_000) // 100 * 100  # $10,000 more than the formula gives, whole cents
    staff = login_as(Role.DISTRICT)
    rows = [["school", "stream", "amount"], ["maple-elementary", BASE, more // 100]]
    _apply(staff, _upload(staff, _csv(rows)))
    held = maple_under_adopted(True)
    assert held.prior_cents == more and held.total_cents >= more


def test_only_district_staff_import(login_as, funded):
    principal = login_as(Role.PRINCIPAL, schools=["maple-elementary"])
    assert principal.get("/manage/allocation/prior").status_code in (403, 404)
    assert _upload(principal, _csv(GOOD)).status_code in (403, 404)


def test_the_page_lists_last_years_figures(login_as, funded):
    staff = login_as(Role.DISTRICT)
    page = visible_text(staff.get("/manage/allocation/prior").get_data(as_text=True))
    assert "Maple Elementary" in page and "school, stream, amount" in page
    assert BASE in page
