"""The ballot-stuffing attack (issue 14, item 2) against a real server: gunicorn with TWO workers
on 127.0.0.1 (wsgi:app), a temporary SQLite database built by the migrations (PostgreSQL when
TEST_DATABASE_URL is set, in a database of its own), and Redis when it answers at 127.0.0.1:6379.

The attacker loads the survey form properly (session, CSRF token, receipts), waits out the
minimum fill time, then sends 51 answers in a few seconds from eight threads, never keeping the
answered-device cookie, reusing one receipt or leaving it out on some and a fresh receipt on the
rest. Both workers must count against one limit (in-memory counters let up to twice the limit
through), so at most the limit is stored; a worker restart forgets nothing.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 5
ATTEMPTS = 51
MIN_FILL_SECONDS = 1
DEADLINE_SECONDS = 30


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def seed() -> None:
    """Run in a subprocess with DATABASE_URL set: migrate, then a district and an open survey."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.models import District, School
    from tests.survey_helpers import make_survey

    app = create_app()
    with app.app_context():
        upgrade()
        district = District(name="Attack Valley", slug="attack-valley", default_locale="en")
        db.session.add(district)
        db.session.flush()
        db.session.add(School(district_id=district.id, slug="oak", name="Oak", level="elementary"))
        db.session.commit()
        district_id = district.id
        db.session.remove()
    make_survey(app, district_id)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url() -> str | None:
    """Redis at 127.0.0.1:6379 (or REDIS_URL) when it answers, else None (the database counts)."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return None
    return url


def _database_url(tmp_path) -> tuple[str, callable]:
    """A database of the test's own (SQLite file, or a fresh PostgreSQL database), and its
    clean-up."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'attack.sqlite3'}", lambda: None
    name = f"cg_attack_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=["database", "redis"])
def server(request, tmp_path):
    """gunicorn -w 2 on a free loopback port, its limits counted in the database or in Redis;
    yields (base URL, database URL, master pid, Redis URL or None)."""
    redis_url = _redis_url() if request.param == "redis" else None
    if request.param == "redis" and redis_url is None:
        pytest.skip("Redis is not answering at 127.0.0.1:6379: the Redis run is skipped")
    url, drop_database = _database_url(tmp_path)
    prefix = f"h2-attack-{uuid.uuid4().hex}"
    port = _free_port()
    env = {
        **os.environ,
        "PORTAL_ENV": "development",
        "DATABASE_URL": url,
        "SECRET_KEY": "attack-test-" + "x" * 40,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SURVEY_SUBMIT_RATE_LIMIT": f"{LIMIT} per hour",
        "SURVEY_MIN_FILL_SECONDS": str(MIN_FILL_SECONDS),
        "RATELIMIT_KEY_PREFIX": prefix,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    env.pop("FLASK_DEBUG", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    subprocess.run(
        [sys.executable, "-c", "from tests.test_trust_ballots_server import seed; seed()"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base, url, process.pid, redis_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        if redis_url:
            import redis

            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"*{prefix}*"):
                client.delete(key)
        drop_database()


def _wait_until_up(base: str, process, log) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"gunicorn exited: {log.read()[-2000:]}")
        try:
            with OPENER.open(f"{base}/surveys/ssfr-test", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 20 seconds")


def _load_form(base: str, session_cookie: str | None):
    """GET the form as a browser does: (session cookie, CSRF token, receipt, answers)."""
    request = urllib.request.Request(f"{base}/surveys/ssfr-test")
    if session_cookie:
        request.add_header("Cookie", session_cookie)
    with OPENER.open(request, timeout=10) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    session = next((c.split(";")[0] for c in cookies if c.startswith("session=")), session_cookie)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    receipt = re.search(r'name="receipt" value="([^"]+)"', html).group(1)
    items = sorted(set(re.findall(r'name="(item-\d+)" value="3"', html)))
    answers = {"role": "parent", "school": "district", "language": "en"}
    answers.update({item: "3" for item in items})
    return session, token, receipt, answers


def _post(base: str, session: str, form: dict) -> int:
    """POST the survey with only the session cookie: the answered-device cookie is dropped."""
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(f"{base}/surveys/ssfr-test", data=data, method="POST")
    request.add_header("Cookie", session)
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _stored(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("select count(*) from survey_response")).scalar_one()
    finally:
        engine.dispose()


def test_51_replayed_answers_against_two_workers_store_at_most_the_limit(server):
    base, url, master, redis_url = server
    started = time.monotonic()
    session, token, first_receipt, answers = _load_form(base, None)
    fresh = [_load_form(base, session)[2] for _ in range(ATTEMPTS)]  # GETs are not limited
    time.sleep(MIN_FILL_SECONDS + 0.2)

    forms = []
    for n in range(ATTEMPTS):
        form = {**answers, "csrf_token": token}
        if n % 6 == 1:
            form["receipt"] = first_receipt  # one form replayed
        elif n % 6 != 3:
            form["receipt"] = fresh[n]  # a fresh form each time (a patient script)
        forms.append(form)  # n % 6 == 3: the receipt left out
    sending = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda form: _post(base, session, form), forms))
    sending = time.monotonic() - sending

    stored = _stored(url)
    assert stored <= LIMIT, (stored, statuses)
    assert statuses.count(303) == stored
    assert statuses.count(429) >= ATTEMPTS - LIMIT, statuses  # one limit across both workers
    assert set(statuses) <= {303, 422, 429}, statuses

    # A graceful restart of every worker (SIGHUP) forgets nothing: still over the limit.
    os.kill(master, signal.SIGHUP)
    time.sleep(2)
    _, _, receipt, _ = _load_form(base, session)
    time.sleep(MIN_FILL_SECONDS + 0.2)
    after = _post(base, session, {**answers, "csrf_token": token, "receipt": receipt})
    assert after == 429
    assert _stored(url) == stored
    assert sending < 10, f"the {ATTEMPTS} answers took {sending:.1f} s to send"
    assert time.monotonic() - started < DEADLINE_SECONDS
