"""Shared column types and mixins."""

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, String, TypeDecorator
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapped, mapped_column


class IllegalMove(ValueError):
    """A transition a record's state does not allow (closing a closed motion, approving a plan
    with no vote). Raised by the models' transition methods; a route that lets one through
    answers 409 with the message (portal.errors), and nothing is committed."""


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (what every timestamp column stores)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime: store times as aware UTC datetimes")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


# Public text typed by people is stored per language in one JSON object keyed by locale code,
# {"en": "...", "es": "..."}; the row's `source_locale` says which one was written first.
# This is the portal's single way of storing translatable content (see portal/i18n.py).
TranslatedText = MutableDict.as_mutable(JSON)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TranslatableMixin:
    """A row with translatable fields; the fields themselves are TranslatedText columns."""

    source_locale: Mapped[str] = mapped_column(String(16), default="en")
