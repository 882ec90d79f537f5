"""The weekly digest (`flask send-digests`, from cron): for each follower with deliveries
waiting, one message that merges all of them in the order they happened, then marks them sent.
Its dedupe key names the follower and the week, so running the command twice in a week sends
one digest; what happens after that week's digest waits for the next one."""

from datetime import datetime

from flask import render_template
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from portal.extensions import db
from portal.models import District, Subscriber
from portal.models.base import utcnow
from portal.models.notices import Notice, NoticeDelivery
from portal.services import follows, mail
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
    return queued


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
