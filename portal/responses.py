"""Responses that are files: PDFs, spreadsheets, calendars. One place sets the download headers
and makes CSV cells safe to open in a spreadsheet."""

import csv
import io
from urllib.parse import quote

from flask import Response

from portal.pdf import PDF_MIMETYPE, render_pdf

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value for a CSV cell: text that a spreadsheet would run as a formula gets a leading
    apostrophe (OWASP's advice); numbers and other values pass through."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def download(body, filename: str, mimetype: str, inline: bool = False) -> Response:
    """A file response. `inline` shows it in the browser (PDFs, calendars); otherwise it is
    saved. The name is sent both plainly (ASCII) and encoded (RFC 6266), so a school's name in
    any script survives."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    disposition = "inline" if inline else "attachment"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def pdf_download(template: str, filename: str, **context) -> Response:
    """A template rendered to PDF (static-only fetcher, see portal.pdf), shown inline."""
    return download(render_pdf(template, **context), filename, PDF_MIMETYPE, inline=True)


def csv_download(header: list, rows, filename: str) -> Response:
    """A CSV file of `rows` under `header`, every cell through `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return download(out.getvalue(), filename, "text/csv; charset=utf-8")
