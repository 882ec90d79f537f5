"""Invitations and password resets by e-mail: one-time links on PUBLIC_BASE_URL, sent through
the outbox, in the person's language; "Forgot your password?" answers the same for any
address."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, LoginSession, OutboxMessage, Role, User
from portal.models.account_tokens import AccountToken
from portal.models.base import utcnow
from portal.services import account_links
from portal.services.invitations import invite_user, request_reset
from tests.conftest import sign_in

NEW_PASSWORD = "purple giraffe umbrella"


def _user(email):
    return db.session.scalars(select(User).where(User.email == email)).one()


def _token(body: str) -> str:
    return re.search(r"/auth/set-password/([\w-]+)", body).group(1)


def test_invite_user_queues_a_message_with_a_working_link(clean_app, make_user, ctx):
    email = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    with ctx(), clean_app.test_request_context():
        user = _user(email)
        message = invite_user(user, None)
        db.session.commit()
        assert isinstance(message, OutboxMessage) and message.to_address == email
        assert clean_app.config["PUBLIC_BASE_URL"] + "/auth/set-password/" in message.body_text
        token = _token(message.body_text)
        assert account_links.find(token) is not None
        row = db.session.scalars(select(AccountToken)).one()
        assert token not in row.token_hash and row.purpose == "invitation"


# --- a real SMTP server on 127.0.0.1 ----------------------------------------------------------


@pytest.fixture
def smtp_sink():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
            return "250 OK"

    handler = Sink()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        handler.port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def _send_outbox(app, monkeypatch, port):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0 and "Sent" in result.output, result.output


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _path(app, body: str) -> str:
    link = re.search(r"https?://\S+/auth/set-password/[\w-]+", body).group(0)
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/")
    return link.removeprefix(app.config["PUBLIC_BASE_URL"])


def _new_account(admin, **overrides):
    data = {
        "name": "Lucía Ramírez",
        "email": "lucia@example.test",
        "preferred_locale": "es",
        "roles": ["comms"],
        "is_active": "y",
    }
    return admin.post("/manage/users/new", data=data | overrides)


def test_an_invitation_in_spanish_over_smtp_whose_link_works_once(
    clean_app, login_as, ctx, smtp_sink, monkeypatch
):
    admin = login_as(Role.ADMIN)
    response = _new_account(admin)
    assert response.status_code == 303
    with ctx() as session:
        user = _user("lucia@example.test")
        assert not user.password_hash.startswith("$argon2")
        row = session.scalars(select(OutboxMessage)).one()
        assert row.to_address == "lucia@example.test"
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "account.invitation_sent")
        ).one()
        assert audit.object_id == user.id
    _send_outbox(clean_app, monkeypatch, smtp_sink.port)
    [message] = smtp_sink.messages
    assert message["To"] == "lucia@example.test"
    body = _body(message)
    # In her language (Babel's force_locale): the date is written in Spanish. The sentences
    # are Spanish once the lead's translations are compiled.
    with ctx():
        expires = db.session.scalars(select(AccountToken)).one().expires_at
    months = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre"
    assert any(f"de {name}" in body for name in (*months.split(), "diciembre")), body
    assert str(expires.year) in body
    path = _path(clean_app, body)
    token = path.rsplit("/", 1)[1]
    with ctx() as session:
        assert all(token not in str(e.detail) for e in session.scalars(select(AuditEntry)))
        assert all(token not in r.token_hash for r in session.scalars(select(AccountToken)))

    person = clean_app.test_client()
    page = person.get(path)
    assert page.status_code == 200 and "lucia@example.test" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    mismatch = person.post(path, data={"password": NEW_PASSWORD, "confirm": "something else"})
    assert mismatch.status_code == 422
    done = person.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert person.get("/manage/").status_code == 200  # signed in
    with ctx() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
        assert "account.password_set_via_link" in actions
    # Second use: refused, with a way to ask for a new link.
    again = clean_app.test_client().post(
        path, data={"password": "another fine passphrase", "confirm": "another fine passphrase"}
    )
    assert again.status_code == 410
    text = again.get_data(as_text=True)
    assert "This link has expired or was already used" in text and "/auth/forgot" in text
    assert sign_in(clean_app.test_client(), "lucia@example.test", NEW_PASSWORD).status_code == 303
    # The second password was never set.
    refused = clean_app.test_client()
    assert sign_in(refused, "lucia@example.test", "another fine passphrase").status_code == 422


def test_resending_an_invitation_replaces_the_old_link(clean_app, login_as, ctx):
    admin = login_as(Role.ADMIN)
    _new_account(admin, preferred_locale="en")
    with ctx() as session:
        first = session.scalars(select(OutboxMessage)).one().body_text
        user_id = _user("lucia@example.test").id
    assert admin.get(f"/manage/users/{user_id}").status_code == 200
    assert "Send a new link" in admin.get(f"/manage/users/{user_id}").get_data(as_text=True)
    assert admin.post(f"/manage/users/{user_id}/invite").status_code == 303
    with ctx() as session:
        bodies = [m.body_text for m in session.scalars(select(OutboxMessage).order_by("id"))]
    assert len(bodies) == 2
    old, new = _path(clean_app, first), _path(clean_app, bodies[1])
    assert clean_app.test_client().get(old).status_code == 410
    assert clean_app.test_client().get(new).status_code == 200
    # Only an admin may send one.
    other = login_as(Role.COMMS)
    assert other.post(f"/manage/users/{user_id}/invite").status_code == 403


def test_a_deactivated_account_gets_no_link_and_its_old_link_stops(
    clean_app, make_user, ctx, login_as
):
    admin = login_as(Role.ADMIN)
    email = make_user(Role.COMMS)
    with ctx(), clean_app.test_request_context():
        message = invite_user(_user(email), None)
        db.session.commit()
        path = _path(clean_app, message.body_text)
        user = _user(email)
        user.deactivate()
        db.session.commit()
        user_id = user.id
    assert clean_app.test_client().get(path).status_code == 410
    admin.post(f"/manage/users/{user_id}/invite")
    with ctx() as session:
        assert session.query(OutboxMessage).count() == 1


def test_invitations_expire_after_7_days_with_a_frozen_clock(clean_app, make_user, ctx):
    email = make_user(Role.COMMS)
    now = utcnow()
    with ctx(), clean_app.test_request_context():
        user = _user(email)
        token, row = account_links.issue(user, "invitation", now=now)
        assert row.expires_at - row.created_at == timedelta(days=7)
        assert account_links.find(token, now=now + timedelta(days=6, hours=23)) is not None
        assert account_links.find(token, now=now + timedelta(days=7, seconds=1)) is None
        old, _row = account_links.issue(user, "invitation", now=now - timedelta(days=8))
        db.session.commit()
    assert clean_app.test_client().get(f"/auth/set-password/{old}").status_code == 410
    assert clean_app.test_client().get("/auth/set-password/not-a-token").status_code == 410


def _forgot(client, email):
    response = client.post("/auth/forgot", data={"email": email})
    return response.status_code, response.get_data(as_text=True)


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(
    clean_app, make_user, ctx, client
):
    email = make_user(Role.COMMS)
    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert 'href="/auth/forgot"' in page
    assert client.get("/auth/forgot").status_code == 200
    known = _forgot(client, email)
    unknown = _forgot(client, "nobody@example.test")
    assert known == unknown
    assert known[0] == 200 and "If this address has an account" in known[1]
    with ctx() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        assert row.to_address == email
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "account.reset_requested")
        ).one()
        token = _token(row.body_text)
        assert token not in str(audit.detail)
    bad = client.post("/auth/forgot", data={"email": "not-an-address"})
    assert bad.status_code == 422 and 'id="email-error"' in bad.get_data(as_text=True)


def test_forgot_password_is_rate_limited(clean_app, client, monkeypatch):
    monkeypatch.setitem(clean_app.config, "RESET_RATE_LIMIT", "3 per hour")
    codes = [_forgot(client, f"n{i}@example.test")[0] for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_reset_works_for_an_hour_revokes_older_links_and_signs_devices_out(
    clean_app, make_user, ctx
):
    email = make_user(Role.COMMS)
    device = clean_app.test_client()
    sign_in(device, email)
    with ctx(), clean_app.test_request_context():
        request_reset(email)
        request_reset(email)
        db.session.commit()
        first, second = [
            _path(clean_app, m.body_text)
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]
    assert clean_app.test_client().get(first).status_code == 410  # replaced by the second
    browser = clean_app.test_client()
    assert browser.get(second).status_code == 200
    done = browser.post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    # The device signed in with the old password is signed out.
    assert device.get("/manage/").status_code in (302, 303)
    with ctx() as session:
        assert session.query(LoginSession).filter(LoginSession.revoked_at.is_(None)).count() == 1
    # One hour, with a frozen clock.
    now = utcnow()
    with ctx(), clean_app.test_request_context():
        user = _user(email)
        token, row = account_links.issue(user, "reset", now=now)
        assert row.expires_at - row.created_at == timedelta(hours=1)
        assert account_links.find(token, now=now + timedelta(minutes=59)) is not None
        assert account_links.find(token, now=now + timedelta(minutes=61)) is None
        stale, _row = account_links.issue(user, "reset", now=now - timedelta(minutes=61))
        db.session.commit()
    assert clean_app.test_client().get(f"/auth/set-password/{stale}").status_code == 410


def test_the_link_is_on_public_base_url_whatever_the_request_host(
    clean_app, make_user, ctx, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "PUBLIC_BASE_URL", "https://portal.riverbend.example")
    email = make_user(Role.COMMS)
    client = clean_app.test_client()
    response = client.post(
        "/auth/forgot", data={"email": email}, headers={"Host": "localhost:8080"}
    )
    assert response.status_code == 200
    with ctx() as session:
        body = session.scalars(select(OutboxMessage)).one().body_text
    assert "https://portal.riverbend.example/auth/set-password/" in body
    assert "localhost" not in body


def test_two_step_roles_go_on_to_enrol_after_setting_the_password(
    clean_app, make_user, ctx, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "TWO_FACTOR_REQUIRED_ROLES", ("admin",))
    email = make_user(Role.ADMIN)
    with ctx(), clean_app.test_request_context():
        path = _path(clean_app, invite_user(_user(email), None).body_text)
        db.session.commit()
    person = clean_app.test_client()
    person.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    gate = person.get("/manage/users")
    assert gate.status_code == 303 and "/auth/two-step/setup" in gate.headers["Location"]
