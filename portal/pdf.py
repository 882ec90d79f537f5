"""PDFs from HTML templates through WeasyPrint, fetching nothing but our own static files.

WeasyPrint is imported lazily (about a second), so pages that never print do not pay for it.
Every document is bounded: a page cap and a time limit (settings PDF_MAX_PAGES and
PDF_TIME_LIMIT_SECONDS), so no request can keep a worker busy for long.
"""

import mimetypes
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

PDF_MIMETYPE = "application/pdf"
# Documents are rendered with this base URL, so "/static/x.css" becomes BASE_URL + "static/x.css".
BASE_URL = "http://portal.invalid/"


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serve `/static/...` from the app's static folder and data: URIs; refuse the rest
        (no file:, no network), so a document can never read the disk or call out."""

        def __init__(self, static_folder: str, static_url_path: str):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)
            self.static_root = Path(static_folder).resolve()
            self.prefix = static_url_path.rstrip("/") + "/"

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(
                self.prefix
            ):
                raise ValueError(f"refused to fetch {url!r}")
            target = (self.static_root / unquote(parts.path[len(self.prefix) :])).resolve()
            if self.static_root not in target.parents or not target.is_file():
                raise ValueError(f"refused to fetch {url!r}")
            mimetype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": mimetype})

    return StaticOnlyFetcher


def static_only_fetcher():
    """A URL fetcher bound to the current app's static folder."""
    return _fetcher_class()(current_app.static_folder, current_app.static_url_path or "/static")


class PdfLimitExceeded(Exception):
    """A document that would cost more than its limits allow; nothing was sent."""


class PdfTooLong(PdfLimitExceeded):
    """The laid-out document has more pages than allowed."""

    def __init__(self, pages: int, limit: int):
        super().__init__(f"{pages} pages, more than the {limit} allowed")
        self.pages, self.limit = pages, limit


class PdfTookTooLong(PdfLimitExceeded):
    """Laying out or writing the document ran past its time limit."""

    def __init__(self, seconds: float):
        super().__init__(f"still rendering after {seconds:g} seconds")
        self.seconds = seconds


class _Deadline(BaseException):
    """Raised by the alarm inside WeasyPrint. A BaseException, so that WeasyPrint's own
    `except Exception` (around images, fonts, stylesheets) cannot swallow it."""


@contextmanager
def time_limit(seconds: float | None):
    """Raise PdfTookTooLong when the block runs longer than `seconds` (None or 0: no limit).

    Uses SIGALRM through setitimer, which only the main thread may do. gunicorn's sync
    workers, `flask work` and the tests run requests on the main thread, so the limit holds
    there. On any other thread (a threaded dev server, gthread workers) no alarm can be set:
    the block runs unbounded in time and only the page cap and the sheet caps bound it, and
    gunicorn's own worker timeout is the last resort.
    """
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    armed = [True]

    def _ring(_signum, _frame):
        if armed[0]:  # a ring still pending after the block ended is ignored
            raise _Deadline

    previous = signal.signal(signal.SIGALRM, _ring)
    # The alarm rings again every 50 ms until the block ends, in case one ring lands in code
    # that catches even BaseException and goes on.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    except _Deadline:
        raise PdfTookTooLong(seconds) from None
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_pdf(
    template: str, *, max_pages: int | None = None, seconds: float | None = None, **context
) -> bytes:
    """Render a Jinja template to HTML, then to PDF bytes, within bounds: at most `max_pages`
    pages and `seconds` of layout and writing (defaults: PDF_MAX_PAGES and
    PDF_TIME_LIMIT_SECONDS). Raises PdfTooLong or PdfTookTooLong, before any byte is sent."""
    from weasyprint import HTML

    config = current_app.config
    max_pages = max_pages if max_pages is not None else config["PDF_MAX_PAGES"]
    seconds = seconds if seconds is not None else config["PDF_TIME_LIMIT_SECONDS"]
    # The template itself is rendered outside the alarm: it reads the database, and a query
    # cut in the middle could leave the connection unusable. What it draws is bounded by the
    # callers (sheet caps, one bulletin month, one plan).
    html = render_template(template, **context)
    started = time.monotonic()
    try:
        with time_limit(seconds):
            fetcher = static_only_fetcher()
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
            if max_pages and len(document.pages) > max_pages:
                raise PdfTooLong(len(document.pages), max_pages)
            data = document.write_pdf()
    except _Deadline:  # the alarm rang just as the block ended, before it was disarmed
        raise PdfTookTooLong(seconds) from None
    elapsed = time.monotonic() - started
    current_app.logger.info("PDF %s: %d pages in %.1f s", template, len(document.pages), elapsed)
    return data
