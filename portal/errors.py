"""Friendly error pages in the reader's language; never a stack trace."""

from flask import Flask, current_app, g, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal import access
from portal.extensions import db
from portal.htmx import VARY_HEADERS
from portal.models.base import IllegalMove

ERROR_TEXT = {
    400: (_l("Bad request"), _l("We could not understand that request.")),
    403: (
        _l("Not allowed"),
        _l("Your account does not have permission to see this page."),
    ),
    404: (
        _l("Page not found"),
        _l("We could not find that page. It may have moved, or the address may be mistyped."),
    ),
    405: (_l("Not allowed"), _l("That action is not available here.")),
    409: (
        _l("This can no longer change"),
        _l("The record moved on since this page was loaded. Reload it to see where it stands."),
    ),
    413: (
        _l("Too large"),
        _l("What you sent is larger than we accept. Please send something smaller."),
    ),
    429: (_l("Too many requests"), _l("Please wait a little and try again.")),
    500: (
        _l("Something went wrong"),
        _l("Something went wrong on our side. Please try again."),
    ),
}

# What a 500 may truthfully say about the visitor's changes, by what the request did.
ROLLED_BACK = _l("Nothing you sent was saved. Please try again.")
SAVED_BEFORE_ERROR = _l(
    "What you sent was saved, but the page could not be shown. Reload the page to see it; "
    "do not send it again."
)


CSRF_MESSAGE = _l(
    "Your form expired or was sent from another page. Please go back, reload and try again."
)


def init_app(app: Flask) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "after_commit")
    def _remember_commit(session):  # noqa: ARG001
        # An error page may say "nothing was saved" only if this request committed nothing.
        from flask import has_request_context

        if has_request_context():
            g.request_committed = True

    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IllegalMove, _illegal_move)
    app.register_error_handler(Exception, _unexpected_error)


def render_error(status: int, detail: str | None = None):
    """Render the error page for `status`, in the reader's language."""
    title, message = ERROR_TEXT.get(status, ERROR_TEXT[500 if status >= 500 else 400])
    # Error pages must render even when the database is what failed.
    g.setdefault("district", None)
    html = render_template(
        "errors/error.html", status=status, title=title, message=message, detail=detail
    )
    response = make_response(html, status)
    response.vary.update(VARY_HEADERS)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _csrf_error(error: CSRFError):
    db.session.rollback()
    return render_error(
        400,
        str(CSRF_MESSAGE),
    )


def _illegal_move(error: IllegalMove):
    """A move the record's state refuses (a vote after the close...): 409, nothing saved."""
    db.session.rollback()
    # Only a translated message (lazy_gettext) is shown; an internal one stays in the log.
    message = error.args[0] if error.args else None
    return render_error(409, str(message) if isinstance(message, LazyString) else None)


def _http_error(error: HTTPException):
    db.session.rollback()
    if error.code is None or error.code < 400:
        return error
    if access.is_denial(error.code):
        access.record_denial(error.code)
    detail = None
    # Only our own translated descriptions are shown; Werkzeug's English defaults are not.
    if error.code == 400 and getattr(g, "bad_language", None) is not None:
        detail = error.description
    response = render_error(error.code, detail)
    if error.code == 405 and "Allow" in error.get_response().headers:
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


def _unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise error
    detail = None
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        detail = str(SAVED_BEFORE_ERROR if g.get("request_committed") else ROLLED_BACK)
    try:
        return render_error(500, detail)
    except Exception:  # the error page itself failed: plain text, still no trace
        return InternalServerError().get_response()
