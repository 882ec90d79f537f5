"""PDFs from HTML templates through WeasyPrint, fetching nothing but our own static files.

WeasyPrint is imported lazily (about a second), so pages that never print do not pay for it.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

PDF_MIMETYPE = "application/pdf"


class ForbiddenResource(ValueError):
    """A document asked for something other than one of our static files."""


def static_only_fetcher(url: str, *args, **kwargs):
    """URL fetcher for WeasyPrint: `/static/...` files and data: URIs only; no file:, no network."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    parts = urlsplit(url)
    prefix = (current_app.static_url_path or "/static").rstrip("/") + "/"
    if parts.scheme not in ("", "http", "https") or not parts.path.startswith(prefix):
        raise ForbiddenResource(f"refused to fetch {url!r}")
    static_root = Path(current_app.static_folder).resolve()
    target = (static_root / unquote(parts.path[len(prefix) :])).resolve()
    if static_root not in target.parents or not target.is_file():
        raise ForbiddenResource(f"refused to fetch {url!r}")
    return {"file_obj": target.open("rb"), "filename": target.name}


def render_pdf(template: str, **context) -> bytes:
    """Render a Jinja template to HTML, then to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, **context)
    return HTML(
        string=html, base_url="http://portal.invalid/", url_fetcher=static_only_fetcher
    ).write_pdf()
