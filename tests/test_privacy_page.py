"""/privacy lists every kind of personal data in the retention registry, with what, why, who and
how long, the "how long" read from the same settings `flask purge` uses; every table is either
one of those kinds or declared free of personal data; /.well-known/security.txt comes from the
district's setting."""

import re

import pytest

from portal.extensions import db
from portal.services import retention
from tests.conftest import visible_text


def _section(page: str, key: str) -> str:
    found = re.search(rf'<li class="card kept" id="{key}">.*?</li>', page, re.S)
    assert found, f"no section for {key}"
    return visible_text(found.group(0))


def test_every_kind_is_on_the_page_with_its_four_answers(client, district):
    response = client.get("/privacy")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    with client.application.test_request_context():
        kinds = [(k.key, str(k.title), str(k.who), k.kept_text()) for k in retention.kinds()]
    keys = {key for key, *_ in kinds}
    for required in (
        "survey_answers",
        "staff_accounts",
        "two_factor",
        "sessions",
        "sign_in_records",
        "subscribers",
        "public_comments",
        "committee_members",
        "interview_records",
        "audit_log",
        "rate_limits",
        "document_jobs",
        "server_logs",
    ):
        assert required in keys
    for key, title, who, kept in kinds:
        text = _section(page, key)
        for label in ("What", "Why", "Who sees it", "How long"):
            assert label in text, (key, label)
        assert title in text and who in text and kept in text, key


def test_the_retention_shown_is_the_setting_purge_uses(client, district, clean_app, monkeypatch):
    timed = [k for k in retention.kinds() if k.setting]
    for kind in timed:
        monkeypatch.setitem(clean_app.config, kind.setting, 47)
    page = client.get("/privacy").get_data(as_text=True)
    for kind in timed:
        assert "47 days" in _section(page, kind.key), kind.key
    monkeypatch.setitem(clean_app.config, "INTERVIEW_RETENTION_DAYS", 1)
    assert "1 day after the interview" in _section(
        client.get("/privacy").get_data(as_text=True), "interview_records"
    )


def test_every_table_is_classified(clean_app):
    """A new table must say whether it holds personal data (and then join a kind, with its
    retention) before it ships."""
    personal = {table for kind in retention.kinds() for table in kind.tables}
    assert not personal & retention.NOT_PERSONAL
    unclassified = set(db.metadata.tables) - personal - retention.NOT_PERSONAL - {"alembic_version"}
    assert not unclassified, f"add these to a kind or NOT_PERSONAL: {sorted(unclassified)}"


def test_the_page_in_spanish(client, district):
    page = client.get("/privacy?lang=es").get_data(as_text=True)
    assert '<html lang="es"' in page
    assert page.count('class="card kept"') == len(retention.kinds())


@pytest.mark.parametrize("contact", ["mailto:security@district.example", "https://d.example/s"])
def test_security_txt_from_the_setting(client, district, clean_app, monkeypatch, contact):
    monkeypatch.setitem(clean_app.config, "SECURITY_CONTACT", contact)
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "Set-Cookie" not in response.headers
    body = response.get_data(as_text=True)
    assert f"Contact: {contact}\n" in body
    assert re.search(r"^Expires: \d{4}-\d\d-\d\dT00:00:00Z$", body, re.M)
    assert contact.replace("mailto:", "") in client.get("/privacy").get_data(as_text=True)


@pytest.mark.parametrize("contact", [None, "", "javascript:alert(1)", "security@x.example"])
def test_no_security_txt_without_a_usable_contact(
    client, district, clean_app, monkeypatch, contact
):
    monkeypatch.delenv("SECURITY_CONTACT", raising=False)
    monkeypatch.setitem(clean_app.config, "SECURITY_CONTACT", contact)
    assert client.get("/.well-known/security.txt").status_code == 404
    assert "javascript:" not in client.get("/privacy").get_data(as_text=True)
