"""A shared cache of whole anonymous public pages, with ETags and versions that invalidate it.

A visitor with no session cookie who asks for a cacheable page (`@public`/`@cacheable`, 200,
`Cache-Control: public`) gets the bytes another anonymous visitor was sent, straight from the
cache: the WSGI middleware below answers before Flask runs a single hook or query. The entry is
keyed by the path and query, the reader's language (the same rules as `i18n.select_locale`),
htmx's target and the content encoding; and it is stamped with the **versions** of what the
page shows: the district's ("d"), and either the school's ("s:<slug>", pages under
`/schools/<slug>/`) or every school's ("S", district-wide pages). Every committed change to a
row that public pages show bumps those versions (`install_invalidation`), so the next visitor
misses and the page is drawn again; nothing is served after a change has committed, except
during the instant between the commit and the bump. Entries also expire after
PAGE_CACHE_SECONDS, which bounds what changes with the clock alone (a meeting becoming past).

Where it lives: Redis when REDIS_URL is set (production; shared by every process and server),
else two tables in the portal's own database (the embedded default). No state in a process.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import bindparam, event, inspect, text
from sqlalchemy.orm import Session
from werkzeug.datastructures import Headers
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_accept_header, quote_etag, unquote_etag
from werkzeug.wrappers import Request

from portal import i18n, transactions

# Header by which a Flask response asks the middleware to keep it (stripped before sending).
STORE_HEADER = "X-Page-Cache-Store"
STATUS_HEADER = "X-Page-Cache"
# Rows never drawn on a cached page: writing them must not empty the cache (a survey answer, a
# rate-limit hit, a sign-in, an e-mail queued). Survey tallies are among them: a results page
# of an open survey may be PAGE_CACHE_RESULTS_SECONDS old (see SHORT_LIVED).
NOT_SHOWN = frozenset(
    {
        "account_token",
        "answer_watch",
        "audit_entry",
        "document_job",
        "follow",
        "login_session",
        "notice",
        "notice_delivery",
        "notice_preference",
        "outbox_message",
        "page_cache",
        "page_version",
        "paper_sheet_use",
        "rate_limit_counter",
        "recovery_code",
        "sign_in_attempt",
        "subscriber",
        "survey_access_code",
        "survey_answer",
        "survey_dropped_submission",
        "survey_response",
        "survey_submission_receipt",
        "survey_respondent_tally",
        "survey_tally",
        "two_factor_secret",
    }
)
# Endpoints whose figures move without a version bump (tallies of an open survey): kept briefly.
SHORT_LIVED = {"surveys.results": "PAGE_CACHE_RESULTS_SECONDS"}
ENCODINGS = ("br", "gzip", "deflate")
DISTRICT, EVERY_SCHOOL = "d", "S"


def school_scope(slug: str) -> str:
    return f"s:{slug}"


@dataclass
class Entry:
    """One stored answer: status, headers as sent, body as sent (already compressed)."""

    stamp: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def dumps(self) -> bytes:
        head = json.dumps({"stamp": self.stamp, "status": self.status, "headers": self.headers})
        return head.encode() + b"\n" + self.body

    @classmethod
    def loads(cls, raw: bytes) -> Entry:
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        return cls(meta["stamp"], meta["status"], [tuple(h) for h in meta["headers"]], body)


class RedisStore:
    """Versions and pages in Redis: one round trip (MGET) to look a page up."""

    def __init__(self, url: str, prefix: str = "cg:pc:"):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix

    def lookup(self, scopes: list[str], key: str) -> tuple[str, Entry | None]:
        names = [self.prefix + "v:" + s for s in scopes] + [self.prefix + "p:" + key]
        *versions, raw = self.redis.mget(names)
        stamp = ",".join((v or b"0").decode() for v in versions)
        return stamp, (Entry.loads(raw) if raw else None)

    def put(self, key: str, entry: Entry, seconds: int) -> None:
        self.redis.set(self.prefix + "p:" + key, entry.dumps(), ex=max(1, seconds))

    def bump(self, scopes: set[str]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for scope in sorted(scopes):
            pipe.incr(self.prefix + "v:" + scope)
        pipe.execute()

    def clear(self) -> None:
        for name in self.redis.scan_iter(self.prefix + "*"):
            self.redis.delete(name)


VERSIONS = text("SELECT scope, version FROM page_version WHERE scope IN :scopes").bindparams(
    bindparam("scopes", expanding=True)
)


class DatabaseStore:
    """Versions and pages in the portal's database (`page_version`, `page_cache`): for the
    embedded default, shared by every process that uses the same file or server."""

    PURGE_EVERY = 500

    def __init__(self, engine):
        self.engine = engine

    def lookup(self, scopes: list[str], key: str) -> tuple[str, Entry | None]:
        with self.engine.connect() as conn:
            found = dict(conn.execute(VERSIONS, {"scopes": scopes}).all())
            row = conn.execute(
                text("SELECT stamp, expires_at, entry FROM page_cache WHERE key = :key"),
                {"key": key},
            ).first()
        stamp = ",".join(str(found.get(s, 0)) for s in scopes)
        if row is None or row.expires_at < time.time():
            return stamp, None
        return stamp, Entry.loads(bytes(row.entry))

    def put(self, key: str, entry: Entry, seconds: int) -> None:
        values = {
            "key": key,
            "stamp": entry.stamp,
            "expires_at": time.time() + seconds,
            "entry": entry.dumps(),
        }
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO page_cache (key, stamp, expires_at, entry) "
                    "VALUES (:key, :stamp, :expires_at, :entry) ON CONFLICT (key) DO UPDATE "
                    "SET stamp = excluded.stamp, expires_at = excluded.expires_at, "
                    "entry = excluded.entry"
                ),
                values,
            )
            if random.randrange(self.PURGE_EVERY) == 0:  # noqa: S311 - not security
                conn.execute(
                    text("DELETE FROM page_cache WHERE expires_at < :now"), {"now": time.time()}
                )

    def bump(self, scopes: set[str]) -> None:
        with self.engine.begin() as conn:
            for scope in sorted(scopes):  # sorted: two writers lock rows in the same order
                conn.execute(
                    text(
                        "INSERT INTO page_version (scope, version) VALUES (:scope, 1) "
                        "ON CONFLICT (scope) DO UPDATE SET version = page_version.version + 1"
                    ),
                    {"scope": scope},
                )

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM page_cache"))


def store_for(app: Flask):
    """The store this app's settings ask for (None when the cache is off)."""
    if not app.config.get("PAGE_CACHE_ENABLED", True):
        return None
    url = app.config.get("PAGE_CACHE_URL") or app.config.get("REDIS_URL")
    if url:
        return RedisStore(url, app.config.get("PAGE_CACHE_KEY_PREFIX") or "cg:pc:")
    from portal.extensions import db

    with app.app_context():
        return DatabaseStore(db.engine)


# --- the key and scopes of a request -------------------------------------------------------


def _encoding(environ) -> str:
    accepted = parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING", ""))
    for name in ENCODINGS:
        if accepted[name] > 0:
            return name
    return ""


def _locale(request: Request) -> str:
    """The language the page will be drawn in, as `i18n.select_locale` decides it ("" for the
    district's default, which only a district change moves, and that bumps "d")."""
    return (
        i18n.normalize_locale(request.cookies.get(i18n.COOKIE_NAME))
        or i18n.negotiate_accept_language(request.accept_languages)
        or ""
    )


def build_id(root: Path | None = None) -> str:
    """A fingerprint of the code, templates and compiled catalogs: a deploy that changes any of
    them starts from an empty cache instead of serving pages drawn by the old code."""
    root = root or Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for folder in (root, root.parent / "translations"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html", ".mo", ".css", ".js", ".svg"):
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:16]


def request_key(request: Request, build: str = "") -> str:
    parts = [
        build,
        request.host,
        request.path,
        request.query_string.decode("latin-1"),
        _locale(request),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        _encoding(request.environ),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# --- the middleware --------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve stored anonymous pages before Flask runs; store the ones Flask marks cacheable."""

    def __init__(self, app: Flask, wsgi_app, store):
        self.app = app
        self.wsgi_app = wsgi_app
        self.store = store
        self.seconds = int(app.config.get("PAGE_CACHE_SECONDS", 300))
        self.build = build_id()
        self.no_cache_cookies = (
            app.config.get("SESSION_COOKIE_NAME", "session"),
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self._pass(environ, start_response)
        request = Request(environ)
        request.trusted_hosts = self.app.config.get("TRUSTED_HOSTS") or None
        try:
            request.host  # noqa: B018 - an untrusted Host header: Flask answers it (400)
        except SecurityError:
            return self._pass(environ, start_response)
        if any(name in request.cookies for name in self.no_cache_cookies):
            return self._pass(environ, start_response)
        match = self._match(environ)
        if match is None:
            return self._pass(environ, start_response)
        endpoint, scopes = match
        key = request_key(request, self.build)
        try:
            stamp, entry = self.store.lookup(scopes, key)
        except Exception:  # noqa: BLE001 - a cache that cannot be reached is no cache
            self.app.logger.exception("page cache lookup failed")
            return self._pass(environ, start_response)
        if entry is not None and entry.stamp == stamp:
            return self._send(request, entry, "hit", start_response)
        return self._render_and_keep(environ, request, endpoint, key, stamp, start_response)

    def _pass(self, environ, start_response):
        """Flask answers; the mark asking to keep the page is not for the browser's eyes."""

        def without_mark(status, headers, exc_info=None):
            kept = [(k, v) for k, v in headers if k.lower() != STORE_HEADER.lower()]
            return start_response(status, kept, exc_info)

        return self.wsgi_app(environ, without_mark)

    def _match(self, environ) -> tuple[str, list[str]] | None:
        """The endpoint and the scopes its page depends on, or None if it is never cached."""
        try:
            rule, args = self.app.url_map.bind_to_environ(environ).match(return_rule=True)
        except Exception:  # noqa: BLE001 - 404, 405, redirects: Flask answers those
            return None
        view = self.app.view_functions.get(rule.endpoint)
        if view is None or not (
            rule.endpoint.startswith("public.") or getattr(view, "cacheable", False)
        ):
            return None
        if rule.rule.startswith("/schools/<slug>") and "slug" in args:
            return rule.endpoint, [DISTRICT, school_scope(args["slug"])]
        return rule.endpoint, [DISTRICT, EVERY_SCHOOL]

    def _render_and_keep(self, environ, request, endpoint, key, stamp, start_response):
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None  # the write() callable; Flask never uses it

        chunks = self.wsgi_app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status = int(captured["status"].split(" ", 1)[0])
        headers = Headers(captured["headers"])
        keep = headers.get(STORE_HEADER) is not None and status == 200
        headers.remove(STORE_HEADER)
        if keep and "Set-Cookie" not in headers:
            headers["ETag"] = quote_etag(hashlib.sha256(body).hexdigest()[:32])
            entry = Entry(stamp, status, list(headers.items()), body)
            seconds = self.seconds
            if endpoint in SHORT_LIVED:
                seconds = min(seconds, int(self.app.config.get(SHORT_LIVED[endpoint], 60)))
            try:
                self.store.put(key, entry, seconds)
            except Exception:  # noqa: BLE001
                self.app.logger.exception("page cache store failed")
            return self._send(request, entry, "miss", start_response)
        start_response(captured["status"], list(headers.items()))
        return [body]

    def _send(self, request, entry: Entry, how: str, start_response):
        headers = Headers(entry.headers)
        headers[STATUS_HEADER] = how
        etag = headers.get("ETag")
        if etag and request.if_none_match.contains(unquote_etag(etag)[0]):
            for name in ("Content-Length", "Content-Encoding", "Content-Type"):
                headers.remove(name)
            start_response("304 NOT MODIFIED", list(headers.items()))
            return [b""]
        start_response(f"{entry.status} OK", list(headers.items()))
        return [b""] if request.method == "HEAD" else [entry.body]


# --- invalidation ----------------------------------------------------------------------------

_DML = re.compile(r"^\s*(insert\s+into|update|delete\s+from)\s+\"?(\w+)", re.IGNORECASE)


def _school_of(obj) -> int | None | bool:
    """The school id a row belongs to, following loaded many-to-one links up to three levels;
    False when it cannot be told without a query (then the whole district is bumped)."""
    for _depth in range(4):
        if obj is None:
            return False
        if type(obj).__tablename__ == "school":
            return obj.id
        school_id = getattr(obj, "school_id", None)
        if school_id is not None:
            return school_id
        if hasattr(obj, "school_id"):
            return None  # a district-wide row of a kind that may belong to a school
        state = inspect(obj)
        parent = None
        for rel in state.mapper.relationships:
            if rel.direction.name == "MANYTOONE" and rel.key not in state.unloaded:
                parent = state.attrs[rel.key].loaded_value
                if parent is not None and hasattr(parent, "__tablename__"):
                    break
                parent = None
        obj = parent
    return False


def _scopes_for(session: Session, obj) -> set[str]:
    table = getattr(type(obj), "__tablename__", None)
    if table is None or table in NOT_SHOWN:
        return set()
    school_id = _school_of(obj)
    if school_id is None or school_id is False:
        return {DISTRICT}
    slugs = session.info.setdefault("page_cache_slugs", {})
    if school_id not in slugs:
        row = session.connection().execute(
            text("SELECT slug FROM school WHERE id = :id"), {"id": school_id}
        )
        slugs[school_id] = row.scalar()
    scopes = {EVERY_SCHOOL}
    for slug in {slugs[school_id], getattr(obj, "slug", None) if table == "school" else None}:
        if slug:
            scopes.add(school_scope(slug))
    return scopes


def install_invalidation(app: Flask, session_factory, store) -> None:
    """Bump the versions of what each committed transaction changed, after it commits."""

    def pending(session) -> set[str]:
        return session.info.setdefault("page_cache_pending", set())

    def ours() -> bool:
        # The session class is shared by every app in the process (tests build several).
        return has_app_context() and current_app._get_current_object() is app

    @event.listens_for(session_factory, "after_flush")
    def _collect(session, _flush_context):
        if not ours():
            return
        found = pending(session)
        for obj in list(session.new) + list(session.deleted):
            found |= _scopes_for(session, obj)
        for obj in session.dirty:
            if session.is_modified(obj, include_collections=False):
                found |= _scopes_for(session, obj)

    @event.listens_for(session_factory, "do_orm_execute")
    def _bulk(state):
        if state.is_select or not ours():
            return
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table is None:
            found = _DML.match(str(state.statement))
            table = found.group(2).lower() if found else None
        if table is not None and table not in NOT_SHOWN:
            # A statement over many rows: its school cannot be told row by row.
            pending(state.session).update({DISTRICT, EVERY_SCHOOL})

    # Only the outermost transaction's end counts: bumping when a savepoint is released would
    # let a reader stamp the old rows with the new version.
    def _ended(session, committed):
        if not ours():
            return
        scopes = session.info.pop("page_cache_pending", None)
        session.info.pop("page_cache_slugs", None)
        if committed and scopes:
            try:
                store.bump(scopes)
            except Exception:  # noqa: BLE001 - never fail a committed request; TTL bounds it
                app.logger.exception("page cache invalidation failed for %s", sorted(scopes))

    transactions.on_outermost_end(session_factory, _ended)


def init_app(app: Flask) -> None:
    """Wrap the app in the middleware and bump versions on commits (when the cache is on)."""
    from portal.extensions import db

    store = store_for(app)
    app.extensions["page_cache"] = store
    if store is None:
        return
    install_invalidation(app, db.session, store)
    app.wsgi_app = PageCacheMiddleware(app, app.wsgi_app, store)


def clear(app: Flask) -> None:
    """Drop every stored page (`flask page-cache clear`, the benchmark's cold runs)."""
    store = app.extensions.get("page_cache")
    if store is not None:
        store.clear()
