"""Signing in and out, and the list of devices an account is signed in on."""

import re
import time
from urllib.parse import unquote, urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import SecurityError

from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import NextPageForm, SignInForm
from portal.extensions import db
from portal.models.accounts import hash_token
from portal.permissions import public, role_required
from portal.services import accounts, two_factor
from portal.services.session_limits import limits_for
from portal.services.throttle import ThrottlePolicy

# The Flask session key holding a sign-in that waits for its two-step code (signed cookie).
PENDING = "two_step_pending"
PENDING_MAX_AGE = 300  # seconds to type the code after the password

# A local path: one slash, then anything but a second slash or backslash, and no white space or
# control characters anywhere (browsers drop tabs and newlines, so "/\t/evil" means "//evil").
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirects), however the target
    is written: extra slashes, backslashes, percent-encoding (several times over), schemes."""
    if target:
        decoded = target
        for _round in range(3):
            decoded = unquote(decoded)
        forms = {target, decoded}
        if all(_LOCAL_PATH.fullmatch(form) for form in forms):
            parts = urlsplit(target)
            if not parts.scheme and not parts.netloc:
                return target
    return url_for("manage.index")


def _policy() -> ThrottlePolicy:
    return ThrottlePolicy.configured()


def client() -> str:
    """This client's keyed address hash, for counting failures."""
    return accounts.client_fingerprint(request.remote_addr, current_app.secret_key)


def finish_sign_in(user, remember: bool, two_step: bool):
    """Start the device's session (ending after the district's absolute limit, "keep me
    signed in" included) and go on to the page asked for."""
    session.pop(PENDING, None)
    lifetime = limits_for(g.get("district")).absolute
    accounts.start_session(user, request.headers.get("User-Agent", ""), lifetime, two_step)
    db.session.commit()
    login_user(user, remember=remember, duration=lifetime)
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(_next_page(), code=303)


def _next_page() -> str:
    """Where to go after signing in: `?next=` if it is a page of this site."""
    form = NextPageForm(request.args)
    return _safe_next(form.next.data if form.validate() else None)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    """E-mail and password sign-in, slowed down after repeated failures."""
    if current_user.is_authenticated:
        return redirect(_next_page())
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/sign_in.html", form=form), 422 if form.is_submitted() else 200
    result = accounts.sign_in(form.email.data, form.password.data, client(), _policy())
    if result.user is None:
        db.session.commit()  # the failed attempt counts toward the limit
        form.form_errors.append(result.refusal)
        return render_template("auth/sign_in.html", form=form), 429 if result.throttled else 422
    if two_factor.is_enrolled(result.user):
        db.session.commit()  # the attempt (and an upgraded hash)
        session[PENDING] = {
            "user": result.user.id,
            "remember": bool(form.remember.data),
            "at": int(time.time()),
        }
        return redirect(url_for("auth.two_step", next=_next_page()), code=303)
    return finish_sign_in(result.user, form.remember.data, two_step=False)


@bp.post("/sign-out")
@role_required()
def sign_out():
    """Sign this device out and revoke its session."""
    accounts.revoke_session(current_user.login_token)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("public.index"), code=303)


@bp.get("/sessions")
@role_required()
def sessions():
    """Devices this account is signed in on."""
    rows = accounts.active_sessions(current_user.id)
    return render_template(
        "auth/sessions.html", rows=rows, current_hash=hash_token(current_user.login_token)
    )


@bp.post("/sessions/<int:session_id>/revoke")
@role_required()
def revoke(session_id: int):
    """Sign one of my other devices out."""
    row = accounts.own_device(current_user, session_id) or abort(404)
    accounts.sign_out_device(row)
    db.session.commit()
    flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.sessions"), code=303)


@bp.post("/sessions/revoke-others")
@role_required()
def revoke_others():
    """Sign out everywhere except this device."""
    count = accounts.revoke_all_sessions(current_user.id, except_token=current_user.login_token)
    db.session.commit()
    flash(
        ngettext("%(num)d other device signed out.", "%(num)d other devices signed out.", count),
        "success",
    )
    return redirect(url_for("auth.sessions"), code=303)


@bp.app_errorhandler(SecurityError)
def untrusted_host(_error):
    """A Host header that is not this site (TRUSTED_HOSTS): a plain 400 that builds no link
    (there is no URL adapter for an untrusted host) and repeats nothing from the request."""
    return Response(_("Bad request."), status=400, mimetype="text/plain")
