"""Bringing a district in from its spreadsheets: schools, staff accounts, committee rosters, and
from the finance system the salary averages and each school's positions, read from a CSV or
XLSX file with the same preview-then-apply pattern as enrollment (services/enrollment.py).
Every problem row is listed with its row number, nothing is staged while any row is wrong, the
staged rows are applied in one transaction, and applying the same file again changes nothing
(schools match by code or name, staff by e-mail, roster members by committee and e-mail or
name, salary rows by job code and year, positions by plan, role, goal and description). The
kinds' own rules are in import_schools.py, import_staff.py, import_rosters.py,
import_salaries.py and import_positions.py; this module reads the file and stages it."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.district_imports import DistrictImport
from portal.services.audit import record_audit
from portal.services.enrollment import MAX_IMPORT_ROWS, ImportProblem, _read_table
from portal.services.errors import Rejected

MAX_UPLOAD_BYTES = 1024 * 1024
STAGED_FOR = timedelta(days=1)  # a previewed file not confirmed by then is deleted


@dataclass(frozen=True)
class Column:
    """A column a file of one kind may have: its key, the names a header may give it (any case,
    spaces, dashes or underscores), whether it is required, and what it holds (for the page)."""

    key: str
    names: tuple[str, ...]
    required: bool
    help: object  # a lazy string


def header_key(text: str) -> str:
    """A header cell as a comparable key: "E-mail address " -> "emailaddress"."""
    return re.sub(r"[\s_\-./()]+", "", (text or "").strip().lower())


@dataclass(frozen=True)
class Preview:
    """What the preview page shows: the checked rows (or every problem), their display form,
    and the staged import to confirm (None when there are problems)."""

    kind: str
    filename: str
    rows: list[dict]
    problems: list[ImportProblem]
    display: list[dict] = field(default_factory=list)
    staged: DistrictImport | None = None
    # [(committee, composition rule codes)]: rosters the import leaves short of the rules
    warnings: list = field(default_factory=list)


class ImportRejected(Rejected):
    """A file with problem rows: nothing is staged, and the preview lists every problem."""

    def __init__(self, preview: Preview):
        super().__init__({}, *(problem.message for problem in preview.problems))
        self.preview = preview


def _kinds():
    from portal.services import (
        import_positions,
        import_rosters,
        import_salaries,
        import_schools,
        import_staff,
    )

    return {
        "schools": import_schools,
        "staff": import_staff,
        "rosters": import_rosters,
        "salaries": import_salaries,
        "positions": import_positions,
    }


def kind_module(kind: str):
    """The module with a kind's columns, parser and apply (None for an unknown kind)."""
    return _kinds().get(kind)


KINDS = ("schools", "staff", "rosters", "salaries", "positions")


def read_rows(data: bytes, filename: str, columns: tuple[Column, ...]):
    """The file's rows as [(row number, {column key: text})], or ([], problems) for a file
    that cannot be read, has no header row naming the required columns, or is too long."""
    try:
        table = _read_table(data, filename)
    except Exception:  # noqa: BLE001 - a broken XLSX raises whatever zipfile or openpyxl meets
        return [], [ImportProblem(1, _("This file could not be read. Use CSV (UTF-8) or XLSX."))]
    numbered = [(n, row) for n, row in enumerate(table, start=1) if any(row)]
    if not numbered:
        return [], [ImportProblem(1, _("The file is empty."))]
    if len(numbered) - 1 > MAX_IMPORT_ROWS:
        return [], [ImportProblem(1, _("The file has too many rows."))]
    header_row, header = numbered[0]
    by_name = {header_key(name): c.key for c in columns for name in (c.key, *c.names)}
    keys, problems = [], []
    for text in header:
        key = by_name.get(header_key(text))
        if text and key is None:
            problems.append(ImportProblem(header_row, _("Unknown column: %(name)s.", name=text)))
        elif key in keys:
            problems.append(ImportProblem(header_row, _("Column twice: %(name)s.", name=text)))
        keys.append(key)
    missing = [c.key for c in columns if c.required and c.key not in keys]
    if missing:
        problems.append(
            ImportProblem(
                header_row,
                _("Missing columns: %(names)s.", names=", ".join(missing)),
            )
        )
    if problems:
        return [], problems
    rows = []
    for number, raw in numbered[1:]:
        cells = {key: (raw[i] if i < len(raw) else "").strip() for i, key in enumerate(keys) if key}
        rows.append((number, cells))
    if not rows:
        return [], [ImportProblem(header_row, _("The file has no rows under its header."))]
    return rows, []


def template_csv(kind: str) -> str:
    """A file to fill in: the header row and one example row."""
    module = kind_module(kind)
    lines = [[c.key for c in module.COLUMNS], list(module.EXAMPLE)]
    out = []
    for line in lines:
        out.append(",".join(f'"{v}"' if ("," in v or '"' in v) else v for v in line))
    return "\r\n".join(out) + "\r\n"


def stage(district, actor, kind: str, data: bytes, filename: str) -> Preview:
    """Read an uploaded file of `kind` and stage its rows for confirmation; nothing is applied
    yet. `data` is what was read of the upload (at most MAX_UPLOAD_BYTES + 1 bytes). Raises
    Rejected for a file that is too large or an unknown kind, ImportRejected for problem rows."""
    module = kind_module(kind)
    if module is None:
        raise Rejected({"kind": _("Choose what the file holds.")})
    if len(data) > MAX_UPLOAD_BYTES:
        raise Rejected({"file": _("The file is larger than 1 MB.")})
    rows, problems = read_rows(data, filename, module.COLUMNS)
    checked, display = [], []
    if not problems:
        checked, display, problems = module.check(district, rows)
    if problems:
        raise ImportRejected(Preview(kind, filename, [], sorted(problems, key=_order)))
    _forget_old_files(district)
    staged = DistrictImport(
        district_id=district.id,
        kind=kind,
        uploaded_by_id=actor.id,
        filename=(filename or "")[:200],
        rows=checked,
        result={},
    )
    db.session.add(staged)
    db.session.flush()
    notes = module.warnings(district, checked) if hasattr(module, "warnings") else []
    return Preview(kind, filename, checked, [], display, staged, notes)


def _forget_old_files(district) -> None:
    """Files previewed but never confirmed hold names and e-mail addresses: they are deleted
    a day later (when the next file is read), not kept."""
    cutoff = utcnow() - STAGED_FOR
    db.session.execute(
        delete(DistrictImport).where(
            DistrictImport.district_id == district.id,
            DistrictImport.applied.is_(False),
            DistrictImport.created_at < cutoff,
        )
    )


def _order(problem: ImportProblem):
    return problem.row


def apply(staged: DistrictImport, district, actor) -> dict:
    """Save a previewed file's rows, all in the caller's one transaction. The rows are checked
    again (the district may have changed since the preview): a file that no longer passes is
    refused whole. Returns {"created": n, "updated": n, "unchanged": n} (salaries also
    {"repriced": n}, the positions priced again)."""
    if staged.applied:
        raise Rejected({}, _("This file was already imported."))
    module = kind_module(staged.kind)
    result = module.apply(district, actor, staged.rows)
    staged.mark_applied(result)
    record_audit(
        actor,
        "district_import.applied",
        "district_import",
        staged.id,
        {"kind": staged.kind, "filename": staged.filename, **result},
    )
    return result
