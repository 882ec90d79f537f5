"""Server time of the public pages, measured in-process (no network), and printed (`make bench`).

    make bench                          # SQLite file in a temporary folder, the demo district
    BENCH_DATABASE_URL=postgresql+psycopg://... make bench

Figures are the server's time to build each response (WSGI in, bytes out), median and 95th
percentile over REPEAT requests after a warm-up. Record them in the README with the date.
"""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from timing import timed  # noqa: E402 - bench/timing.py, beside this script

from portal import create_app  # noqa: E402
from portal.demo import load_demo  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", 300))
PAGES = [
    ("home", "/", {}),
    ("home, Spanish", "/?lang=es", {}),
    ("search fragment (htmx)", "/?q=elem", {"HX-Request": "true", "HX-Target": "school-list"}),
    ("school overview", "/schools/cesar-chavez-elementary", {}),
    ("school budget", "/schools/cesar-chavez-elementary/budget", {}),
    ("school budget, Vietnamese", "/schools/cesar-chavez-elementary/budget?lang=vi", {}),
    ("district allocation", "/allocation", {}),
    ("bulletins", "/bulletins", {}),
    ("bulletin, Chinese", "/bulletins/2026-09-welcome?lang=zh-Hans", {}),
    ("bulletins feed (Atom)", "/bulletins/feed.xml", {}),
    ("privacy", "/privacy", {}),
    ("healthz", "/healthz", {}),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            load_demo()
        client = app.test_client()
        backend = url.split(":")[0]
        print(f"backend: {backend}, {REPEAT} requests per page, Python {sys.version.split()[0]}")
        print(f"{'page':<26}{'median ms':>10}{'p95 ms':>10}{'bytes':>9}")
        for name, path, headers in PAGES:
            median, p95, size = timed(client, path, REPEAT, warmup=20, headers=headers)
            print(f"{name:<26}{median:>10.2f}{p95:>10.2f}{size:>9}")


if __name__ == "__main__":
    main()
