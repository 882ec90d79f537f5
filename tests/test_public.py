"""Public pages: home with school search, school overview, privacy, health, errors."""

import re

from portal.extensions import db
from portal.models import District
from tests.conftest import hx, visible_text


def test_home_lists_the_districts_schools(client, district):
    response = client.get("/")
    assert response.status_code == 200
    page = visible_text(response.get_data(as_text=True))
    assert "Test Valley Unified" in page
    for name in ("Maple Elementary", "Cedar Middle School", "Summit High School"):
        assert name in page
    assert "3 schools" in page


def test_search_filters_as_a_plain_get_form(client, district):
    page = client.get("/?q=cedar").get_data(as_text=True)
    assert "Cedar Middle School" in page
    assert "Maple Elementary" not in page
    assert "<html" in page  # without JavaScript the whole page comes back


def test_search_matches_street_and_level_and_escapes_wildcards(client, district):
    assert "Summit High School" in client.get("/?q=summit+rd").get_data(as_text=True)
    by_level = client.get("/?level=middle").get_data(as_text=True)
    assert "Cedar Middle School" in by_level and "Maple Elementary" not in by_level
    assert "No school matches" in client.get("/?q=%25").get_data(as_text=True)
    assert "No school matches" in client.get("/?q=_").get_data(as_text=True)


def test_search_returns_only_the_fragment_to_htmx(client, district):
    response = client.get("/?q=maple", headers=hx("school-list"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="school-list"')
    assert "Maple Elementary" in body and "Cedar Middle School" not in body
    assert {"HX-Request", "HX-Target"} <= set(response.vary)


def test_boosted_navigation_gets_the_full_page(client, district):
    body = client.get("/?q=maple", headers=hx("school-list", boosted=True)).get_data(as_text=True)
    assert "<html" in body


def test_school_page(client, district):
    response = client.get("/schools/maple-elementary")
    assert response.status_code == 200
    page = visible_text(response.get_data(as_text=True))
    assert "Maple Elementary" in page
    assert "About Maple Elementary." in page
    assert "412" in page


def test_unknown_school_is_a_friendly_404_in_the_readers_language(client, district):
    response = client.get("/schools/no-such-school?lang=es")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="es"' in page
    assert "Traceback" not in page


def test_privacy_page_says_what_is_collected(client, district):
    response = client.get("/privacy")
    assert response.status_code == 200
    page = visible_text(response.get_data(as_text=True))
    for phrase in ("lang", "one-way scrambled code", "30 days", "No tracking"):
        assert phrase in page


def test_healthz_reports_the_database(client, district):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_reports_an_unreachable_database():
    from portal import create_app

    broken = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/never/here.sqlite3",
            "TESTING": True,
        }
    )
    response = broken.test_client().get("/healthz")
    with broken.app_context():
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_anonymous_pages_are_publicly_cacheable_and_vary_on_language(client, district):
    response = client.get("/schools/maple-elementary")
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert {"Cookie", "Accept-Language", "HX-Request", "HX-Target"} <= set(response.vary)
    assert "Set-Cookie" not in response.headers


def test_signed_in_pages_are_never_cached(login_as, district):
    from portal.models import Role

    c = login_as(Role.ADMIN)
    assert c.get("/").headers["Cache-Control"] == "private, no-store"
    assert c.get("/manage/").headers["Cache-Control"] == "private, no-store"


def test_security_headers_allow_a_strict_csp(client, district):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler found"
    assert "//cdn" not in html and "https://" not in html


def test_static_assets_are_versioned_and_long_cached(client, district):
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'src="(/static/htmx-2\.0\.11\.min\.js\?v=[0-9a-f]{12})"', html)
    assert match
    with client.get(match.group(1)) as response:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]


def test_oversized_request_body_is_refused_with_413(client, district, clean_app):
    big = "x" * (clean_app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post("/auth/sign-in", data={"email": big, "password": "x"})
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


def test_wrong_method_is_405_page(client, district):
    response = client.post("/privacy")
    assert response.status_code == 405
    assert "Not allowed" in response.get_data(as_text=True)


def test_home_without_a_district_says_so(client, ctx):
    with ctx() as session:
        assert session.query(District).count() == 0
    response = client.get("/")
    assert response.status_code == 503
    assert "no district yet" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_friendly_500_without_a_trace(clean_app, district):
    from werkzeug.exceptions import InternalServerError  # noqa: F401

    from portal.permissions import public

    clean_app.config["PROPAGATE_TEST_ERRORS"] = False
    try:
        original = clean_app.view_functions["public.privacy"]

        @public  # a view must declare who may open it (portal/access.py refuses it otherwise)
        def boom():
            raise RuntimeError("secret internal detail")

        clean_app.view_functions["public.privacy"] = boom
        response = clean_app.test_client().get("/privacy?lang=es")
    finally:
        clean_app.view_functions["public.privacy"] = original
        clean_app.config["PROPAGATE_TEST_ERRORS"] = True
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in body and "Traceback" not in body
    assert '<html lang="es"' in body
