"""The bulletin forms: the editor (the text side by side, who it is for, its links), the
publishing buttons, the picture, a new bulletin's title, the text-message counter, and
subscribing. Field names are the HTML names the pages and tests use (`title_en`, `sms_es`)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from portal.forms import (
    EMAIL_PATTERN,
    MultiCheckboxField,
    PortalForm,
    TimeOfDayField,
    per_language,
)
from portal.i18n import LANGUAGES
from portal.models.bulletins import BULLETIN_FIELDS
from portal.services.bulletin_pictures import MAX_ALT_LENGTH
from portal.services.bulletins import MAX_LENGTHS, STATUS_ACTIONS


def _checked_by_the_service(form_class, prefix: str) -> None:
    """The service checks these texts' lengths (after trimming, with a message that gives both
    numbers), and a browser must not cut a pasted text short without a word: no `maxlength`,
    no form-level length check."""
    for code in LANGUAGES:
        unbound = getattr(form_class, f"{prefix}_{code}")
        unbound.kwargs["validators"] = []
        unbound.kwargs["render_kw"] = {
            k: v for k, v in unbound.kwargs["render_kw"].items() if k != "maxlength"
        }


class BulletinForm(PortalForm):
    """The editor: the original and one translation side by side, the review choice for the
    translation, the schools it is for (none: the whole district) and its links."""

    review = SelectField(
        choices=[
            SelectChoice("draft", _l("a draft")),
            SelectChoice("reviewed", _l("reviewed and ready")),
        ],
        validate_choice=False,  # absent or unknown: the review state is left as it is
    )
    school = MultiCheckboxField(
        _l("Who it is for (no school ticked: the whole district)"),
        coerce=int,
        validate_choice=False,  # another district's school is left out by the service
    )
    links = TextAreaField(
        _l("Links to portal pages"),
        render_kw={"rows": 3, "autocapitalize": "none", "spellcheck": "false"},
    )

    def typed(self, codes) -> dict[tuple[str, str], str]:
        """The text of each field in the languages shown, as typed."""
        return {
            (name, code): self[f"{name}_{code}"].data or ""
            for name in BULLETIN_FIELDS
            for code in codes
        }

    def came_along(self, source: str) -> bool:
        """Whether the text was sent with this request (the publishing buttons belong to the
        editor's form; the publishing form alone sends no text)."""
        return bool(self[f"title_{source}"].raw_data)


FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "body": _l("Text"),
    "sms": _l("Text message (optional)"),
}
for _name in BULLETIN_FIELDS:
    per_language(
        BulletinForm, _name, FIELD_LABELS[_name], MAX_LENGTHS[_name], textarea=_name != "title"
    )
    _checked_by_the_service(BulletinForm, _name)


class StatusForm(PortalForm):
    """The publishing buttons: publish now (`anyway` when languages are not reviewed),
    schedule for a day and time, archive, or back to draft."""

    action = SelectField(choices=[SelectChoice(a, a) for a in STATUS_ACTIONS])
    anyway = BooleanField(
        _l("Publish anyway, with a “translation coming” note"),
        render_kw={"value": "1", "form": "bulletin-form"},
    )
    day = DateField(_l("Publish on"), render_kw={"form": "bulletin-form"})
    time = TimeOfDayField(_l("At"), render_kw={"type": "time", "form": "bulletin-form"})

    def choices(self) -> dict:
        """The publishing choices as the service takes them."""
        return {"day": self.day.data, "clock": self.time.data, "anyway": self.anyway.data}

    def validate(self, extra_validators=None) -> bool:
        """Only the action is checked here: a day and time matter only when scheduling, and
        the service says what is missing or wrong with them (a date or time it cannot read
        arrives as none)."""
        super().validate(extra_validators)
        self.day.errors, self.time.errors, self.anyway.errors = [], [], []
        return not self.errors


class PictureForm(PortalForm):
    """The picture and what it shows, in the languages shown."""

    image = FileField(
        _l("Picture"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"}
    )

    def descriptions(self) -> dict[str, str]:
        """The descriptions sent ({language: text}); languages not on the form are absent."""
        return {
            code: self[f"alt_{code}"].data or ""
            for code in LANGUAGES
            if self[f"alt_{code}"].raw_data
        }


per_language(PictureForm, "alt", _l("Description of the picture"), MAX_ALT_LENGTH, False)
_checked_by_the_service(PictureForm, "alt")


class NewBulletinForm(PortalForm):
    """A new bulletin's title in the district's main language (the rest comes next)."""


per_language(NewBulletinForm, "title", _l("Title"), MAX_LENGTHS["title"], textarea=False)
_checked_by_the_service(NewBulletinForm, "title")


class SmsCountForm(PortalForm):
    """The text-message counter (htmx): the one `sms_<code>` field being typed."""

    def typed(self) -> tuple[str, str]:
        """(language, text) of the field that was sent."""
        for code in LANGUAGES:
            field = self[f"sms_{code}"]
            if field.raw_data:
                return code, field.data or ""
        return "en", ""


per_language(SmsCountForm, "sms", _l("Text message"), MAX_LENGTHS["sms"])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SubscribeForm(PortalForm):
    """An e-mail address, a language, and optionally one school; `website` is the honeypot
    (people never see it)."""

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
    locale = SelectField(
        _l("Language"),
        choices=[
            SelectChoice(code, lang.native_name, {"lang": lang.tag})
            for code, lang in LANGUAGES.items()
        ],
        validate_choice=False,
        validators=[AnyOf(list(LANGUAGES), message=_l("Choose a language."))],
    )
    school = SelectField(_l("School (optional)"), default="", validate_choice=False)
    website = StringField(
        _l("Leave this empty"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )

    def offer_schools(self, schools) -> None:
        """The district's schools as choices (by web name), after "All district bulletins"."""
        self.school.choices = [SelectChoice("", _l("All district bulletins"))] + [
            SelectChoice(s.slug, s.name) for s in schools
        ]
        known = [s.slug for s in schools]
        message = _l("Choose a school from the list.")
        self.school.validators = [AnyOf(["", *known], message=message)]


class UnsubscribeForm(PortalForm):
    """The unsubscribe button. A mail program's one-click POST (RFC 8058) carries no form
    token, so the signed link is the proof, not CSRF."""

    class Meta:
        csrf = False


class ConfirmForm(PortalForm):
    """The confirmation button behind a subscriber's link."""
