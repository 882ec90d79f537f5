"""Deny by default: a request reaches a view only if the view declares who may open it.

Every view is `@public` (or `@cacheable`) or `@role_required(...)` (`@confidential` is a kind of
role_required), see portal.permissions. A route that forgets its declaration is closed: 403, and
in tests an error, so the forgetting is found before it ships. Flask's own endpoints (the static
files) are declared here, with a reason.

Also here, because they are about the request rather than a rule: what a signed-out htmx request
gets instead of a page fragment (401 and HX-Redirect to sign-in), `deny()` for a refusal that
must not say the page exists, and the audit entry written when a signed-in user is refused.
"""

import zlib
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, make_response, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db, htmx, login_manager

# Endpoints Flask (not our code) adds, with why each is open. Nothing else is open undeclared.
FLASK_ENDPOINTS = {
    "static": "the portal's own CSS, JavaScript, fonts and pictures, the same for everyone",
}

# A signed-in user refused the same page again within this time adds no new audit entry, so a
# crawler (or a stuck browser tab) cannot flood the log.
DENIAL_QUIET = timedelta(minutes=1)
DENIED = "access.denied"
# Audit entries that record a reading, not a change: a refusal, confidential interview notes
# opened or quoted (portal.services.interviews). GET requests write them on purpose.
READ_ACTIONS = frozenset({DENIED, "interview.read", "interview.quoted", "survey.exported"})


class UndeclaredEndpoint(RuntimeError):
    """A view without @public or @role_required was asked for (raised only while testing)."""


def is_declared(endpoint: str, view) -> bool:
    """Whether the endpoint says who may open it (public, roles) or is one of Flask's own."""
    return (
        endpoint in FLASK_ENDPOINTS
        or getattr(view, "is_public", False)
        or hasattr(view, "required_roles")
    )


def undeclared_endpoints(app: Flask) -> list[str]:
    """Every endpoint of `app` that declares nothing (the tests expect none)."""
    return sorted(e for e, v in app.view_functions.items() if not is_declared(e, v))


def install(app: Flask) -> None:
    """Refuse undeclared endpoints before any other request hook runs (called by create_app)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_undeclared)


def _refuse_undeclared():
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404 handler answers
        return None
    if is_declared(endpoint, current_app.view_functions.get(endpoint)):
        return None
    current_app.logger.error("Refused %s: the view declares neither @public nor roles", endpoint)
    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise UndeclaredEndpoint(f"{endpoint} is neither @public nor @role_required")
    abort(403)


def sign_in_first():
    """The answer to a signed-out visitor on a staff page: the sign-in page, with `next`.

    An htmx request would otherwise follow the redirect and swap the sign-in form into a part
    of the page; it gets 401 with HX-Redirect, which htmx turns into a full navigation."""
    answer = login_manager.unauthorized()  # also flashes why (a session that ran out...)
    if not htmx:
        return answer
    # Come back to the page the visitor was on, not to the fragment it asked for.
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = current.path or "/"
    if current.query:
        back = f"{back}?{current.query}"
    response = make_response("", 401)
    response.headers["HX-Redirect"] = url_for(login_manager.login_view, next=back)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def deny(status: int = 404):
    """Refuse a signed-in user: 404 (the default) where even a 403 would say the record exists,
    as for another school's pages. Marks the refusal for the audit log, then aborts."""
    g.access_denied = True
    abort(status)


def is_denial(status: int) -> bool:
    """Whether an error answer refused a signed-in user: any 403; a 404 from `deny()` or on a
    staff page (not @public), where a missing row and a hidden one must look alike."""
    if not current_user.is_authenticated or status not in (403, 404):
        return False
    if status == 403 or g.get("access_denied"):
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return view is not None and not getattr(view, "is_public", False)


def _endpoint_key(endpoint: str) -> int:
    # The audit log's object id is an integer: the endpoint's name as a stable 31-bit number.
    return zlib.crc32(endpoint.encode()) & 0x7FFFFFFF


def record_denial(status: int) -> None:
    """Write an audit entry for a signed-in user refused a page: who, the page (endpoint and
    path, never the query), the method and the answer; at most one per user and page a minute.
    Commits on its own (the request's changes were rolled back). Never raises."""
    from portal.models import AuditEntry
    from portal.models.base import utcnow
    from portal.services.audit import record_audit

    endpoint = request.endpoint or "(none)"
    key = _endpoint_key(endpoint)
    try:
        user = current_user._get_current_object()
        recent = db.session.scalar(
            select(AuditEntry.id)
            .where(
                AuditEntry.user_id == user.id,
                AuditEntry.action == DENIED,
                AuditEntry.object_type == "page",
                AuditEntry.object_id == key,
                AuditEntry.at >= utcnow() - DENIAL_QUIET,
            )
            .limit(1)
        )
        if recent is not None:
            return
        district = g.get("district")
        record_audit(
            user,
            DENIED,
            "page",
            key,
            {
                "endpoint": endpoint,
                "path": request.path[:300],
                "method": request.method,
                "status": status,
            },
            district_id=district.id if district is not None else None,
        )
        db.session.commit()
    except Exception:  # the log must not turn a refusal into a 500
        db.session.rollback()
        current_app.logger.exception("Could not record a denial on %s", request.path)
