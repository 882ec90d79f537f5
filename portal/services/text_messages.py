"""Bulletins as text messages: how a message is counted, and the summaries with their short
links for the district's SMS tool."""

from sqlalchemy import select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Bulletin
from portal.models.bulletins import BulletinStatus
from portal.services.short_links import share_url

# The GSM 03.38 basic set and its extension (extension characters count twice).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"
SMS_HEADER = ["bulletin", "language", "message", "short_link", "characters", "segments"]


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


def sms_rows(district_id: int) -> list[list]:
    """One row per published bulletin and language with a text message: the message with its
    link added (the short link, or the full address while it has none), and its count. Reads
    only."""
    bulletins = db.session.scalars(
        select(Bulletin)
        .where(Bulletin.district_id == district_id, Bulletin.status == BulletinStatus.PUBLISHED)
        .order_by(Bulletin.published_at.desc())
    )
    rows = []
    for bulletin in bulletins:
        for code, message in sorted((bulletin.sms or {}).items()):
            if not message or code not in LANGUAGES:
                continue
            link = share_url("bulletin", bulletin, code)
            full = f"{message} {link}"
            count = sms_length(full)
            rows.append(
                [bulletin.slug, LANGUAGES[code].tag, full, link, count["units"], count["segments"]]
            )
    return rows
