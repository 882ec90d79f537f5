"""`flask setup`: the first run creates the district, its current school year and the first
administrator, whose password is chosen from a one-time link (the last line printed)."""

from sqlalchemy import select

from portal.models import AuditEntry, District, SchoolYear, User
from tests.conftest import sign_in

NEW_PASSWORD = "river bend otter lantern"
GOOD = [
    "setup",
    "--district",
    "Riverbend Unified",
    "--time-zone",
    "America/Los_Angeles",
    "--language",
    "en",
    "--languages",
    "es,zh_Hans",
    "--region",
    "US",
    "--admin-email",
    "it@riverbend.example",
]


def _run(app, args, **kwargs):
    return app.test_cli_runner().invoke(args=args, **kwargs)


def test_setup_prints_a_link_that_sets_the_password_then_sign_in_works(clean_app, ctx):
    before = clean_app.test_client().get("/")
    assert before.status_code == 503 and "Not set up yet" in before.get_data(as_text=True)
    result = _run(clean_app, GOOD)
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith(clean_app.config["PUBLIC_BASE_URL"] + "/auth/set-password/")
    with ctx() as session:
        district = session.scalars(select(District)).one()
        assert (district.name, district.timezone, district.default_locale, district.region) == (
            "Riverbend Unified",
            "America/Los_Angeles",
            "en",
            "US",
        )
        assert district.required_locales == ["en", "es", "zh_Hans"]
        assert session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
        admin = session.scalars(select(User)).one()
        assert [r.value for r in admin.roles] == ["admin"]
        assert not admin.password_hash.startswith("$argon2")  # no default password
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"district.set_up", "account.created"} <= actions
        token = link.rsplit("/", 1)[1]
        assert not any(token in str(e.detail) for e in session.scalars(select(AuditEntry)))
    client = clean_app.test_client()
    assert client.get("/").status_code == 200
    path = link.removeprefix(clean_app.config["PUBLIC_BASE_URL"])
    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    again = clean_app.test_client().get(path)
    assert again.status_code == 410
    assert "This link has expired or was already used" in again.get_data(as_text=True)
    fresh = clean_app.test_client()
    assert sign_in(fresh, "it@riverbend.example", NEW_PASSWORD).status_code == 303
    assert fresh.get("/manage/users").status_code == 200


def test_setup_refuses_to_run_twice(clean_app, ctx):
    assert _run(clean_app, GOOD).exit_code == 0
    second = _run(clean_app, [*GOOD[:-1], "other@riverbend.example"])
    assert second.exit_code != 0 and "already set up" in second.output
    with ctx() as session:
        assert session.scalars(select(District)).all()[0].name == "Riverbend Unified"
        assert len(session.scalars(select(District)).all()) == 1
        assert len(session.scalars(select(User)).all()) == 1


def test_setup_refuses_when_any_district_exists(clean_app, district):
    result = _run(clean_app, GOOD)
    assert result.exit_code != 0 and "already set up" in result.output


def _with(option, value):
    args = list(GOOD)
    args[args.index(option) + 1] = value
    return args


def test_bad_answers_are_refused_with_clear_messages_and_nothing_is_stored(clean_app, ctx):
    cases = [
        ("--time-zone", "Mars/Olympus", "Unknown time zone Mars/Olympus"),
        ("--language", "klingon", "Unknown language klingon"),
        ("--languages", "es,xx", "Unknown language xx"),
        ("--region", "ZZ", "Unknown region ZZ"),
        ("--admin-email", "not-an-address", "Enter a valid e-mail address"),
        ("--district", " ", "district's name"),
    ]
    for option, value, message in cases:
        result = _run(clean_app, _with(option, value))
        assert result.exit_code != 0, option
        assert message in result.output and option in result.output, result.output
    missing = _run(clean_app, GOOD[:-2])
    assert missing.exit_code != 0 and "--admin-email" in missing.output
    with ctx() as session:
        assert session.scalars(select(District)).first() is None
        assert session.scalars(select(User)).first() is None


def test_password_prompt_uses_the_policy(clean_app, ctx):
    weak = _run(clean_app, [*GOOD, "--password-prompt"], input="password1234\npassword1234\n")
    assert weak.exit_code != 0 and "common passwords" in weak.output
    with ctx() as session:
        assert session.scalars(select(District)).first() is None
    good = _run(clean_app, [*GOOD, "--password-prompt"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert good.exit_code == 0, good.output
    assert "/auth/set-password/" not in good.output
    client = clean_app.test_client()
    assert sign_in(client, "it@riverbend.example", NEW_PASSWORD).status_code == 303


def test_demo_is_refused_in_production(clean_app, monkeypatch):
    monkeypatch.setitem(clean_app.config, "ENV_NAME", "production")
    result = _run(clean_app, ["demo"])
    assert result.exit_code != 0 and "refused" in result.output
