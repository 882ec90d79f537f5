"""Changing one's own password."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import PasswordChangeForm
from portal.blueprints.auth.routes import _policy, client
from portal.extensions import db
from portal.forms import saved
from portal.permissions import role_required
from portal.services import accounts, passwords, throttle


@bp.route("/password", methods=["GET", "POST"])
@role_required()
def change_password():
    """Current password, new password twice; every other device is signed out."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        wait = throttle.minutes_to_wait(current_user.email, client(), _policy())
        ok = not wait and passwords.verify_password(
            current_user.password_hash, form.current_password.data
        )
        if not wait:
            throttle.record_attempt(current_user.email, client(), ok)
            db.session.commit()  # a wrong current password counts like a wrong sign-in
        if not ok:
            form.current_password.errors = [
                accounts.throttled_message(wait) if wait else _("That is not your password.")
            ]
    else:
        ok = False
    counts = []
    if ok and saved(
        form,
        lambda: counts.append(
            passwords.change_password(
                current_user, form.new_password.data, current_user.login_token
            )
        ),
    ):
        flash(_("Your password is changed."), "success")
        if counts[0]:
            flash(
                ngettext(
                    "%(num)d other device was signed out.",
                    "%(num)d other devices were signed out.",
                    counts[0],
                ),
                "info",
            )
        return redirect(url_for("auth.sessions"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status
