"""The portal over HTTP beside a bare Flask + Jinja reference app (issue 18), printed as tables.

    .venv/bin/python bench/run.py --scale small                       # SQLite, no Redis
    .venv/bin/python bench/run.py --scale small \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_http \\
        --redis-url redis://127.0.0.1:6379/9
    make bench-http BENCH_ARGS="--scale small --pages home,budget --duration 3"

The district: `bench/make_district.py`'s `build(database_url, scale, seed)` and `sample_urls()`
when that file exists, else the demo district (`portal.demo.load_demo`, a SQLite file in a
temporary folder unless --database-url names a database; an already loaded one is reused).

The portal runs under gunicorn (2 sync workers, `--no-control-socket`, loopback) with production
settings (PORTAL_ENV=production, a random SECRET_KEY, an https PUBLIC_BASE_URL naming 127.0.0.1
so the Host header is trusted; plain HTTP on loopback works as behind a TLS proxy), REDIS_URL
when given, and PDF_RATE_LIMIT raised: wrk is one address asking for thousands of PDFs, which the
real limit (20 an hour) would answer with 429. Each page is fetched once (the same headers the
benchmark sends) and stored; `bench/reference_app.py` serves those exact bytes and headers under
the same gunicorn settings.

wrk (Debian's `wrk`) then measures each page on loopback, interleaved: the portal's page, the
reference's copy, the next page. Every request sends `Accept-Encoding: br, gzip`; the pages
marked "(es)" also send `Accept-Language: es`; htmx fragments send `HX-Request`/`HX-Target`; no
cookies (anonymous visitors). Cold: the portal with PAGE_CACHE_ENABLED=0 (Redis db flushed
first). Warm: once `portal/page_cache.py` exists, a second portal with the cache on, each page
visited once before it is measured, against the reference measured again beside it. Then the
page weight of each HTML page (bench/weight.py) and survey submissions per second
(bench/submissions.py's `measure`, on an app of its own with its trust settings).

Output: Markdown tables on stdout and in bench/results/<date>-<scale>-<backend>.md. Exit 1 when
any request failed (non-2xx/3xx or a socket error), 2 when the benchmark could not run.
"""

import argparse
import contextlib
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(BENCH))

import weight  # noqa: E402 - bench/weight.py, beside this script

GUNICORN = Path(sys.executable).with_name("gunicorn")
RESULTS = BENCH / "results"
WORKERS = 2
COMMON_HEADERS = {"Accept-Encoding": "br, gzip"}
SPANISH = {"Accept-Language": "es"}
APT_LINE = "apt-get install -y wrk"
SCHOOL_LIST_FRAGMENT = {"HX-Request": "true", "HX-Target": "school-list"}
RESULTS_FRAGMENT = {"HX-Request": "true", "HX-Target": "results"}


@dataclass
class Page:
    """One measured page: its name in the table, its path and the request headers it sends."""

    name: str
    path: str
    headers: dict = field(default_factory=dict)

    def all_headers(self) -> dict:
        """The headers of every measured request of this page."""
        return {**COMMON_HEADERS, **self.headers}

    @property
    def fragment(self) -> bool:
        """An htmx fragment (not a page a person opens; left out of the page weight)."""
        return "HX-Request" in self.headers


@dataclass
class WrkResult:
    """What one wrk run reports."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int = 0
    socket_errors: int = 0

    @property
    def errors(self) -> int:
        """Failed requests: non-2xx/3xx answers plus socket errors."""
        return self.non_2xx_3xx + self.socket_errors


# --- wrk -----------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, p50 and p99 (ms) and the errors from wrk's `--latency` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"not wrk --latency output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        requests=int(total.group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def wrk_command(url: str, headers: dict, duration: float, connections: int) -> list[str]:
    """The wrk command line of one measurement."""
    cmd = ["wrk", "--latency", f"-t{min(2, connections)}", f"-c{connections}"]
    cmd += [f"-d{duration:g}s", "--timeout", "10s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    return [*cmd, url]


def run_wrk(url: str, headers: dict, duration: float, connections: int) -> WrkResult:
    """Measure `url` with wrk and return its figures."""
    cmd = wrk_command(url, headers, duration, connections)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, cwd: Path, env: dict, log_path: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn with the benchmark's settings serving `app`; returns it and its base URL once
    /healthz answers."""
    port = free_port()
    cmd = [str(GUNICORN), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    # A cold page of a large district can take seconds on a loaded machine: not a worker timeout.
    cmd += ["--no-control-socket", "--timeout", "180", "--log-level", "warning", app]
    log = log_path.open("ab")
    server = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{app} exited with {server.returncode}; see {log_path}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=2):
            return server, base
        time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"{app} did not answer /healthz within 60 s; see {log_path}")


def stop(server: subprocess.Popen | None) -> None:
    """Stop one gunicorn we started (its master ends its workers)."""
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def portal_env(database_url: str, redis_url: str | None, page_cache: bool) -> dict:
    """The portal's environment: production settings that work on plain loopback HTTP."""
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "REDIS_URL")}
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        PUBLIC_BASE_URL="https://127.0.0.1",
        TRUSTED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        PDF_RATE_LIMIT="1000000 per hour",
        PAGE_CACHE_ENABLED="1" if page_cache else "0",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def flush_redis(redis_url: str | None) -> None:
    """Empty the benchmark's Redis database (its cache and counters) before a phase."""
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def page_cache_exists() -> bool:
    """Whether the whole-page cache (the lead's portal/page_cache.py) is in this checkout."""
    return (ROOT / "portal" / "page_cache.py").exists()


# --- the district and its pages ------------------------------------------------------------


def prepare_database(database_url: str, args) -> list[Page]:
    """Build the district (or reuse one already in the database) and return the pages."""
    try:
        import make_district
    except ImportError:
        make_district = None
    if make_district is None or args.demo:
        return demo_pages(database_url)
    if args.rebuild or not has_district(database_url):
        report = make_district.build(
            database_url, args.scale, args.seed, replace=args.rebuild, out=_log
        )
        if report.get("problems"):
            raise RuntimeError(f"make_district found problems: {report['problems']}")
    return pages_from(make_district.sample_urls(database_url))


def _log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def has_district(database_url: str) -> bool:
    """Whether the database already holds a district (built by an earlier run)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("district"):
                return False
            return conn.execute(text("SELECT count(*) FROM district")).scalar() > 0
    finally:
        engine.dispose()


def pages_from(urls: dict[str, str]) -> list[Page]:
    """Pages from make_district's {name: path}: every other one in Spanish, a school search
    (and its htmx fragment) after the home page when the list has none."""
    pages = []
    for n, (name, path) in enumerate(urls.items()):
        label = name.replace("_", " ")
        pages.append(Page(f"{label} (es)", path, dict(SPANISH)) if n % 2 else Page(label, path))
        if name == "home" and not any("search" in other for other in urls):
            school = next(
                (
                    p
                    for p in urls.values()
                    if p.startswith("/schools/") and p.count("/") == 2 and "compare" not in p
                ),
                "/schools/a",
            )
            word = school.rsplit("/", 1)[1].split("-")[0]
            pages.append(Page("school search", f"/?q={word}"))
            pages.append(
                Page("school search, htmx fragment", f"/?q={word}", dict(SCHOOL_LIST_FRAGMENT))
            )
    return pages


def demo_pages(database_url: str) -> list[Page]:
    """The demo district in `database_url` (loaded unless already there) and its pages."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from portal import create_app
    from portal.demo import load_demo
    from portal.extensions import db
    from portal.models import District, School

    # The demo's accounts are hashed cheaply: nobody signs in during the benchmark.
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_ARGON2_COST": (1, 64, 1)}
    app = create_app({**settings, "SECRET_KEY": "bench-" + "x" * 32})
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):
            upgrade()  # alembic logs every migration to stderr
        if db.session.scalar(select(District.id).limit(1)) is None:
            load_demo()
        slugs = list(db.session.scalars(select(School.slug).order_by(School.slug)))
        return _demo_paths(slugs)


def _demo_paths(slugs: list[str]) -> list[Page]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models.bulletins import Bulletin, BulletinStatus
    from portal.models.committees import Committee, Meeting
    from portal.models.surveys import Survey, SurveyPhase

    school = "cesar-chavez-elementary" if "cesar-chavez-elementary" in slugs else slugs[0]
    surveys = db.session.scalars(select(Survey).order_by(Survey.closes_at)).all()
    open_survey = next(s for s in surveys if s.phase() == SurveyPhase.OPEN)
    public = next(s for s in reversed(surveys) if s.results_public)
    bulletin = db.session.scalars(
        select(Bulletin.slug)
        .where(Bulletin.status == BulletinStatus.PUBLISHED.value)
        .order_by(Bulletin.published_at.desc())
    ).first()
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    committee = db.session.get(Committee, meeting.committee_id)
    other = next(s for s in slugs if s != school)
    results = f"/surveys/{public.slug}/results"
    return [
        Page("home", "/"),
        Page("home (es)", "/", dict(SPANISH)),
        Page("school search", "/?q=elem"),
        Page("school search, htmx fragment", "/?q=elem", dict(SCHOOL_LIST_FRAGMENT)),
        Page("school overview", f"/schools/{school}"),
        Page("school overview (es)", f"/schools/{school}", dict(SPANISH)),
        Page("calendar", f"/schools/{school}/calendar"),
        Page("plan", f"/schools/{school}/plan"),
        Page("budget (es)", f"/schools/{school}/budget", dict(SPANISH)),
        Page("compare", f"/schools/compare?schools={school},{other}"),
        Page("allocation", "/allocation"),
        Page("survey page (es)", f"/surveys/{open_survey.slug}", dict(SPANISH)),
        Page("survey results", results),
        Page("survey results, filtered", f"{results}?role=parent"),
        Page("survey results, filtered, htmx", f"{results}?role=parent", dict(RESULTS_FRAGMENT)),
        Page("bulletin list", "/bulletins"),
        Page("bulletin page (es)", f"/bulletins/{bulletin}", dict(SPANISH)),
        Page("feed (Atom)", "/bulletins/feed.xml"),
        Page("minutes archive", f"/committees/{committee.id}/minutes"),
        Page("meeting", f"/meetings/{meeting.id}"),
        Page(".ics (school calendar)", f"/schools/{school}/calendar.ics"),
        Page("plan PDF", f"/schools/{school}/plan.pdf"),
    ]


# --- capture for the reference app ---------------------------------------------------------


def capture(base: str, pages: list[Page], folder: Path) -> list[str]:
    """Fetch each page once from the portal and store what it sent for the reference app.
    Returns the problems (a page that did not answer 2xx)."""
    problems, manifest = [], []
    for number, page in enumerate(pages):
        started = time.monotonic()
        got = weight.fetch(base + page.path, page.all_headers())
        print(f"  captured {page.name}: {time.monotonic() - started:.2f} s", flush=True)
        if not 200 <= got.status < 300:
            problems.append(f"{page.name} ({page.path}): HTTP {got.status}")
        content_type = got.headers.get("content-type", "")
        charset = re.search(r"charset=([\w-]+)", content_type)
        text = content_type.startswith(("text/", "application/atom+xml", "application/json"))
        (folder / f"{number}.wire").write_bytes(got.raw)
        (folder / f"{number}.body").write_bytes(got.body)
        headers = {k.title(): v for k, v in got.headers.items()}
        manifest.append(
            {
                "path": page.path,
                "status": got.status,
                "headers": headers,
                "text": text,
                "charset": charset.group(1) if charset else None,
            }
        )
    (folder / "manifest.json").write_text(json.dumps({"pages": manifest}, indent=1))
    return problems


# --- the measurements ----------------------------------------------------------------------


@dataclass
class Row:
    """One page's figures: cold (and warm) portal runs beside their reference runs."""

    page: Page
    cold: WrkResult | None = None
    cold_ref: WrkResult | None = None
    warm: WrkResult | None = None
    warm_ref: WrkResult | None = None


def drain(base: str) -> None:
    """Wait until the requests wrk left queued are answered: a slow page's backlog (gunicorn
    still answers what it accepted after wrk hangs up) must not eat the next page's window.
    One /healthz per worker, one after another, each waits behind what is queued."""
    for _worker in range(WORKERS):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{base}/healthz", timeout=300).close()  # noqa: S310


def measure_phase(rows, base, ref_base, phase, args, prime=False) -> None:
    """Interleaved wrk runs of every page: the portal's, then the reference's copy."""
    for number, row in enumerate(rows):
        headers = row.page.all_headers()
        if prime:  # the first visit that fills the cache
            weight.fetch(base + row.page.path, headers)
        real = run_wrk(base + row.page.path, headers, args.duration, args.connections)
        drain(base)
        ref = run_wrk(f"{ref_base}/p/{number}", headers, args.duration, args.connections)
        drain(ref_base)
        setattr(row, phase, real)
        setattr(row, f"{phase}_ref", ref)
        print(
            f"  {phase:<4} {row.page.name:<34} {real.requests_per_second:>8.1f} req/s "
            f"(ref {ref.requests_per_second:>7.1f}) p99 {real.p99_ms:>7.1f} ms"
            f"{f'  ERRORS {real.errors}' if real.errors else ''}",
            file=sys.stderr,
            flush=True,
        )


def _ratio(real: WrkResult | None, ref: WrkResult | None) -> str:
    if real is None or ref is None or not ref.requests_per_second:
        return "–"
    return f"{real.requests_per_second / ref.requests_per_second:.2f}"


def throughput_table(rows: list[Row], warm_note: str) -> str:
    """The Markdown table of req/s, latency and errors."""
    lines = [
        "| page | cold req/s | ref req/s | ratio | p50 ms | p99 ms | warm req/s | ratio | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cold, ref, warm = row.cold, row.cold_ref, row.warm
        errors = sum(r.errors for r in (cold, warm) if r)
        ref_errors = sum(r.errors for r in (row.cold_ref, row.warm_ref) if r)
        lines.append(
            f"| {row.page.name} | {cold.requests_per_second:.1f} | {ref.requests_per_second:.1f} "
            f"| {_ratio(cold, ref)} | {cold.p50_ms:.1f} | {cold.p99_ms:.1f} "
            f"| {f'{warm.requests_per_second:.1f}' if warm else warm_note} "
            f"| {_ratio(warm, row.warm_ref)} "
            f"| {errors}{f' (ref {ref_errors})' if ref_errors else ''} |"
        )
    return "\n".join(lines)


def weight_rows(base: str, pages: list[Page]) -> tuple[str, list[str]]:
    """The page-weight table of the HTML pages, and the errors met on the way."""
    lines = [
        "| page | first visit bytes | requests | repeat visit bytes | requests | flags |",
        "|---|---:|---:|---:|---:|---|",
    ]
    errors, done = [], set()
    for page in pages:
        key = (page.path, tuple(sorted(page.headers.items())))
        if page.fragment or key in done:
            continue
        done.add(key)
        probe = weight.fetch(base + page.path, page.all_headers())
        if not probe.headers.get("content-type", "").startswith("text/html"):
            continue
        found = weight.weigh(base + page.path, page.all_headers())
        errors += found.errors
        flags = ", ".join(found.over_budget) or "ok"
        lines.append(
            f"| {page.name} | {found.first_bytes:,} | {found.first_requests} "
            f"| {found.repeat_bytes:,} | {found.repeat_requests} | {flags} |"
        )
    return "\n".join(lines), errors


def submissions(database_url: str, redis_url: str | None, args) -> str:
    """Survey submissions per second from bench/submissions.py, on an app it starts."""
    try:
        import submissions as survey_bench
    except ImportError:
        return "Survey submissions per second: not measured (bench/submissions.py is missing)."
    port = free_port()
    flush_redis(redis_url)  # the flood counters of earlier runs
    server = survey_bench.serve(database_url, redis_url or "", port)
    try:
        found = survey_bench.measure(
            f"http://127.0.0.1:{port}",
            database_url,
            seconds=args.submission_seconds,
            concurrency=args.connections,
        )
    finally:
        stop(server)
    return (
        f"Survey submissions: **{found['per_second']:.1f} per second** over "
        f"{found['seconds']:g} s ({found['clients']} distinct clients, {args.connections} "
        f"requests in flight), POST p50 {found['p50_ms']:.0f} ms / p99 {found['p99_ms']:.0f} ms; "
        f"{found['submitted']} accepted, rows added {found['rows_added']}, lost {found['lost']}, "
        f"doubled {found['doubled']}, errors {dict(found['errors']) or 'none'}, resubmitted "
        f"receipts refused {found['resubmits_refused']}/{found['resubmitted']}."
    )


# --- the machine ---------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def git_head() -> str:
    """The checkout's commit (and whether files differ from it)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}{' (with uncommitted changes in the tree)' if dirty else ''}"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


# --- main ----------------------------------------------------------------------------------


def parse_args(argv=None):
    """The command line (see the module text)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=("small", "medium", "lausd"), default="small")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL"))
    parser.add_argument("--duration", type=float, default=5, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pages", help="comma-separated page names (or parts of them)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--submission-seconds", type=float, default=15)
    parser.add_argument("--no-submissions", action="store_true")
    parser.add_argument("--demo", action="store_true", help="the demo district, not make_district")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the district again")
    parser.add_argument("--no-results-file", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Run the benchmark; 0 when no request failed."""
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print(f"wrk is not installed. Run:  sudo {APT_LINE}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        return _run(args, Path(tmp))


def _run(args, tmp: Path) -> int:
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    backend = database_url.split(":")[0].split("+")[0]
    backends = f"{backend}, {'Redis' if args.redis_url else 'no Redis (embedded)'}"
    load_before = load_average()
    started = time.monotonic()
    print(f"Preparing the {args.scale} district on {backend} ...", file=sys.stderr, flush=True)
    pages = prepare_database(database_url, args)
    if args.pages:
        wanted = [w.strip().lower() for w in args.pages.split(",") if w.strip()]
        pages = [p for p in pages if any(w in p.name.lower() for w in wanted)]
    captures = tmp / "captures"
    captures.mkdir()
    servers, problems = [], []
    rows = [Row(p) for p in pages]
    warm_note = "pending"
    try:
        flush_redis(args.redis_url)
        portal, base = start_gunicorn(
            "wsgi:app", ROOT, portal_env(database_url, args.redis_url, False), tmp / "portal.log"
        )
        servers.append(portal)
        problems += capture(base, pages, captures)
        ref_env = {**os.environ, "REFERENCE_DIR": str(captures)}
        reference, ref_base = start_gunicorn("reference_app:app", BENCH, ref_env, tmp / "ref.log")
        servers.append(reference)
        print(f"Cold: {len(pages)} pages, {args.duration:g} s each ...", file=sys.stderr)
        measure_phase(rows, base, ref_base, "cold", args)
        if page_cache_exists():
            stop(portal)
            flush_redis(args.redis_url)
            portal, base = start_gunicorn(
                "wsgi:app", ROOT, portal_env(database_url, args.redis_url, True), tmp / "warm.log"
            )
            servers.append(portal)
            print("Warm: the page cache on, each page visited first ...", file=sys.stderr)
            measure_phase(rows, base, ref_base, "warm", args, prime=True)
        else:
            warm_note = "pending (no portal/page_cache.py)"
        weights, weight_errors = weight_rows(base, pages)
        problems += weight_errors
        for server in servers:
            stop(server)
        survey_line = (
            "Survey submissions per second: not measured (--no-submissions)."
            if args.no_submissions
            else submissions(database_url, args.redis_url, args)
        )
    finally:
        for server in servers:
            stop(server)
    report = _report(args, rows, weights, survey_line, warm_note, backends, load_before, started)
    print(report)
    if not args.no_results_file:
        RESULTS.mkdir(exist_ok=True)
        name = (
            f"{date.today().isoformat()}-{args.scale}-{backend}{'-redis' if args.redis_url else ''}"
        )
        (RESULTS / f"{name}.md").write_text(report + "\n")
        print(f"Written to bench/results/{name}.md", file=sys.stderr)
    failed = [
        r.page.name
        for r in rows
        for x in (r.cold, r.warm, r.cold_ref, r.warm_ref)
        if x and x.errors
    ]
    for problem in problems + [f"{name}: failed requests" for name in dict.fromkeys(failed)]:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems or failed else 0


def _report(args, rows, weights, survey_line, warm_note, backends, load_before, started) -> str:
    machine = [
        f"- command: `bench/run.py {' '.join(sys.argv[1:])}`",
        f"- date: {date.today().isoformat()}; whole run {time.monotonic() - started:.0f} s",
        f"- machine: {os.cpu_count()} cores (nproc), {cpu_model()}",
        f"- load average before: {load_before}; after: {load_average()}",
        f"- backends: {backends}; scale: {args.scale}; git HEAD {git_head()}",
        f"- wrk: {args.connections} connections, {min(2, args.connections)} threads, "
        f"{args.duration:g} s a run, interleaved portal / reference; gunicorn {WORKERS} sync "
        "workers, --no-control-socket, loopback",
    ]
    return "\n".join(
        [
            f"## HTTP benchmark: {args.scale} district, {backends}",
            "",
            throughput_table(rows, warm_note),
            "",
            "Cold: the page cache off (PAGE_CACHE_ENABLED=0). Ratio: the portal's req/s over the "
            "reference's (bare Flask + Jinja sending the same bytes, same gunicorn); the warm "
            "ratio is against the reference measured beside the warm run. p50/p99: cold, at "
            f"{args.connections} connections. Errors: non-2xx/3xx and socket errors (cold + warm).",
            "",
            "### Page weight (first visit: the page and every subresource, compressed as sent)",
            "",
            weights,
            "",
            f"Flags: over {weight.MAX_BYTES:,} bytes or over {weight.MAX_REQUESTS} requests on a "
            "first visit. Repeat visit: static files with max-age are not fetched; the page is "
            "revalidated with If-None-Match when it has an ETag (a 304 is 0 body bytes).",
            "",
            "### Survey submissions",
            "",
            survey_line,
            "",
            "### Machine",
            "",
            *machine,
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
