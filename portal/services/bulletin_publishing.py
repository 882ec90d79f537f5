"""Publishing bulletins: now (when the required languages are reviewed, or anyway with a
note), on a schedule, when due (`flask publish-scheduled`), archiving and back to draft. The
status changes only through Bulletin's transitions; publishing makes the short link and queues
the e-mails in the same transaction. Nothing here commits."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import language_label
from portal.models import Bulletin, District
from portal.models.base import utcnow
from portal.models.bulletins import BulletinStatus
from portal.services.audit import record_audit
from portal.services.bulletins import missing_required
from portal.services.errors import Rejected
from portal.services.short_links import ensure_short_link
from portal.services.subscriptions import queue_bulletin_emails

# What the editor's publishing buttons ask for.
STATUS_ACTIONS = ("publish", "schedule", "archive", "draft")


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
    confirmed subscriber it is for gets it by e-mail (queued in this transaction)."""
    first = bulletin.publish(now)
    ensure_short_link("bulletin", bulletin.id)
    if first:
        queue_bulletin_emails(bulletin, district)
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
