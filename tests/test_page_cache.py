"""The whole-page cache: anonymous pages served from the store, keyed right, dropped on change.

A second app is built on the test database with the cache on (the shared `app` fixture has it
off); on SQLite and PostgreSQL the store is the database's own tables, and when Redis answers
the same tests run with the Redis store too.
"""

import pytest
from sqlalchemy import select, update

from portal import create_app, page_cache
from portal.extensions import db
from portal.models import District, School
from tests.conftest import PASSWORD, hx
from tests.statements import counted


def _redis_url():
    try:
        import redis

        url = "redis://127.0.0.1:6379/14"
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
        return url
    except Exception:  # noqa: BLE001 - no Redis here: only the database store is tested
        return None


STORES = ["database"] + (["redis"] if _redis_url() else [])


@pytest.fixture(params=STORES)
def cached(request, clean_app, district):
    """An app with the page cache on, over the same (clean) database as `clean_app`."""
    overrides = {
        key: clean_app.config[key]
        for key in (
            "SQLALCHEMY_DATABASE_URI",
            "SECRET_KEY",
            "PASSWORD_ARGON2_COST",
            "TWO_FACTOR_REQUIRED_ROLES",
            "WTF_CSRF_ENABLED",
        )
    }
    overrides |= {"TESTING": True, "PAGE_CACHE_ENABLED": True}
    if request.param == "redis":
        overrides["PAGE_CACHE_URL"] = _redis_url()
        overrides["PAGE_CACHE_KEY_PREFIX"] = f"test:{clean_app.backend}:"
    app = create_app(overrides)
    page_cache.clear(app)
    yield app
    page_cache.clear(app)


def _get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    return response, response.headers.get("X-Page-Cache")


def test_a_second_anonymous_visit_is_served_from_the_cache(cached):
    client = cached.test_client()
    first, how = _get(client, "/schools/maple-elementary")
    assert (first.status_code, how) == (200, "miss")
    second, how = _get(client, "/schools/maple-elementary")
    assert (second.status_code, how) == (200, "hit")
    assert second.get_data() == first.get_data()
    assert second.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert second.headers["Cache-Control"].startswith("public")
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers


def test_a_hit_runs_no_sql_through_the_app(cached):
    client = cached.test_client()
    client.get("/schools/maple-elementary")
    with counted(cached) as seen:
        _response, how = _get(client, "/schools/maple-elementary")
    assert how == "hit"
    # The database store reads the versions and the page; Flask's hooks never run.
    assert len(seen) <= 2, seen


def test_a_repeat_visit_revalidates_with_the_etag(cached):
    client = cached.test_client()
    first, _ = _get(client, "/schools/maple-elementary")
    again = client.get(
        "/schools/maple-elementary", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    stale = client.get("/schools/maple-elementary", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.get_data() == first.get_data()


def test_language_htmx_target_and_encoding_are_kept_apart(cached):
    client = cached.test_client()
    english, _ = _get(client, "/", headers={"Accept-Language": "en"})
    spanish, how = _get(client, "/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert how == "miss" and 'lang="es"' in spanish.get_data(as_text=True)
    assert _get(client, "/", headers={"Accept-Language": "es"})[1] == "hit"
    with_cookie = cached.test_client()
    with_cookie.set_cookie("lang", "es")
    assert _get(with_cookie, "/")[1] == "hit"  # the same language, chosen before
    fragment, how = _get(client, "/?q=maple", headers=hx("school-list"))
    assert how == "miss" and "<html" not in fragment.get_data(as_text=True)
    page, how = _get(client, "/?q=maple")
    assert how == "miss" and "<html" in page.get_data(as_text=True)
    gzipped, how = _get(client, "/", headers={"Accept-Encoding": "gzip"})
    assert how == "miss" and gzipped.headers.get("Content-Encoding") == "gzip"
    assert _get(client, "/", headers={"Accept-Encoding": "gzip"})[1] == "hit"
    assert english.headers.get("Content-Encoding") is None


def test_a_change_drops_the_pages_that_show_it(cached):
    client = cached.test_client()
    for path in ("/schools/maple-elementary", "/schools/cedar-middle", "/"):
        _get(client, path)
    with cached.app_context():
        maple = db.session.scalars(select(School).filter_by(slug="maple-elementary")).one()
        maple.description = {"en": "A new description for Maple."}
        db.session.commit()
    page, how = _get(client, "/schools/maple-elementary")
    assert how == "miss" and "A new description for Maple." in page.get_data(as_text=True)
    # Another school's page did not change; the district's list (names, levels) may have.
    assert _get(client, "/schools/cedar-middle")[1] == "hit"
    assert _get(client, "/")[1] == "miss"


def test_a_district_change_drops_every_page(cached):
    client = cached.test_client()
    for path in ("/schools/maple-elementary", "/"):
        _get(client, path)
    with cached.app_context():
        db.session.scalars(select(District)).one().tagline = {"en": "Budgets, out loud."}
        db.session.commit()
    assert _get(client, "/schools/maple-elementary")[1] == "miss"
    home, how = _get(client, "/")
    assert how == "miss" and "Budgets, out loud." in home.get_data(as_text=True)


def test_a_bulk_statement_drops_the_pages_too(cached):
    client = cached.test_client()
    _get(client, "/schools/cedar-middle")
    with cached.app_context():
        db.session.execute(
            update(School).where(School.slug == "cedar-middle").values(address="1 New Road")
        )
        db.session.commit()
    page, how = _get(client, "/schools/cedar-middle")
    assert how == "miss" and "1 New Road" in page.get_data(as_text=True)


def test_a_rolled_back_change_keeps_the_cache(cached):
    client = cached.test_client()
    _get(client, "/schools/maple-elementary")
    with cached.app_context():
        maple = db.session.scalars(select(School).filter_by(slug="maple-elementary")).one()
        maple.address = "nowhere"
        db.session.flush()
        db.session.rollback()
    assert _get(client, "/schools/maple-elementary")[1] == "hit"


def test_signed_in_and_cookie_carrying_visitors_bypass_it(cached, make_user):
    email = make_user()
    client = cached.test_client()
    _get(client, "/schools/maple-elementary")
    signed_in = cached.test_client()
    response = signed_in.post("/auth/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303
    page, how = _get(signed_in, "/schools/maple-elementary")
    assert how is None
    assert page.headers["Cache-Control"] == "private, no-store"


def test_an_untrusted_host_never_gets_a_stored_page(cached):
    client = cached.test_client()
    _get(client, "/schools/maple-elementary")
    response = client.get("/schools/maple-elementary", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.headers.get("X-Page-Cache") is None


def test_a_page_that_sets_a_cookie_is_neither_shared_nor_kept(cached):
    client = cached.test_client()
    # ?lang= remembers the choice in a cookie: that answer must not be shared.
    response, how = _get(client, "/schools/maple-elementary?lang=es")
    assert "Set-Cookie" in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"
    assert how is None
    fresh = cached.test_client()
    assert _get(fresh, "/schools/maple-elementary?lang=es")[1] != "hit"


def test_new_code_starts_from_an_empty_cache(tmp_path):
    package = tmp_path / "portal"
    (package / "templates").mkdir(parents=True)
    (tmp_path / "translations").mkdir()
    page = package / "templates" / "page.html"
    page.write_text("<p>old</p>")
    before = page_cache.build_id(package)
    assert page_cache.build_id(package) == before
    page.write_text("<p>new wording</p>")
    assert page_cache.build_id(package) != before


def test_only_the_outermost_commit_bumps_the_versions(cached):
    client = cached.test_client()
    _get(client, "/schools/maple-elementary")
    with cached.app_context():
        maple = db.session.scalars(select(School).filter_by(slug="maple-elementary")).one()
        maple.address = "2 Savepoint Lane"
        db.session.flush()
        with db.session.begin_nested():
            maple.grades = "K-5"
        # The savepoint is released, the transaction is not committed: nothing is visible yet,
        # so the stored page still stands (and nothing may stamp it with a newer version).
        assert _get(cached.test_client(), "/schools/maple-elementary")[1] == "hit"
        db.session.commit()
    page, how = _get(client, "/schools/maple-elementary")
    assert how == "miss" and "2 Savepoint Lane" in page.get_data(as_text=True)


def test_the_keep_mark_never_reaches_the_browser(cached, make_user):
    email = make_user()
    anonymous = cached.test_client()
    signed_in = cached.test_client()
    signed_in.post("/auth/sign-in", data={"email": email, "password": PASSWORD})
    with_cookie = cached.test_client()
    with_cookie.set_cookie("session", "not-a-session")
    for client in (anonymous, anonymous, signed_in, with_cookie):
        response = client.get("/schools/maple-elementary")
        assert response.status_code == 200
        assert page_cache.STORE_HEADER not in response.headers
