"""The follow form (an address, a language, schools and/or the district, how often), the form
behind a "manage what you follow" link, and the confirm and unsubscribe buttons."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from portal.forms import EMAIL_PATTERN, MultiCheckboxField, PortalForm
from portal.i18n import LANGUAGES
from portal.models.notices import Frequency
from portal.services.follows import FOLLOW_FREQUENCIES

NOTHING_CHOSEN = _l("Choose at least one school, or the whole district.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ChoicesForm(PortalForm):
    """What to follow, in which language, how often (the part a follower can change later)."""

    locale = SelectField(
        _l("Language"),
        choices=[
            SelectChoice(code, lang.native_name, {"lang": lang.tag})
            for code, lang in LANGUAGES.items()
        ],
        validate_choice=False,
        validators=[AnyOf(list(LANGUAGES), message=_l("Choose a language."))],
    )
    schools = MultiCheckboxField(_l("Schools"), choices=[], validate_choice=False)
    district_wide = BooleanField(_l("The whole district: news from every school"))
    frequency = SelectField(
        _l("How often"),
        choices=[SelectChoice(f.value, f.label) for f in FOLLOW_FREQUENCIES],
        default=Frequency.NOW.value,
        validate_choice=False,
        validators=[AnyOf([f.value for f in FOLLOW_FREQUENCIES], message=_l("Choose how often."))],
    )

    def offer_schools(self, schools) -> None:
        """The district's schools as choices, by web name."""
        self.schools.choices = [(s.slug, s.name) for s in schools]
        self._known = {s.slug for s in schools}

    def validate_schools(self, field) -> None:
        from wtforms.validators import ValidationError

        if any(slug not in self._known for slug in field.data or []):
            raise ValidationError(_l("Choose a school from the list."))
        if not field.data and not self.district_wide.data:
            raise ValidationError(NOTHING_CHOSEN)


class FollowForm(ChoicesForm):
    """The public follow form; `website` is the honeypot (people never see it)."""

    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter a valid e-mail address.")),
            Length(max=254, message=_l("Enter a valid e-mail address.")),
            Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address.")),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )
    website = StringField(
        _l("Leave this empty"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )


class ButtonForm(PortalForm):
    """The confirm button behind a follower's link."""


class UnsubscribeForm(PortalForm):
    """A mail program's one-click POST (RFC 8058) carries no form token: the signed link is
    the proof, not CSRF."""

    class Meta:
        csrf = False
