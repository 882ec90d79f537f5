"""The reference app of `bench/run.py`: bare Flask + Jinja serving pages captured from the portal.

For each measured page, bench/run.py fetches the portal's response once (with the same request
headers the benchmark sends, `Accept-Encoding: br, gzip` included) and stores it in a folder:
`manifest.json` lists, by number, the page's headers and files, `<n>.wire` holds the bytes the
portal sent (compressed when the portal compressed them) and `<n>.body` the decoded body.

`GET /p/<n>` then does what a bare Flask + Jinja page does, and nothing more: a text page is
rendered through a one-line template (`{{ body|safe }}`, with the decoded body), and the response
carries the portal's exact bytes and headers (Content-Type, Content-Encoding, Vary, Cache-Control,
Content-Language, Content-Disposition; Content-Length from the bytes). The rendered text equals
the decoded body (checked at start-up), so sending the stored compressed bytes is what a Flask app
that compressed it again would send, without paying for the compression: the reference is the
cost of a minimal Flask + Jinja response of the same size, the ceiling the portal is measured
against.

    REFERENCE_DIR=/tmp/capture gunicorn --workers 2 --no-control-socket reference_app:app
"""

import json
import os
from pathlib import Path

from flask import Flask, Response, abort, render_template_string

# Headers copied from the captured response (the rest are Flask's own: Date, Server, Length).
COPIED_HEADERS = (
    "Content-Type",
    "Content-Encoding",
    "Vary",
    "Cache-Control",
    "Content-Language",
    "Content-Disposition",
)
TEMPLATE = "{{ body|safe }}"


def load_pages(folder: Path) -> list[dict]:
    """The captured pages of `folder`: each a dict of headers, wire bytes and decoded text."""
    manifest = json.loads((folder / "manifest.json").read_text())
    pages = []
    for number, entry in enumerate(manifest["pages"]):
        wire = (folder / f"{number}.wire").read_bytes()
        body = (folder / f"{number}.body").read_bytes()
        text = None
        if entry.get("text"):
            text = body.decode(entry.get("charset") or "utf-8")
        headers = {k: v for k, v in entry["headers"].items() if k in COPIED_HEADERS}
        pages.append({"headers": headers, "wire": wire, "text": text, "status": entry["status"]})
    return pages


def create_app(folder: str | Path) -> Flask:
    """A Flask app answering `/p/<n>` with captured page n of `folder` (see the module text)."""
    app = Flask(__name__)
    pages = load_pages(Path(folder))
    with app.app_context():
        for page in pages:
            if (
                page["text"] is not None
                and render_template_string(TEMPLATE, body=page["text"]) != (page["text"])
            ):
                raise ValueError("the template changed a captured body")

    @app.get("/p/<int:number>")
    def page(number: int):
        """Captured page `number`: rendered through Jinja when it is text, its bytes sent."""
        if number >= len(pages):
            abort(404)
        found = pages[number]
        if found["text"] is not None:
            # The Jinja work of a minimal page; its output is the body the portal sent.
            render_template_string(TEMPLATE, body=found["text"])
        response = Response(found["wire"], status=found["status"])
        response.headers.clear()
        response.headers.update(found["headers"])
        response.headers["Content-Length"] = str(len(found["wire"]))
        return response

    @app.get("/healthz")
    def healthz():
        """Answers once the captures are loaded (bench/run.py waits for it)."""
        return {"pages": len(pages)}

    return app


def _from_environment() -> Flask | None:
    folder = os.environ.get("REFERENCE_DIR")
    return create_app(folder) if folder else None


app = _from_environment()
