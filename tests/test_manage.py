"""The staff workspace: accounts and roles, schools and their translated descriptions."""

import re

import pytest

from portal.models import Role, School, User
from tests.conftest import PASSWORD, hx, sign_in, visible_text


def _user_form(**overrides):
    data = {
        "name": "Lan Tran",
        "email": "lan.tran@example.test",
        "preferred_locale": "vi",
        "roles": ["principal"],
        "schools": [],
        "is_active": "y",
    }
    data.update(overrides)
    return data


def _school_id(ctx, slug):
    with ctx() as session:
        return session.query(School).filter_by(slug=slug).one().id


def test_admin_creates_a_principal_of_two_schools(login_as, ctx, clean_app):
    admin = login_as(Role.ADMIN)
    ids = [_school_id(ctx, "maple-elementary"), _school_id(ctx, "cedar-middle")]
    response = admin.post("/manage/users/new", data=_user_form(schools=ids))
    assert response.status_code == 303
    with ctx() as session:
        user = session.query(User).filter_by(email="lan.tran@example.test").one()
        assert user.roles == [Role.PRINCIPAL]
        assert user.school_ids(Role.PRINCIPAL) == set(ids)
        # No password typed by the admin: the owner chooses one from the invitation
        # (tests/test_invitations.py).
        assert not user.password_hash.startswith("$argon2")


def test_invalid_account_form_writes_nothing_and_explains_beside_the_field(login_as, ctx):
    admin = login_as(Role.ADMIN)
    with ctx() as session:
        before = session.query(User).count()
    response = admin.post("/manage/users/new?lang=es", data=_user_form(email="not-an-address"))
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    admin.get("/?lang=en")  # back to English for the messages below
    no_school = admin.post("/manage/users/new", data=_user_form(schools=[]))
    assert no_school.status_code == 422
    assert "Choose at least one school" in no_school.get_data(as_text=True)
    duplicate = admin.post("/manage/users/new", data=_user_form(email=admin.email, roles=["comms"]))
    assert "already uses this e-mail" in duplicate.get_data(as_text=True)
    with ctx() as session:
        assert session.query(User).count() == before


def test_admin_changes_roles_and_deactivation_signs_the_user_out(
    login_as, ctx, clean_app, make_user
):
    admin = login_as(Role.ADMIN)
    email = make_user(Role.COMMS)
    other = clean_app.test_client()
    sign_in(other, email)
    with ctx() as session:
        user_id = session.query(User).filter_by(email=email).one().id
    form = _user_form(email=email, roles=["comms", "facilitator"], is_active="")
    assert admin.post(f"/manage/users/{user_id}", data=form).status_code == 303
    with ctx() as session:
        user = session.get(User, user_id)
        assert user.roles == [Role.COMMS, Role.FACILITATOR] and not user.is_active
    assert other.get("/manage/").status_code == 302
    assert sign_in(clean_app.test_client(), email, PASSWORD).status_code == 422


def test_user_search_returns_a_fragment_for_htmx(login_as, make_user):
    admin = login_as(Role.ADMIN)
    make_user(Role.COMMS, email="findme@example.test")
    full = admin.get("/manage/users?q=findme").get_data(as_text=True)
    assert "<html" in full and "findme@example.test" in full
    fragment = admin.get("/manage/users?q=findme", headers=hx("user-rows")).get_data(as_text=True)
    assert "<html" not in fragment and "findme@example.test" in fragment
    assert admin.email not in fragment


def test_admin_signs_a_user_out_everywhere(login_as, make_user, clean_app, ctx):
    admin = login_as(Role.ADMIN)
    email = make_user(Role.COMMS)
    device = clean_app.test_client()
    sign_in(device, email)
    with ctx() as session:
        user_id = session.query(User).filter_by(email=email).one().id
    assert admin.get(f"/manage/users/{user_id}/sessions").status_code == 200
    assert admin.post(f"/manage/users/{user_id}/sessions/revoke").status_code == 303
    assert device.get("/manage/").status_code == 302
    assert admin.get("/manage/").status_code == 200


def test_district_staff_edit_a_school_description_per_language(login_as, client, ctx):
    staff = login_as(Role.DISTRICT)
    form = {
        "name": "Maple Elementary",
        "slug": "maple-elementary",
        "level": "elementary",
        "address": "12 Maple St",
        "enrollment": "415",
        "source_locale": "en",
        "description_en": "A garden school.",
        "description_es": "",
        "description_zh_Hans": "一所花园学校。",
        "description_vi": "",
    }
    assert staff.post("/manage/schools/maple-elementary", data=form).status_code == 303
    with ctx() as session:
        school = session.query(School).filter_by(slug="maple-elementary").one()
        assert school.description == {"en": "A garden school.", "zh_Hans": "一所花园学校。"}
        assert school.enrollment == 415
    assert "一所花园学校。" in client.get("/schools/maple-elementary?lang=zh-Hans").get_data(
        as_text=True
    )
    spanish = client.get("/schools/maple-elementary?lang=es").get_data(as_text=True)
    assert "A garden school." in spanish and 'class="fallback-note"' in spanish


def test_school_form_rejects_bad_values_and_duplicate_addresses(login_as, ctx):
    staff = login_as(Role.DISTRICT)
    bad = {
        "name": "",
        "slug": "Bad Slug!",
        "level": "university",
        "enrollment": "-3",
        "source_locale": "en",
    }
    response = staff.post("/manage/schools/new", data=bad)
    assert response.status_code == 422
    page = visible_text(response.get_data(as_text=True))
    assert "Enter a name." in page and "lowercase letters" in page
    dup = dict(bad, name="Copy", slug="cedar-middle", level="middle", enrollment="10")
    response = staff.post("/manage/schools/new", data=dup)
    assert "already uses this web address" in response.get_data(as_text=True)
    with ctx() as session:
        assert session.query(School).count() == 3


def test_manage_home_lists_what_the_role_can_do(login_as):
    admin = login_as(Role.ADMIN).get("/manage/").get_data(as_text=True)
    assert "Accounts and roles" in admin and "Schools" in admin
    comms = login_as(Role.COMMS).get("/manage/").get_data(as_text=True)
    assert "Accounts and roles" not in comms


def test_admin_sets_the_privacy_threshold_never_below_five(login_as, ctx):
    from portal.models import District

    admin = login_as(Role.ADMIN)
    form = {
        "name": "Test Valley Unified",
        "default_locale": "en",
        "timezone": "America/Chicago",
        "small_cell_threshold": "12",
        "tagline_en": "Plans in plain language.",
    }
    assert admin.post("/manage/district", data=form).status_code == 303
    with ctx() as session:
        district = session.query(District).one()
        assert (district.small_cell_threshold, district.timezone) == (12, "America/Chicago")
    low = admin.post("/manage/district", data=dict(form, small_cell_threshold="4"))
    assert low.status_code == 422 and "from 5 to 100" in low.get_data(as_text=True)
    bad_tz = admin.post("/manage/district", data=dict(form, timezone="Mars/Olympus"))
    assert bad_tz.status_code == 422
    with ctx() as session:
        assert session.query(District).one().small_cell_threshold == 12


@pytest.mark.parametrize("role", list(Role))
def test_the_workspace_renders_for_every_role_and_offers_only_what_it_may_open(
    login_as, funded, role
):
    """Each card on the workspace is drawn by a permissions check: every staff page it links to
    opens for that role (no 403), and none of them breaks."""
    staff = login_as(role)
    response = staff.get("/manage/")
    assert response.status_code == 200
    links = set(re.findall(r'href="(/manage[^"#?]*)', response.get_data(as_text=True)))
    assert links, role
    for link in sorted(links):
        answer = staff.get(link)
        assert answer.status_code in (200, 303), (role, link, answer.status_code)
