"""Server time of a school's public pages when its plan is large: 15 goals and 80 investments,
with budget lines, on top of the demo district (issue: under 50 ms each).

    .venv/bin/python bench/school_pages.py
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/school_pages.py
"""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402
from timing import timed  # noqa: E402 - bench/timing.py, beside this script

from portal import create_app  # noqa: E402
from portal.demo import load_demo  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Goal, Investment, School, SchoolPlan, Strategy  # noqa: E402
from portal.services import funding, plans  # noqa: E402
from portal.services.school_year import current_year  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", 200))
SLUG = "lincoln-elementary"
PAGES = [
    ("overview", f"/schools/{SLUG}"),
    ("calendar", f"/schools/{SLUG}/calendar"),
    ("plan", f"/schools/{SLUG}/plan"),
    ("budget", f"/schools/{SLUG}/budget"),
    ("plan, Chinese", f"/schools/{SLUG}/plan?lang=zh-Hans"),
]


def build_large_plan() -> None:
    """15 goals, each with two strategies, and 80 investments funded from the school's streams."""
    school = db.session.scalars(select(School).where(School.slug == SLUG)).one()
    year = current_year(school.district_id)
    money = funding.school_funding(funding.published_run(school.district_id, year.id), school.id)
    plan = SchoolPlan(school_id=school.id, school_year_id=year.id)
    plan.share()
    db.session.add(plan)
    for n in range(15):
        goal = Goal(
            statement={"en": f"Goal {n}: more students reach the standard"},
            indicator={"en": "Share"},
        )
        goal.strategies = [Strategy(description={"en": f"Strategy {n}.{k}"}) for k in range(2)]
        plan.goals.append(goal)
    db.session.flush()
    for n in range(80):
        investment = Investment(
            goal_id=plan.goals[n % 15].id,
            description={"en": f"Investment {n}"},
            cost_cents=(n + 1) * 100_000,
            priority=n + 1,
        )
        plan.investments.append(investment)
        if money:
            plans.set_budget_line(
                investment, money.sources[n % len(money.sources)].stream.id, 50_000
            )
    db.session.commit()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            load_demo()
            db.session.execute(
                SchoolPlan.__table__.delete().where(
                    SchoolPlan.school_id
                    == select(School.id).where(School.slug == SLUG).scalar_subquery()
                )
            )
            build_large_plan()
        client = app.test_client()
        print(f"backend: {url.split(':')[0]}, {REPEAT} requests per page, 15 goals, 80 investments")
        print(f"{'page':<16}{'median ms':>10}{'p95 ms':>10}{'bytes':>9}")
        for name, path in PAGES:
            median, p95, size = timed(client, path, REPEAT)
            print(f"{name:<16}{median:>10.2f}{p95:>10.2f}{size:>9}")


if __name__ == "__main__":
    main()
