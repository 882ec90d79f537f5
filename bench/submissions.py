"""Survey submissions per second over HTTP, with every trust protection on (issue 18: >= 200/s).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_survey \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/submissions.py --seconds 30

Without --base-url it migrates the database, loads the demo district, and starts the app under
gunicorn (2 sync workers, --no-control-socket) with REDIS_URL (rate limits in Redis, as in
production), TRUSTED_PROXIES=1 (so each bench client is its own address through
X-Forwarded-For) and SURVEY_MIN_FILL_SECONDS=2: the minimum fill time stays on, it is only
shorter than the default 15 s so that a 30 s run is not mostly waiting. The receipts, the
honeypot (sent empty, as people do) and the per-address flood limit are all on.

Every submission is a distinct client: its own address and its own cookie jar (session, CSRF
token, device mark). It GETs the form (which carries its receipt), waits out the minimum fill
time, then POSTs a full answer set. `clients` of them are alive at once (filling in), and at most
`concurrency` HTTP requests are in flight. Afterwards the rows of `survey_response` and
`survey_answer` for the survey are counted against the 303 answers: none lost, none doubled; a
few receipts are then sent again from fresh browsers and must be refused (and store nothing).

`measure(base_url, database_url, seconds=30, clients=600, concurrency=16)` is the function
bench/run.py calls with the app already running: it returns a dict with `per_second` (303s
completed inside the measured window / its length), `p50_ms`, `p99_ms` (POST latency),
`get_p50_ms`, `get_p99_ms`, `submitted` (303s), `errors` ({status: count}), `rows_added`,
`answers_added`, `answers_expected`, `lost`, `doubled`, `resubmitted`, `resubmits_refused`,
`clients` (distinct clients used) and `seconds`.
"""

import argparse
import heapq
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILL_SECONDS = 2.0  # SURVEY_MIN_FILL_SECONDS for the bench (the default is 15)
MARGIN = 0.15  # sent this long after the minimum fill time, so a clock tick never makes it early
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RECEIPT = re.compile(r'name="receipt" value="([^"]+)"')
RADIO = re.compile(r'type="radio" name="(item-\d+)" value="([^"]+)"')
TEXTAREA = re.compile(r'<textarea[^>]*name="(item-\d+)"')
SCHOOL = re.compile(r'<option value="(\d+)"')


class Client:
    """One browser: its own address and cookies."""

    def __init__(self, address: str):
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, netloc: str, method: str, path: str, body: str | None = None):
        """(status, text) of one request on a fresh connection (gunicorn's sync workers close
        every connection anyway)."""
        headers = {"X-Forwarded-For": self.address, "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(netloc, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for raw in response.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(raw)
                self.cookies.update({k: m.value for k, m in cookie.items()})
            return response.status, text
        finally:
            conn.close()


def _survey(database_url: str, slug: str | None):
    """(id, slug) of the survey to answer: `slug`, or the demo's open survey without codes."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT id, slug FROM survey WHERE state = 'published' AND opens_at < :now"
                " AND closes_at > :now AND NOT requires_access_code"
                " AND slug LIKE :slug ORDER BY id DESC LIMIT 1"
            ),
            {"now": time.strftime("%Y-%m-%d %H:%M:%S"), "slug": slug or "%"},
        ).one()
    engine.dispose()
    return row[0], row[1]


def _rows(database_url: str, survey_id: int) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        responses = conn.execute(
            text("SELECT count(*) FROM survey_response WHERE survey_id = :s"), {"s": survey_id}
        ).scalar_one()
        answers = conn.execute(
            text(
                "SELECT count(*) FROM survey_answer a JOIN survey_response r"
                " ON r.id = a.response_id WHERE r.survey_id = :s"
            ),
            {"s": survey_id},
        ).scalar_one()
    engine.dispose()
    return responses, answers


def _answers(page: str) -> dict[str, str]:
    """A full answer set for the form in `page`: every agreement item, the comment, about you."""
    rng = random.Random()  # noqa: S311 - benchmark answers
    radios: dict[str, list[str]] = {}
    for name, value in RADIO.findall(page):
        radios.setdefault(name, []).append(value)
    answers = {name: rng.choice(values) for name, values in radios.items()}
    for name in TEXTAREA.findall(page):
        answers[name] = "More evening meetings, please."
    schools = SCHOOL.findall(page)
    answers.update(
        role=rng.choice(["parent", "teacher", "community", "student"]),
        school=rng.choice(schools) if schools else "district",
        language=rng.choice(["en", "es", "vi"]),
        website="",
    )
    return answers


def _percentile(samples: list[float], q: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def measure(
    base_url: str,
    database_url: str,
    seconds: float = 30,
    clients: int = 600,
    concurrency: int = 16,
    slug: str | None = None,
    fill_seconds: float = FILL_SECONDS,
) -> dict:
    """Submissions per second against a running app (see the module docstring)."""
    netloc = urlsplit(base_url).netloc
    survey_id, slug = _survey(database_url, slug)
    path = f"/surveys/{slug}"
    before = _rows(database_url, survey_id)
    run = random.randint(11, 199)  # noqa: S311 - a fresh block of addresses each run
    lock = threading.Condition()
    ready: list = []  # (when to POST, n, client, body)
    state = {"alive": 0, "made": 0, "answers": 0}
    posts, gets, errors, done_at = [], [], Counter(), []
    receipts: list[str] = []
    warmup = fill_seconds + MARGIN + 1.0
    started = time.perf_counter()
    stop_new = started + warmup + seconds

    def new_client() -> Client:
        n = state["made"]
        state["made"] += 1
        return Client(_address(run, n))

    def fill(client: Client):
        t = time.perf_counter()
        status, page = client.request(netloc, "GET", path)
        gets.append((time.perf_counter() - t) * 1000)
        csrf, receipt = CSRF.search(page), RECEIPT.search(page)
        if status != 200 or not csrf or not receipt:
            errors[f"GET {status}"] += 1
            return None
        answers = _answers(page)
        expected = sum(1 for k, v in answers.items() if k.startswith("item-") and v)
        answers.update(csrf_token=csrf.group(1), receipt=receipt.group(1))
        return urlencode(answers), expected, receipt.group(1)

    def worker():
        while True:
            with lock:
                now = time.perf_counter()
                job = None
                if ready and ready[0][0] <= now:
                    job = heapq.heappop(ready)
                elif now < stop_new and state["alive"] < clients:
                    state["alive"] += 1
                    client = new_client()
                elif not ready and (now >= stop_new or state["alive"] == 0):
                    return
                else:
                    lock.wait(min(0.05, max(0.0, ready[0][0] - now)) if ready else 0.05)
                    continue
            if job is None:
                filled = fill(client)
                with lock:
                    if filled is None:
                        state["alive"] -= 1
                    else:
                        due = time.perf_counter() + fill_seconds + MARGIN
                        heapq.heappush(ready, (due, id(client), client, filled))
                    lock.notify_all()
                continue
            _due, _n, client, (body, expected, receipt) = job
            t = time.perf_counter()
            status, _text = client.request(netloc, "POST", path, body)
            end = time.perf_counter()
            with lock:
                state["alive"] -= 1
                if status == 303:
                    posts.append((end - t) * 1000)
                    done_at.append(end)
                    state["answers"] += expected
                    if len(receipts) < 5:
                        receipts.append((receipt, body))
                else:
                    errors[f"POST {status}"] += 1
                lock.notify_all()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    window = [t for t in done_at if started + warmup <= t < started + warmup + seconds]
    refused = _resubmit(netloc, path, receipts, run)
    after = _rows(database_url, survey_id)
    rows_added, answers_added = after[0] - before[0], after[1] - before[1]
    return {
        "per_second": len(window) / seconds,
        "p50_ms": statistics.median(posts) if posts else 0.0,
        "p99_ms": _percentile(posts, 0.99),
        "get_p50_ms": statistics.median(gets) if gets else 0.0,
        "get_p99_ms": _percentile(gets, 0.99),
        "submitted": len(posts),
        "errors": dict(errors),
        "rows_added": rows_added,
        "answers_added": answers_added,
        "answers_expected": state["answers"],
        "lost": max(0, len(posts) - rows_added),
        "doubled": max(0, rows_added - len(posts)),
        "resubmitted": len(receipts),
        "resubmits_refused": refused,
        "clients": state["made"],
        "seconds": seconds,
    }


def _resubmit(netloc: str, path: str, receipts: list, run: str) -> int:
    """Send spent receipts again, each from a fresh browser with its own CSRF token: how many
    were refused (422, the "already received" message)."""
    refused = 0
    for n, (_receipt, body) in enumerate(receipts):
        client = Client(_address(run, 2**20 + n))
        status, page = client.request(netloc, "GET", path)
        fields = dict(pair.split("=", 1) for pair in body.split("&"))
        fields["csrf_token"] = CSRF.search(page).group(1)
        status, page = client.request(netloc, "POST", path, urlencode(_unquoted(fields)))
        refused += status == 422 and "already received" in page
    return refused


def _address(run: int, n: int) -> str:
    """The n-th client's address in this run's block (never reused within an hour)."""
    return f"{run}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def _unquoted(fields: dict) -> dict:
    from urllib.parse import unquote_plus

    return {k: unquote_plus(v) for k, v in fields.items()}


def _prepare(database_url: str) -> None:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.demo import load_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-" + "x" * 32})
    with app.app_context():
        upgrade()
        load_demo()


def serve(database_url: str, redis_url: str, port: int, fill_seconds: float = FILL_SECONDS):
    """Start gunicorn (2 workers) on `port`; returns the process once /healthz answers."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        TRUSTED_PROXIES="1",
        SURVEY_MIN_FILL_SECONDS=str(fill_seconds),
        SECRET_KEY="bench-" + "x" * 32,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        time.sleep(0.2)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            continue
    process.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", help="an app already running (else one is started)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL"))
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--no-load", action="store_true", help="the database is ready")
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("set BENCH_DATABASE_URL (PostgreSQL) or --database-url")
    process = None
    if not args.base_url:
        if not args.redis_url:
            raise SystemExit("set BENCH_REDIS_URL or --redis-url (rate limits live in Redis)")
        if not args.no_load:
            _prepare(args.database_url)
        process = serve(args.database_url, args.redis_url, args.port)
        args.base_url = f"http://127.0.0.1:{args.port}"
    try:
        result = measure(
            args.base_url, args.database_url, args.seconds, args.clients, args.concurrency
        )
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    print(f"backend: {args.database_url.split(':')[0]}, {args.concurrency} concurrent")
    for key, value in result.items():
        print(f"{key:<18}{value:.1f}" if isinstance(value, float) else f"{key:<18}{value}")


if __name__ == "__main__":
    main()
