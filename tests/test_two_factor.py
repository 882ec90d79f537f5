"""Issue 14, item 6: two-step sign-in with an authenticator app (TOTP) and recovery codes,
required for admins and facilitators, optional for other staff."""

import base64
import re

import pytest

from portal.models import AuditEntry, LoginSession, RecoveryCode, Role, TwoFactorSecret, User
from portal.services import sealing, two_factor
from tests.conftest import PASSWORD, sign_in, visible_text

NOW = 1_800_000_000.0  # a fixed clock, on a step boundary (codes do not change mid-test)


@pytest.fixture
def required(clean_app, monkeypatch):
    """Two-step sign-in required for admins and facilitators, as outside the tests."""
    monkeypatch.setitem(clean_app.config, "TWO_FACTOR_REQUIRED_ROLES", ("admin", "facilitator"))


@pytest.fixture
def clock(monkeypatch):
    """The clock codes are checked against: clock.move(seconds)."""

    class Clock:
        now = NOW

        def move(self, seconds):
            self.now += seconds

    c = Clock()
    monkeypatch.setattr(two_factor, "_now", lambda: c.now)
    return c


def _code(secret, clock, steps=0):
    return two_factor.code_at(secret, two_factor.step_at(clock.now) + steps)


def _enrol(c, clock) -> tuple[str, list[str]]:
    """Enrol through the pages; returns (secret, recovery codes)."""
    page = c.get("/auth/two-step/setup").get_data(as_text=True)
    secret = re.search(r'<code lang="en" dir="ltr">([A-Z2-7 ]+)</code>', page).group(1)
    secret = secret.replace(" ", "")
    setup = re.search(r'name="setup" type="hidden" value="([^"]+)"', page).group(1)
    done = c.post("/auth/two-step/setup", data={"setup": setup, "code": _code(secret, clock)})
    assert done.status_code == 200, done.get_data(as_text=True)
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.get_data(as_text=True))
    return secret, codes


def _enrolled_user(clean_app, make_user, clock, *roles):
    email = make_user(*roles)
    c = clean_app.test_client()
    assert sign_in(c, email).status_code == 303
    secret, codes = _enrol(c, clock)
    c.post("/auth/sign-out")
    clock.move(30)  # the next sign-in is in a later step
    return email, secret, codes


def test_the_code_follows_rfc_6238():
    secret = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B, SHA-1, T = 59 s and 1111111109 s (the last 6 of 8 digits).
    assert two_factor.code_at(secret, two_factor.step_at(59)) == "287082"
    assert two_factor.code_at(secret, two_factor.step_at(1111111109)) == "081804"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FACILITATOR])
def test_admins_and_facilitators_must_enrol_before_any_other_page(
    clean_app, make_user, required, clock, role
):
    email = make_user(role)
    c = clean_app.test_client()
    assert sign_in(c, email).status_code == 303
    for url in ("/manage/", "/auth/sessions", "/", "/readiness/"):
        response = c.get(url)
        assert response.status_code == 303 and response.headers["Location"].endswith(
            "/auth/two-step/setup"
        ), url
    assert c.post("/auth/sessions/revoke-others").headers["Location"].endswith("/setup")
    htmx = c.get("/manage/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/auth/two-step/setup"
    page = c.get("/auth/two-step/setup").get_data(as_text=True)
    assert '<img src="data:image/png;base64,' in page and "style=" not in page
    assert re.search(r"(?:[A-Z2-7]{4} ){7}[A-Z2-7]{4}", page)  # the secret in groups of four
    secret, codes = _enrol(c, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert c.get("/manage/").status_code == 200


def test_other_staff_may_enrol_but_need_not(clean_app, login_as, required):
    c = login_as(Role.COMMS)
    assert c.get("/manage/").status_code == 200
    assert "Two-step sign-in is off" in visible_text(c.get("/auth/two-step/settings").text)


def test_a_wrong_first_code_does_not_turn_it_on(clean_app, login_as, clock, ctx):
    c = login_as(Role.COMMS)
    page = c.get("/auth/two-step/setup").get_data(as_text=True)
    setup = re.search(r'name="setup" type="hidden" value="([^"]+)"', page).group(1)
    response = c.post("/auth/two-step/setup", data={"setup": setup, "code": "000000"})
    assert response.status_code == 422 and 'id="code-error"' in response.text
    with ctx() as session:
        assert session.query(TwoFactorSecret).count() == 0


def test_an_enrolled_account_signs_in_with_password_then_code(
    clean_app, make_user, required, clock, ctx
):
    email, secret, _codes = _enrolled_user(clean_app, make_user, clock, Role.FACILITATOR)
    c = clean_app.test_client()
    first = c.post("/auth/sign-in?next=/manage/users", data={"email": email, "password": PASSWORD})
    assert first.status_code == 303 and first.headers["Location"].startswith("/auth/two-step")
    assert c.get("/manage/").status_code == 302  # the password alone signs no one in
    with ctx() as session:
        assert session.query(LoginSession).filter(LoginSession.revoked_at.is_(None)).count() == 0
    done = c.post(first.headers["Location"], data={"code": _code(secret, clock)})
    assert done.status_code == 303 and done.headers["Location"] == "/manage/users"
    assert c.get("/manage/").status_code == 200
    with ctx() as session:
        entry = (
            session.query(AuditEntry)
            .filter_by(action="auth.signed_in")
            .order_by(AuditEntry.id)
            .all()[-1]
        )
        assert entry.detail == {"two_step": True}


def test_a_used_code_cannot_be_replayed_and_only_one_step_of_drift_is_accepted(
    clean_app, make_user, clock
):
    email, secret, _codes = _enrolled_user(clean_app, make_user, clock, Role.COMMS)
    a, b = clean_app.test_client(), clean_app.test_client()
    sign_in(a, email)
    sign_in(b, email)
    code = _code(secret, clock)
    assert a.post("/auth/two-step", data={"code": code}).status_code == 303
    assert b.post("/auth/two-step", data={"code": code}).status_code == 422  # replayed
    assert b.post("/auth/two-step", data={"code": _code(secret, clock, -1)}).status_code == 422
    assert b.post("/auth/two-step", data={"code": _code(secret, clock, 2)}).status_code == 422
    assert b.post("/auth/two-step", data={"code": _code(secret, clock, 1)}).status_code == 303


def test_a_recovery_code_works_once(clean_app, make_user, clock, ctx):
    email, _secret, codes = _enrolled_user(clean_app, make_user, clock, Role.COMMS)
    a, b = clean_app.test_client(), clean_app.test_client()
    sign_in(a, email)
    assert a.post("/auth/two-step", data={"code": codes[3].upper()}).status_code == 303
    sign_in(b, email)
    assert b.post("/auth/two-step", data={"code": codes[3]}).status_code == 422
    assert "9 recovery codes are left" in visible_text(a.get("/auth/two-step/settings").text)
    with ctx() as session:
        assert session.query(AuditEntry).filter_by(action="auth.recovery_code_used").count() == 1


def test_wrong_codes_are_throttled_like_passwords(clean_app, make_user, clock):
    email, secret, _codes = _enrolled_user(clean_app, make_user, clock, Role.COMMS)
    c = clean_app.test_client()
    sign_in(c, email)
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        assert c.post("/auth/two-step", data={"code": guess}).status_code == 422
    locked = c.post("/auth/two-step", data={"code": _code(secret, clock)})
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text


def test_the_secret_and_recovery_codes_are_not_stored_in_clear(clean_app, make_user, clock, ctx):
    email, secret, codes = _enrolled_user(clean_app, make_user, clock, Role.COMMS)
    with ctx() as session:
        row = session.query(TwoFactorSecret).one()
        assert secret not in row.sealed_secret
        stored = [r.code_hash for r in session.query(RecoveryCode)]
        assert len(stored) == 10
        assert not any(code.replace("-", "") in h for code in codes for h in stored)
    with clean_app.app_context():
        assert sealing.unseal(row.sealed_secret, two_factor.SECRET_PURPOSE) == secret
        tampered = row.sealed_secret[:-2] + ("AA" if row.sealed_secret[-2:] != "AA" else "BB")
        assert sealing.unseal(tampered, two_factor.SECRET_PURPOSE) is None
        assert sealing.unseal(row.sealed_secret, two_factor.SETUP_PURPOSE) is None
    other_key = clean_app.config["SECRET_KEY"]
    try:
        clean_app.config["SECRET_KEY"] = "another key"
        clean_app.secret_key = "another key"
        with clean_app.app_context():
            assert sealing.unseal(row.sealed_secret, two_factor.SECRET_PURPOSE) is None
    finally:
        clean_app.secret_key = other_key


def test_turning_it_off_needs_a_current_code(clean_app, make_user, clock, ctx):
    email, secret, _codes = _enrolled_user(clean_app, make_user, clock, Role.COMMS)
    c = clean_app.test_client()
    sign_in(c, email)
    c.post("/auth/two-step", data={"code": _code(secret, clock)})
    clock.move(30)
    refused = c.post("/auth/two-step/disable", data={"code": "123456"})
    assert refused.status_code == 422
    with ctx() as session:
        assert session.query(TwoFactorSecret).count() == 1
    assert c.post("/auth/two-step/disable", data={"code": _code(secret, clock)}).status_code == 303
    with ctx() as session:
        assert session.query(TwoFactorSecret).count() == 0
        assert session.query(RecoveryCode).count() == 0
        assert session.query(AuditEntry).filter_by(action="auth.two_factor_disabled").count()


def test_new_recovery_codes_replace_the_old_ones(clean_app, make_user, clock):
    email, secret, codes = _enrolled_user(clean_app, make_user, clock, Role.COMMS)
    c = clean_app.test_client()
    sign_in(c, email)
    c.post("/auth/two-step", data={"code": _code(secret, clock)})
    clock.move(30)
    response = c.post("/auth/two-step/recovery-codes", data={"code": _code(secret, clock)})
    fresh = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.text)
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    other = clean_app.test_client()
    sign_in(other, email)
    assert other.post("/auth/two-step", data={"code": codes[0]}).status_code == 422
    assert other.post("/auth/two-step", data={"code": fresh[0]}).status_code == 303


def test_an_admin_resets_another_accounts_two_step_sign_in(
    clean_app, make_user, login_as, clock, ctx
):
    email, secret, _codes = _enrolled_user(clean_app, make_user, clock, Role.FACILITATOR)
    phone = clean_app.test_client()
    sign_in(phone, email)
    phone.post("/auth/two-step", data={"code": _code(secret, clock)})
    with ctx() as session:
        target = session.query(User).filter_by(email=email).one().id
    comms = login_as(Role.COMMS)
    assert comms.post(f"/auth/users/{target}/two-step/reset").status_code == 403
    admin = login_as(Role.ADMIN)
    assert "Two-step sign-in is on" in admin.get(f"/auth/users/{target}/two-step").text
    assert admin.post(f"/auth/users/{target}/two-step/reset").status_code == 303
    assert phone.get("/manage/").status_code == 302  # signed out everywhere
    with ctx() as session:
        assert session.query(TwoFactorSecret).count() == 0
        entry = session.query(AuditEntry).filter_by(action="auth.two_factor_reset").one()
        assert entry.object_id == target and entry.user.email == admin.email


def test_the_code_page_without_a_password_first_sends_to_sign_in(client, district):
    response = client.get("/auth/two-step")
    assert response.status_code == 303 and "/auth/sign-in" in response.headers["Location"]
    assert client.post("/auth/two-step", data={"code": "123456"}).status_code == 303


def test_a_pending_sign_in_expires_after_five_minutes(clean_app, make_user, clock, monkeypatch):
    import time

    email, secret, _codes = _enrolled_user(clean_app, make_user, clock, Role.COMMS)
    c = clean_app.test_client()
    sign_in(c, email)
    later = time.time() + 301
    monkeypatch.setattr("portal.blueprints.auth.two_factor.time.time", lambda: later)
    response = c.post("/auth/two-step", data={"code": _code(secret, clock)})
    assert response.status_code == 303 and "/auth/sign-in" in response.headers["Location"]
