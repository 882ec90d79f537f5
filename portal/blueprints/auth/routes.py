"""Signing in and out, and the list of devices an account is signed in on."""

import re
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import NextPageForm, SignInForm
from portal.extensions import db
from portal.models.accounts import hash_token
from portal.permissions import public, role_required
from portal.services import accounts

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


def _policy() -> accounts.ThrottlePolicy:
    cfg = current_app.config
    return accounts.ThrottlePolicy(
        max_failures_per_email=cfg["SIGNIN_MAX_FAILURES_PER_EMAIL"],
        max_failures_per_client=cfg["SIGNIN_MAX_FAILURES_PER_CLIENT"],
        window=timedelta(minutes=cfg["SIGNIN_WINDOW_MINUTES"]),
    )


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
    client = accounts.client_fingerprint(request.remote_addr, current_app.secret_key)
    result = accounts.sign_in(form.email.data, form.password.data, client, _policy())
    if result.user is None:
        db.session.commit()  # the failed attempt counts toward the limit
        form.form_errors.append(result.refusal)
        return render_template("auth/sign_in.html", form=form), 429 if result.throttled else 422
    lifetime = timedelta(days=current_app.config["SESSION_LIFETIME_DAYS"])
    accounts.start_session(result.user, request.headers.get("User-Agent", ""), lifetime)
    db.session.commit()
    login_user(result.user, remember=form.remember.data, duration=lifetime)
    flash(_("Welcome, %(name)s.", name=result.user.name), "success")
    return redirect(_next_page(), code=303)


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
