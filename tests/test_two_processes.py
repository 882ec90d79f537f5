"""No state in a process (issue 18): two app processes (gunicorn, one worker each, on two loopback
ports) share one PostgreSQL database and one Redis, and what is done through one is seen through
the other, over real HTTP with CSRF on: a sign-in, a vote in the running tally, a rate limit
counted across both, a page cache emptied by a staff edit, and a revoked session refused.

PostgreSQL only (TEST_DATABASE_URL), in a database of its own (`<name>_2proc`), built by the
migrations and the test factories before the processes start. Redis is TEST_REDIS_URL, else
redis://127.0.0.1:6379/12 when it answers; without Redis the processes count limits and keep
pages in the database, which they share too, and the test says so in its output.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db as _db
from portal.models import Role
from tests.committee_helpers import link_user
from tests.conftest import PASSWORD, TEST_DATABASE_URL, visible_text

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="the two-process test needs PostgreSQL: set TEST_DATABASE_URL (SQLite is one file "
    "on one machine, so it cannot show state shared between servers)",
)


def redis_url() -> str | None:
    """TEST_REDIS_URL, else Redis database 12 on this machine, when it answers; else None."""
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/12"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return None
    return url


def _own_database(base: str) -> str:
    """`<base database>_2proc` (created when missing, its schema emptied): the processes and the
    rest of the suite never share rows."""
    url = make_url(base)
    name = f"{url.database}_2proc"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    own = url.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(own)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return own


@pytest.fixture(scope="module")
def app():
    """Overrides conftest's `app` for this module: PostgreSQL only, the database of its own,
    so `clean_app`, `make_user`, `council` and the other factories build the data here."""
    url = _own_database(TEST_DATABASE_URL)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PASSWORD_ARGON2_COST": (1, 64, 1),
            "TWO_FACTOR_REQUIRED_ROLES": (),
            "PAGE_CACHE_ENABLED": False,
        }
    )
    app.backend = "postgresql"
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn process (one sync worker) on a loopback port."""

    def __init__(self, name: str, env: dict, log_dir: Path):
        self.name = name
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log_dir / f"gunicorn-{name}.log", "w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--no-control-socket",
                "wsgi:app",
            ],
            cwd=ROOT,
            env={**env, "PUBLIC_BASE_URL": self.base},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn {self.name} exited: {self.output()}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        pytest.fail(f"gunicorn {self.name} did not answer in {STARTUP_SECONDS} s: {self.output()}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


@pytest.fixture
def servers(clean_app, tmp_path, request):
    """Processes A and B on one database and one Redis (or the database alone): (A, B, Redis
    URL or None). Stopped, and their Redis keys deleted, in a finalizer."""
    redis = redis_url()
    run = uuid.uuid4().hex[:12]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "FLASK_DEBUG", "PAGE_CACHE_URL", "PAGE_CACHE_ENABLED")
    }
    env.update(
        {
            "PORTAL_ENV": "development",
            "DATABASE_URL": clean_app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "two-processes-" + "x" * 40,
            "TWO_FACTOR_REQUIRED_ROLES": "",
            # This run's counters and pages only: a key left by an earlier run never answers.
            "RATELIMIT_KEY_PREFIX": f"cg-2proc-{run}",
            "PAGE_CACHE_KEY_PREFIX": f"cg-2proc-{run}:pc:",
            "PAGE_CACHE_ENABLED": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    if redis:
        env["REDIS_URL"] = redis
    else:
        print("two processes: Redis is not answering; limits and pages are shared in PostgreSQL")
    started = [Server("A", env, tmp_path), Server("B", env, tmp_path)]

    def stop():
        for server in started:
            server.stop()
        if redis:
            import redis as redis_client

            client = redis_client.Redis.from_url(redis)
            for key in client.scan_iter(f"cg-2proc-{run}*"):
                client.delete(key)

    request.addfinalizer(stop)
    for server in started:
        server.wait_until_up()
    return started[0], started[1], redis


class _Forms(HTMLParser):
    """Every <form> of a page: its action and the values a browser would send unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in fields:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def form_on(html: str, action_part: str, field: str = "csrf_token") -> dict:
    """The fields of the page's form whose action contains `action_part` and which has `field`
    (a form with no action posts to its own page)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if (
            action_part in form["action"]
            and field in form["fields"]
            and "csrf_token" in form["fields"]
        ):
            return dict(form["fields"])
    raise AssertionError(f"no form posting to {action_part!r} on the page")


def csrf_token(html: str) -> str:
    """The CSRF token of the page's first form that has one (all of a session's are valid)."""
    parser = _Forms()
    parser.feed(html)
    tokens = [f["fields"]["csrf_token"] for f in parser.forms if f["fields"].get("csrf_token")]
    assert tokens, "no form with a CSRF token on the page: " + html[html.find("<main") :][:1500]
    return tokens[0]


def browser() -> requests.Session:
    """A visitor with a cookie jar. Cookies do not depend on the port, so a browser sends the
    cookie that A set to B as well: the two processes are one site behind a balancer."""
    s = requests.Session()
    s.headers["Accept-Language"] = "en"
    return s


def sign_in(visitor: requests.Session, server: Server, email: str) -> None:
    page = visitor.get(f"{server.base}/auth/sign-in", timeout=10)
    answer = visitor.post(
        f"{server.base}/auth/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, (server.name, answer.status_code, answer.text[:500])


def signed_in(cookies: dict, server: Server) -> bool:
    """Does `server` take these cookies as a signed-in staff member (the staff home page)?"""
    answer = requests.get(
        f"{server.base}/manage/", cookies=cookies, allow_redirects=False, timeout=10
    )
    assert answer.status_code in (200, 302, 303), answer.status_code
    return answer.status_code == 200


def anonymous_get(server: Server, path: str) -> requests.Response:
    """A first-time visitor: no cookie at all, as the page cache expects."""
    return requests.get(
        f"{server.base}{path}", headers={"Accept-Language": "en"}, allow_redirects=False, timeout=10
    )


def ask_for_reset(server: Server, email: str) -> int:
    """A new visitor asks `server` for a password-reset link (an address with no account)."""
    visitor = browser()
    form = visitor.get(f"{server.base}/auth/forgot", timeout=10)
    answer = visitor.post(
        f"{server.base}/auth/forgot",
        data={"email": email, "csrf_token": csrf_token(form.text)},
        allow_redirects=False,
        timeout=10,
    )
    return answer.status_code


def test_two_processes_share_sign_ins_votes_limits_caches_and_revocations(
    servers, council, make_user, ctx, clean_app
):
    a, b, _redis = servers
    principal_email = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    staff_email = make_user(Role.DISTRICT)

    # A sign-in through A: its session cookie is a signed-in session on B.
    staff = browser()
    assert not signed_in({}, b)
    sign_in(staff, a, staff_email)
    assert signed_in(staff.cookies.get_dict(), b)

    # A vote cast through A is in the running tally read through B.
    voter = browser()
    voter.email = make_user(Role.COUNCIL, schools=["maple-elementary"])
    sign_in(voter, a, voter.email)
    link_user(ctx, voter, council["members"][2])
    principal = browser()
    sign_in(principal, b, principal_email)
    tally_path = f"/manage/motions/{council['motion']}/tally"
    hx = {"HX-Request": "true", "HX-Target": f"tally-{council['motion']}"}
    before = principal.get(f"{b.base}{tally_path}", headers=hx, timeout=10)
    assert "Yes 0 · No 0 · Abstain 0" in visible_text(before.text), before.status_code
    vote_path = f"/meetings/{council['meeting']}/vote"
    ballot = voter.get(f"{a.base}{vote_path}", timeout=10)
    assert ballot.status_code == 200
    cast = voter.post(
        f"{a.base}{vote_path}",
        data={
            "motion_id": council["motion"],
            "choice": "yes",
            "csrf_token": csrf_token(ballot.text),
        },
        allow_redirects=False,
        timeout=10,
    )
    assert cast.status_code == 303, cast.text[:500]
    after = principal.get(f"{b.base}{tally_path}", headers=hx, timeout=10)
    assert "Yes 1 · No 0 · Abstain 0" in visible_text(after.text)

    # The password-reset limit (Flask-Limiter, in Redis) is counted across both: hits through A
    # and B in turn reach it, and the next one is refused by either process (counting alone,
    # neither would have reached it yet).
    limit = int(clean_app.config.get("RESET_RATE_LIMIT", "5 per hour").split()[0])
    for n in range(limit):
        server = (a, b)[n % 2]
        assert ask_for_reset(server, f"nobody{n}@example.org") == 200, (n, server.name)
    for server in (b, a):
        assert ask_for_reset(server, "one.more@example.org") == 429, server.name

    # A public page read (and cached) through B, changed by staff through A: B shows the change.
    school_path = "/schools/maple-elementary"
    first, second = anonymous_get(b, school_path), anonymous_get(b, school_path)
    assert first.status_code == second.status_code == 200
    assert "About Maple Elementary." in visible_text(second.text)
    # B answered the second visit from the shared cache (portal/page_cache.py).
    assert second.headers.get("X-Page-Cache") == "hit", second.headers
    edit = staff.get(f"{a.base}/manage/schools/maple-elementary", timeout=10)
    assert edit.status_code == 200
    fields = form_on(edit.text, "", field="description_en")
    fields["description_en"] = "A garden school with a new library."
    saved = staff.post(
        f"{a.base}/manage/schools/maple-elementary", data=fields, allow_redirects=False, timeout=10
    )
    assert saved.status_code == 303, saved.text[:1000]
    changed = anonymous_get(b, school_path)
    text_after = visible_text(changed.text)
    assert "A garden school with a new library." in text_after
    assert "About Maple Elementary." not in text_after
    assert changed.headers.get("X-Page-Cache") == "miss", changed.headers

    # Revoked sessions: signed out through A, the old cookie is refused on B; "sign out my
    # other devices" through A ends a session that was started on B.
    laptop, phone = browser(), browser()
    sign_in(laptop, a, principal_email)
    sign_in(phone, b, principal_email)
    old = laptop.cookies.get_dict()
    assert signed_in(old, b)
    home = laptop.get(f"{a.base}/manage/", timeout=10)
    out = laptop.post(
        f"{a.base}/auth/sign-out",
        data={"csrf_token": csrf_token(home.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert out.status_code == 303
    assert not signed_in(old, b)
    assert signed_in(phone.cookies.get_dict(), b)
    devices = principal.get(f"{a.base}/auth/sessions", timeout=10)
    others = principal.post(
        f"{a.base}/auth/sessions/revoke-others",
        data=form_on(devices.text, "/auth/sessions/revoke-others"),
        allow_redirects=False,
        timeout=10,
    )
    assert others.status_code == 303
    assert not signed_in(phone.cookies.get_dict(), b)
    assert signed_in(principal.cookies.get_dict(), b)
