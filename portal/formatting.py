"""Locale-aware formatting of numbers, money and dates for templates.

Money is integer cents everywhere in the portal; it is turned into a decimal only here, for display.
"""

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import format_percent as babel_format_percent
from flask import g
from flask_babel import (
    format_date,
    format_time,
    get_locale,
    to_user_timezone,
)
from markupsafe import Markup, escape


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _district_setting(name: str, default: str) -> str:
    district = getattr(g, "district", None)
    return getattr(district, name, None) or default


@lru_cache(maxsize=256)
def number_locale(language: str, region: str) -> str:
    """The locale whose number and money conventions a reader of `language` sees in `region`.

    Numbers follow the district's region, not the language: Spanish in the US is es_US
    ("$2,224,698"); a language Babel has no variant of for the region (Chinese, Vietnamese,
    Arabic in the US) uses the region's own main locale (en_US), never the language's home country.
    """
    base = language.split("_")[0]
    for candidate in (f"{base}_{region}", f"und_{region}"):
        try:
            return str(Locale.parse(candidate))
        except (UnknownLocaleError, ValueError):
            continue
    return "en_US"


def _reader_number_locale() -> str:
    return number_locale(str(get_locale()), _district_setting("region", "US"))


def money(cents: int) -> str:
    """Integer cents in the district's currency and region: whole dollars without ".00"
    (totals, allocations), and cents only when the amount has them."""
    cents = int(cents)
    return _money(
        cents, _district_setting("currency", "USD"), _reader_number_locale(), cents % 100 != 0
    )


def money_exact(cents: int) -> str:
    """Integer cents with the cents always shown: per-pupil weights and the arithmetic a parent
    checks step by step."""
    return _money(int(cents), _district_setting("currency", "USD"), _reader_number_locale(), True)


@lru_cache(maxsize=8192)
def _money(cents: int, currency: str, locale: str, with_cents: bool) -> str:
    # Pure in its arguments, so pages with many amounts format each one once per process.
    if with_cents:
        return babel_format_currency(cents_to_decimal(cents), currency, locale=locale)
    return babel_format_currency(
        Decimal(cents) / 100,
        currency,
        locale=locale,
        format=_whole_pattern(locale),
        currency_digits=False,
    )


@lru_cache(maxsize=64)
def _whole_pattern(locale: str) -> str:
    """The locale's own currency pattern without its decimals ("¤#,##0.00" → "¤#,##0")."""
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return pattern.replace(".00", "").replace(".##", "")


def percent(value, pattern: str | None = None) -> str:
    """A fraction as a percentage in the district's regional style."""
    return babel_format_percent(value, pattern, locale=_reader_number_locale())


def number(value, pattern: str | None = None) -> str:
    """A number in the district's regional style ("1,234.5" in the US, in every language),
    optionally with a Babel pattern ("0.00", "+0.00;-0.00")."""
    return babel_format_decimal(value, pattern, locale=_reader_number_locale())


def fte(hundredths: int | None) -> str:
    """Full-time equivalents stored in hundredths, in the district's regional style: 50 ->
    "0.5", 1838 -> "18.38", 200 -> "2" (no float on the way)."""
    if hundredths is None:
        return ""
    return number(Decimal(hundredths) / 100, "#,##0.##")


def parse_fte(text: str) -> int | None:
    """What a person typed as FTE ("0.5", "1", "18.25", "0,5") in hundredths, or None when it is
    not a number with at most two decimals. Range checks are the caller's."""
    cleaned = (text or "").strip().replace(",", ".")
    # Decimal digits of any script (an Arabic-Indic "٠.٥" too), never "²" or "½".
    if not re.fullmatch(r"\d+(\.\d{0,2})?|\.\d{1,2}", cleaned):
        return None
    return int(Decimal(cleaned) * 100)


def day(value) -> str:
    """A date (or a UTC time, shown in the district's time zone) in full: "Thursday, December 3,
    2026" in the reader's language."""
    return format_date(value, "full") if value else ""


def month(value) -> str:
    """A month and year in the reader's language ("septiembre de 2026", "2026年9月").

    Through a skeleton, not a stand-alone month pattern (four L letters): Babel 2.18 caches those
    month names across locales, so after one Chinese page every language got "九月".
    """
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", value, locale=str(get_locale())) if value else ""


def short_day(value) -> str:
    return format_date(value, "medium") if value else ""


def clock(value) -> str:
    """The time of day of a UTC time, in the district's time zone and the reader's style."""
    return format_time(value, "short") if value else ""


def local(value):
    """A UTC time in the district's time zone (for form fields that show it back)."""
    return to_user_timezone(value) if value else None


# A date (2026-12-03) or a time of day (18:30) inside a sentence, to keep on one line.
_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}|\b\d{1,2}:\d{2}\b")
_NOWRAP = Markup('<span class="nowrap">{}</span>')


def whole_values(text) -> Markup:
    """Escape a message and keep each date and time in it from breaking across lines (a phone
    breaks "2026-12-03" at its hyphens otherwise)."""
    text, pieces, last = str(text), [], 0
    for found in _VALUE.finditer(text):
        pieces += [escape(text[last : found.start()]), _NOWRAP.format(found.group(0))]
        last = found.end()
    return Markup("").join([*pieces, escape(text[last:])])
