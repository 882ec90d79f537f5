"""Issue 14 item 3: bounded PDFs. Every PDF has a page cap and a time limit and is refused with a
clear page; a request prints a few paper sheets at most; anonymous PDF requests are rate limited
(all PDF routes together); staff packets are made in the background (tests/test_trust_packets.py)
and the attack against a real gunicorn lives in tests/test_trust_pdf_attack.py."""

import contextlib
import logging
import signal

import pytest
from flask_babel import force_locale

from portal.extensions import limiter
from portal.models import Role
from portal.pdf import PdfTookTooLong, time_limit
from portal.responses import PDF_TOO_SLOW
from portal.services import survey_codes
from tests.conftest import pdf_text, visible_text


@pytest.fixture
def fresh_limits(clean_app):
    """Rate-limit counters emptied before and after (every test client is 127.0.0.1)."""
    with clean_app.app_context():
        limiter.reset()
    yield
    with clean_app.app_context():
        limiter.reset()


@pytest.fixture
def app_log(clean_app, caplog, monkeypatch):
    """The app's log records (Alembic's logging setup disables loggers that existed before a
    migration run, as the app's does when the PostgreSQL app is built after the SQLite one)."""
    monkeypatch.setattr(clean_app.logger, "disabled", False)
    with caplog.at_level(logging.INFO):
        yield caplog


def _page(response) -> str:
    assert response.mimetype == "text/html"
    text = visible_text(response.get_data(as_text=True))
    assert "Traceback" not in text
    return text


# --- page cap and time limit ----------------------------------------------------------------


def test_a_document_over_the_page_cap_is_refused_with_a_page(
    client, survey_id, clean_app, monkeypatch, app_log, fresh_limits
):
    monkeypatch.setitem(clean_app.config, "PDF_MAX_PAGES", 1)
    response = client.get("/surveys/ssfr-test/paper.pdf?count=1")
    assert response.status_code == 413
    assert "longer than we can make in one go" in _page(response)
    assert response.headers["Cache-Control"] == "private, no-store"
    logged = [r.getMessage() for r in app_log.records]
    assert any("PDF refused" in line and "pages" in line for line in logged)


def test_a_document_within_the_cap_is_sent(client, survey_id, clean_app, tmp_path, fresh_limits):
    response = client.get("/surveys/ssfr-test/paper.pdf?first=3&count=2")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    for n in (3, 4):
        assert survey_codes.sheet_code(clean_app.secret_key, survey_id, n) in text


def test_a_document_past_the_time_limit_is_refused_and_the_alarm_is_cleared(
    client, survey_id, clean_app, monkeypatch, app_log, fresh_limits
):
    monkeypatch.setitem(clean_app.config, "PDF_TIME_LIMIT_SECONDS", 0.01)
    response = client.get("/surveys/ssfr-test/paper.pdf?count=1&lang=es")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert 'lang="es"' in page
    with clean_app.test_request_context("/?lang=es"), force_locale("es"):
        expected = str(PDF_TOO_SLOW)  # the catalog's Spanish
    assert expected in _page(response)
    assert any("still rendering after" in r.getMessage() for r in app_log.records)
    # Nothing is left ringing: the next document is made normally.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    monkeypatch.setitem(clean_app.config, "PDF_TIME_LIMIT_SECONDS", 30)
    assert client.get("/surveys/ssfr-test/paper.pdf?count=1").status_code == 200


def test_the_time_limit_cannot_be_swallowed_by_a_broad_except():
    """WeasyPrint catches Exception around images and fonts; the alarm gets through anyway."""
    import time

    started = time.monotonic()
    with pytest.raises(PdfTookTooLong), time_limit(0.05):
        while time.monotonic() - started < 5:
            # What a careless library does: swallow every Exception and go on.
            with contextlib.suppress(Exception):
                time.sleep(0.01)
    assert time.monotonic() - started < 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_time_limit_off_the_main_thread_but_no_error_either():
    """On another thread no alarm can be set: the block runs (bounded by the caps only)."""
    import threading

    ran = []

    def body():
        with time_limit(0.01):
            ran.append(True)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(5)
    assert ran == [True]


# --- sheets per request ---------------------------------------------------------------------


def test_anonymous_visitors_get_a_few_sheets_and_are_told_to_ask_the_school(
    client, survey_id, clean_app, monkeypatch, tmp_path, fresh_limits
):
    monkeypatch.setitem(clean_app.config, "PAPER_SHEETS_PER_REQUEST", 3)
    refused = client.get("/surveys/ssfr-test/paper.pdf?first=11&count=500")
    assert refused.status_code == 413
    text = _page(refused)
    assert "at most 3 sheets" in text and "school office" in text
    assert "/surveys/ssfr-test/paper.pdf?first=11&amp;count=3" in refused.get_data(as_text=True)
    allowed = client.get("/surveys/ssfr-test/paper.pdf?first=11&count=3")
    assert allowed.status_code == 200
    codes = [survey_codes.sheet_code(clean_app.secret_key, survey_id, n) for n in (11, 12, 13)]
    text = pdf_text(allowed.data, tmp_path)
    assert all(code in text for code in codes)
    assert survey_codes.sheet_code(clean_app.secret_key, survey_id, 14) not in text


def test_the_sheet_cap_holds_by_default(client, survey_id, fresh_limits):
    assert client.get("/surveys/ssfr-test/paper.pdf?count=21").status_code == 413
    assert client.get("/surveys/ssfr-test/paper.pdf?count=500").status_code == 413


@pytest.mark.parametrize("query", ["count=abc", "count=0", "first=0", "first=99999999", "count=-5"])
def test_nonsense_sheet_numbers_are_a_bad_request(client, survey_id, query, fresh_limits):
    assert client.get(f"/surveys/ssfr-test/paper.pdf?{query}").status_code == 400


def test_other_staff_are_capped_too_district_staff_are_sent_to_packets(
    survey_id, login_as, fresh_limits
):
    principal = login_as(Role.PRINCIPAL)
    assert principal.get("/surveys/ssfr-test/paper.pdf?count=500").status_code == 413
    staff = login_as(Role.DISTRICT)
    sent = staff.get("/surveys/ssfr-test/paper.pdf?first=21&count=500")
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(
        f"/manage/surveys/{survey_id}/packets?first=21&count=500"
    )
    form = staff.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'name="count"' in form and 'value="500"' in form and 'value="21"' in form


# --- rate limit -----------------------------------------------------------------------------


def _public_pdf_paths(app) -> list[str]:
    """Every public PDF route, with made-up arguments (the limit answers before the view)."""
    samples = {"slug": "x", "number": 1, "year": 2026, "month": 1}
    paths = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            view = app.view_functions[rule.endpoint]
            if rule.rule.endswith(".pdf") and getattr(view, "is_public", False):
                paths.append(url_for(rule.endpoint, **{a: samples[a] for a in rule.arguments}))
    return paths


def test_every_public_pdf_route_shares_one_anonymous_rate_limit(
    clean_app, survey_id, monkeypatch, login_as, fresh_limits
):
    monkeypatch.setitem(clean_app.config, "PDF_RATE_LIMIT", "2 per hour")
    paths = _public_pdf_paths(clean_app)
    assert len(paths) >= 6, paths  # paper, plan, plan version, signatures, bulletin, month
    visitor = clean_app.test_client()
    assert visitor.get("/surveys/ssfr-test/paper.pdf").status_code == 200
    assert visitor.get("/surveys/ssfr-test/paper.pdf?first=2").status_code == 200
    for path in paths:
        # A new client (no cookie) from the same address: still counted.
        response = clean_app.test_client().get(path + "?lang=es")
        assert response.status_code == 429, path
        assert 'lang="es"' in response.get_data(as_text=True)
        assert "Traceback" not in response.get_data(as_text=True)
    # Pages that are not PDFs are not counted.
    assert visitor.get("/surveys/ssfr-test").status_code == 200
    # Signed-in staff are not counted, from the same address.
    staff = login_as(Role.DISTRICT)
    assert staff.get("/surveys/ssfr-test/paper.pdf").status_code == 200
