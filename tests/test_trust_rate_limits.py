"""Shared rate limits (issue 14, item 2): every limiter counter lives in Redis when REDIS_URL is
set, else in the database, never in a process. Two apps on one database (two processes' worth)
count together, a restart forgets nothing, hits from many threads at once are all counted, and
Redis (127.0.0.1:6379) is shared the same way. A real two-worker server: test_trust_ballots_server.
"""

import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select

from portal import create_app
from portal.config import Config
from portal.extensions import db, limiter
from portal.models.rate_limits import RateLimitCounter
from portal.rate_limit_storage import DatabaseStorage, purge_expired
from tests.survey_helpers import answer_form

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def keep_limiter():
    """create_app() binds the one `limiter` to each new app: give it back to the test app."""
    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


def _second_app(app, **overrides):
    """Another app on the same database, as a second process would build it."""
    keys = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING", "WTF_CSRF_ENABLED")
    config = {key: app.config[key] for key in keys}
    config["SURVEY_SUBMIT_RATE_LIMIT"] = app.config["SURVEY_SUBMIT_RATE_LIMIT"]
    config["SURVEY_MIN_FILL_SECONDS"] = app.config["SURVEY_MIN_FILL_SECONDS"]
    config.update(overrides)
    return create_app(config)


def _storage(app):
    """The counters as `app` reaches them (what Flask-Limiter builds from its settings)."""
    return storage_from_string(app.config["RATELIMIT_STORAGE_URI"])


def test_counters_are_never_kept_in_a_process(clean_app, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert Config().RATELIMIT_STORAGE_URI == "database://"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert Config().RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/3"
    assert not clean_app.config["RATELIMIT_STORAGE_URI"].startswith("memory")
    with clean_app.app_context():
        assert not type(limiter.storage).__name__.startswith("Memory")


def test_two_apps_on_one_database_share_their_counters(clean_app, keep_limiter):
    other = _second_app(clean_app, RATELIMIT_STORAGE_URI="database://")
    five = parse("5 per hour")
    results = []
    for n in range(8):
        app = (clean_app, other)[n % 2]
        with app.app_context():
            strategy = FixedWindowRateLimiter(storage_from_string("database://"))
            results.append(strategy.hit(five, "survey", "10.0.0.1"))
    assert results == [True] * 5 + [False] * 3

    # A restart (a new app, a new engine, a new storage) forgets nothing.
    with other.app_context():
        db.engine.dispose()
    restarted = _second_app(clean_app, RATELIMIT_STORAGE_URI="database://")
    with restarted.app_context():
        strategy = FixedWindowRateLimiter(storage_from_string("database://"))
        assert strategy.get_window_stats(five, "survey", "10.0.0.1").remaining == 0
        assert not strategy.hit(five, "survey", "10.0.0.1")
        assert strategy.hit(five, "survey", "10.0.0.2")  # another address, its own counter
        db.engine.dispose()


def test_two_apps_refuse_the_survey_flood_together(clean_app, survey_id, ctx, keep_limiter):
    """Over HTTP: answers sent alternately to two apps on one database share one limit."""
    other = _second_app(clean_app, RATELIMIT_STORAGE_URI="database://")
    for app in (clean_app, other):
        app.config["SURVEY_SUBMIT_RATE_LIMIT"] = "3 per hour"
    try:
        statuses = []
        for n in range(6):
            app = (clean_app, other)[n % 2]
            form = answer_form(clean_app, survey_id, receipt=f"two-apps-{n}")
            statuses.append(app.test_client().post("/surveys/ssfr-test", data=form).status_code)
    finally:
        clean_app.config["SURVEY_SUBMIT_RATE_LIMIT"] = other.config["SURVEY_SUBMIT_RATE_LIMIT"] = (
            "100000 per hour"
        )
        with other.app_context():
            db.engine.dispose()
    assert statuses == [303, 303, 303, 429, 429, 429]
    from portal.models import SurveyResponse

    with ctx() as session:
        assert session.query(SurveyResponse).count() == 3


def test_hits_from_many_threads_at_once_are_each_counted_once(clean_app):
    storage = DatabaseStorage()
    threads, each = 8, 25
    barrier = threading.Barrier(threads)

    def hitter(_):
        with clean_app.app_context():
            barrier.wait()
            return [storage.incr("LIMITER/race", 3600) for _ in range(each)]

    with ThreadPoolExecutor(threads) as pool:
        counts = [c for batch in pool.map(hitter, range(threads)) for c in batch]
    assert sorted(counts) == list(range(1, threads * each + 1))
    with clean_app.app_context():
        assert storage.get("LIMITER/race") == threads * each


def test_a_window_ends_and_the_counter_starts_again(clean_app):
    storage = DatabaseStorage()
    with clean_app.app_context():
        assert storage.check()
        assert storage.incr("LIMITER/short", 1) == 1
        assert storage.incr("LIMITER/short", 1) == 2
        assert time.time() < storage.get_expiry("LIMITER/short") <= time.time() + 1
        time.sleep(1.1)
        assert storage.get("LIMITER/short") == 0
        assert storage.incr("LIMITER/short", 60) == 1  # a new window
        assert purge_expired(now=time.time() + 61) == 1
        storage.incr("LIMITER/a", 60)
        storage.clear("LIMITER/a")
        assert storage.get("LIMITER/a") == 0
        storage.incr("LIMITER/b", 60)
        assert storage.reset() == 1


def test_the_table_holds_no_network_address(clean_app):
    with clean_app.app_context():
        DatabaseStorage().incr("LIMITER/203.0.113.9/surveys.take/30/1/hour/POST", 3600)
        keys = db.session.scalars(select(RateLimitCounter.key)).all()
        db.session.remove()
    assert len(keys) == 1 and "203.0.113" not in keys[0] and len(keys[0]) == 64


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis is not answering at {REDIS_URL} ({error}): shared counters untested")
    return client


def test_with_redis_two_processes_and_a_restart_share_the_counters(clean_app):
    client = _redis_or_skip()
    prefix = f"h2-test-{uuid.uuid4().hex}"
    five = parse("5 per hour")
    try:
        first, second = storage_from_string(REDIS_URL), storage_from_string(REDIS_URL)
        results = [
            FixedWindowRateLimiter((first, second)[n % 2]).hit(five, prefix, "10.0.0.1")
            for n in range(7)
        ]
        assert results == [True] * 5 + [False] * 2
        restarted = FixedWindowRateLimiter(storage_from_string(REDIS_URL))
        assert restarted.get_window_stats(five, prefix, "10.0.0.1").remaining == 0
    finally:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


def test_with_redis_the_app_counts_the_survey_flood_there(clean_app, survey_id, ctx, keep_limiter):
    client = _redis_or_skip()
    prefix = f"h2-test-{uuid.uuid4().hex}"
    limiter._key_prefix = None  # the test app's (empty) prefix would stay otherwise
    app = _second_app(
        clean_app,
        REDIS_URL=REDIS_URL,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
        SURVEY_SUBMIT_RATE_LIMIT="2 per hour",
    )
    try:
        statuses = [
            app.test_client()
            .post("/surveys/ssfr-test", data=answer_form(clean_app, survey_id, receipt=f"r{n}"))
            .status_code
            for n in range(4)
        ]
        assert statuses == [303, 303, 429, 429]
        assert list(client.scan_iter(f"*{prefix}*")), "the counters are in Redis"
        with clean_app.app_context():
            assert db.session.query(RateLimitCounter).count() == 0  # and not in the database
            db.session.remove()
    finally:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        with app.app_context():
            db.engine.dispose()


def test_unreachable_counters_never_give_a_parent_a_500(clean_app, survey_id, ctx, keep_limiter):
    """With the counter store down (nothing listens on port 1), answers are still taken and
    the error is logged, rather than a 500; the receipt still refuses a replay."""
    down = "redis://127.0.0.1:1/0"
    app = _second_app(clean_app, REDIS_URL=down, RATELIMIT_STORAGE_URI=down)
    try:
        form = answer_form(clean_app, survey_id, receipt="down")
        assert app.test_client().post("/surveys/ssfr-test", data=form).status_code == 303
        replay = app.test_client().post("/surveys/ssfr-test", data=form)
        assert replay.status_code == 422
    finally:
        with app.app_context():
            db.engine.dispose()  # its own pool: left open, a connection would warn later
