"""Issue 14, item 5: sessions end when idle and after an absolute limit (district settings),
the remember-me cookie, the Host check, and the audit of sign-ins and role changes. The
password policy is tests/test_trust_passwords.py."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from portal.extensions import db
from portal.models import AuditEntry, District, LoginSession, Role, User
from portal.models.base import utcnow
from tests.conftest import PASSWORD, sign_in, visible_text

COMMON = "Q1w2e3r4t5y6"  # 12 characters, on the shipped list (as "q1w2e3r4t5y6")


def _age_session(ctx, *, idle=None, since_sign_in=None):
    with ctx() as session:
        row = session.query(LoginSession).one()
        if idle is not None:
            row.last_seen_at = utcnow() - idle
        if since_sign_in is not None:
            row.created_at = utcnow() - since_sign_in
        session.commit()


# --- idle and absolute limits --------------------------------------------------------------


def test_a_session_idle_for_31_minutes_signs_in_again_and_comes_back(client, make_user, ctx):
    email = make_user(Role.FACILITATOR)
    assert sign_in(client, email).status_code == 303
    _age_session(ctx, idle=timedelta(minutes=31))
    response = client.get("/manage/users?q=x")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/sign-in"
    assert parse_qs(location.query) == {"next": ["/manage/users?q=x"]}
    page = visible_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "signed out after a while without activity" in page
    back = client.post(response.headers["Location"], data={"email": email, "password": PASSWORD})
    assert back.headers["Location"] == "/manage/users?q=x"


def test_a_session_used_within_the_idle_limit_stays(client, make_user, ctx):
    sign_in(client, make_user(Role.COMMS))
    _age_session(ctx, idle=timedelta(minutes=24))
    assert client.get("/manage/").status_code == 200
    with ctx() as session:  # the visit moved last_seen_at (older than the 5-minute granularity)
        assert utcnow() - session.query(LoginSession).one().last_seen_at < timedelta(minutes=1)


def test_an_active_session_ends_12_hours_after_signing_in(client, make_user, ctx):
    sign_in(client, make_user(Role.COMMS))
    with ctx() as session:
        row = session.query(LoginSession).one()
        assert row.expires_at - row.created_at == timedelta(hours=12)
    _age_session(ctx, idle=timedelta(minutes=1), since_sign_in=timedelta(hours=12, minutes=1))
    response = client.get("/manage/")
    assert response.status_code == 302
    page = visible_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Your sign-in has expired" in page


def test_the_districts_idle_limit_applies_to_live_sessions(client, make_user, ctx, district):
    sign_in(client, make_user(Role.COMMS))
    _age_session(ctx, idle=timedelta(minutes=11))
    assert client.get("/manage/").status_code == 200
    _age_session(ctx, idle=timedelta(minutes=11))
    with ctx() as session:
        session.get(District, district["id"]).session_idle_minutes = 10
        session.commit()
    assert client.get("/manage/").status_code == 302


def test_keep_me_signed_in_lasts_no_longer_than_the_absolute_limit(client, make_user):
    email = make_user(Role.COMMS)
    response = client.post(
        "/auth/sign-in", data={"email": email, "password": PASSWORD, "remember": "y"}
    )
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if "remember_token" in v)
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    expires = client.get_cookie("remember_token").expires
    assert timedelta(hours=11) < expires - utcnow() <= timedelta(hours=12)


def test_cookies_are_secure_in_production(clean_app):
    from portal.config import Config

    production = Config(
        ENV_NAME="production", SECRET_KEY="x" * 40, PUBLIC_BASE_URL="https://portal.example.org"
    )
    assert production.REMEMBER_COOKIE_SECURE and production.SESSION_COOKIE_SECURE
    assert production.REMEMBER_COOKIE_SAMESITE == "Lax"
    assert production.TRUSTED_HOSTS == ["portal.example.org"]


def test_admin_sets_the_session_limits_in_the_district_settings(login_as, ctx, district):
    admin = login_as(Role.ADMIN)
    page = admin.get("/manage/district").get_data(as_text=True)
    assert 'name="session_idle_minutes"' in page and 'value="30"' in page
    form = {
        "name": "Test Valley Unified",
        "default_locale": "en",
        "region": "US",
        "timezone": "America/Los_Angeles",
        "small_cell_threshold": "10",
        "tagline_en": "Plans.",
        "session_idle_minutes": "1000",
        "session_max_hours": "8",
    }
    refused = admin.post("/manage/district", data=form)
    assert refused.status_code == 422
    assert 'id="session_idle_minutes-error"' in refused.get_data(as_text=True)
    assert admin.post("/manage/district", data={**form, "session_idle_minutes": "15"}).status_code
    with ctx() as session:
        row = session.get(District, district["id"])
        assert (row.session_idle_minutes, row.session_max_hours) == (15, 8)
        entry = session.query(AuditEntry).filter_by(action="district.session_limits_changed").one()
        assert entry.detail["before"] == [30, 12] and entry.detail["after"] == [15, 8]


# --- the Host header -----------------------------------------------------------------------


def _production_app(clean_app):
    from portal import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": clean_app.config["SQLALCHEMY_DATABASE_URI"],
            "ENV_NAME": "production",
            "SECRET_KEY": "k" * 40,
            "PUBLIC_BASE_URL": "https://portal.example.org",
        }
    )


def test_another_host_header_gets_400_in_production(clean_app, district):
    app = _production_app(clean_app)
    try:
        c = app.test_client()
        evil = c.get("/auth/sign-in", headers={"Host": "evil.example"})
        assert evil.status_code == 400
        assert "evil.example" not in evil.get_data(as_text=True)
        assert c.get("/auth/sign-in", base_url="https://portal.example.org").status_code == 200
        assert c.get("/auth/sign-in", headers={"Host": "localhost"}).status_code == 400
    finally:
        with app.app_context():
            db.engine.dispose()


def test_outside_production_only_this_machine_and_the_site_are_answered(client, district):
    assert client.get("/auth/sign-in").status_code == 200  # Host: localhost
    assert client.get("/auth/sign-in", base_url="http://127.0.0.1:5000").status_code == 200
    assert client.get("/auth/sign-in", headers={"Host": "evil.example"}).status_code == 400


# --- the audit of sign-ins and accounts ----------------------------------------------------


def test_sign_ins_and_failures_are_audited_without_the_password(client, make_user, ctx):
    email = make_user(Role.COMMS)
    sign_in(client, email, "wrong horse battery staple")
    sign_in(client, "Nobody@Example.test", "another secret guess")
    sign_in(client, email)
    with ctx() as session:
        entries = session.query(AuditEntry).order_by(AuditEntry.id).all()
        actions = [(e.action, e.detail.get("email")) for e in entries]
        assert actions == [
            ("auth.sign_in_failed", email),
            ("auth.sign_in_failed", "nobody@example.test"),
            ("auth.signed_in", None),
        ]
        assert entries[-1].user.email == email
        assert not any("horse" in str(e.detail) or "guess" in str(e.detail) for e in entries)


def test_role_changes_are_audited_with_who_before_and_after(login_as, ctx, make_user):
    admin = login_as(Role.ADMIN)
    email = make_user(Role.COMMS)
    with ctx() as session:
        target = session.query(User).filter_by(email=email).one()
        target_id, name = target.id, target.name
    data = {"name": name, "email": email, "preferred_locale": "en", "is_active": "y"}
    response = admin.post(f"/manage/users/{target_id}", data={**data, "roles": "facilitator"})
    assert response.status_code == 303
    with ctx() as session:
        entry = session.query(AuditEntry).filter_by(action="account.roles_changed").one()
        assert entry.object_id == target_id and entry.user.email == admin.email
        assert entry.detail == {"before": ["comms"], "after": ["facilitator"]}
