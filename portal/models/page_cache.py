"""The whole-page cache's tables, for installs without Redis (see portal/page_cache.py)."""

from sqlalchemy import BigInteger, Float, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class PageVersion(db.Model):
    """A counter per scope ("d" the district, "S" every school, "s:<slug>" one school), bumped
    after every commit that changed a row its pages show. Bookkeeping, not part of any record."""

    __tablename__ = "page_version"

    scope: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


class PageCacheEntry(db.Model):
    """One stored anonymous page: the versions it was drawn under, and its bytes as sent."""

    __tablename__ = "page_cache"

    # SHA-256 of path, query, language, htmx target and content encoding, in hex.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(400), nullable=False)
    # Seconds since the epoch.
    expires_at: Mapped[float] = mapped_column(Float, nullable=False, index=True)
    entry: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
