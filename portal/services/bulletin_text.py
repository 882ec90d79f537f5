"""A bulletin's languages: each translation's state (missing, draft, reviewed, or out of date
when the original changed after its review) and the revisions kept of a published text."""

import hashlib

from portal.models import Bulletin, BulletinRevision, BulletinTranslation
from portal.models.base import utcnow
from portal.models.bulletins import BULLETIN_FIELDS, BulletinStatus, TranslationStatus


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
