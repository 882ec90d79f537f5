"""Form pieces shared by every blueprint: WTForms fields, and parsers for plain forms that
return None for input they cannot accept (the caller puts a message beside the field)."""

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Length, Regexp

from portal.i18n import LANGUAGES

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
    if value < 0 or value != value.quantize(Decimal("0.01")) or value > Decimal("1e12"):
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
