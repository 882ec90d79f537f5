"""Reading bulletins: what is published (for the district or a school), each bulletin's text in
the reader's language, its address, feed entries and print items. Reads only: nothing here
adds or changes a row."""

import base64
import calendar as month_calendar
import io
from datetime import UTC, datetime

from flask import current_app, render_template, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.i18n import LANGUAGES, TranslatedValue, pick_translation
from portal.models import Bulletin, District, School
from portal.models.bulletins import BulletinStatus, bulletin_school
from portal.services.sanitize import render_markdown
from portal.services.short_links import share_url

PER_PAGE = 20
FEED_LENGTH = 30


def published_query(district_id: int, school: School | None = None, schools_loader=selectinload):
    """Published bulletins, newest first; for a school, those addressed to it or to everyone.
    Each bulletin's schools come with `schools_loader` (a second statement by default)."""
    query = (
        select(Bulletin)
        .options(schools_loader(Bulletin.schools))
        .where(Bulletin.district_id == district_id, Bulletin.status == BulletinStatus.PUBLISHED)
        .order_by(Bulletin.published_at.desc(), Bulletin.id.desc())
    )
    if school is not None:
        addressed = select(bulletin_school.c.bulletin_id).where(
            bulletin_school.c.school_id == school.id
        )
        everyone = (
            ~select(bulletin_school.c.bulletin_id)
            .where(bulletin_school.c.bulletin_id == Bulletin.id)
            .exists()
        )
        query = query.where(or_(Bulletin.id.in_(addressed), everyone))
    return query


def latest_for(district: District | None, school: School | None = None, limit: int = 3):
    """The newest published bulletins for the home page or a school page."""
    if district is None:
        return []
    # Joined: the few bulletins and their schools in one statement, for the pages with a
    # statement budget (home and the school page).
    query = published_query(district.id, school, schools_loader=joinedload).limit(limit)
    return list(db.session.scalars(query).unique())


def district_school(district_id: int, slug: str | None) -> School | None:
    """The district's school with this web name (None for none or an unknown one)."""
    if not slug:
        return None
    return db.session.scalars(
        select(School).where(School.slug == slug, School.district_id == district_id)
    ).first()


def by_month(district_id: int, school: School | None, page: int):
    """One page of the list, grouped by (year, month), and whether older ones follow."""
    rows = list(
        db.session.scalars(
            published_query(district_id, school).offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)
        )
    )
    months: dict[tuple[int, int], list] = {}
    for bulletin in rows[:PER_PAGE]:
        key = (bulletin.published_at.year, bulletin.published_at.month)
        months.setdefault(key, []).append(bulletin)
    return months, len(rows) > PER_PAGE


def of_month(district_id: int, year: int, month: int) -> list[Bulletin]:
    """Every bulletin published in that month, oldest first (the monthly packet)."""
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year, month, month_calendar.monthrange(year, month)[1], 23, 59, 59, tzinfo=UTC)
    return list(
        db.session.scalars(
            published_query(district_id)
            .where(Bulletin.published_at >= start, Bulletin.published_at <= end)
            .order_by(None)
            .order_by(Bulletin.published_at)
        )
    )


def readable_or_none(district_id: int, slug: str) -> Bulletin | None:
    """A published or archived bulletin of the district (drafts and schedules are nobody's to
    read yet)."""
    bulletin = db.session.scalars(
        select(Bulletin)
        .options(selectinload(Bulletin.schools))
        .where(Bulletin.slug == slug, Bulletin.district_id == district_id)
    ).first()
    if bulletin is None or bulletin.status not in (
        BulletinStatus.PUBLISHED,
        BulletinStatus.ARCHIVED,
    ):
        return None
    return bulletin


def text(bulletin: Bulletin, field: str, locale: str, district_locale: str) -> TranslatedValue:
    """A field in `locale`, or in the bulletin's own language (then the district's), marked as
    a fallback."""
    return pick_translation(
        getattr(bulletin, field), locale, (bulletin.source_locale, district_locale)
    )


def bulletin_url(bulletin: Bulletin, locale: str, external: bool = True) -> str:
    """The bulletin's page in `locale`, with the site's address unless `external` is False."""
    tag = LANGUAGES[locale].tag if locale in LANGUAGES else locale
    path = url_for("bulletins.show", slug=bulletin.slug, lang=tag)
    return current_app.config["PUBLIC_BASE_URL"] + path if external else path


def feed_entries(district: District, school: School | None, locale: str) -> list[dict]:
    """The feed's newest entries, each with its content as HTML (escaped into the feed)."""
    entries = []
    for b in db.session.scalars(published_query(district.id, school).limit(FEED_LENGTH)):
        body = text(b, "body", locale, district.default_locale)
        entries.append(
            {
                "bulletin": b,
                "title": text(b, "title", locale, district.default_locale),
                "summary": text(b, "summary", locale, district.default_locale),
                "content": render_template(
                    "bulletins/_partials/feed_content.html",
                    body=body,
                    body_html=render_markdown(body.text),
                ),
                "url": bulletin_url(b, locale),
            }
        )
    return entries


def image_data_uri(bulletin: Bulletin) -> str | None:
    """The large picture inline, for the print edition (the PDF fetches nothing)."""
    if bulletin.image is None:
        return None
    return (
        f"data:{bulletin.image.mimetype};base64," + base64.b64encode(bulletin.image.large).decode()
    )


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an inline PNG."""
    import segno

    buffer = io.BytesIO()
    # PNG, not SVG: a raster prints crisply at this size and every PDF reader shows it.
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def print_item(bulletin: Bulletin, district: District, locale: str) -> dict:
    """One bulletin of the print edition in `locale`, with a QR code of its short link (or of
    its full address, while it has none)."""
    url = share_url("bulletin", bulletin, locale)
    body = text(bulletin, "body", locale, district.default_locale)
    return {
        "bulletin": bulletin,
        "title": text(bulletin, "title", locale, district.default_locale),
        "summary": text(bulletin, "summary", locale, district.default_locale),
        "body": body,
        "body_html": render_markdown(body.text),
        "url": url,
        "qr": qr_data_uri(url),
        "picture": image_data_uri(bulletin),
        "alt": pick_translation(bulletin.image.alt, locale, (bulletin.source_locale,))
        if bulletin.image
        else None,
        "coming": locale not in bulletin.locales,
    }
