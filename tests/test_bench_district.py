"""The benchmark district (bench/make_district.py): a small one is built on each backend, its
invariants hold, the self-check catches a broken tally, and every page it names answers."""

import os
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import make_district

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
SMALL = {"schools": 12, "students": 900, "responses": 300, "years": 3}


@pytest.fixture(scope="module", params=BACKENDS)
def built(request, tmp_path_factory):
    """A small district in a database of its own (not the shared test database), and the
    build's report."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite3'}"
        drop = None
    else:
        base = make_url(TEST_DATABASE_URL)
        name = f"{base.database}_bench"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    lines = []
    start = time.perf_counter()
    report = make_district.build(url, "small", 1, out=lines.append, **SMALL)
    report["seconds"] = time.perf_counter() - start
    yield url, report
    if drop:
        drop()


def test_small_district_is_built_with_its_invariants(built):
    _url, report = built
    assert report["problems"] == []
    counts = report["counts"]
    assert counts["school"] == SMALL["schools"]
    assert counts["survey_response"] >= SMALL["responses"]
    assert counts["school_year"] == SMALL["years"]
    for table in (
        "school_plan",
        "investment",
        "budget_line",
        "committee",
        "meeting",
        "motion",
        "motion_vote",
        "minutes_version",
        "bulletin",
        "bulletin_translation",
        "calendar_event",
        "feedback",
        "enrollment",
        "allocation_scenario",
        "salary_rate",
        "survey_tally",
        "plan_version",
        "short_link",
    ):
        assert counts.get(table, 0) > 0, table
    assert report["seconds"] < 60


def test_every_school_has_a_short_link_and_its_enrolment(built):
    url, _report = built
    engine = create_engine(url)
    with engine.connect() as conn:
        missing = conn.execute(
            text(
                "SELECT count(*) FROM school s WHERE NOT EXISTS (SELECT 1 FROM short_link l "
                "WHERE l.kind = 'school' AND l.target_id = s.id)"
            )
        ).scalar()
        students = conn.execute(text("SELECT sum(enrollment) FROM school")).scalar()
    engine.dispose()
    assert missing == 0
    assert students == SMALL["students"]


def test_self_check_sees_a_tally_that_does_not_match(built):
    url, _report = built
    from portal.extensions import db

    app = make_district.make_app(url)
    with app.app_context():
        db.session.execute(
            text(
                "UPDATE survey_tally SET count = count + 1 WHERE item_id = "
                "(SELECT min(item_id) FROM survey_tally) AND answer = '3'"
            )
        )
        try:
            problems = make_district.check(db)
        finally:
            db.session.rollback()
        assert any("survey_tally" in p for p in problems)
        assert make_district.check(db) == []
        db.session.remove()
        db.engine.dispose()


def test_every_sample_url_answers(built):
    url, _report = built
    app = make_district.make_app(url, TESTING=True, PDF_RATE_LIMIT="100000 per hour")
    urls = make_district.sample_urls(url, app)
    assert {
        "school",
        "plan",
        "budget",
        "calendar",
        "compare",
        "allocation",
        "survey",
        "survey_results",
        "survey_results_school",
        "survey_results_language",
        "bulletins",
        "bulletin",
        "feed",
        "minutes_archive",
        "meeting",
        "meeting_ics",
        "plan_pdf",
    } <= set(urls)
    client = app.test_client()
    for name, path in urls.items():
        response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()


def test_a_database_with_a_district_is_refused(built):
    url, _report = built
    with pytest.raises(SystemExit, match="not empty"):
        make_district.build(url, "small", 1, out=lambda _line: None, **SMALL)
