"""The one way to write a form: Flask-WTF forms built from the pieces here.

- `PortalForm` is the base class: `translations(prefix)` reads a per-language field group and
  `reject(error)` puts a service's `Rejected` messages beside the fields they name.
- `per_language(FormClass, prefix, ...)` adds one field per portal language (`<prefix>_<code>`),
  drawn by the `translations` macro in `_macros/forms.html`.
- `saved(form, action)`: validate, run the service call and commit, or roll back and show why.
- `DollarsField`, `PercentField`, `TimeOfDayField`, `WebAddressField`, `MultiCheckboxField` parse
  what people type into cents, Decimals and times, with messages in the reader's language.

The `parse_*` functions underneath are shared by the fields and by the few services that read
uploaded files; they return None for input they cannot accept.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget, Select, TextInput

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.services.errors import Rejected

# A sanity check, not RFC 5322: staff addresses are confirmed by the people who create them.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address.")),
        ],
    )


def translations(form, name: str, max_length: int) -> dict[str, str]:
    """`name_<locale>` fields -> {locale: text}, empty ones left out."""
    return {
        code: value
        for code in LANGUAGES
        if (value := (form.get(f"{name}_{code}") or "").strip()[:max_length])
    }


def parse_dollars(raw: str | None) -> int | None:
    """ "3,741.50" -> 374150 cents; None if it is not a non-negative amount."""
    text = (raw or "").strip().replace(",", "").replace("$", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    # "nan" and "inf" are Decimals too: refuse them before comparing (NaN comparisons raise).
    if not value.is_finite() or value < 0 or value > Decimal("1e12"):
        return None
    if value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


def parse_decimal(raw: str | None) -> Decimal | None:
    text = (raw or "").strip().replace(",", "").rstrip("%")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        return None
    return value.quantize(Decimal("0.01"))


def parse_int(raw: str | None, low: int, high: int) -> int | None:
    text = (raw or "").strip()
    if not re.fullmatch(r"-?\d{1,9}", text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def parse_time(raw: str | None) -> time | None:
    text = (raw or "").strip()
    if not re.fullmatch(r"\d{1,2}:\d{2}", text):
        return None
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        return None


def parse_web_address(raw: str | None) -> str | None:
    """An http(s) address, or "" for none; None if it is something else (javascript: ...)."""
    text = (raw or "").strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 500:
        return None
    return text


class PortalForm(FlaskForm):
    """Base of every portal form."""

    def translations(self, prefix: str) -> dict[str, str]:
        """The `<prefix>_<code>` fields as {locale: text}, empty ones left out."""
        return {
            code: value
            for code in LANGUAGES
            if (field := self._fields.get(f"{prefix}_{code}")) is not None
            and (value := (field.data or "").strip())
        }

    def reject(self, error) -> None:
        """Show a service's `Rejected` on this form: each message beside its field or its
        per-language group (`group_errors`), the rest in the summary."""
        groups = getattr(self, "_per_language", {})
        for name, message in error.fields.items():
            if name in groups:
                self.group_errors.setdefault(name, []).append(str(message))
            elif name in self._fields:
                field = self._fields[name]
                field.errors = [*field.errors, str(message)]
            else:
                self.form_errors.append(str(message))
        self.form_errors.extend(error.messages)

    @property
    def group_errors(self) -> dict[str, list[str]]:
        """Errors for a per-language group as a whole ("write it in English at least")."""
        if "_group_errors" not in self.__dict__:
            self._group_errors = {}
        return self._group_errors

    def group_label(self, prefix: str):
        return getattr(self, "_per_language", {}).get(prefix, prefix)

    def group_fields(self, prefix: str) -> list:
        """The per-language fields of a group, in the portal's language order."""
        return [self._fields[f"{prefix}_{code}"] for code in LANGUAGES]


def saved(form, action) -> bool:
    """Validate `form`; if it is valid, run `action()` (the one service call), and commit.
    A `Rejected` from the service rolls back and lands on the form (form.reject). True
    when the change is committed; the route then redirects, otherwise re-renders (422).
    Routes call this, not their own try/except/commit, so that one place decides how a refused
    request rolls back (first: nothing half-done is committed later) and shows its messages."""
    if not form.validate_on_submit():
        return False
    try:
        action()
    except Rejected as error:
        db.session.rollback()
        form.reject(error)
        return False
    db.session.commit()
    return True


def per_language(
    form_class, prefix: str, label, max_length: int, textarea: bool = True, required=None
) -> None:
    """Add one field per portal language to `form_class`, named `<prefix>_<locale>`, labelled by
    the language's own name. `required` is the message when the district's main language is
    left empty (checked by the service, which knows the district's language)."""
    field_class = TextAreaField if textarea else StringField
    for code, lang in LANGUAGES.items():
        setattr(
            form_class,
            f"{prefix}_{code}",
            field_class(
                lang.native_name,
                validators=[Length(max=max_length)],
                render_kw={"lang": lang.tag, "dir": "auto", "maxlength": max_length},
            ),
        )
    form_class._per_language = {**getattr(form_class, "_per_language", {}), prefix: label}


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (schools, roles) instead of a multi-select nobody can use."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ValueFirstSelect(Select):
    """A <select> whose chosen option reads `<option value="x" selected>`, as the portal's pages
    have always written it (WTForms sorts the attributes the other way round). A blank first
    option ("Choose a kind") is chosen by being first, so it is never marked."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        html = str(super().render_option(choice._replace(selected=False), **kwargs))
        marked = choice.selected and choice.value != ""
        return html.replace(">", " selected>", 1) if marked else html


class ChoiceField(SelectField):
    """One choice from a list, drawn value-first. Say what to choose with
    `invalid_choice_message` (WTForms' own "Not a valid choice" otherwise)."""

    widget = ValueFirstSelect()


class _ParsedField(Field):
    """A text input whose typed text is parsed by `parse`; the typed text comes back as typed
    when it is refused."""

    widget = TextInput()
    message = _l("Enter a valid value.")

    def parse(self, text: str):  # pragma: no cover - overridden
        raise NotImplementedError

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "") or ""
        self.data = None
        if self.raw.strip():
            self.data = self.parse(self.raw)
            if self.data is None:
                raise ValueError(str(self.message))

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return self.format(self.data) if self.data is not None else ""

    def format(self, value) -> str:
        return str(value)


class DollarsField(_ParsedField):
    """Dollars as typed ("3,741.50", "$95000") -> integer cents."""

    message = _l("Enter an amount in dollars, such as 95,000 or 3,741.50.")

    def parse(self, text):
        return parse_dollars(text)

    def format(self, cents):
        whole, part = divmod(int(cents), 100)
        return f"{whole}.{part:02d}" if part else str(whole)


class PercentField(_ParsedField):
    """A number such as 12.5 or 12.5% -> Decimal."""

    message = _l("Enter a number, such as 12.5.")

    def parse(self, text):
        return parse_decimal(text)


class TimeOfDayField(_ParsedField):
    """A time such as 18:30 -> datetime.time."""

    message = _l("Enter a time such as 18:30.")

    def parse(self, text):
        return parse_time(text)

    def format(self, value):
        return value.strftime("%H:%M")


class WebAddressField(_ParsedField):
    """An http(s) address, or empty."""

    message = _l("Enter a web address starting with https://")

    def parse(self, text):
        return parse_web_address(text) or None


class ActionForm(PortalForm):
    """A form that is only a button (post the agenda, remove a row): its CSRF token is all it
    carries."""


def csrf_field(form=None):
    """The CSRF hidden input of `form` (or of an `ActionForm` for a button-only form), without
    an id, since a page holds many forms. A Jinja global: `{{ csrf_field() }}`."""
    # formdata=None: a fresh button form reads nothing sent, so a page can still be drawn
    # when the request body is what was refused (a 10 MB upload: 413).
    token = getattr(form or ActionForm(formdata=None), "csrf_token", None)
    return token(id=False) if token is not None else ""  # None when CSRF is off (some tests)
