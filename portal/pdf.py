"""PDFs from HTML templates through WeasyPrint, fetching nothing but our own static files.

WeasyPrint is imported lazily (about a second), so pages that never print do not pay for it.
"""

import mimetypes
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


def render_pdf(template: str, **context) -> bytes:
    """Render a Jinja template to HTML, then to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, **context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher()).write_pdf()
