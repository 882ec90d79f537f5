"""Text messages for the district's own SMS tool (the portal sends none): how a message is
counted; the bulletins' written summaries with their short links; and the notices of a period
(plan shared, budget published, meetings and agendas, surveys and results, approvals, bulletins
without a written summary), one short line per language with its link."""

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Bulletin, District
from portal.models.bulletins import BulletinStatus
from portal.models.notices import Notice, NoticeKind
from portal.services.notices import render_line
from portal.services.short_links import share_url

# The GSM 03.38 basic set and its extension (extension characters count twice).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"
SMS_HEADER = [
    "bulletin",
    "language",
    "message",
    "short_link",
    "characters",
    "segments",
    "notice",
    "date",
]
SMS_PERIODS = (7, 30, 90)  # days of notices in the export
SMS_DEFAULT_DAYS = 30
# What families hear about: the followers' kinds (staff kinds, such as a comment waiting for
# review, are for staff alone and never texted).
TEXTED_KINDS = tuple(kind.value for kind in NoticeKind)


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
            day = bulletin.published_at.date().isoformat() if bulletin.published_at else ""
            rows.append(
                [
                    bulletin.slug,
                    LANGUAGES[code].tag,
                    full,
                    link,
                    count["units"],
                    count["segments"],
                    NoticeKind.BULLETIN_PUBLISHED.value,
                    day,
                ]
            )
    return rows


def notice_rows(district_id: int, since: datetime, until: datetime) -> list[list]:
    """One row per notice of the period (`since` <= created < `until`) and language: its line
    in that language with its link (the short link when it has one), and its count. A bulletin
    with its own written summary in a language is in `sms_rows` instead. Reads only."""
    district = db.session.get(District, district_id)
    notices = db.session.scalars(
        select(Notice)
        .where(
            Notice.district_id == district_id,
            Notice.kind.in_(TEXTED_KINDS),
            Notice.created_at >= since,
            Notice.created_at < until,
        )
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    ).all()
    written = _written_summaries([n for n in notices if n.kind == "bulletin_published"])
    rows = []
    for notice in notices:
        slug, summaries = written.get(notice.id, ("", {}))
        for code in LANGUAGES:
            if summaries.get(code):
                continue  # the bulletin's own summary says it (sms_rows)
            with force_locale(code):
                line = render_line(notice, district, code)
            text = line.headline
            if line.place not in text:
                text = f"{line.place}: {text}"
            full = f"{text} {line.url}"
            count = sms_length(full)
            rows.append(
                [
                    slug,
                    LANGUAGES[code].tag,
                    full,
                    line.url,
                    count["units"],
                    count["segments"],
                    notice.kind,
                    notice.created_at.date().isoformat(),
                ]
            )
    return rows


def _written_summaries(notices: list[Notice]) -> dict[int, tuple[str, dict]]:
    """For bulletin notices: the bulletin's slug and its written text messages, by notice id."""
    found = {}
    for notice in notices:
        bulletin_id = int(notice.key.partition(":")[2] or 0)
        bulletin = db.session.get(Bulletin, bulletin_id)
        if bulletin is not None:
            found[notice.id] = (bulletin.slug, bulletin.sms or {})
    return found
