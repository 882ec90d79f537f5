"""Digests (`flask send-digests`, from cron, daily): for each follower with deliveries waiting,
one weekly message that merges all of them in the order they happened, then marks them sent;
for each staff member or committee member with deliveries waiting (kinds they chose "daily"
for), one message a day the same way. The dedupe key names the person and the week (or the
day, on the district's clock), so running the command twice sends one digest; what happens
after that digest waits for the next one."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from portal.extensions import db
from portal.models import District, Subscriber, User
from portal.models.base import utcnow
from portal.models.notices import Notice, NoticeDelivery
from portal.services import follows, mail, staff_notices
from portal.services.notices import _tag, footer, outbox_extras, render_line


def period(now: datetime) -> str:
    """The digest period a moment falls in: its ISO week, "2026-W49"."""
    year, week, _day = now.isocalendar()
    return f"{year}-W{week:02d}"


def send_digests(now: datetime | None = None) -> int:
    """Queue one digest per follower with pending deliveries; returns how many were queued.
    Not committed here: the command commits once."""
    now = now or utcnow()
    key_period = period(now)
    pending = list(
        db.session.scalars(
            select(NoticeDelivery)
            .join(Notice, Notice.id == NoticeDelivery.notice_id)
            .where(NoticeDelivery.status == "pending", NoticeDelivery.subscriber_id.is_not(None))
            .order_by(NoticeDelivery.subscriber_id, Notice.created_at, Notice.id)
        )
    )
    by_subscriber: dict[int, list[NoticeDelivery]] = {}
    for delivery in pending:
        by_subscriber.setdefault(delivery.subscriber_id, []).append(delivery)
    queued = 0
    for subscriber_id, deliveries in by_subscriber.items():
        subscriber = db.session.get(Subscriber, subscriber_id)
        key = f"digest:{subscriber.id}:{key_period}"
        if not _queue(subscriber, deliveries, key):
            continue  # this week's digest went already: these wait for the next one
        for delivery in deliveries:
            delivery.status, delivery.sent_at, delivery.digest_key = "sent", now, key
        queued += 1
    db.session.flush()
    return queued + send_user_digests(now)


def send_user_digests(now: datetime) -> int:
    """One daily digest per user with pending deliveries (all their districts' notices in
    one message, keyed by the day in the first notice's district)."""
    pending = list(
        db.session.scalars(
            select(NoticeDelivery)
            .join(Notice, Notice.id == NoticeDelivery.notice_id)
            .where(NoticeDelivery.status == "pending", NoticeDelivery.user_id.is_not(None))
            .order_by(NoticeDelivery.user_id, Notice.created_at, Notice.id)
        )
    )
    by_user: dict[int, list[NoticeDelivery]] = {}
    for delivery in pending:
        by_user.setdefault(delivery.user_id, []).append(delivery)
    queued = 0
    for user_id, deliveries in by_user.items():
        user = db.session.get(User, user_id)
        district = db.session.get(District, deliveries[0].notice.district_id)
        day = now.astimezone(ZoneInfo(district.timezone)).date()
        key = f"digest:user:{user.id}:{day.isoformat()}"
        if not _queue_user(user, district, deliveries, key):
            continue  # today's digest went already: these wait for tomorrow's
        for delivery in deliveries:
            delivery.status, delivery.sent_at, delivery.digest_key = "sent", now, key
        queued += 1
    db.session.flush()
    return queued


def _queue_user(user: User, district: District, deliveries: list, key: str) -> bool:
    locale = staff_notices.user_locale(user, district)
    with force_locale(locale):
        lines = [render_line(d.notice, district, locale) for d in deliveries]
        subject = ngettext(
            "%(district)s today: %(num)d thing for you",
            "%(district)s today: %(num)d things for you",
            len(lines),
            district=district.name,
        )
        footer = staff_notices.user_footer(user, district, staff_notices.DAILY)
        body = render_template("notices/staff_digest_email.txt", lines=lines, **footer)
        html = render_template("notices/staff_digest_email.html", lines=lines, **footer)
    return mail.queue(
        key,
        user.email,
        subject,
        body,
        staff_notices.user_headers(user, staff_notices.DAILY, locale),
        **outbox_extras(html, None),
    )


def _queue(subscriber: Subscriber, deliveries: list[NoticeDelivery], key: str) -> bool:
    district = db.session.get(District, subscriber.district_id)
    with force_locale(subscriber.locale):
        lines = [render_line(d.notice, district, subscriber.locale) for d in deliveries]
        subject = ngettext(
            "%(district)s this week: %(num)d new thing",
            "%(district)s this week: %(num)d new things",
            len(lines),
            district=district.name,
        )
        context = {"lines": lines, **footer(subscriber, district)}
        body = render_template("notices/digest_email.txt", **context)
        html = render_template("notices/digest_email.html", **context)
    return mail.queue(
        key,
        subscriber.email,
        subject,
        body,
        {**follows.unsubscribe_headers(subscriber), "Content-Language": _tag(subscriber.locale)},
        **outbox_extras(html, None),
    )
