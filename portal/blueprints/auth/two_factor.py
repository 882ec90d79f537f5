"""Two-step sign-in pages: the code after the password, enrolling a phone, turning it off,
new recovery codes, an admin's reset; and the gate that sends an account whose role requires
two-step sign-in to enrolment before any other page."""

import time

from flask import (
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import CodeForm, SetupForm
from portal.blueprints.auth.routes import (
    PENDING,
    PENDING_MAX_AGE,
    _next_page,
    _policy,
    client,
    finish_sign_in,
)
from portal.extensions import db
from portal.forms import saved
from portal.models import Role, User
from portal.permissions import public, role_required
from portal.services import two_factor

# What an account that must enrol may still open.
OPEN_BEFORE_ENROLMENT = {"auth.two_step_setup", "auth.sign_out", "static", "public.healthz"}


@bp.before_app_request
def require_enrolment():
    """Admins and facilitators (TWO_FACTOR_REQUIRED_ROLES) enrol before anything else."""
    if request.endpoint in OPEN_BEFORE_ENROLMENT or not current_user.is_authenticated:
        return None
    if not two_factor.required_for(current_user) or two_factor.is_enrolled(current_user):
        return None
    target = url_for("auth.two_step_setup")
    if request.headers.get("HX-Request"):
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=303)


def _pending_user() -> tuple[User | None, bool]:
    """The account whose password was right a moment ago and that now owes a code."""
    pending = session.get(PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_MAX_AGE:
        return None, False
    user = db.session.get(User, pending.get("user") or 0)
    if user is None or not user.is_active:
        return None, False
    return user, bool(pending.get("remember"))


@bp.route("/two-step", methods=["GET", "POST"])
@public
def two_step():
    """The second step of signing in: a code from the app or a recovery code."""
    user, remember = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.sign_in", next=_next_page()), code=303)
    form = CodeForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("auth/two_step.html", form=form), status
    wait = two_factor.check_code(user, form.code.data, client(), _policy())
    db.session.commit()  # the try counts, right or wrong
    if wait is not None:
        form.code.errors = [two_factor.refusal(wait)]
        return render_template("auth/two_step.html", form=form), 429 if wait else 422
    return finish_sign_in(user, remember, two_step=True)


def _issuer() -> str:
    district = g.get("district")
    return district.name if district is not None else "Common Ground"


@bp.route("/two-step/setup", methods=["GET", "POST"])
@role_required()
def two_step_setup():
    """Enrol a phone: a QR code and the secret typed out, then a first code to turn it on.
    The recovery codes are shown once, in the answer to that POST."""
    if two_factor.is_enrolled(current_user):
        return redirect(url_for("auth.two_step_settings"), code=303)
    form = SetupForm()
    secret = form.is_submitted() and two_factor.secret_from_setup(current_user, form.setup.data)
    if not secret:
        secret = two_factor.new_secret()
        form.setup.data = two_factor.setup_token(current_user, secret)
    codes = []
    if saved(form, lambda: codes.extend(two_factor.enable(current_user, secret, form.code.data))):
        return render_template("auth/recovery_codes.html", codes=codes)
    form.setup.data = two_factor.setup_token(current_user, secret)
    link = two_factor.setup_link(secret, current_user.email, _issuer())
    return render_template(
        "auth/two_step_setup.html",
        form=form,
        qr=two_factor.qr_data_uri(link),
        secret=two_factor.grouped(secret),
        required=two_factor.required_for(current_user),
    ), 422 if form.is_submitted() else 200


@bp.get("/two-step/settings")
@role_required()
def two_step_settings():
    """Whether two-step sign-in is on, with the forms to turn it off or get new codes."""
    return render_template(
        "auth/two_step_settings.html",
        enrolled=two_factor.is_enrolled(current_user),
        required=two_factor.required_for(current_user),
        left=two_factor.recovery_codes_left(current_user.id),
        form=CodeForm(),
    )


def _with_current_code(action):
    """Check a current code (the try is committed whatever happens), then run `action()`."""
    form = CodeForm()
    if form.validate_on_submit():
        if not two_factor.is_enrolled(current_user):
            return redirect(url_for("auth.two_step_settings"), code=303)
        wait = two_factor.check_code(current_user, form.code.data, client(), _policy())
        db.session.commit()
        if wait is None:
            result = action()
            db.session.commit()
            return result
        form.code.errors = [two_factor.refusal(wait)]
    page = render_template(
        "auth/two_step_settings.html",
        enrolled=True,
        required=two_factor.required_for(current_user),
        left=two_factor.recovery_codes_left(current_user.id),
        form=form,
    )
    return page, 422


@bp.post("/two-step/disable")
@role_required()
def two_step_disable():
    """Turn two-step sign-in off (a role that requires it is asked to enrol again at once)."""

    def turn_off():
        two_factor.disable(current_user)
        flash(_("Two-step sign-in is off."), "success")
        return redirect(url_for("auth.two_step_settings"), code=303)

    return _with_current_code(turn_off)


@bp.post("/two-step/recovery-codes")
@role_required()
def two_step_new_codes():
    """Replace the recovery codes (the old ones stop working)."""
    return _with_current_code(
        lambda: render_template(
            "auth/recovery_codes.html", codes=two_factor.new_recovery_codes(current_user)
        )
    )


@bp.get("/users/<int:user_id>/two-step")
@role_required(Role.ADMIN)
def user_two_step(user_id: int):
    """An admin's view of another account's two-step sign-in, with the reset."""
    user = db.session.get(User, user_id) or abort(404)
    return render_template(
        "auth/user_two_step.html", user=user, enrolled=two_factor.is_enrolled(user)
    )


@bp.post("/users/<int:user_id>/two-step/reset")
@role_required(Role.ADMIN)
def user_two_step_reset(user_id: int):
    """Turn off another account's two-step sign-in (a lost phone); audited."""
    user = db.session.get(User, user_id) or abort(404)
    two_factor.reset(user, current_user)
    db.session.commit()
    flash(_("Two-step sign-in is off for %(name)s.", name=user.name), "success")
    return redirect(url_for("auth.user_two_step", user_id=user.id), code=303)
