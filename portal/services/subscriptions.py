"""E-mail subscriptions to bulletins: signing up (confirmed by a signed link), confirming,
unsubscribing, and queueing a published bulletin for every subscriber it is for, in their
language. Messages go through the outbox (portal.services.mail) in the caller's transaction."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.links import public_url
from portal.models import Bulletin, District, School, Subscriber
from portal.models.base import utcnow
from portal.services import mail
from portal.services.bulletin_reading import bulletin_url, text


def subscribe(district: District, email: str, locale: str, school: School | None) -> Subscriber:
    """Sign `email` up (or change its language and school). Until it is confirmed, a message
    with a signed confirmation link is queued, at most one per address a day."""
    email = email.strip().lower()
    subscriber = db.session.scalars(
        select(Subscriber).where(Subscriber.district_id == district.id, Subscriber.email == email)
    ).first() or Subscriber(district_id=district.id, email=email)
    subscriber.locale = locale
    subscriber.school_id = school.id if school else None
    db.session.add(subscriber)
    db.session.flush()
    if subscriber.confirmed_at is None:
        confirm = public_url(
            "bulletins.confirm", token=mail.subscriber_token(subscriber, "confirm")
        )
        with force_locale(locale):
            body = render_template(
                "bulletins/confirm_email.txt", confirm_url=confirm, district=district
            )
            subject = _(
                "Please confirm your subscription to %(district)s bulletins",
                district=district.name,
            )
        mail.queue(f"confirm:{subscriber.id}:{utcnow():%Y-%m-%d}", email, subject, body)
    return subscriber


def confirm(subscriber: Subscriber) -> None:
    """The subscriber opened their confirmation link and confirmed (again is harmless)."""
    subscriber.confirmed_at = subscriber.confirmed_at or utcnow()


def unsubscribe(subscriber: Subscriber) -> None:
    """Stop sending, and forget the address."""
    db.session.delete(subscriber)


def queue_bulletin_emails(bulletin: Bulletin, district: District) -> int:
    """One message per confirmed subscriber who should get it, in their language. Returns how
    many were queued (a subscriber who already has it is skipped)."""
    school_ids = {school.id for school in bulletin.schools}
    subscribers = db.session.scalars(
        select(Subscriber).where(
            Subscriber.district_id == bulletin.district_id, Subscriber.confirmed_at.is_not(None)
        )
    )
    count = 0
    for subscriber in subscribers:
        if school_ids and subscriber.school_id and subscriber.school_id not in school_ids:
            continue
        count += int(_queue_one(bulletin, district, subscriber))
    return count


def _queue_one(bulletin: Bulletin, district: District, subscriber: Subscriber) -> bool:
    unsubscribe_url = public_url(
        "bulletins.unsubscribe", token=mail.subscriber_token(subscriber, "unsubscribe")
    )
    locale = subscriber.locale
    with force_locale(locale):
        title, summary, content = (
            text(bulletin, name, locale, district.default_locale)
            for name in ("title", "summary", "body")
        )
        body = render_template(
            "bulletins/email.txt",
            bulletin=bulletin,
            district=district,
            title=title,
            summary=summary,
            body=content,
            url=bulletin_url(bulletin, locale),
            unsubscribe_url=unsubscribe_url,
        )
    reader = LANGUAGES.get(locale, LANGUAGES["en"]).tag
    # The message's languages: the reader's (our words), then the text's if it is another.
    languages = [reader] + [
        v.language.tag for v in (title, summary, content) if v.text and v.is_fallback
    ]
    return mail.queue(
        f"bulletin:{bulletin.id}:subscriber:{subscriber.id}",
        subscriber.email,
        title.text,
        body,
        {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": ", ".join(dict.fromkeys(languages)),
        },
    )
