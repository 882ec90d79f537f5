"""Bulletins: Markdown made safe, translation states, publishing (now or when due), text-message
lengths, slugs and short links."""

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

import nh3
from flask import current_app
from markdown_it import MarkdownIt
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.models import Bulletin, BulletinRevision, BulletinTranslation, School, ShortLink, Survey
from portal.models.base import utcnow
from portal.models.bulletins import BULLETIN_FIELDS, BulletinStatus, TranslationStatus

# The longest text each translatable field takes, in characters.
MAX_LENGTHS = {"title": 200, "summary": 500, "body": 20000, "sms": 480}

# Raw HTML in Markdown is not passed through (html=False); what Markdown itself makes is then
# cleaned by an allow-list, so no author's markup can reach a page.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
    "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Markdown -> HTML that is safe to put in a page (allow-listed tags, http/https/mailto)."""
    html = _MARKDOWN.render(text or "")
    # Headings in a bulletin start at h2: the page's h1 is its title.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
    )


def source_digest(bulletin: Bulletin) -> str:
    """A hash of the source language's text, to tell when a reviewed translation is out of date."""
    source = bulletin.source_locale
    text = "\x1f".join((getattr(bulletin, f) or {}).get(source, "") for f in BULLETIN_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()


def translation_state(bulletin: Bulletin, locale: str) -> str:
    """missing, draft, reviewed or outdated (reviewed before the source last changed)."""
    if locale == bulletin.source_locale:
        return "source"
    if not (bulletin.title or {}).get(locale) or not (bulletin.body or {}).get(locale):
        return "missing"
    row = next((t for t in bulletin.translations if t.locale == locale), None)
    if row is None or row.status != TranslationStatus.REVIEWED:
        return "draft"
    return "reviewed" if row.source_digest == source_digest(bulletin) else "outdated"


def missing_required(bulletin: Bulletin, required: list[str]) -> list[str]:
    """Required languages not yet reviewed (the source language counts as reviewed)."""
    return [
        code
        for code in required
        if code != bulletin.source_locale and translation_state(bulletin, code) != "reviewed"
    ]


def set_review(bulletin: Bulletin, locale: str, reviewed: bool) -> None:
    row = next((t for t in bulletin.translations if t.locale == locale), None)
    if row is None:
        row = BulletinTranslation(locale=locale)
        bulletin.translations.append(row)
    row.status = TranslationStatus.REVIEWED if reviewed else TranslationStatus.DRAFT
    row.source_digest = source_digest(bulletin) if reviewed else ""


def snapshot(bulletin: Bulletin) -> dict:
    return {field: dict(getattr(bulletin, field) or {}) for field in BULLETIN_FIELDS}


def record_revision(bulletin: Bulletin, user_id: int | None, before: dict | None = None) -> None:
    """Keep what a published bulletin said before this edit (`before`, its snapshot then), when
    the edit changed anything."""
    if before is not None and before == snapshot(bulletin):
        return
    if bulletin.status == BulletinStatus.PUBLISHED:
        bulletin.revisions.append(
            BulletinRevision(
                created_at=utcnow(), user_id=user_id, snapshot=before or snapshot(bulletin)
            )
        )


def publish(bulletin: Bulletin, now: datetime | None = None) -> bool:
    """Publish a bulletin; returns True the first time (when e-mails should be queued)."""
    first = bulletin.published_at is None
    bulletin.status = BulletinStatus.PUBLISHED
    bulletin.published_at = bulletin.published_at or now or utcnow()
    bulletin.publish_at = None
    return first


def due_bulletins(district_id: int, now: datetime) -> list[Bulletin]:
    return list(
        db.session.scalars(
            select(Bulletin).where(
                Bulletin.district_id == district_id,
                Bulletin.status == BulletinStatus.SCHEDULED,
                Bulletin.publish_at <= now,
            )
        )
    )


# -- Links to portal pages ------------------------------------------------------------------

# What a bulletin can link to, and the page each kind opens.
LINK_ENDPOINTS = {
    "plan": "plans.school_plan",
    "budget": "allocation.school_budget",
    "calendar": "calendar.school_calendar",
    "school": "public.school",
    "survey": "surveys.take",
}
LINK_KINDS = tuple(LINK_ENDPOINTS)
MAX_LINKS = 10


def _link_from_address(line: str) -> dict | None:
    """A portal page's address, whole ("https://…/schools/oak-grove/plan?lang=es") or its path."""
    parts = urlsplit(line)
    if not parts.path.startswith("/") or (parts.scheme and parts.scheme not in ("http", "https")):
        return None
    try:
        endpoint, args = current_app.url_map.bind("portal").match(parts.path, method="GET")
    except HTTPException:
        return None
    kind = next((k for k, e in LINK_ENDPOINTS.items() if e == endpoint), None)
    return {"kind": kind, "slug": args["slug"]} if kind and args.get("slug") else None


def _link_from_pair(line: str) -> dict | None:
    """ "plan: oak-grove-elementary": a kind, a colon, a web name."""
    kind, sep, slug = line.partition(":")
    kind, slug = kind.strip().lower(), slug.strip().lower()
    if not sep or kind not in LINK_KINDS or not slug or len(slug) > 80:
        return None
    return {"kind": kind, "slug": slug}


def parse_links(raw: str, district_id: int) -> tuple[list[dict], list[str]]:
    """The Links field: one link a line, as a portal page's address or as "kind: web name", to a
    school or survey of this district. Returns the links (each once) and the lines that are not
    such a link, as typed."""
    schools = set(db.session.scalars(select(School.slug).where(School.district_id == district_id)))
    surveys = set(db.session.scalars(select(Survey.slug).where(Survey.district_id == district_id)))
    links, bad = [], []
    for line in (raw or "").splitlines():
        line = line.strip()
        if not line:
            continue
        link = _link_from_address(line) or _link_from_pair(line)
        if link is None or link["slug"] not in (surveys if link["kind"] == "survey" else schools):
            bad.append(line)
        elif link not in links:
            links.append(link)
    return links, bad


def link_text(links: list[dict]) -> str:
    """Stored links as the editor shows them, one "kind: web name" a line."""
    return "\n".join(f"{link['kind']}: {link['slug']}" for link in links or [])


# -- Text messages ----------------------------------------------------------------------------

# The GSM 03.38 basic set and its extension (extension characters count twice).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"


def sms_length(text: str) -> dict:
    """How a text message is counted: GSM-7 (160 a segment, 153 when split) unless a character
    needs UCS-2 (70, 67 when split)."""
    text = text or ""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, multi, encoding = 70, 67, "UCS-2"
    segments = 0 if units == 0 else 1 if units <= single else -(-units // multi)
    return {"encoding": encoding, "units": units, "limit": single, "segments": segments}


# -- Addresses --------------------------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "bulletin"


def unique_slug(title: str, month: str) -> str:
    base = f"{month}-{slugify(title)}"
    slug, n = base, 2
    while db.session.scalars(select(Bulletin.id).where(Bulletin.slug == slug)).first():
        slug, n = f"{base}-{n}", n + 1
    return slug


SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: easy to type from paper


def short_code(kind: str, target_id: int) -> str:
    """The short link code of a bulletin, school or survey (made on first use)."""
    row = db.session.scalars(
        select(ShortLink).where(ShortLink.kind == kind, ShortLink.target_id == target_id)
    ).first()
    if row is None:
        while True:
            code = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(6))
            if db.session.get(ShortLink, code) is None:
                break
        row = ShortLink(code=code, kind=kind, target_id=target_id)
        db.session.add(row)
        db.session.flush()
    return row.code
