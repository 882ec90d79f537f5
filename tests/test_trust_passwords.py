"""Issue 14, item 5: the password policy (12-128 characters, not a common password), argon2id
hashes upgraded at sign-in, one hash check per sign-in whatever the address, and changing
one's password (other devices signed out)."""

import pytest
from werkzeug.security import generate_password_hash

from portal.models import AuditEntry, Role, SignInAttempt, User
from portal.services import passwords
from tests.conftest import PASSWORD, sign_in

COMMON = "Q1w2e3r4t5y6"  # 12 characters, on the shipped list (as "q1w2e3r4t5y6")


# --- the password policy and hashes --------------------------------------------------------


@pytest.mark.parametrize(
    "password, ok",
    [
        ("x" * 11, False),
        ("x" * 12, True),
        ("ü" * 12, True),  # any characters: no composition rules
        ("y" * 128, True),
        ("y" * 129, False),
        (COMMON, False),
        (" " + COMMON.upper() + " ", False),
        ("password 1234", False),  # "password1234" is on the list
        (PASSWORD, True),
    ],
)
def test_the_password_policy(clean_app, password, ok):
    with clean_app.test_request_context():
        assert (passwords.problem_with(password) is None) is ok


def test_the_invitation_link_refuses_a_common_password(login_as, ctx, clean_app):
    # The admin's account form takes no password: the owner chooses one from the link.
    from portal.models.account_tokens import LinkPurpose
    from portal.services import account_links

    admin = login_as(Role.ADMIN)
    data = {"name": "Lan Tran", "email": "lan@example.test"}
    data |= {"preferred_locale": "en", "roles": "comms", "is_active": "y"}
    assert admin.post("/manage/users/new", data=data).status_code == 303
    with ctx() as session, clean_app.test_request_context():
        user = session.query(User).filter_by(email="lan@example.test").one()
        token, _row = account_links.issue(user, LinkPurpose.INVITATION)
        session.commit()
        old_hash = user.password_hash
    response = clean_app.test_client().post(
        f"/auth/set-password/{token}", data={"password": COMMON, "confirm": COMMON}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="password-error"' in html and "common passwords" in html
    with ctx() as session:
        assert session.query(User).filter_by(email="lan@example.test").one().password_hash == (
            old_hash
        )


def test_new_hashes_are_argon2id(make_user, ctx):
    email = make_user(Role.COMMS)
    with ctx() as session:
        assert (
            session.query(User).filter_by(email=email).one().password_hash.startswith("$argon2id$")
        )


@pytest.mark.parametrize(
    "old_hash",
    [
        lambda: generate_password_hash(PASSWORD, method="scrypt:1024:8:1"),
        lambda: generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
        lambda: _weak_argon2(PASSWORD),
    ],
)
def test_an_older_or_weaker_hash_is_upgraded_at_sign_in(client, make_user, ctx, old_hash):
    email = make_user(Role.COMMS)
    with ctx() as session:
        user = session.query(User).filter_by(email=email).one()
        user.password_hash = old_hash()
        session.commit()
    assert sign_in(client, email).status_code == 303
    with ctx() as session:
        stored = session.query(User).filter_by(email=email).one().password_hash
        assert stored.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    client.post("/auth/sign-out")
    assert sign_in(client, email).status_code == 303  # the new hash works


def _weak_argon2(password):
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


# --- one hash check whether or not the address has an account ------------------------------


def test_sign_in_checks_exactly_one_hash_whatever_the_address(client, make_user, ctx, monkeypatch):
    from argon2 import PasswordHasher

    active = make_user(Role.COMMS)
    inactive = make_user(Role.COMMS, active=False)
    invited = make_user(Role.COMMS)
    with ctx() as session:  # an invited account that has not chosen a password yet
        session.query(User).filter_by(email=invited).one().password_hash = "!"
        session.commit()
    checks = []
    real = PasswordHasher.verify

    def counting(self, stored, password):
        checks.append(stored)
        return real(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for email, password in [
        ("nobody@example.test", PASSWORD),
        (inactive, PASSWORD),
        (invited, PASSWORD),
        (active, "wrong password"),
        (active, PASSWORD),
    ]:
        before = len(checks)
        sign_in(client, email, password)
        assert len(checks) - before == 1, email
    # Every check is an argon2id hash at the same cost, a real one or the stand-in.
    assert {c.split("$")[3] for c in checks} == {"m=64,t=1,p=1"}


# --- changing one's password ---------------------------------------------------------------


def _change(c, current, new, confirm=None):
    data = {"current_password": current, "new_password": new, "confirm": confirm or new}
    return c.post("/auth/password", data=data)


def test_change_password_checks_everything_and_signs_out_other_devices(clean_app, make_user, ctx):
    email = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    laptop, phone = clean_app.test_client(), clean_app.test_client()
    sign_in(laptop, email)
    sign_in(phone, email)
    assert laptop.get("/auth/password").status_code == 200
    wrong = _change(laptop, "not my password", "a new long passphrase")
    assert wrong.status_code == 422 and "That is not your password" in wrong.get_data(True)
    common = _change(laptop, PASSWORD, COMMON)
    assert common.status_code == 422 and 'id="new_password-error"' in common.get_data(True)
    mismatch = _change(laptop, PASSWORD, "a new long passphrase", "a new long passphrase!")
    assert mismatch.status_code == 422 and 'id="confirm-error"' in mismatch.get_data(True)
    assert _change(laptop, PASSWORD, "a new long passphrase").status_code == 303
    assert laptop.get("/manage/").status_code == 200
    assert phone.get("/manage/").status_code == 302
    fresh = clean_app.test_client()
    assert sign_in(fresh, email).status_code == 422
    assert sign_in(fresh, email, "a new long passphrase").status_code == 303
    with ctx() as session:
        assert session.query(SignInAttempt).filter_by(succeeded=False).count() == 2
        entry = session.query(AuditEntry).filter_by(action="account.password_changed").one()
        assert "passphrase" not in str(entry.detail) and entry.detail["signed_out"] == 1


def test_guessing_the_current_password_is_throttled(client, make_user):
    sign_in(client, make_user(Role.COMMS))
    for _n in range(5):
        assert _change(client, "guess", "a new long passphrase").status_code == 422
    locked = _change(client, PASSWORD, "a new long passphrase")
    assert locked.status_code == 422 and "Too many failed attempts" in locked.get_data(True)
