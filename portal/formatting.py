"""Locale-aware formatting of numbers, money and dates for templates.

Money is integer cents everywhere in the portal; it is turned into a decimal only here, for display.
"""

from decimal import Decimal

from flask import g
from flask_babel import (
    format_currency,
    format_date,
    format_decimal,
    format_time,
    to_user_timezone,
)


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def money(cents: int) -> str:
    """Format integer cents as the district's currency in the reader's locale."""
    district = getattr(g, "district", None)
    currency = district.currency if district is not None else "USD"
    return format_currency(cents_to_decimal(cents), currency)


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
