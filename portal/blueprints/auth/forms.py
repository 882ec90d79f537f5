"""Signing in (password, then a code for two-step sign-in), changing a password, and where to
go afterwards."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.blueprints.auth.link_forms import new_password_fields
from portal.forms import PortalForm, email_field


class SignInForm(PortalForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class NextPageForm(PortalForm):
    """`?next=`, the page asked for before signing in (read from the query string; where it may
    lead is the handler's `_safe_next` to decide)."""

    class Meta:
        csrf = False

    next = StringField(validators=[Length(max=2000)])


def _code_field(label=None) -> StringField:
    return StringField(
        label or _l("Code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "maxlength": 40},
    )


class CodeForm(PortalForm):
    """A code from the authenticator app, or a recovery code."""

    code = _code_field(_l("Code from your authenticator app, or a recovery code"))


class SetupForm(PortalForm):
    """The first code from the app, with the secret it was made from (sealed, in a hidden
    field: nothing is stored until the code works)."""

    setup = HiddenField(validators=[DataRequired(), Length(max=400)])
    code = _code_field(_l("The 6-digit code the app shows"))


class PasswordChangeForm(PortalForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password, confirm = new_password_fields("new_password")
