"""Server time of the Tier 1 results page with up to 1,000,000 responses (issue: under 300 ms).

    .venv/bin/python bench/survey_results.py                 # SQLite in a temporary folder
    .venv/bin/python bench/survey_results.py --responses 1000000 --no-answers
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/survey_results.py

--no-answers leaves out the answer rows (21 per response: 21 million at a million) and loads
only the responses and the tallies kept at submit, which are all the results page reads.

Builds a survey from the SSFR template, bulk-loads N responses with every agreement answer (about
two million answer rows) and their tallies, then times the results page (public and staff views,
with and without filters). Generation time is not measured.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from timing import timed  # noqa: E402 - bench/timing.py, beside this script

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Role, SurveyAnswer, SurveyResponse, SurveyTally, User  # noqa: E402
from portal.models.base import utcnow  # noqa: E402
from portal.models.surveys import SurveyRespondentTally, random_row_id  # noqa: E402
from portal.services import surveys as survey_service  # noqa: E402

N = int(os.environ.get("BENCH_RESPONSES", 100_000))
ANSWERS = True
REPEAT = int(os.environ.get("BENCH_REPEAT", 30))
ROLES = ["parent", "teacher", "staff", "student", "community", "principal", "district"]
LANGS = ["en", "es", "zh_Hans", "vi"]
CHANNELS = ["online", "paper", "meeting"]


def load(app) -> int:
    from portal.demo import load_demo

    with app.app_context():
        upgrade()
        db.session.execute(text("DELETE FROM survey_tally"))
        load_demo()
        now = utcnow()
        survey = survey_service.create_from_template(
            1, f"bench-{int(time.time())}", now - timedelta(days=1), now + timedelta(days=30)
        )
        survey.publish()
        survey.results_public = True
        db.session.commit()
        items = [i.id for i in survey.items if i.kind == "agreement"]
        schools = [row[0] for row in db.session.execute(text("SELECT id FROM school"))]
        rng = random.Random(7)  # noqa: S311 - benchmark data
        tallies: Counter = Counter()
        people: Counter = Counter()
        batch = 5000
        for start in range(0, N, batch):
            responses, answers = [], []
            for _n in range(start, min(N, start + batch)):
                rid = random_row_id()  # as the app stores them: random, never sequential
                role, lang = rng.choice(ROLES), rng.choice(LANGS)
                school = rng.choice(schools)
                channel = rng.choice(CHANNELS)
                people[(school, lang, role, channel)] += 1
                responses.append(
                    dict(
                        id=rid,
                        survey_id=survey.id,
                        channel=channel,
                        respondent_role=role,
                        school_id=school,
                        language=lang,
                        submitted_on=date(2026, 11, 1),
                    )
                )
                for item in items:
                    score = rng.randint(1, 4)
                    answers.append(
                        dict(response_id=rid, item_id=item, score=score, dont_know=False)
                    )
                    tallies[(item, role, school, lang, channel, str(score))] += 1
            db.session.execute(insert(SurveyResponse), responses)
            if ANSWERS:
                db.session.execute(insert(SurveyAnswer), answers)
            db.session.commit()
        db.session.execute(
            insert(SurveyTally),
            [
                dict(
                    survey_id=survey.id,
                    item_id=i,
                    respondent_role=r,
                    school_id=s,
                    language=lg,
                    channel=c,
                    answer=a,
                    count=n,
                )
                for (i, r, s, lg, c, a), n in tallies.items()
            ],
        )
        db.session.execute(
            insert(SurveyRespondentTally),
            [
                dict(
                    survey_id=survey.id,
                    school_id=s,
                    language=lg,
                    respondent_role=r,
                    channel=c,
                    count=n,
                )
                for (s, lg, r, c), n in people.items()
            ],
        )
        db.session.commit()
        return survey.slug, schools[0]


def main() -> None:
    global N, ANSWERS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=N)
    parser.add_argument("--no-answers", action="store_true", help="tallies only (see above)")
    args = parser.parse_args()
    N, ANSWERS = args.responses, not args.no_answers
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        # The whole-page cache off: the figures are the cold server time.
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PAGE_CACHE_ENABLED": False}
        )
        started = time.perf_counter()
        slug, school = load(app)
        print(
            f"backend: {url.split(':')[0]}; {N:,} responses loaded in "
            f"{time.perf_counter() - started:.0f} s ({'with' if ANSWERS else 'without'} answer"
            f" rows); {REPEAT} requests per row"
        )
        public = app.test_client()
        staff = app.test_client()
        with app.app_context():
            user = User.query.filter_by(email=f"{Role.DISTRICT.value}@demo.test").one()
            user_email = user.email
        staff.post(
            "/auth/sign-in",
            data={"email": user_email, "password": "demo", "csrf_token": _token(staff)},
        )
        rows = [
            ("public, everyone", public, f"/surveys/{slug}/results"),
            (
                "public, parents in Spanish",
                public,
                f"/surveys/{slug}/results?role=parent&language=es",
            ),
            ("public, one school (htmx)", public, f"/surveys/{slug}/results?school={school}"),
            ("public, Spanish", public, f"/surveys/{slug}/results?language=es"),
            ("public, parents", public, f"/surveys/{slug}/results?role=parent"),
            ("staff, everyone", staff, f"/surveys/{slug}/results"),
            ("staff, one school", staff, f"/surveys/{slug}/results?school={school}"),
            ("staff, Spanish", staff, f"/surveys/{slug}/results?language=es"),
            ("staff, parents", staff, f"/surveys/{slug}/results?role=parent"),
            (
                "staff, school+es+parents",
                staff,
                f"/surveys/{slug}/results?school={school}&language=es&role=parent",
            ),
        ]
        print(f"{'results view':<30}{'median ms':>10}{'p95 ms':>10}")
        for name, client, path in rows:
            median, p95, _size = timed(client, path, REPEAT, warmup=3)
            print(f"{name:<30}{median:>10.1f}{p95:>10.1f}")


def _token(client) -> str:
    import re

    page = client.get("/auth/sign-in").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


if __name__ == "__main__":
    main()
