"""Shared phone-quality rules: what error pages may claim, money and numbers by region, the
fallback language of user-entered text, and compression."""

import gzip

import pytest
from flask import g

from portal.extensions import db as _db
from portal.models import District


def _failing_post(clean_app, commit_first: bool):
    from portal.permissions import public

    original = clean_app.view_functions["auth.sign_in"]

    @public  # a view must declare who may open it (portal/access.py refuses it otherwise)
    def boom():
        if commit_first:
            district = District.current()
            district.name = "Renamed before the failure"
            _db.session.commit()
        raise RuntimeError("secret internal detail")

    clean_app.config["PROPAGATE_TEST_ERRORS"] = False
    clean_app.view_functions["auth.sign_in"] = boom
    try:
        return clean_app.test_client().post("/auth/sign-in?lang=es", data={})
    finally:
        clean_app.view_functions["auth.sign_in"] = original
        clean_app.config["PROPAGATE_TEST_ERRORS"] = True


@pytest.mark.parametrize("commit_first", [True, False])
def test_an_error_page_says_nothing_was_saved_only_when_nothing_was(
    clean_app, district, commit_first
):
    with clean_app.test_request_context(headers={"Accept-Language": "en"}):
        from portal.errors import ROLLED_BACK, SAVED_BEFORE_ERROR

        saved, rolled_back = str(SAVED_BEFORE_ERROR), str(ROLLED_BACK)
    response = _failing_post(clean_app, commit_first)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in body
    with clean_app.app_context():
        renamed = District.current().name == "Renamed before the failure"
    assert renamed is commit_first
    # The page is in Spanish, so compare with the catalog's Spanish, not the English source.
    with clean_app.test_request_context("/?lang=es"):
        g.chosen_locale = "es"
        from flask_babel import force_locale

        with force_locale("es"):
            saved, rolled_back = str(SAVED_BEFORE_ERROR), str(ROLLED_BACK)
    from html import unescape

    text = unescape(body)
    if commit_first:
        assert saved in text and rolled_back not in text
    else:
        assert rolled_back in text and saved not in text


@pytest.mark.parametrize(
    ("language", "region", "cents", "exact", "expected"),
    [
        ("es", "US", 222469800, False, "$2,224,698"),
        ("zh_Hans", "US", 222469800, False, "$2,224,698"),
        ("vi", "US", 222469800, False, "$2,224,698"),
        ("ar", "US", 222469800, False, "$2,224,698"),
        ("en", "US", 741235, False, "$7,412.35"),
        ("es", "US", 500000, True, "$5,000.00"),
        ("en", "US", -12000, False, "-$120"),
        ("es", "MX", 222469800, False, "USD2,224,698"),
        ("fr", "CA", 222469800, True, "2 224 698,00 $ US"),
    ],
)
def test_money_follows_the_district_region_not_the_reader_language(
    app, language, region, cents, exact, expected
):
    from flask_babel import force_locale

    from portal import formatting

    with app.test_request_context():
        g.district = District(currency="USD", region=region)
        with force_locale(language):
            shown = formatting.money_exact(cents) if exact else formatting.money(cents)
    assert shown.replace("\xa0", " ") == expected


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_text_is_compressed_when_the_browser_asks(client, district, encoding):
    import brotli

    from portal.web import static_url

    with client.application.test_request_context():
        assets = [static_url("app.css"), static_url("htmx-2.0.11.min.js")]
    for path in ["/", "/privacy", "/bulletins/feed.xml", *assets]:
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        packed = client.get(path, headers={"Accept-Encoding": encoding})
        assert plain.status_code == packed.status_code == 200, path
        assert "Content-Encoding" not in plain.headers, path
        assert "Accept-Encoding" in packed.headers["Vary"], path
        if len(plain.get_data()) < 500:  # not worth a compression header
            assert "Content-Encoding" not in packed.headers, path
            continue
        assert packed.headers["Content-Encoding"] == encoding, path
        assert "Accept-Encoding" in packed.headers["Vary"], path
        body = packed.get_data()
        unpacked = gzip.decompress(body) if encoding == "gzip" else brotli.decompress(body)
        assert len(body) < len(unpacked), path
        if "static" not in path:
            continue
        assert unpacked == plain.get_data(), path


def _assert_kept(body: str, typed: dict, error_ids: list[str]):
    """Every typed value is back in the page; the summary links to each field in error and each
    field says what is wrong beside it."""
    from html import unescape

    page = unescape(body)
    for name, value in typed.items():
        assert value in page, f"{name}: {value!r} was lost"
    assert 'class="form-errors error-summary"' in body
    for field_id in error_ids:
        assert f'href="#{field_id}"' in body, f"summary has no link to {field_id}"
        assert f'id="{field_id}-error"' in body, f"no message beside {field_id}"


def test_rejected_staff_forms_in_the_workspace_keep_everything_typed(login_as):
    from portal.models import Role

    admin = login_as(Role.ADMIN)
    cases = [
        (
            "/manage/users/new",
            {
                "name": "Ngọc Trần",
                "email": "not-an-address",
                "preferred_locale": "vi",
                "roles": "principal",
            },
            ["email"],
            ["Ngọc Trần", "not-an-address"],
        ),
        (
            "/manage/schools/new",
            {
                "name": "Escuela Nueva",
                "slug": "Not A Slug!",
                "level": "middle",
                "address": "12 Calle Sol",
                "enrollment": "lots",
                "source_locale": "es",
                "description_es": "Una escuela pequeña con mucho corazón.",
                "description_en": "A small school with a big heart.",
            },
            ["slug", "enrollment"],
            [
                "Escuela Nueva",
                "Not A Slug!",
                "12 Calle Sol",
                "Una escuela pequeña con mucho corazón.",
                "A small school with a big heart.",
            ],
        ),
        (
            "/manage/district",
            {
                "name": "Renamed District",
                "default_locale": "es",
                "region": "US",
                "timezone": "Mars/Olympus_Mons",
                "small_cell_threshold": "3",
                "tagline_es": "Planes en lenguaje claro.",
                "tagline_vi": "Kế hoạch bằng ngôn ngữ dễ hiểu.",
            },
            ["small_cell_threshold"],
            [
                "Renamed District",
                "Mars/Olympus_Mons",
                "Planes en lenguaje claro.",
                "Kế hoạch bằng ngôn ngữ dễ hiểu.",
            ],
        ),
    ]
    for path, data, error_ids, shown in cases:
        response = admin.post(path, data=data)
        assert response.status_code == 422, path
        _assert_kept(response.get_data(as_text=True), {v: v for v in shown}, error_ids)


def test_rejected_sign_in_keeps_the_address(client, district):
    response = client.post("/auth/sign-in", data={"email": "nobody@example.test", "password": "x"})
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 401, 422)
    assert 'value="nobody@example.test"' in body


def test_month_names_stay_in_each_reader_language_whatever_came_before(app):
    """Babel 2.18 caches stand-alone month names across locales ("LLLL"): one Chinese page and
    every later reader saw "九月". Months go through formatting.month, which does not."""
    from datetime import date

    from flask_babel import force_locale

    from portal import formatting

    expected = {
        "zh_Hans": "2026年9月",
        "es": "septiembre de 2026",
        "ar": "سبتمبر 2026",
        "vi": "tháng 9 năm 2026",
        "en": "September 2026",
    }
    with app.test_request_context():
        for _round in range(2):
            for locale, text in expected.items():
                with force_locale(locale):
                    assert formatting.month(date(2026, 9, 1)) == text, locale


def test_no_stand_alone_month_patterns():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "portal"
    for source in [*root.rglob("*.py"), *root.rglob("*.html")]:
        assert not re.search(r"[\"'][^\"']*\bLLLL?\b", source.read_text()), source


def test_every_page_has_a_description_an_icon_and_attributes_that_reach_the_browser(
    client, district, login_as
):
    """Attributes passed through macros arrive as attributes (`autocomplete="email"`, not
    `autocomplete=&#34;email&#34;`), and every page has a meta description and an icon."""
    import re

    from portal.models import Role

    anonymous = ["/", "/privacy", "/schools/maple-elementary", "/bulletins", "/bulletins/subscribe"]
    principal = login_as(Role.PRINCIPAL)
    pages = [(client, p) for p in anonymous] + [
        (principal, "/manage/"),
        (principal, "/manage/schools/maple-elementary/plan"),
    ]
    for who, path in pages:
        body = who.get(path).get_data(as_text=True)
        assert not re.search(r"\s[a-z-]+=&#3[49];", body), f"{path}: an attribute arrived escaped"
        assert re.search(r'<meta name="description" content="[^"]{20,}">', body), path
        assert 'rel="icon"' in body, path
    subscribe = client.get("/bulletins/subscribe").get_data(as_text=True)
    assert 'autocomplete="email"' in subscribe
    assert client.get("/favicon.ico").status_code == 301


def test_names_inside_translated_sentences_keep_their_own_direction(client, district):
    """In Arabic, "Calendar: Maple Elementary" must not come apart around the Latin name."""
    body = client.get("/schools/maple-elementary/calendar?lang=ar").get_data(as_text=True)
    assert "<bdi>Maple Elementary</bdi>" in body
    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<bdi>" not in title and "&lt;bdi" not in title
