"""Forms for the one-time password links and "Forgot your password?"."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.forms import PortalForm, email_field
from portal.services.passwords import ADVICE


def new_password_fields(name: str):
    """A new password and the same again, checked to match: `name` is the first field's name
    (the change-password form calls it `new_password`, the link forms `password`)."""
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a new password.")), Length(max=200)],
        description=ADVICE,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(message=_l("Type the new password again.")),
            EqualTo(name, message=_l("The two new passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class NewPasswordForm(PortalForm):
    """A password chosen from a one-time link (invitation, reset, first run)."""

    password, confirm = new_password_fields("password")


class ForgotForm(PortalForm):
    """The address to send a reset link to."""

    email = email_field()
