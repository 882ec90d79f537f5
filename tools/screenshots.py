"""`make screenshots`: every public page, and the staff pages of each role, at 360 px in every
language, rendered by Debian's Chromium into build/screenshots/<page>-<language>.png.

It builds the demo district in a throwaway SQLite database, serves it on a loopback port, and
also runs the layout checks of tests/browser/test_layout.py on each page, printing what they find
(build/screenshots/problems.txt), so a look at the pictures starts from a list.

    make screenshots                      # everything (a few minutes)
    make screenshots ONLY=budget LANGS=es  # pages whose path contains "budget", in Spanish
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROLES = ("admin", "district", "comms", "principal", "council", "facilitator")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=os.environ.get("ONLY", ""), help="path substring")
    parser.add_argument("--langs", default=os.environ.get("LANGS", ""), help="e.g. es,ar")
    parser.add_argument("--out", default=str(ROOT / "build" / "screenshots"))
    parser.add_argument("--no-staff", action="store_true")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright

    from portal import create_app
    from portal.i18n import LANGUAGES
    from tests.browser.harness import PHONE, layout_problems, serving, sign_in, visit
    from tests.pages import pages_for

    tags = [t for t in args.langs.split(",") if t] or [lang.tag for lang in LANGUAGES.values()]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="screenshots-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'demo.sqlite3'}",
            "SECRET_KEY": "shots",
            # The demo's admin and facilitator sign in with a password only, to photograph
            # their pages (not the two-step enrolment page they would be sent to first).
            "TWO_FACTOR_REQUIRED_ROLES": (),
        }
    )
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo"])
    if result.exit_code != 0:
        print(result.output)
        return 1

    report = []
    shots = 0
    with serving(app) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
            env={**os.environ, "HOME": str(workdir)},
        )
        # Anonymous visitor: every public page. Then each role: the staff pages it may open that
        # no earlier role has been photographed on.
        visitors = [(None, pages_for(app, staff=False))]
        if not args.no_staff:
            visitors += [(role, pages_for(app, staff=True)) for role in ROLES]
        done = set()
        for role, pages in visitors:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            page = context.new_page()
            if role:
                sign_in(page, base, f"{role}@demo.test", "demo")
            for entry in pages:
                if args.only not in entry.path or entry.path in done:
                    continue
                for tag in tags:
                    status = visit(page, base, entry.path, tag)
                    if status != 200:
                        break
                    name = f"{entry.name}-{tag}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    shots += 1
                    for problem in layout_problems(page):
                        report.append(f"{name} ({role or 'anonymous'}): {problem}")
                else:
                    done.add(entry.path)
            context.close()
        browser.close()
    (out / "problems.txt").write_text("\n".join(report) + "\n")
    print(f"{shots} screenshots in {out}; {len(report)} layout problems (problems.txt)")
    for line in report[:40]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
