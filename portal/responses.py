"""Responses that are files: PDFs, spreadsheets, calendars. One place sets the download headers
and makes CSV cells safe to open in a spreadsheet."""

import csv
import io
from urllib.parse import quote

from flask import Response, current_app, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.extensions import limiter
from portal.pdf import PDF_MIMETYPE, PdfLimitExceeded, PdfTooLong, render_pdf

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


# Every PDF route open to anonymous visitors carries this: one count per client address for all
# of them together (PDF_RATE_LIMIT); signed-in staff are not counted. A hit answers 429.
public_pdf_limit = limiter.shared_limit(
    lambda: current_app.config["PDF_RATE_LIMIT"],
    scope="public-pdf",
    exempt_when=lambda: current_user.is_authenticated,
)

PDF_TOO_LONG = _l(
    "This document would be longer than we can make in one go. Please ask for a shorter part, "
    "or ask the school or the district office for a printed copy."
)
PDF_TOO_SLOW = _l(
    "Making this document took longer than we allow, so we stopped. Please try again in a few "
    "minutes, or ask the school or the district office for a printed copy."
)


def pdf_refused(message, status: int, **context) -> Response:
    """The page shown instead of a PDF that would cost too much (413) or took too long (503):
    in the reader's language, never cached, with a way back."""
    response = make_response(
        render_template("errors/pdf_refused.html", status=status, message=message, **context),
        status,
    )
    response.headers["Cache-Control"] = "private, no-store"
    if status == 503:
        response.headers["Retry-After"] = "300"
    return response


def pdf_download(template: str, filename: str, **context) -> Response:
    """A template rendered to PDF (static-only fetcher, see portal.pdf), shown inline; within
    the page cap and time limit, or a page saying why not (logged)."""
    try:
        body = render_pdf(template, **context)
    except PdfLimitExceeded as error:
        current_app.logger.warning("PDF refused on %s: %s", request.path, error)
        if isinstance(error, PdfTooLong):
            return pdf_refused(PDF_TOO_LONG, 413)
        return pdf_refused(PDF_TOO_SLOW, 503)
    return download(body, filename, PDF_MIMETYPE, inline=True)


def csv_download(header: list, rows, filename: str) -> Response:
    """A CSV file of `rows` under `header`, every cell through `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return download(out.getvalue(), filename, "text/csv; charset=utf-8")
