"""Locale-aware formatting of numbers, money and dates for templates.

Money is integer cents everywhere in the portal; it is turned into a decimal only here, for display.
"""

from decimal import Decimal

from flask import g
from flask_babel import format_currency, format_decimal


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def money(cents: int) -> str:
    """Format integer cents as the district's currency in the reader's locale."""
    district = getattr(g, "district", None)
    currency = district.currency if district is not None else "USD"
    return format_currency(cents_to_decimal(cents), currency)


def number(value) -> str:
    return format_decimal(value)
