"""What the layout test and `make screenshots` share: serving an app, signing in through the
form, and running the layout checks on a page at phone width (with its menus open too)."""

import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

CHECKS = (Path(__file__).with_name("layout_checks.js")).read_text()
PHONE = {"width": 360, "height": 740}
LANGUAGE_TAGS = ("en", "es", "zh-Hans", "vi", "ar")


@contextmanager
def serving(app):
    """The app on a free loopback port, in a thread, for as long as the block runs. The site's
    address (PUBLIC_BASE_URL, which feeds, e-mails and QR codes link to) is that server's."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    base = f"http://127.0.0.1:{server.server_port}"
    configured = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = base
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.config["PUBLIC_BASE_URL"] = configured


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/auth/sign-in?lang=en")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    # hx-boost swaps the next page in without a navigation: wait for the address to change.
    page.wait_for_url(lambda url: "/auth/sign-in" not in url, timeout=10000)


def layout_problems(page) -> list[str]:
    """Run the checks as the page is, then again with every <details> menu opened."""
    problems = page.evaluate(CHECKS)
    if page.locator("details.language-switcher").count():
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        closed = set(problems)
        problems += [f"(menus open) {p}" for p in page.evaluate(CHECKS) if p not in closed]
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
    return sorted(set(problems))


def visit(page, base: str, path: str, tag: str):
    """Open `path` in language `tag`; returns the HTTP status (None when it was sent elsewhere,
    such as to the sign-in page)."""
    sep = "&" if "?" in path else "?"
    response = page.goto(f"{base}{path}{sep}lang={tag}", wait_until="load")
    if response is None or not page.url.split("?")[0].endswith(path.split("?")[0]):
        return None
    return response.status
