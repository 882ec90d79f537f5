"""Following schools without an account: one shape with bulletin subscriptions. The person is
a `Subscriber` (an address, a language, confirmed by a signed link); each `Follow` row is a
school, or the district (every school), and how often they hear: as it happens or weekly.

A subscriber with no follow rows is a bulletin subscription (from /bulletins/subscribe, or from
before follows existed): it hears bulletins only, of `Subscriber.school_id` (or of every school),
as they are published. `follows_of` gives every subscriber's follows, rows or implicit."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, exists, select

from portal.extensions import db
from portal.links import public_url
from portal.models import District, School, Subscriber
from portal.models.base import utcnow
from portal.models.notices import Follow, Frequency, NoticeKind
from portal.services import mail

FOLLOW_FREQUENCIES = (Frequency.NOW, Frequency.WEEKLY)


@dataclass(frozen=True)
class Following:
    """What one subscriber follows: a school (None: the district, every school), how often,
    and which kinds of notice (None: all)."""

    school_id: int | None
    frequency: str
    kinds: frozenset | None = None

    def hears(self, kind: str, school_ids: list[int]) -> bool:
        """Whether this follow covers a notice of `kind` about `school_ids` (empty: the whole
        district, which every follower hears)."""
        if self.kinds is not None and kind not in self.kinds:
            return False
        return self.school_id is None or not school_ids or self.school_id in school_ids


BULLETINS_ONLY = frozenset({NoticeKind.BULLETIN_PUBLISHED.value})


def follows_of(subscriber: Subscriber, rows: list[Follow] | None = None) -> list[Following]:
    """The subscriber's follows: its rows, or its bulletin subscription when it has none."""
    if rows is None:
        rows = list(db.session.scalars(select(Follow).where(Follow.subscriber_id == subscriber.id)))
    if not rows:
        return [Following(subscriber.school_id, Frequency.NOW.value, BULLETINS_ONLY)]
    return [Following(row.school_id, row.frequency) for row in rows]


def audience(district_id: int, kind: str, school_ids: list[int]) -> list[tuple[Subscriber, str]]:
    """Confirmed subscribers who hear a notice of `kind` about `school_ids`, each once, with
    how often: as it happens wins over weekly when two of their follows cover it."""
    subscribers = list(
        db.session.scalars(
            select(Subscriber)
            .where(Subscriber.district_id == district_id, Subscriber.confirmed_at.is_not(None))
            .order_by(Subscriber.id)
        )
    )
    rows: dict[int, list[Follow]] = {}
    ids = [s.id for s in subscribers]
    if ids:
        for row in db.session.scalars(select(Follow).where(Follow.subscriber_id.in_(ids))):
            rows.setdefault(row.subscriber_id, []).append(row)
    found = []
    for subscriber in subscribers:
        covering = [
            f
            for f in follows_of(subscriber, rows.get(subscriber.id, []))
            if f.hears(kind, school_ids)
        ]
        if covering:
            now = any(f.frequency == Frequency.NOW for f in covering)
            found.append((subscriber, Frequency.NOW.value if now else Frequency.WEEKLY.value))
    return found


def find(district: District, email: str) -> Subscriber | None:
    email = email.strip().lower()
    return db.session.scalars(
        select(Subscriber).where(Subscriber.district_id == district.id, Subscriber.email == email)
    ).first()


def set_follows(
    subscriber: Subscriber, schools: list[School], district_wide: bool, frequency: str
) -> None:
    """Replace what the subscriber follows (the district when `district_wide`, and each
    school); the same frequency for all of them."""
    if frequency not in FOLLOW_FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    db.session.execute(delete(Follow).where(Follow.subscriber_id == subscriber.id))
    wanted = ([None] if district_wide else []) + [school.id for school in schools]
    for school_id in dict.fromkeys(wanted):
        db.session.add(
            Follow(subscriber_id=subscriber.id, school_id=school_id, frequency=frequency)
        )
    # The bulletin subscription's school, kept for bulletins while follows exist alongside.
    subscriber.school_id = None if district_wide or not schools else schools[0].id
    db.session.flush()


def follow(
    district: District,
    email: str,
    locale: str,
    schools: list[School],
    district_wide: bool,
    frequency: str,
) -> Subscriber:
    """A follow request from the public page. A new or unconfirmed address takes the choice
    and is sent a confirmation link; a confirmed one is changed only through its own signed
    link, so it is sent a "manage what you follow" link instead. At most one message a day per
    address, and the page says the same in every case (nothing tells whether it was known)."""
    subscriber = find(district, email)
    if subscriber is not None and subscriber.confirmed_at is not None:
        _send(subscriber, district, "manage")
        return subscriber
    if subscriber is None:
        subscriber = Subscriber(district_id=district.id, email=email.strip().lower())
        db.session.add(subscriber)
    subscriber.locale = locale
    subscriber.updated_at = utcnow()  # the unconfirmed purge counts from the last request
    db.session.flush()
    set_follows(subscriber, schools, district_wide, frequency)
    _send(subscriber, district, "confirm")
    return subscriber


def _send(subscriber: Subscriber, district: District, purpose: str) -> bool:
    """The confirmation or "manage" message, in the subscriber's language."""
    url = manage_url(subscriber) if purpose == "manage" else confirm_url(subscriber)
    with force_locale(subscriber.locale):
        body = render_template(f"notices/{purpose}_email.txt", url=url, district=district)
        if purpose == "manage":
            subject = _("What you follow on %(district)s", district=district.name)
        else:
            subject = _("Please confirm: follow schools on %(district)s", district=district.name)
    key = f"follow-{purpose}:{subscriber.id}:{utcnow():%Y-%m-%d}"
    # With List-Unsubscribe too: "it was not me" is one click in the mail program.
    return mail.queue(key, subscriber.email, subject, body, unsubscribe_headers(subscriber))


def confirm_url(subscriber: Subscriber) -> str:
    return public_url("notices.confirm", token=mail.subscriber_token(subscriber, "confirm"))


def manage_url(subscriber: Subscriber) -> str:
    return public_url("notices.manage", token=mail.subscriber_token(subscriber, "manage"))


def unsubscribe_url(subscriber: Subscriber) -> str:
    return public_url("notices.unsubscribe", token=mail.subscriber_token(subscriber, "unsubscribe"))


def unsubscribe_headers(subscriber: Subscriber) -> dict:
    """RFC 2369 and RFC 8058: a mail program's own one-click unsubscribe."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def rows_of(subscriber: Subscriber) -> list[Follow]:
    return list(
        db.session.scalars(
            select(Follow).where(Follow.subscriber_id == subscriber.id).order_by(Follow.id)
        )
    )


def purge_unconfirmed(now: datetime, days: int) -> dict[str, int]:
    """Followers who never confirmed within `days` of their last request (the follows go
    with them). Bulletin-only sign-ups keep their own period (retention "subscribers")."""
    cutoff = now - timedelta(days=days)
    has_follows = exists().where(Follow.subscriber_id == Subscriber.id)
    count = db.session.execute(
        delete(Subscriber).where(
            Subscriber.confirmed_at.is_(None), Subscriber.updated_at < cutoff, has_follows
        )
    ).rowcount
    return {"unconfirmed followers": count}


def purge_sent_deliveries(now: datetime, days: int) -> dict[str, int]:
    """The record of who was told what, `days` after it was sent (the message itself goes
    with the outbox's own period)."""
    from portal.models.notices import NoticeDelivery

    cutoff = now - timedelta(days=days)
    count = db.session.execute(
        delete(NoticeDelivery).where(
            NoticeDelivery.status == "sent", NoticeDelivery.sent_at < cutoff
        )
    ).rowcount
    return {"notice deliveries": count}


def purge_answer_watches(now: datetime, days: int) -> dict[str, int]:
    """ "Tell me when it's answered" addresses never used within `days`."""
    from portal.models.notices import AnswerWatch

    cutoff = now - timedelta(days=days)
    count = db.session.execute(delete(AnswerWatch).where(AnswerWatch.created_at < cutoff)).rowcount
    return {"answer addresses": count}
