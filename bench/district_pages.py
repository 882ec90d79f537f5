"""Server time and SQL statements of the district-wide pages at 1,000 schools (issue 18):
/allocation (every school with a shared plan and positions, deciles, staffing table), the
bulletin list over five years of bulletins, a committee's minutes archive over five years of
meetings, and compare.

    .venv/bin/python bench/district_pages.py                       # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_x \\
        .venv/bin/python bench/district_pages.py                   # PostgreSQL (schema rebuilt)
    BENCH_SCHOOLS=200 BENCH_REPEAT=20 .venv/bin/python bench/district_pages.py

The district is built with the test factories (tests/test_equity_people.build: one shared plan
with teachers, aides and counselors at each school), then 40 bulletins a school year and a
monthly meeting of the first school's council for five years. Figures are the server's time
to build each response in-process (WSGI in, bytes out), median and 95th percentile over
BENCH_REPEAT requests after a warm-up, and the statements one request runs. The page cache is
off, so these are cold-page figures.
"""

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from timing import timed  # noqa: E402 - bench/timing.py, beside this script

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Bulletin, Meeting  # noqa: E402
from tests import factories  # noqa: E402
from tests.test_equity_people import build  # noqa: E402

SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", 1000))
REPEAT = int(os.environ.get("BENCH_REPEAT", 30))
YEARS = 5
PAGES = [
    ("allocation", "/allocation"),
    ("allocation, page 20, Spanish", "/allocation?page=20&lang=es"),
    ("bulletins", "/bulletins"),
    ("bulletins, page 5", "/bulletins?page=5"),
    ("bulletins feed", "/bulletins/feed.xml"),
    ("minutes archive", "/committees/{committee}/minutes"),
    ("compare 3 schools", "/schools/compare?schools=school-1,school-2,school-3"),
]


def populate() -> dict:
    """SCHOOLS schools with plans, five years of bulletins and of monthly council meetings."""
    district, _year, rows = build(SCHOOLS)
    committee = factories.committee(rows[0])
    start = datetime(2026, 11, 20, 18, tzinfo=UTC)
    for n in range(12 * YEARS):
        committee.meetings.append(
            Meeting(
                title={"en": f"Monthly meeting {n}"},
                starts_at=start - timedelta(days=30 * n),
                source_locale="en",
            )
        )
    for n in range(40 * YEARS):
        bulletin = Bulletin(
            district_id=district.id,
            slug=f"bench-bulletin-{n}",
            title={"en": f"News {n}", "es": f"Noticias {n}"},
            summary={"en": "Short.", "es": "Corto."},
            body={"en": "Read it.", "es": "Léalo."},
            status="published",
            published_at=start - timedelta(days=9 * n),
            source_locale="en",
        )
        bulletin.schools = rows[n % len(rows) : n % len(rows) + 2]
        db.session.add(bulletin)
    db.session.commit()
    return {"committee": committee.id}


def statements(app, client, path: str) -> int:
    """How many SQL statements one GET of `path` runs (after the timing's warm-up)."""
    with app.app_context():
        engine = db.engine
    seen = []

    def tally(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", tally)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", tally)
    return len(seen)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        if url.startswith("postgresql"):
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PAGE_CACHE_ENABLED": False}
        )
        began = time.perf_counter()
        with app.app_context():
            upgrade()
            ids = populate()
            db.session.remove()
        built = time.perf_counter() - began
        client = app.test_client()
        backend = url.split(":")[0].split("+")[0]
        print(
            f"backend: {backend}, {SCHOOLS} schools, {YEARS} years of records "
            f"(built in {built:.0f} s), {REPEAT} requests per page, Python {sys.version.split()[0]}"
        )
        print(f"{'page':<32}{'median ms':>10}{'p95 ms':>10}{'statements':>11}{'bytes':>9}")
        for name, path in PAGES:
            path = path.format(**ids)
            median, p95, size = timed(client, path, REPEAT, warmup=2)
            count = statements(app, client, path)
            print(f"{name:<32}{median:>10.1f}{p95:>10.1f}{count:>11}{size:>9}")


if __name__ == "__main__":
    main()
