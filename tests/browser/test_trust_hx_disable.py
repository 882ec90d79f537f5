"""The vendored htmx really ignores hx-* attributes inside an [hx-disable] container, the one
author HTML sits in (portal/services/sanitize.py): the second of its two layers, proven in a
browser, on a page made here so the first layer (the cleaner) cannot hide the result."""

from portal.config import PROJECT_ROOT

HTMX = (PROJECT_ROOT / "portal" / "static" / "htmx-2.0.11.min.js").read_text(encoding="utf-8")
PAGE = """<!doctype html><html><head><script src="/htmx.js"></script></head><body>
<div class="user-html" hx-disable>
  <div hx-get="/inside" hx-trigger="load">author text</div>
  <a href="/x" hx-post="/inside-too" hx-trigger="load">link</a>
</div>
<div hx-get="/outside" hx-trigger="load">control</div>
</body></html>"""


def test_htmx_ignores_attributes_inside_hx_disable(page):
    asked = []

    def answer(route):
        path = route.request.url.removeprefix("http://portal.test")
        asked.append(path)
        if path == "/htmx.js":
            route.fulfill(body=HTMX, content_type="text/javascript")
        elif path == "/":
            route.fulfill(body=PAGE, content_type="text/html")
        else:
            route.fulfill(body="<span>fetched</span>", content_type="text/html")

    page.route("http://portal.test/**", answer)
    page.goto("http://portal.test/")
    page.wait_for_function("document.body.textContent.includes('fetched')")
    page.wait_for_timeout(300)  # time for any request the disabled elements might make
    assert "/outside" in asked  # htmx ran (the control fired)
    assert "/inside" not in asked and "/inside-too" not in asked, asked
