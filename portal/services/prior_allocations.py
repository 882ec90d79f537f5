"""Last year's allocations, read from a file, so hold harmless and "change from last year" work
in a district's first year in the portal. One row per school and funding stream, amounts in
dollars as a district's spreadsheet has them; the same preview-then-apply pattern as enrollment
(services/enrollment.py): every problem row listed, nothing staged while any row is wrong, then
applied in one transaction. Applying replaces the listed schools' figures, so importing the same
file again changes nothing."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.forms import parse_dollars
from portal.models import PriorAllocation, School
from portal.models.year_rollover import PriorAllocationImport
from portal.services.audit import record_audit
from portal.services.enrollment import (
    MAX_IMPORT_ROWS,
    MAX_UPLOAD_BYTES,
    ImportProblem,
    _read_table,
)
from portal.services.errors import Rejected
from portal.services.funding import streams_for

COLUMNS = ("school", "stream", "amount")


def _stream_names(stream) -> set[str]:
    """Every name a file may give a stream: its name in each language, any case."""
    return {text.strip().lower() for text in (stream.name or {}).values() if text}


def parse_prior(
    data: bytes, filename: str, schools: list[School], streams: list
) -> tuple[list[dict], list[ImportProblem]]:
    """Read a file with the header `school, stream, amount` and one row per school and stream
    (the school's web address name or exact name, the stream's name in any language, dollars).
    Returns (rows per school, problems); rows are only given when there are no problems."""
    try:
        table = [row for row in _read_table(data, filename) if any(row)]
    except Exception:  # noqa: BLE001 - a broken XLSX raises whatever zipfile or openpyxl meets
        return [], [ImportProblem(1, _("This file could not be read. Use CSV (UTF-8) or XLSX."))]
    if not table:
        return [], [ImportProblem(1, _("The file is empty."))]
    header = [h.strip().lower() for h in table[0]]
    if [h for h in header if h] != list(COLUMNS):
        return [], [
            ImportProblem(1, _("The first row must name the columns: school, stream, amount."))
        ]
    if len(table) - 1 > MAX_IMPORT_ROWS:
        return [], [ImportProblem(1, _("The file has too many rows."))]
    if not streams:
        return [], [
            ImportProblem(1, _("Add this year's funding streams first: each row names one."))
        ]
    by_school = {s.slug: s for s in schools} | {s.name.strip().lower(): s for s in schools}
    by_stream = {name: s for s in streams for name in _stream_names(s)}
    problems: list[ImportProblem] = []
    totals: dict[int, dict[str, int]] = {}
    for number, raw in enumerate(table[1:], start=2):
        cells = dict(zip(header, raw, strict=False))
        school_text, stream_text = cells.get("school", ""), cells.get("stream", "")
        school = by_school.get(school_text.strip().lower())
        stream = by_stream.get(stream_text.strip().lower())
        cents = parse_dollars(cells.get("amount", ""))
        if school is None:
            problems.append(ImportProblem(number, _("Unknown school: %(name)s.", name=school_text)))
        if stream is None:
            problems.append(
                ImportProblem(number, _("Unknown funding stream: %(name)s.", name=stream_text))
            )
        if cents is None:
            problems.append(
                ImportProblem(
                    number,
                    _(
                        "The amount must be dollars of 0 or more, such as 125000 or "
                        "125,000.50, not “%(value)s”.",
                        value=cells.get("amount", ""),
                    ),
                )
            )
        if school is None or stream is None or cents is None:
            continue
        streams_of_school = totals.setdefault(school.id, {})
        if str(stream.id) in streams_of_school:
            problems.append(
                ImportProblem(
                    number,
                    _(
                        "%(school)s and %(stream)s appear twice.",
                        school=school.name,
                        stream=stream_text,
                    ),
                )
            )
            continue
        streams_of_school[str(stream.id)] = cents
    if problems:
        return [], problems
    rows = [
        {"school_id": school_id, "streams": amounts, "cents": sum(amounts.values())}
        for school_id, amounts in totals.items()
    ]
    return rows, []


def apply_prior(year_id: int, rows: list[dict]) -> int:
    """Set last year's allocation of each school in `rows` for the year (the caller commits);
    returns how many schools' figures changed."""
    changed = 0
    for row in rows:
        prior = db.session.get(PriorAllocation, (row["school_id"], year_id))
        if prior is None:
            prior = PriorAllocation(school_id=row["school_id"], school_year_id=year_id, cents=0)
            db.session.add(prior)
        elif prior.cents == row["cents"]:
            continue
        prior.cents = row["cents"]
        changed += 1
    return changed


@dataclass(frozen=True)
class PriorPreview:
    """What the preview page shows: the rows read (or every problem), names of the schools and
    streams, and the staged import to confirm (None when there are problems)."""

    filename: str
    rows: list[dict]
    problems: list[ImportProblem]
    names: dict[int, str]
    stream_names: dict[str, object]
    current: dict[int, int]
    staged: PriorAllocationImport | None = None


class PriorRejected(Rejected):
    """A file with problem rows: nothing is staged, and the preview lists every problem."""

    def __init__(self, preview: PriorPreview):
        super().__init__({}, *(problem.message for problem in preview.problems))
        self.preview = preview


def prior_figures(year_id: int) -> dict[int, int]:
    """Each school's saved "last year" allocation for the year, in cents."""
    return dict(
        db.session.execute(
            select(PriorAllocation.school_id, PriorAllocation.cents).where(
                PriorAllocation.school_year_id == year_id
            )
        ).all()
    )


def stage_prior(district, year, actor, data: bytes, filename: str) -> PriorPreview:
    """Read an uploaded file of last year's allocations and stage it for confirmation; nothing
    is applied yet. `data` is what was read of the upload (at most MAX_UPLOAD_BYTES + 1 bytes).
    Raises Rejected for a file that is too large, PriorRejected for problem rows."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Rejected({"file": _("The file is larger than 1 MB.")})
    schools = list(db.session.scalars(select(School).where(School.district_id == district.id)))
    streams = streams_for(district.id, year.id)
    rows, problems = parse_prior(data, filename, schools, streams)
    preview = PriorPreview(
        filename,
        rows,
        problems,
        {s.id: s.name for s in schools},
        {str(s.id): s for s in streams},
        prior_figures(year.id),
    )
    if problems:
        raise PriorRejected(preview)
    staged = PriorAllocationImport(
        district_id=district.id,
        school_year_id=year.id,
        uploaded_by_id=actor.id,
        filename=filename[:200],
        rows=rows,
    )
    db.session.add(staged)
    db.session.flush()
    return PriorPreview(**{**preview.__dict__, "staged": staged})


def apply_prior_import(staged: PriorAllocationImport, actor) -> int:
    """Save a previewed file's figures, all in the caller's one transaction; returns how many
    schools' figures changed. Rejected when this staged file was already imported."""
    if staged.applied:
        raise Rejected({}, _("This file was already imported."))
    changed = apply_prior(staged.school_year_id, staged.rows)
    staged.mark_applied()
    record_audit(
        actor,
        "allocation.prior_imported",
        "prior_allocation_import",
        staged.id,
        {"schools": len(staged.rows), "changed": changed},
    )
    return changed
