"""Writing and publishing bulletins: translation states, the editor's content, revisions,
and slugs. Publishing is in bulletin_publishing.py, the picture in bulletin_pictures.py.

Functions take the district and the acting user (`actor`) as arguments and never commit: the
route (or the CLI) commits once. Refused input raises `Rejected` with field messages."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Bulletin,
    BulletinRevision,
    BulletinTranslation,
    District,
    School,
)
from portal.models.base import utcnow
from portal.models.bulletins import BULLETIN_FIELDS, BulletinStatus, TranslationStatus
from portal.services.bulletin_links import MAX_LINKS, parse_links
from portal.services.errors import Rejected
from portal.services.short_links import ensure_short_link

# The longest text each translatable field takes, in characters.
MAX_LENGTHS = {"title": 200, "summary": 500, "body": 20000, "sms": 480}


def too_long(text: str, limit: int) -> str:
    """The message for text over its limit, with both numbers."""
    return _(
        "This is %(count)d characters long; it can be at most %(limit)d.",
        count=len(text),
        limit=limit,
    )


# -- Translation states -------------------------------------------------------------------------


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
    """Mark one translation reviewed (against the source as it is now) or back to draft."""
    row = next((t for t in bulletin.translations if t.locale == locale), None)
    if row is None:
        row = BulletinTranslation(locale=locale)
        bulletin.translations.append(row)
    row.status = TranslationStatus.REVIEWED if reviewed else TranslationStatus.DRAFT
    row.source_digest = source_digest(bulletin) if reviewed else ""


def snapshot(bulletin: Bulletin) -> dict:
    """The bulletin's text in every language, as a revision keeps it."""
    return {name: dict(getattr(bulletin, name) or {}) for name in BULLETIN_FIELDS}


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


# -- Writing ------------------------------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "bulletin"


def unique_slug(title: str, month: str) -> str:
    """`<year-month>-<title as a web name>`, with a number added if it is taken."""
    base = f"{month}-{slugify(title)}"
    slug, n = base, 2
    while db.session.scalars(select(Bulletin.id).where(Bulletin.slug == slug)).first():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_bulletin(district: District, title: str, actor) -> Bulletin:
    """Start a draft from its title in the district's main language; its short link is made
    now, so every page and paper that names it can use it."""
    source = district.default_locale
    title = (title or "").strip()
    name = f"title_{source}"
    if not title:
        raise Rejected({name: _("Give the bulletin a title.")})
    if len(title) > MAX_LENGTHS["title"]:
        raise Rejected({name: too_long(title, MAX_LENGTHS["title"])})
    bulletin = Bulletin(
        district_id=district.id,
        slug=unique_slug(title, utcnow().strftime("%Y-%m")),
        title={source: title},
        source_locale=source,
        created_by_id=actor.id,
    )
    db.session.add(bulletin)
    db.session.flush()
    ensure_short_link("bulletin", bulletin.id)
    return bulletin


@dataclass
class EditorContent:
    """What the editor sends: the text of the source and one translation (`texts`, by
    (field, language), as typed), the Links field as typed, the schools ticked, and the
    review choice for the translation (`review`: "draft", "reviewed", or None to leave it)."""

    target: str
    texts: dict[tuple[str, str], str]
    links: str = ""
    school_ids: list[int] = field(default_factory=list)
    review: str | None = None


def _checked_content(bulletin: Bulletin, district: District, content: EditorContent):
    """The editor's text, links and schools, checked; nothing is changed."""
    source, errors, values = bulletin.source_locale, {}, {}
    for (name, code), typed in content.texts.items():
        # Browsers send a textarea's line breaks as CR LF; the text keeps LF.
        value = (typed or "").replace("\r\n", "\n").strip()
        if len(value) > MAX_LENGTHS[name]:
            errors[f"{name}_{code}"] = too_long(value, MAX_LENGTHS[name])
        values[(name, code)] = value
    if not values.get(("title", source)):
        errors[f"title_{source}"] = _("Give the bulletin a title.")
    if not values.get(("body", source)):
        errors[f"body_{source}"] = _("Write the bulletin's text.")
    links, bad_links = parse_links(content.links, district.id)
    if bad_links:
        # The format is in the hint beside the field; the message says which lines are wrong.
        errors["links"] = _(
            "Not a link to a page of this portal: %(lines)s.",
            lines="; ".join(f"“{line[:80]}”" for line in bad_links),
        )
    elif len(links) > MAX_LINKS:
        errors["links"] = _(
            "There are %(count)d links; a bulletin can show at most %(limit)d.",
            count=len(links),
            limit=MAX_LINKS,
        )
    if errors:
        raise Rejected(errors)
    wanted = set(content.school_ids)
    schools = db.session.scalars(
        select(School).where(School.district_id == district.id).order_by(School.name)
    )
    return values, links, [s for s in schools if s.id in wanted]


def save_content(bulletin: Bulletin, district: District, content: EditorContent, actor) -> None:
    """Write the editor's content to the bulletin, keeping what a published bulletin said
    before; the review choice applies to the translation shown, once it has a title."""
    values, links, schools = _checked_content(bulletin, district, content)
    before = snapshot(bulletin)
    for (name, code), value in values.items():
        texts = dict(getattr(bulletin, name) or {})
        if value:
            texts[code] = value
        else:
            texts.pop(code, None)
        setattr(bulletin, name, texts)
    record_revision(bulletin, actor.id, before)
    bulletin.links = links
    bulletin.schools = schools
    target = content.target
    if content.review in ("draft", "reviewed") and values.get(("title", target)):
        set_review(bulletin, target, content.review == "reviewed")
