"""Who may see what, checked by enumerating every route rather than by spot checks."""

import pytest
from werkzeug.routing import Rule

from portal.models import Role
from tests.conftest import hx


def _build_url(rule: Rule, slugs: list[str]) -> str:
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg].__class__.__name__
        values[arg] = 1 if converter == "IntegerConverter" else slugs[0]
    return rule.build(values, append_unknown=False)[1]


def _protected_rules(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or getattr(view, "is_public", False):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_protected_route_sends_anonymous_visitors_to_sign_in(client, district, clean_app):
    checked = 0
    for rule, method in _protected_rules(clean_app):
        url = _build_url(rule, district["slugs"])
        for headers in ({}, hx("main")):
            response = client.open(url, method=method, headers=headers)
            if headers:  # htmx navigates to sign-in instead of swapping the form into a part
                assert response.status_code == 401, (method, url, response.status_code)
                assert "/auth/sign-in" in response.headers["HX-Redirect"], url
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert "/auth/sign-in" in response.headers["Location"], url
        checked += 1
    assert checked >= 12  # the enumeration really found the manage and account routes


def test_every_view_is_public_or_declares_its_roles(clean_app):
    """portal.access refuses the others at runtime; the whole map x every role is in
    tests/test_trust_access.py."""
    from portal.access import undeclared_endpoints

    assert undeclared_endpoints(clean_app) == []


def test_public_pages_are_few_and_known(clean_app):
    public_endpoints = {
        e for e, v in clean_app.view_functions.items() if getattr(v, "is_public", False)
    }
    assert {"public.index", "public.school", "auth.sign_in"} <= public_endpoints
    assert not any(e.startswith("manage.") for e in public_endpoints)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_only_the_manage_routes_it_may(clean_app, district, login_as, role):
    c = login_as(role)
    for rule, method in _protected_rules(clean_app):
        view = clean_app.view_functions[rule.endpoint]
        if not rule.rule.startswith("/manage") or getattr(view, "confidential", False):
            continue  # confidential views answer 404, not 403: their own tests cover them
        required = view.required_roles
        allowed = role == Role.ADMIN or not required or role in required
        url = _build_url(rule, district["slugs"])
        response = c.open(url, method=method, data={})
        if allowed:
            assert response.status_code != 403, (role, method, url)
            assert response.status_code < 500, (role, method, url, response.status_code)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code)
            assert "Not allowed" in response.get_data(as_text=True)


def test_forbidden_page_is_translated(clean_app, district, login_as):
    c = login_as(Role.COMMS)
    response = c.get("/manage/users?lang=es")
    assert response.status_code == 403
    assert '<html lang="es"' in response.get_data(as_text=True)
    assert "Not allowed" not in response.get_data(as_text=True)
