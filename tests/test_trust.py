"""Trust: protections that an attacker would probe first."""

import pytest

from portal.models import Role
from tests.conftest import PASSWORD

HOSTILE_NEXT = [
    "//evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example",
    "https:/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_site(client, make_user, target):
    email = make_user(Role.ADMIN)
    response = client.post(
        "/auth/sign-in", query_string={"next": target}, data={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/manage/", target


@pytest.mark.parametrize("target", ["/manage/users", "/schools/maple-elementary?lang=es"])
def test_sign_in_follows_a_local_next(client, make_user, target):
    email = make_user(Role.ADMIN)
    response = client.post(
        "/auth/sign-in", query_string={"next": target}, data={"email": email, "password": PASSWORD}
    )
    assert response.headers["Location"] == target
