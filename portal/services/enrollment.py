"""Enrollment by need group, read from a file: staff upload a CSV or XLSX, see every row (or
every problem) before anything is saved, then confirm. The upload is staged in the database
(`EnrollmentImport`), not in a process, so any app server can finish the import."""

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.models import Enrollment, EnrollmentImport, School
from portal.services.allocation import ALL_STUDENTS
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.funding import need_groups

MAX_IMPORT_ROWS = 2000
MAX_UPLOAD_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ImportProblem:
    row: int  # 1-based, the header is row 1
    message: str


def _read_table(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [
            ["" if c is None else str(c).strip() for c in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        workbook.close()
        return rows
    text = data.decode("utf-8-sig")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def parse_enrollment(
    data: bytes, filename: str, schools: list[School], group_keys: list[str]
) -> tuple[list[dict], list[ImportProblem]]:
    """Read an enrollment file: a header row `school, all, <group>...`, then one row per school
    (the school's web address name or exact name). Returns (rows, problems); every problem row is
    reported, and rows are only usable when there are no problems."""
    try:
        table = [row for row in _read_table(data, filename) if any(row)]
    except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError):
        return [], [ImportProblem(1, _("This file could not be read. Use CSV (UTF-8) or XLSX."))]
    if not table:
        return [], [ImportProblem(1, _("The file is empty."))]
    header = [h.strip().lower() for h in table[0]]
    if not header or header[0] != "school" or ALL_STUDENTS not in header:
        return [], [
            ImportProblem(1, _("The first row must name the columns: school, all, then groups."))
        ]
    unknown_columns = [h for h in header[1:] if h and h not in (ALL_STUDENTS, *group_keys)]
    problems = [
        ImportProblem(1, _("Unknown column: %(name)s.", name=name)) for name in unknown_columns
    ]
    by_key = {s.slug: s for s in schools} | {s.name.lower(): s for s in schools}
    rows, seen = [], set()
    if len(table) - 1 > MAX_IMPORT_ROWS:
        return [], [ImportProblem(1, _("The file has too many rows."))]
    for number, raw in enumerate(table[1:], start=2):
        cells = dict(zip(header, raw, strict=False))
        school = by_key.get((cells.get("school") or "").strip().lower()) or by_key.get(
            (cells.get("school") or "").strip()
        )
        if school is None:
            problems.append(
                ImportProblem(number, _("Unknown school: %(name)s.", name=cells.get("school", "")))
            )
            continue
        if school.id in seen:
            problems.append(ImportProblem(number, _("%(name)s appears twice.", name=school.name)))
            continue
        seen.add(school.id)
        counts, bad = {}, False
        for key in (ALL_STUDENTS, *group_keys):
            value = (cells.get(key) or "").strip().replace(",", "")
            if value == "" and key != ALL_STUDENTS:
                continue
            if not value.isdigit():
                problems.append(
                    ImportProblem(
                        number,
                        _(
                            "%(group)s for %(name)s must be a whole number of 0 or more, "
                            "not “%(value)s”.",
                            group=key,
                            name=school.name,
                            value=value,
                        ),
                    )
                )
                bad = True
                continue
            counts[key] = int(value)
        if bad:
            continue
        for key, value in counts.items():
            if key != ALL_STUDENTS and value > counts[ALL_STUDENTS]:
                problems.append(
                    ImportProblem(
                        number,
                        _(
                            "%(group)s for %(name)s (%(count)s) is more than the school's "
                            "total (%(total)s).",
                            group=key,
                            name=school.name,
                            count=value,
                            total=counts[ALL_STUDENTS],
                        ),
                    )
                )
        rows.append({"school_id": school.id, "counts": counts})
    return (rows if not problems else []), problems


def apply_enrollment(year_id: int, rows: list[dict]) -> int:
    """Replace the enrollment of the schools in `rows` for the year (the caller commits)."""
    school_ids = [row["school_id"] for row in rows]
    for existing in db.session.scalars(
        select(Enrollment).where(
            Enrollment.school_year_id == year_id, Enrollment.school_id.in_(school_ids)
        )
    ):
        db.session.delete(existing)
    db.session.flush()
    for row in rows:
        for key, value in row["counts"].items():
            db.session.add(
                Enrollment(
                    school_id=row["school_id"], school_year_id=year_id, group_key=key, pupils=value
                )
            )
        school = db.session.get(School, row["school_id"])
        school.enrollment = row["counts"][ALL_STUDENTS]
    return len(rows)


@dataclass(frozen=True)
class EnrollmentPreview:
    """What the preview page shows: the rows read (or every problem), the schools' names, the
    columns, and the staged import to confirm (None when there are problems)."""

    filename: str
    rows: list[dict]
    problems: list[ImportProblem]
    names: dict[int, str]
    keys: list[str]
    staged: EnrollmentImport | None = None


class EnrollmentRejected(Rejected):
    """A file with problem rows: nothing is staged, and the preview lists every problem."""

    def __init__(self, preview: EnrollmentPreview):
        super().__init__({}, *(problem.message for problem in preview.problems))
        self.preview = preview


def stage_enrollment(district, year, actor, data: bytes, filename: str) -> EnrollmentPreview:
    """Read an uploaded file and stage its rows for confirmation; nothing is applied yet.
    `data` is what was read of the upload (at most MAX_UPLOAD_BYTES + 1 bytes). Raises
    Rejected for a file that is too large, EnrollmentRejected for problem rows."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Rejected({"file": _("The file is larger than 1 MB.")})
    schools = list(db.session.scalars(select(School).where(School.district_id == district.id)))
    keys = [group.key for group in need_groups(district.id)]
    rows, problems = parse_enrollment(data, filename, schools, keys)
    preview = EnrollmentPreview(
        filename, rows, problems, {s.id: s.name for s in schools}, [ALL_STUDENTS, *keys]
    )
    if problems:
        raise EnrollmentRejected(preview)
    staged = EnrollmentImport(
        district_id=district.id,
        school_year_id=year.id,
        uploaded_by_id=actor.id,
        filename=filename[:200],
        rows=rows,
    )
    db.session.add(staged)
    db.session.flush()
    return EnrollmentPreview(**{**preview.__dict__, "staged": staged})


def apply_import(staged: EnrollmentImport, actor) -> int:
    """Save a previewed file's rows, all in the caller's one transaction; returns how many
    schools. Rejected when the file was already imported."""
    if staged.applied:
        raise Rejected({}, _("This file was already imported."))
    count = apply_enrollment(staged.school_year_id, staged.rows)
    staged.mark_applied()
    record_audit(actor, "enrollment.imported", "enrollment_import", staged.id, {"schools": count})
    return count
