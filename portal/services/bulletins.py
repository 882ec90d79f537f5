"""Writing and publishing bulletins: a new draft, the editor's content, publishing (now, on a
schedule, when due), archiving, and slugs. Translation states and revisions are in
bulletin_text.py, the picture in bulletin_pictures.py.

Functions take the district and the acting user (`actor`) as arguments and never commit: the
route (or the CLI) commits once. Refused input raises `Rejected` with field messages."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import language_label
from portal.models import Bulletin, District, School
from portal.models.base import utcnow
from portal.models.bulletins import BulletinStatus
from portal.services.audit import record_audit
from portal.services.bulletin_links import MAX_LINKS, parse_links
from portal.services.bulletin_text import missing_required, record_revision, set_review, snapshot
from portal.services.errors import Rejected
from portal.services.notices import announce
from portal.services.short_links import ensure_short_link

# The longest text each translatable field takes, in characters.
MAX_LENGTHS = {"title": 200, "summary": 500, "body": 20000, "sms": 480}
# What the editor's publishing buttons ask for.
STATUS_ACTIONS = ("publish", "schedule", "archive", "draft")


def too_long(text: str, limit: int) -> str:
    """The message for text over its limit, with both numbers."""
    return _(
        "This is %(count)d characters long; it can be at most %(limit)d.",
        count=len(text),
        limit=limit,
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


# -- Publishing ---------------------------------------------------------------------------------


def _publish_time(district: District, day: date | None, clock: time | None, now: datetime):
    """The day and time typed, in the district's time zone, as UTC; refused when either is
    missing or the moment has passed."""
    errors = {}
    if day is None:
        errors["day"] = _("Enter the day to publish it on.")
    if clock is None:
        errors["time"] = _("Enter the time to publish it at, such as 08:30.")
    if errors:
        return None, errors
    when = datetime.combine(day, clock, ZoneInfo(district.timezone)).astimezone(UTC)
    if when <= now:
        return None, {"day": _("That time has passed. Choose a later one, or publish now.")}
    return when, {}


def change_status(
    bulletin: Bulletin,
    district: District,
    action: str,
    actor,
    *,
    day: date | None = None,
    clock: time | None = None,
    anyway: bool = False,
    now: datetime | None = None,
) -> None:
    """Publish (when the required languages are reviewed, or `anyway` with a note), schedule
    for `day` at `clock` (the district's time), archive, or take a scheduled bulletin back to
    draft ("draft"). Refused input raises Rejected; a move the status does not allow raises
    IllegalMove."""
    now = now or utcnow()
    source, errors, when = bulletin.source_locale, {}, None
    if action in ("publish", "schedule") and not (bulletin.body or {}).get(source):
        errors[f"body_{source}"] = _("Write the bulletin's text before publishing.")
    missing = missing_required(bulletin, district.required_locales or [])
    if action == "publish" and missing and not anyway:
        errors["anyway"] = _(
            "These languages are not reviewed yet: %(languages)s. Tick “Publish anyway” to "
            "show a “translation coming” note in them.",
            languages=", ".join(language_label(code) for code in missing),
        )
    if action == "schedule":
        when, time_errors = _publish_time(district, day, clock, now)
        errors.update(time_errors)
    if errors:
        raise Rejected(errors)
    if action == "publish":
        publish(bulletin, district, now, actor)
        return
    if action == "schedule":
        bulletin.schedule(when)
    elif action == "archive":
        bulletin.archive()
    elif action == "draft":
        bulletin.unschedule()
    else:
        raise ValueError(f"unknown action {action!r}")
    record_audit(actor, f"bulletin.{action}", "bulletin", bulletin.id, {"status": bulletin.status})


def publish(bulletin: Bulletin, district: District, now: datetime, actor) -> None:
    """Put it online now: its short link is made if it has none, and the first time, every
    confirmed subscriber or follower it is for hears of it (queued in this transaction)."""
    first = bulletin.publish(now)
    ensure_short_link("bulletin", bulletin.id)
    if first:
        announce("bulletin_published", bulletin)  # followers, now or in their digest
    record_audit(actor, "bulletin.publish", "bulletin", bulletin.id, {"first": first})


def due_bulletins(district_id: int, now: datetime) -> list[Bulletin]:
    """Scheduled bulletins of the district whose time has come."""
    return list(
        db.session.scalars(
            select(Bulletin).where(
                Bulletin.district_id == district_id,
                Bulletin.status == BulletinStatus.SCHEDULED,
                Bulletin.publish_at <= now,
            )
        )
    )


def publish_due(district: District, now: datetime | None = None) -> list[Bulletin]:
    """Publish the district's scheduled bulletins whose time has come (`flask
    publish-scheduled`, run from cron; never a page view). Returns them."""
    now = now or utcnow()
    due = due_bulletins(district.id, now)
    for bulletin in due:
        publish(bulletin, district, now, None)
    return due


def district_schools(district_id: int) -> list[School]:
    """Every school of the district, by name (one statement): what a bulletin may be about
    and what a subscriber may follow."""
    return list(
        db.session.scalars(
            select(School).where(School.district_id == district_id).order_by(School.name)
        )
    )
