"""Locale-aware formatting of numbers, money and dates for templates.

Money is integer cents everywhere in the portal; it is turned into a decimal only here, for display.
"""

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency as babel_format_currency
from flask import g
from flask_babel import (
    format_date,
    format_decimal,
    format_time,
    get_locale,
    to_user_timezone,
)


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def money(cents: int) -> str:
    """Format integer cents as the district's currency in the reader's locale."""
    district = getattr(g, "district", None)
    currency = district.currency if district is not None else "USD"
    return _money(int(cents), currency, str(get_locale()))


@lru_cache(maxsize=4096)
def _money(cents: int, currency: str, locale: str) -> str:
    # Pure in its arguments, so pages with many amounts format each one once per process.
    return babel_format_currency(cents_to_decimal(cents), currency, locale=locale)


def number(value) -> str:
    return format_decimal(value)


def day(value) -> str:
    """A date (or a UTC time, shown in the district's time zone) in full: "Thursday, December 3,
    2026" in the reader's language."""
    return format_date(value, "full") if value else ""


def short_day(value) -> str:
    return format_date(value, "medium") if value else ""


def clock(value) -> str:
    """The time of day of a UTC time, in the district's time zone and the reader's style."""
    return format_time(value, "short") if value else ""


def local(value):
    """A UTC time in the district's time zone (for form fields that show it back)."""
    return to_user_timezone(value) if value else None
