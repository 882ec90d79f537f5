"""Signing in, and where to go afterwards."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm, email_field


class SignInForm(PortalForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=200)],
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class NextPageForm(PortalForm):
    """`?next=`, the page asked for before signing in (read from the query string; where it may
    lead is the handler's `_safe_next` to decide)."""

    class Meta:
        csrf = False

    next = StringField(validators=[Length(max=2000)])
