"""Signing in and out, throttling, revocable sessions, CSRF, tampered cookies."""

from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import LoginSession, Role, SignInAttempt, User
from portal.models.base import utcnow
from tests.conftest import PASSWORD, sign_in, visible_text


def test_sign_in_and_out(client, make_user):
    email = make_user(Role.DISTRICT)
    response = sign_in(client, email)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/manage/")
    assert client.get("/manage/").status_code == 200
    response = client.post("/auth/sign-out")
    assert response.status_code == 303
    assert client.get("/manage/").status_code == 302


def test_sign_out_revokes_the_session_server_side(clean_app, make_user, ctx):
    email = make_user(Role.ADMIN)
    c = clean_app.test_client()
    sign_in(c, email)
    stolen_cookie = c.get_cookie("session").value
    c.post("/auth/sign-out")
    thief = clean_app.test_client()
    thief.set_cookie("session", stolen_cookie)
    assert thief.get("/manage/").status_code == 302
    with ctx() as session:
        assert session.query(LoginSession).filter(LoginSession.revoked_at.is_(None)).count() == 0


def test_wrong_password_is_refused_without_saying_which_field(client, make_user):
    email = make_user(Role.DISTRICT)
    response = sign_in(client, email, "wrong password")
    assert response.status_code == 422
    page = visible_text(response.get_data(as_text=True))
    assert "do not match an account" in page
    assert client.get("/manage/").status_code == 302
    unknown = sign_in(client, "nobody@example.test", "whatever")
    assert "do not match an account" in unknown.get_data(as_text=True)


def test_form_errors_are_shown_beside_the_field_in_the_users_language(client, district):
    response = client.post("/auth/sign-in?lang=es", data={"email": "not-an-email", "password": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and 'aria-describedby="email-error"' in html
    assert 'id="password-error"' in html
    assert "Enter your password." not in html  # translated


def test_repeated_failures_lock_the_address_for_a_while(client, make_user, ctx):
    email = make_user(Role.DISTRICT)
    for _ in range(5):
        assert sign_in(client, email, "bad guess").status_code == 422
    locked = sign_in(client, email)  # even the right password is refused while locked
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.get_data(as_text=True)
    with ctx() as session:
        # Age the failures past the window: the address may try again.
        for attempt in session.query(SignInAttempt):
            attempt.attempted_at = utcnow() - timedelta(minutes=16)
        session.commit()
    assert sign_in(client, email).status_code == 303


def test_failures_are_stored_without_the_client_address(client, make_user, ctx):
    email = make_user(Role.DISTRICT)
    sign_in(client, email, "bad guess")
    with ctx() as session:
        attempt = session.query(SignInAttempt).one()
        assert attempt.client != "127.0.0.1" and len(attempt.client) == 64


def test_inactive_accounts_cannot_sign_in(client, make_user):
    email = make_user(Role.DISTRICT, active=False)
    assert sign_in(client, email).status_code == 422


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_next_parameter_cannot_redirect_off_site(client, make_user, target):
    email = make_user(Role.DISTRICT)
    response = client.post(
        "/auth/sign-in", query_string={"next": target}, data={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/manage/")


def test_next_parameter_returns_to_the_page_asked_for(client, make_user):
    email = make_user(Role.ADMIN)
    assert client.get("/manage/users").headers["Location"].startswith("/auth/sign-in?next=")
    response = client.post(
        "/auth/sign-in?next=/manage/users", data={"email": email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/manage/users"


def test_tampered_session_cookie_means_signed_out_not_an_error(client, make_user):
    sign_in(client, make_user(Role.ADMIN))
    value = client.get_cookie("session").value
    client.set_cookie("session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    response = client.get("/manage/")
    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]


def test_missing_csrf_token_is_a_clear_400(clean_app, make_user, monkeypatch):
    email = make_user(Role.DISTRICT)
    monkeypatch.setitem(clean_app.config, "WTF_CSRF_ENABLED", True)
    c = clean_app.test_client()
    response = c.post("/auth/sign-in?lang=es", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="es"' in html and "Traceback" not in html
    # With the token from the form, the same sign-in works.
    import re

    page = c.get("/auth/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = c.post("/auth/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 303


def test_list_and_revoke_my_other_devices(clean_app, make_user, ctx):
    email = make_user(Role.COMMS)
    phone, laptop = clean_app.test_client(), clean_app.test_client()
    sign_in(phone, email)
    sign_in(laptop, email)
    page = laptop.get("/auth/sessions").get_data(as_text=True)
    assert "This device" in page and "Sign out this device" in page
    assert laptop.post("/auth/sessions/revoke-others").status_code == 303
    assert phone.get("/manage/").status_code == 302
    assert laptop.get("/manage/").status_code == 200


def test_cannot_revoke_someone_elses_session(clean_app, make_user, ctx):
    a, b = make_user(Role.COMMS), make_user(Role.COMMS)
    ca, cb = clean_app.test_client(), clean_app.test_client()
    sign_in(ca, a)
    sign_in(cb, b)
    with ctx() as session:
        other = session.query(LoginSession).join(User).filter(User.email == b).one().id
    assert ca.post(f"/auth/sessions/{other}/revoke").status_code == 404
    assert cb.get("/manage/").status_code == 200


def test_expired_sessions_sign_out(client, make_user, ctx):
    sign_in(client, make_user(Role.COMMS))
    with ctx() as session:
        session.query(LoginSession).one().expires_at = utcnow() - timedelta(seconds=1)
        session.commit()
    assert client.get("/manage/").status_code == 302


def test_prune_deletes_only_old_security_records(clean_app, client, make_user, ctx):
    email = make_user(Role.COMMS)
    sign_in(client, email, "bad guess")
    sign_in(client, email)
    with ctx() as session:
        old = SignInAttempt(
            email=email, client="x" * 64, attempted_at=utcnow() - timedelta(days=31)
        )
        session.add(old)
        session.commit()
    result = clean_app.test_cli_runner().invoke(args=["prune"])
    assert result.exit_code == 0, result.output
    assert "sign-in attempts: 1 deleted" in result.output
    assert "ended sign-in sessions: 0 deleted" in result.output
    with ctx() as session:
        assert session.query(SignInAttempt).count() == 2
        assert session.query(LoginSession).count() == 1
    assert client.get("/manage/").status_code == 200  # the live session survived


def test_proxy_headers_are_trusted_only_when_configured(clean_app):
    from flask import request

    from portal import create_app
    from portal.permissions import public

    seen = {}
    for proxies in (0, 1):
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": clean_app.config["SQLALCHEMY_DATABASE_URI"],
                "TRUSTED_PROXIES": proxies,
            }
        )
        app.add_url_rule("/_addr", "addr", public(lambda: request.remote_addr))
        response = app.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.9"})
        seen[proxies] = response.get_data(as_text=True)
        with app.app_context():
            db.engine.dispose()
    assert seen == {0: "127.0.0.1", 1: "203.0.113.9"}


def test_signing_a_device_out_twice_keeps_it_signed_out(clean_app, make_user, ctx):
    email = make_user(Role.COMMS)
    phone, laptop = clean_app.test_client(), clean_app.test_client()
    sign_in(phone, email)
    sign_in(laptop, email)
    with ctx() as session:
        row = session.query(LoginSession).order_by(LoginSession.id).first()
        phone_id, revoked_before = row.id, row.revoked_at
    assert revoked_before is None
    assert laptop.post(f"/auth/sessions/{phone_id}/revoke").status_code == 303
    with ctx() as session:
        first = session.get(LoginSession, phone_id).revoked_at
    assert laptop.post(f"/auth/sessions/{phone_id}/revoke").status_code == 303  # no error
    with ctx() as session:
        assert session.get(LoginSession, phone_id).revoked_at == first  # not signed out again
    assert phone.get("/manage/").status_code == 302
    assert laptop.get("/manage/").status_code == 200


def test_an_overlong_next_parameter_goes_to_the_workspace(client, make_user):
    email = make_user(Role.DISTRICT)
    response = client.post(
        "/auth/sign-in",
        query_string={"next": "/manage/" + "x" * 3000},
        data={"email": email, "password": PASSWORD},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/manage/")
