"""One-time password links: choosing a password from an invitation, a reset or the first-run
link, and "Forgot your password?"."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.blueprints.auth import bp
from portal.blueprints.auth.link_forms import ForgotForm, NewPasswordForm
from portal.blueprints.auth.routes import finish_sign_in
from portal.extensions import limiter
from portal.forms import saved
from portal.permissions import public
from portal.services import account_links, invitations, two_factor


def _expired():
    """One plain page for an unknown, used, replaced or expired link."""
    return render_template("auth/link_expired.html"), 410


@bp.after_request
def _no_referrer(response):
    """The token is in the address of these pages: never send it on in a Referer header."""
    if request.endpoint == "auth.set_password":
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """Choose a password from a one-time link; then signed in (or on to two-step sign-in)."""
    row = account_links.find(token)
    if row is None:
        return _expired()
    form = NewPasswordForm()
    users = []
    if saved(form, lambda: users.append(account_links.set_password_with(row, form.password.data))):
        user = users[0]
        flash(_("Your password is set."), "success")
        if current_user.is_authenticated:
            logout_user()  # someone else's session on this browser ends here
        if two_factor.is_enrolled(user):
            # The code is still asked for: the link proves the e-mail, not the phone.
            return redirect(url_for("auth.sign_in"), code=303)
        # An account whose role requires two-step sign-in is sent on to enrol by the gate.
        return finish_sign_in(user, remember=False, two_step=False)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/set_password.html", form=form, user=row.user), status


@bp.route("/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config.get("RESET_RATE_LIMIT", "5 per hour"), methods=["POST"])
def forgot():
    """Ask for a reset link. The answer is the same whether or not the address has an
    account."""
    form = ForgotForm()
    if saved(form, lambda: invitations.request_reset(form.email.data)):
        return render_template("auth/forgot_sent.html")
    status = 422 if form.is_submitted() else 200
    return render_template("auth/forgot.html", form=form), status
