"""Bringing the district in (item 3 of issue 15): schools, staff accounts and committee rosters
read from CSV or XLSX, every problem row listed, nothing saved while any row is wrong, applied
in one transaction, the same file twice changes nothing, admins only, invitations for new staff."""

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.models import (
    AuditEntry,
    Committee,
    CommitteeMember,
    OutboxMessage,
    Role,
    RoleGrant,
    School,
    ShortLink,
    User,
)
from portal.models.district_imports import DistrictImport
from tests.conftest import visible_text

TABLES = (School, User, RoleGrant, CommitteeMember, Committee, OutboxMessage, DistrictImport)


def _csv(rows) -> bytes:
    return ("\n".join(",".join(str(c) for c in row) for row in rows) + "\n").encode()


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, kind, data: bytes, name="file.csv"):
    return client.post(
        "/manage/imports",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _apply(client, preview):
    html = preview.get_data(as_text=True)
    url = re.search(r'action="(/manage/imports/\d+/apply)"', html).group(1)
    response = client.post(url)
    assert response.status_code == 303
    return client.get(response.headers["Location"])


def _counts(ctx) -> dict:
    with ctx() as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in TABLES
        }


def _snapshot(ctx) -> tuple:
    """Every row of the tables an import writes, as plain values."""
    with ctx() as session:
        schools = sorted(
            (s.name, s.slug, s.level, s.address, s.grades) for s in session.scalars(select(School))
        )
        users = sorted((u.email, u.name) for u in session.scalars(select(User)))
        grants = sorted(
            (g.user_id, g.role, g.school_id or 0) for g in session.scalars(select(RoleGrant))
        )
        members = sorted(
            (m.committee_id, m.name, m.seat, m.officer, str(m.term_start), str(m.term_end))
            for m in session.scalars(select(CommitteeMember))
        )
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
        return schools, users, grants, members, outbox


@pytest.fixture
def admin(login_as):
    return login_as(Role.ADMIN)


@pytest.fixture
def council_committee(ctx, district):
    with ctx() as session:
        maple = session.scalars(select(School).where(School.slug == "maple-elementary")).one()
        session.add(
            Committee(
                school_id=maple.id,
                kind="ssc",
                name={"en": "School Site Council", "es": "Consejo Escolar"},
                purpose={"en": "Approves the plan."},
            )
        )
        session.add(
            Committee(
                district_id=district["id"],
                kind="delac",
                name={"en": "DELAC"},
                purpose={"en": "Advises on English learners."},
            )
        )
        session.commit()


SCHOOLS = [
    ["Name", "Level", "Address", "Grades", "Code"],
    ["Willow Elementary", "Elementary", "1 Willow Way", "tk-5", "willow"],
    ["River Middle", "middle school", "2 River Rd", "6-8", ""],
    ["Cedar Middle School", "middle", "400 Cedar Ave", "6-8", ""],  # exists: gains its grades
]


# --- schools -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_schools_are_previewed_saved_and_the_same_file_again_changes_nothing(admin, ctx, fmt):
    data = _csv(SCHOOLS) if fmt == "csv" else _xlsx(SCHOOLS)
    before = _snapshot(ctx)
    preview = _upload(admin, "schools", data, f"schools.{fmt}")
    assert preview.status_code == 200, preview.get_data(as_text=True)
    text = visible_text(preview.get_data(as_text=True))
    assert "Willow Elementary" in text and "TK-5" in text and "Row 4" in text
    assert _snapshot(ctx) == before  # a preview saves nothing
    done = _apply(admin, preview)
    assert "2 added, 1 changed, 0 already" in visible_text(done.get_data(as_text=True))
    with ctx() as session:
        willow = session.scalars(select(School).where(School.slug == "willow")).one()
        assert (willow.level, willow.grades, willow.address) == (
            "elementary",
            "TK-5",
            "1 Willow Way",
        )
        river = session.scalars(select(School).where(School.name == "River Middle")).one()
        assert river.slug == "river-middle"
        cedar = session.scalars(select(School).where(School.slug == "cedar-middle")).one()
        assert cedar.grades == "6-8" and cedar.enrollment == 730  # the rest is kept
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "district_import.applied")
        ).one()
        assert entry.detail["kind"] == "schools" and entry.detail["created"] == 2
        assert entry.detail["updated"] == 1 and entry.user_id is not None
    after = _snapshot(ctx)
    again = _upload(admin, "schools", data, f"schools.{fmt}")
    assert "No change" in again.get_data(as_text=True)
    done = _apply(admin, again)
    assert "0 added, 0 changed, 3 already" in visible_text(done.get_data(as_text=True))
    assert _snapshot(ctx) == after


def test_an_area_column_sets_each_schools_area_and_an_empty_cell_keeps_it(admin, ctx):
    rows = [
        ["Name", "Level", "Region"],  # "region" is read as the area column
        ["Willow Elementary", "elementary", "  Northeast "],
        ["Maple Elementary", "elementary", "Westside"],
    ]
    _apply(admin, _upload(admin, "schools", _csv(rows)))
    with ctx() as session:
        areas = dict(session.execute(select(School.slug, School.area)).all())
        assert areas["willow-elementary"] == "Northeast"
        assert areas["maple-elementary"] == "Westside"
        willow = session.scalars(select(School).where(School.slug == "willow-elementary")).one()
        assert willow.area == "Northeast"
        links = session.scalars(select(ShortLink.target_id).where(ShortLink.kind == "school")).all()
        assert willow.id in links  # made with the school, not when its page is first read
    again = [["Name", "Level", "Area"], ["Maple Elementary", "elementary", ""]]
    preview = _upload(admin, "schools", _csv(again))
    assert "No change" in preview.get_data(as_text=True)
    with ctx() as session:
        maple = session.scalars(select(School).where(School.slug == "maple-elementary")).one()
        assert maple.area == "Westside"


def test_a_school_matches_by_its_code_and_changes_its_name(admin, ctx):
    rows = [
        ["school name", "LEVEL", "code"],
        ["Maple Elementary School", "elementary", "maple-elementary"],
    ]
    _apply(admin, _upload(admin, "schools", _csv(rows)))
    with ctx() as session:
        maple = session.scalars(select(School).where(School.slug == "maple-elementary")).one()
        assert maple.name == "Maple Elementary School"
        assert session.scalar(select(func.count()).select_from(School)) == 3


def _refused(admin, ctx, kind, data, name="bad.csv", status=422):
    before, counts = _snapshot(ctx), _counts(ctx)
    response = _upload(admin, kind, data, name)
    assert response.status_code == status, response.get_data(as_text=True)
    assert _snapshot(ctx) == before and _counts(ctx) == counts
    assert "/apply" not in response.get_data(as_text=True)
    return visible_text(response.get_data(as_text=True))


def test_bad_school_rows_are_each_listed_and_nothing_is_saved(admin, ctx):
    rows = [
        ["name", "level", "grades", "code"],
        ["Good School", "high", "9-12", ""],
        ["", "high", "9-12", ""],
        ["Odd School", "college", "K-5", ""],
        ["Late School", "elementary", "5-K", ""],
        ["Teen School", "high", "9-13", ""],
        ["Willow", "elementary", "K-5", "Bad Code!"],
        ["Good School", "high", "9-12", ""],
        ["Maple Elementary!", "elementary", "K-5", ""],
    ]
    text = _refused(admin, ctx, "schools", _csv(rows))
    assert "Nothing was saved" in text
    assert "Row 3: Enter the school's name." in text
    assert "Row 4: Unknown level: “college”" in text
    assert "Row 5: Write the grades like K-5, TK-8 or 9-12, not “5-K”" in text
    assert "Row 6: Write the grades" in text
    assert "Row 7: The code may hold only" in text
    assert "Row 8: This school is already on row 2." in text
    assert "Row 9: Another school already uses the code “maple-elementary”" in text
    assert "Row 2:" not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"school,kind\nA,high\n", "Unknown column: kind."),
        (b"name,address\nA,1 Road\n", "Missing columns: level."),
        (b"", "The file is empty."),
        (b"name,level\n", "The file has no rows under its header."),
        (b"\xff\xfe\x00bad", "This file could not be read."),
    ],
)
def test_wrong_or_missing_columns_are_refused(admin, ctx, data, message):
    assert message in _refused(admin, ctx, "schools", data)


def test_a_malformed_xlsx_is_refused(admin, ctx):
    good = _xlsx(SCHOOLS)
    text = _refused(admin, ctx, "schools", good[: len(good) // 2], "broken.xlsx")
    assert "This file could not be read. Use CSV (UTF-8) or XLSX." in text
    assert "could not be read" in _refused(admin, ctx, "schools", b"not a zip", "x.xlsx")


def _multipart(data: bytes, name: str):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    body, _length, boundary = stream_encode_multipart(
        {"kind": "schools", "file": FileStorage(io.BytesIO(data), filename=name)},
        use_tempfile=False,
    )
    return body.getvalue(), f'multipart/form-data; boundary="{boundary}"'


def test_a_ten_megabyte_file_gets_a_clear_message_and_changes_nothing(admin, ctx):
    before = _snapshot(ctx)
    body, content_type = _multipart(b"name,level\n" + b"x" * (10 * 1024 * 1024), "big.csv")
    response = admin.post("/manage/imports", data=body, content_type=content_type)
    assert response.status_code == 413
    text = visible_text(response.get_data(as_text=True))
    assert "an import file may be at most 1 MB" in text
    assert _snapshot(ctx) == before


def test_a_file_over_one_megabyte_is_refused_beside_the_field(admin, ctx):
    body, content_type = _multipart(b"name,level\n" + b"x" * (1024 * 1024), "big.csv")
    response = admin.post("/manage/imports", data=body, content_type=content_type)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and "larger than 1 MB" in html


# --- staff ---------------------------------------------------------------------------------

STAFF = [
    ["Full name", "E-mail address", "Role", "School", "Language"],
    ["Ana Ruiz", "Ana.Ruiz@District.example", "Principal", "Maple Elementary", "Español"],
    ["Ben Cole", "ben@district.example", "district", "", ""],
    ["Cy Park", "cy@district.example", "council", "cedar-middle; summit-high", "zh-hans"],
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_staff_are_imported_invited_and_the_same_file_again_changes_nothing(admin, ctx, fmt):
    data = _csv(STAFF) if fmt == "csv" else _xlsx(STAFF)
    preview = _upload(admin, "staff", data, f"staff.{fmt}")
    assert preview.status_code == 200, preview.get_data(as_text=True)
    done = _apply(admin, preview)
    text = visible_text(done.get_data(as_text=True))
    assert "3 added" in text and "invitation" in text
    with ctx() as session:
        ana = session.scalars(select(User).where(User.email == "ana.ruiz@district.example")).one()
        assert [(g.role, g.school.slug) for g in ana.grants] == [("principal", "maple-elementary")]
        assert not ana.check_password("")  # no password until the invitation is accepted
        assert ana.preferred_locale == "es"  # invite_user writes in the account's language
        cy = session.scalars(select(User).where(User.email == "cy@district.example")).one()
        assert cy.preferred_locale == "zh_Hans"
        assert sorted(g.school.slug for g in cy.grants) == ["cedar-middle", "summit-high"]
        sent = sorted(m.to_address for m in session.scalars(select(OutboxMessage)))
        assert sent == ["ana.ruiz@district.example", "ben@district.example", "cy@district.example"]
    after = _snapshot(ctx)
    done = _apply(admin, _upload(admin, "staff", data, f"staff.{fmt}"))
    assert "0 added, 0 changed, 3 already" in visible_text(done.get_data(as_text=True))
    assert _snapshot(ctx) == after  # no second invitation either


def test_an_existing_account_keeps_its_roles_and_gains_the_files(admin, ctx, make_user):
    email = make_user(Role.DISTRICT, email="dee@district.example")
    with ctx() as session:
        name = session.scalars(select(User).where(User.email == email)).one().name
    rows = [["name", "email", "role", "school"], [name, email, "principal", "summit-high"]]
    done = _apply(admin, _upload(admin, "staff", _csv(rows)))
    assert "0 added, 1 changed" in visible_text(done.get_data(as_text=True))
    with ctx() as session:
        dee = session.scalars(select(User).where(User.email == email)).one()
        assert sorted(g.role for g in dee.grants) == ["district", "principal"]
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_bad_staff_rows_are_each_listed_and_nothing_is_saved(admin, ctx, make_user):
    taken = make_user(Role.DISTRICT, email="taken@district.example")
    rows = [
        ["name", "email", "role", "school"],
        ["Ok Person", "ok@district.example", "district", ""],
        ["Twice", "OK@district.example", "district", ""],
        ["Someone Else", taken, "district", ""],
        ["No Mail", "not-an-address", "district", ""],
        ["Boss", "boss@district.example", "superuser", ""],
        ["Root", "root@district.example", "admin", ""],
        ["Pat", "pat@district.example", "principal", "Nowhere High"],
        ["Lee", "lee@district.example", "principal", ""],
        ["Kim", "kim@district.example", "district", "Maple Elementary"],
    ]
    rows = [[*row, ""] for row in rows]
    rows[0][4] = "language"
    rows.append(["Lou", "lou@district.example", "district", "", "Klingon"])
    text = _refused(admin, ctx, "staff", _csv(rows))
    assert "Row 3: This e-mail address is already on row 2." in text
    assert "Row 4: This e-mail address belongs to another person's account" in text
    assert "Row 5: Enter an e-mail address" in text
    assert "Row 6: Unknown role: “superuser”" in text
    assert "Row 7: Administrators are not imported" in text
    assert "Row 8: Unknown school: Nowhere High." in text
    assert "Row 9: A principal or committee member needs a school." in text
    assert "Row 10: This role is not for one school" in text
    assert "Row 11: Unknown language: “Klingon”" in text


# --- rosters -------------------------------------------------------------------------------

ROSTER = [
    [
        "Committee",
        "School",
        "Member name",
        "Seat/role",
        "Officer",
        "E-mail",
        "Term start",
        "Term end",
    ],
    [
        "School Site Council",
        "Maple Elementary",
        "Rosa Diaz",
        "parent",
        "chair",
        "",
        "2026-09-01",
        "2028-06-30",
    ],
    ["ssc", "maple-elementary", "Tom Lee", "Teacher", "", "", "2026-09-01", ""],
    [
        "Consejo Escolar",
        "Maple Elementary",
        "Principal Pat",
        "principal",
        "secretary",
        "pat@district.example",
        "2026-09-01",
        "",
    ],
    ["DELAC", "", "Mia Chen", "parent", "", "", "2026-09-01", "2027-06-30"],
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_rosters_are_imported_and_the_same_file_again_changes_nothing(
    admin, ctx, council_committee, make_user, fmt
):
    make_user(Role.PRINCIPAL, schools=["maple-elementary"], email="pat@district.example")
    data = _csv(ROSTER) if fmt == "csv" else _xlsx(ROSTER)
    preview = _upload(admin, "rosters", data, f"roster.{fmt}")
    assert preview.status_code == 200, preview.get_data(as_text=True)
    assert "Parent, Chair" in visible_text(preview.get_data(as_text=True))
    done = _apply(admin, preview)
    assert "4 added" in visible_text(done.get_data(as_text=True))
    with ctx() as session:
        members = {m.name: m for m in session.scalars(select(CommitteeMember))}
        assert members["Rosa Diaz"].officer == "chair"
        assert str(members["Rosa Diaz"].term_end) == "2028-06-30"
        assert members["Principal Pat"].user_id is not None
        assert members["Mia Chen"].committee.kind == "delac"
    after = _snapshot(ctx)
    done = _apply(admin, _upload(admin, "rosters", data, f"roster.{fmt}"))
    assert "0 added, 0 changed, 4 already" in visible_text(done.get_data(as_text=True))
    assert _snapshot(ctx) == after
    changed = [row[:] for row in ROSTER]
    changed[2][7] = "2027-06-30"
    done = _apply(admin, _upload(admin, "rosters", _csv(changed)))
    assert "0 added, 1 changed, 3 already" in visible_text(done.get_data(as_text=True))


def test_bad_roster_rows_are_each_listed_and_nothing_is_saved(admin, ctx, council_committee):
    head = ROSTER[0]
    rows = [
        head,
        ["ssc", "Maple Elementary", "Ok Member", "parent", "", "", "2026-09-01", ""],
        ["ssc", "Nowhere", "A", "parent", "", "", "2026-09-01", ""],
        ["Chess Club", "Maple Elementary", "B", "parent", "", "", "2026-09-01", ""],
        ["ssc", "Maple Elementary", "", "parent", "", "", "2026-09-01", ""],
        ["ssc", "Maple Elementary", "C", "janitor", "", "", "2026-09-01", ""],
        ["ssc", "Maple Elementary", "D", "parent", "boss", "", "2026-09-01", ""],
        ["ssc", "Maple Elementary", "E", "parent", "", "", "09/01/2026", ""],
        ["ssc", "Maple Elementary", "F", "parent", "", "", "2026-09-01", "2025-01-01"],
        ["ssc", "Maple Elementary", "G", "parent", "", "nobody@x.example", "2026-09-01", ""],
        ["ssc", "Maple Elementary", "ok member", "parent", "", "", "2026-09-01", ""],
        ["ssc", "Maple Elementary", "H", "parent", "", "", "2026-02-30", ""],
    ]
    text = _refused(admin, ctx, "rosters", _csv(rows))
    assert "Row 3: Unknown school: Nowhere." in text
    assert "Row 4: Unknown committee: Chess Club." in text
    assert "Row 5: Enter the member's name." in text
    assert "Row 6: Unknown seat: “janitor”" in text
    assert "Row 7: Choose an officer role or none." in text
    assert "Row 8: Term start: enter a date" in text
    assert "Row 9: Enter an end date after the start" in text
    assert "Row 10: No account has this e-mail address." in text
    assert "Row 11: This member is already on row 2." in text
    assert "Row 12: Term start: enter a date" in text
    assert "Row 2:" not in text


def test_two_chairs_of_one_committee_are_refused(admin, ctx, council_committee):
    rows = [
        ROSTER[0],
        ["ssc", "Maple Elementary", "A", "parent", "chair", "", "2026-09-01", ""],
        ["ssc", "Maple Elementary", "B", "teacher", "Chair", "", "2026-09-01", ""],
    ]
    assert "Row 3: The committee's chair is already on row 2." in _refused(
        admin, ctx, "rosters", _csv(rows)
    )


# --- the pages -----------------------------------------------------------------------------


def test_only_administrators_import(login_as, client, ctx):
    for role in (Role.DISTRICT, Role.PRINCIPAL, Role.COMMS):
        staff = login_as(role)
        assert staff.get("/manage/imports").status_code == 403
        assert staff.get("/manage/imports/staff/template.csv").status_code == 403
        assert _upload(staff, "schools", _csv(SCHOOLS)).status_code == 403
    anonymous = client.get("/manage/imports")
    assert anonymous.status_code in (302, 303) and "sign-in" in anonymous.headers["Location"]


def test_someone_else_cannot_apply_a_staged_file(admin, login_as, ctx):
    preview = _upload(admin, "schools", _csv(SCHOOLS))
    url = re.search(r'action="(/manage/imports/\d+/apply)"', preview.get_data(as_text=True)).group(
        1
    )
    district_staff = login_as(Role.DISTRICT)
    before = _snapshot(ctx)
    assert district_staff.post(url).status_code == 403
    assert _snapshot(ctx) == before
    assert admin.post(url).status_code == 303
    assert admin.post(url).status_code == 409  # a staged file is applied once


@pytest.mark.parametrize("kind", ["schools", "staff", "rosters"])
def test_the_page_documents_the_columns_and_each_template_reads_back(admin, kind):
    page = visible_text(admin.get("/manage/imports").get_data(as_text=True))
    assert "Capitals, spaces and dashes" in page and "template.csv" not in page
    assert admin.get("/manage/imports").get_data(as_text=True).count("template.csv") == 5
    template = admin.get(f"/manage/imports/{kind}/template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    from portal.services.district_imports import kind_module, read_rows

    rows, problems = read_rows(template.data, "t.csv", kind_module(kind).COLUMNS)
    assert problems == [] and len(rows) == 1


def test_the_workspace_links_the_imports_for_admins(admin):
    assert "/manage/imports" in admin.get("/manage/").get_data(as_text=True)


def test_a_roster_short_of_the_composition_rules_is_flagged_in_the_preview(
    admin, ctx, council_committee
):
    rows = [
        ROSTER[0] + ["Parent of English learner"],
        ["DELAC", "", "Mia Chen", "parent", "", "", "2026-09-01", "", "no"],
        ["DELAC", "", "Ray Ortiz", "community", "", "", "2026-09-01", "", ""],
    ]
    preview = _upload(admin, "rosters", _csv(rows))
    assert preview.status_code == 200
    text = visible_text(preview.get_data(as_text=True))
    assert "will not meet the district's composition rules" in text
    assert "Parents of English learners who are not district employees" in text
    rows[1][8] = "yes"
    rows[2][3] = "parent"
    rows[2][8] = "yes"
    text = visible_text(_upload(admin, "rosters", _csv(rows)).get_data(as_text=True))
    assert "composition rules" not in text
    rows[1][8] = "maybe"
    assert "Row 2: Parent of an English learner: write yes or no" in _refused(
        admin, ctx, "rosters", _csv(rows)
    )


def test_a_file_that_no_longer_passes_when_applied_saves_none_of_its_rows(admin, ctx):
    preview = _upload(admin, "staff", _csv(STAFF))
    with ctx() as session:  # between the preview and the confirmation, row 3's address is taken
        other = User(email="ben@district.example", name="Someone Else", password_hash="!")
        session.add(other)
        session.commit()
    before = _snapshot(ctx)
    url = re.search(r'action="(/manage/imports/\d+/apply)"', preview.get_data(as_text=True)).group(
        1
    )
    response = admin.post(url)
    assert response.status_code == 409
    page = visible_text(response.get_data(as_text=True))
    assert "an account was added with an address in this file" in page
    assert _snapshot(ctx) == before  # Ana (row 2) was not created either, and nothing was sent


def test_a_file_previewed_and_never_confirmed_is_forgotten_a_day_later(admin, ctx):
    from datetime import timedelta

    from portal.models.base import utcnow

    _upload(admin, "staff", _csv(STAFF))
    with ctx() as session:
        old = session.scalars(select(DistrictImport)).one()
        old.created_at = utcnow() - timedelta(days=2)
        session.commit()
    _upload(admin, "schools", _csv(SCHOOLS))
    with ctx() as session:  # the staff file (names, e-mails) is gone; today's file stays
        assert [d.kind for d in session.scalars(select(DistrictImport))] == ["schools"]
