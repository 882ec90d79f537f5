"""Who may see what, proven over the whole URL map: every rule x every kind of visitor x GET and
POST x plain and htmx, against a loaded demo district with confidential rows planted in it.

- Deny by default: every view declares who may open it, and one that does not is refused.
- Signed out: every staff route sends the visitor to sign-in (htmx: 401 and HX-Redirect, no
  fragment).
- A role the route does not declare: 403 (404 for the confidential interview records).
- A principal or council member of another school: 404 on every school-scoped staff route.
- No combination answers 500; no POST goes through without a CSRF token when CSRF is on.
- The planted confidential words never reach anyone who may not read them.
"""

import pytest
from flask import Flask

from portal.access import FLASK_ENDPOINTS, UndeclaredEndpoint, undeclared_endpoints
from portal.extensions import db
from portal.models import Role, User
from portal.permissions import public, role_required
from tests.conftest import _clean, hx
from tests.trust_helpers import (
    FEEDBACK_MARK,
    INTERVIEW_MARK,
    OBSERVATION_MARK,
    build_world,
    is_school_scoped,
    signed_in,
    url_for_rule,
)

# Files and PDFs are rendered once (by the last test), not once per visitor: they are slow and
# their own tests read them. Refusals are still checked for them everywhere (they cost nothing).
HEAVY_SUFFIXES = (".pdf", ".xlsx")
# POSTs that end the caller's own session: sent last, or the rest would run signed out.
SESSION_ENDERS = {"auth.sign_out", "auth.revoke_others", "manage.revoke_user_sessions"}
VISITORS = [r.value for r in Role] + ["outsider-principal", "outsider-council"]
OUTSIDERS = {"outsider-principal": Role.PRINCIPAL, "outsider-council": Role.COUNCIL}


@pytest.fixture(scope="module")
def world(app):
    built = build_world(app)
    yield built
    _clean(app)


def _rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, app.view_functions[rule.endpoint]


def _open(client, url, method, headers, problems, where):
    """The response, or None with the failure noted (an exception is a 500 in production)."""
    try:
        return client.open(url, method=method, headers=headers, data={})
    except Exception as error:  # noqa: BLE001 - collected, so one run lists every failure
        problems.append(("500", *where, repr(error)[:200]))
        return None


def _is_public(view) -> bool:
    return bool(getattr(view, "is_public", False))


def _heavy(rule) -> bool:
    return rule.rule.endswith(HEAVY_SUFFIXES)


def _readers_of_markers(who: str) -> set[str]:
    """Which planted words `who` may legitimately see somewhere."""
    if who in (Role.ADMIN.value, Role.FACILITATOR.value):
        allowed = {INTERVIEW_MARK, OBSERVATION_MARK}
    else:
        allowed = set()
    if who in (Role.ADMIN.value, Role.DISTRICT.value, Role.PRINCIPAL.value):
        allowed.add(FEEDBACK_MARK)  # the school's editors moderate its comments
    return allowed


def _no_leak(who, body: str, where) -> None:
    for mark in {INTERVIEW_MARK, OBSERVATION_MARK, FEEDBACK_MARK} - _readers_of_markers(who):
        assert mark not in body, (who, where, mark)


# --- deny by default --------------------------------------------------------------------------


def test_every_endpoint_declares_who_may_open_it(app):
    assert undeclared_endpoints(app) == []
    assert set(FLASK_ENDPOINTS) == {"static"}  # a new exemption needs a reason, here and there


def _bare_app(tmp_path, **settings) -> Flask:
    """An app with three extra routes (one forgetting its declaration), its tables created."""
    from portal import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.sqlite3'}",
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            **settings,
        }
    )

    @app.get("/forgot-to-declare")
    def forgot():
        return "secret data"

    @app.get("/declared-public")
    @public
    def declared():
        return "hello"

    @app.get("/declared-staff")
    @role_required(Role.DISTRICT)
    def staff():
        return "staff data"

    with app.app_context():
        db.create_all()
    return app


def test_a_route_that_forgets_its_declaration_is_closed(tmp_path):
    app = _bare_app(tmp_path)  # not TESTING: as in production
    client = app.test_client()
    response = client.get("/forgot-to-declare")
    assert response.status_code == 403
    assert "secret data" not in response.get_data(as_text=True)
    assert client.get("/declared-public").status_code == 200
    assert client.get("/declared-staff").status_code == 302


def test_in_tests_a_forgotten_declaration_is_an_error(tmp_path):
    app = _bare_app(tmp_path, TESTING=True)
    with pytest.raises(UndeclaredEndpoint, match="forgot"):
        app.test_client().get("/forgot-to-declare")
    assert undeclared_endpoints(app) == ["forgot"]


# --- the URL map x every visitor --------------------------------------------------------------


def test_the_planted_words_are_shown_to_their_readers(app, world):
    """The leak checks below mean something only if the words do reach a page."""
    v = world.values
    interview = f"/manage/readiness/{v['assessment_id']}/interviews/{v['interview_id']}"
    body = signed_in(app, world, Role.FACILITATOR.value).get(interview).get_data(as_text=True)
    assert INTERVIEW_MARK in body and OBSERVATION_MARK in body
    moderate = f"/manage/schools/{v['school_slug']}/feedback"
    body = signed_in(app, world, Role.PRINCIPAL.value).get(moderate).get_data(as_text=True)
    assert FEEDBACK_MARK in body


def _check_signed_out(client, rule, method, view, url, problems):
    for headers in ({}, hx("main")):
        response = client.open(url, method=method, headers=headers)
        body = response.get_data(as_text=True)
        where = (method, url, "htmx" if headers else "plain", response.status_code)
        if response.status_code >= 500:
            problems.append(("500", *where))
            continue
        _no_leak("anonymous", body, where)
        if _is_public(view):
            continue
        if headers:
            # htmx: no fragment to swap in; htmx follows HX-Redirect to the sign-in page.
            if response.status_code != 401 or "/auth/sign-in" not in response.headers.get(
                "HX-Redirect", ""
            ):
                problems.append(("htmx not sent to sign-in", *where))
            elif body.strip():
                problems.append(("htmx refusal has a body", *where))
        elif response.status_code != 302 or "/auth/sign-in" not in response.headers.get(
            "Location", ""
        ):
            problems.append(("not sent to sign-in", *where))


def test_signed_out_visitors_reach_only_public_routes(app, world):
    client = app.test_client()
    problems, protected = [], 0
    for rule, method, view in _rules(app):
        if rule.endpoint == "static" or (_is_public(view) and _heavy(rule)):
            continue
        protected += not _is_public(view)
        _check_signed_out(client, rule, method, view, url_for_rule(rule, world), problems)
    assert not problems, problems
    assert protected > 100  # the enumeration really walked the staff routes


def _expected(who: str, rule, view) -> int | None:
    """The status a refusal must have, or None when `who` is let in by the declaration."""
    role = OUTSIDERS.get(who) or Role(who)
    required = view.required_roles
    allowed = role == Role.ADMIN or not required or role in required
    if getattr(view, "confidential", False):
        return None if role in (Role.ADMIN, Role.FACILITATOR) else 404
    if not allowed:
        return 403
    if who in OUTSIDERS and is_school_scoped(rule):
        return 404
    return None


@pytest.mark.parametrize("who", VISITORS)
def test_each_visitor_is_refused_what_they_may_not_open(app, world, who):
    """Every staff route for one kind of visitor, GET and POST, plain and htmx: the refusal
    the declaration promises, never a 500, and no planted word they may not read. (POSTs that
    the visitor is let in to are sent by the last test, so nothing changes under this one.)"""
    client = signed_in(app, world, who)
    problems, refused = [], 0
    for rule, method, view in _rules(app):
        if rule.endpoint == "static":
            continue
        expected = None if _is_public(view) else _expected(who, rule, view)
        if expected is None and (method != "GET" or _heavy(rule)):
            continue
        url = url_for_rule(rule, world)
        for headers in ({}, hx("main")):
            response = _open(client, url, method, headers, problems, (who, method, url))
            if response is None:
                continue
            body = response.get_data(as_text=True)
            where = (method, url, "htmx" if headers else "plain", response.status_code)
            if response.status_code >= 500:
                problems.append(("500", *where))
            elif expected is not None and response.status_code != expected:
                problems.append((f"expected {expected}", *where))
            _no_leak(who, body, where)
            if expected is not None and who in OUTSIDERS:
                assert "César Chávez" not in body, where  # not even the school's name
        refused += expected is not None
    assert not problems, problems
    if who != Role.ADMIN.value:
        assert refused > 5, who  # the visitor really was refused something


def test_outsiders_get_404_on_every_school_scoped_staff_route(app, world):
    """Item 13 over the whole map: the school-scoped staff routes an outsider's role would open
    (plan, budget, calendar, committees, meetings, comments) all answer 404 to them."""
    scoped = [
        (rule, method)
        for rule, method, view in _rules(app)
        if not _is_public(view)
        and is_school_scoped(rule)
        and Role.PRINCIPAL in getattr(view, "required_roles", ())
    ]
    names = {rule.endpoint for rule, _m in scoped}
    assert {"plans.edit_plan", "plans.edit_budget", "calendar.manage_school"} <= names
    assert {"committees.manage_committee", "calendar.edit_event", "feedback.moderate"} <= names
    client = signed_in(app, world, "outsider-principal")
    for rule, method in scoped:
        url = url_for_rule(rule, world)
        assert client.open(url, method=method, data={}).status_code == 404, (method, url)


def test_an_account_switched_off_is_signed_out_everywhere(app, world):
    client = signed_in(app, world, "inactive")
    assert client.get("/manage/surveys").status_code == 200
    with app.app_context():
        db.session.get(User, world.user_ids["inactive"]).is_active = False
        db.session.commit()
        db.session.remove()
    for rule, method, view in _rules(app):
        if rule.endpoint == "static" or _is_public(view) or method != "GET":
            continue
        response = client.get(url_for_rule(rule, world))
        assert response.status_code == 302, rule.rule
        assert "/auth/sign-in" in response.headers["Location"]


def test_no_post_goes_through_without_a_csrf_token(app, world, monkeypatch):
    """With CSRF on, every POST route refuses a request without a token: an admin's (who may
    POST everywhere) and a signed-out visitor's, plain and htmx. The one-click unsubscribe
    mail programs send is exempt: its signed token is the proof."""
    admin = signed_in(app, world, Role.ADMIN.value)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    anonymous = app.test_client()
    problems = []
    for rule, method, _view in _rules(app):
        # One-click unsubscribe (RFC 8058) is a POST from a mail program, without a form token.
        if method != "POST" or rule.endpoint in ("bulletins.unsubscribe", "notices.unsubscribe"):
            continue
        url = url_for_rule(rule, world)
        for client in (admin, anonymous):
            for headers in ({}, hx("main")):
                response = client.post(url, headers=headers, data={"anything": "1"})
                if response.status_code != 400 and not (
                    client is anonymous and response.status_code in (302, 401)
                ):
                    problems.append((url, bool(headers), response.status_code))
    assert not problems, problems


def test_zz_every_route_the_visitor_may_use_answers_without_a_500(app, world):
    """Last (it changes the demo): every role POSTs empty forms to what it may use, and the
    heavy files are fetched once. Any answer but a 500 is fine here."""
    problems = []
    for who in reversed(VISITORS):  # the admin last: its empty forms may change accounts
        client = signed_in(app, world, who)
        for rule, method, view in _rules(app):
            if rule.endpoint in SESSION_ENDERS or rule.endpoint == "static":
                continue
            expected = None if _is_public(view) else _expected(who, rule, view)
            heavy_once = _heavy(rule) and who == Role.ADMIN.value and method == "GET"
            if expected is not None or not (method == "POST" or heavy_once):
                continue
            url = url_for_rule(rule, world)
            for headers in ({}, hx("main")):
                response = _open(client, url, method, headers, problems, (who, method, url))
                if response is not None and response.status_code >= 500:
                    problems.append((who, method, url, bool(headers)))
    assert not problems, problems
