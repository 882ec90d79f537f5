"""E-mail subscriptions to bulletins: signing up (confirmed by a signed link), confirming,
unsubscribing, and the bulletin's own message to one subscriber, in their language. A bulletin
subscriber is a follower with no follow rows yet (portal/services/follows.py): a published
bulletin reaches everyone who hears it through `notices.announce`, like every other notice.
Messages go through the outbox (portal.services.mail) in the caller's transaction."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.links import public_url
from portal.models import Bulletin, District, School, Subscriber
from portal.models.base import utcnow
from portal.models.notices import Notice, NoticeDelivery
from portal.services import mail, notices
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
    """Tell everyone who hears this bulletin (as it happens, or in their weekly digest).
    Returns how many are told now or later; announcing it again tells no one twice."""
    before = _deliveries(bulletin)
    notices.announce("bulletin_published", bulletin)
    return _deliveries(bulletin) - before


def _deliveries(bulletin: Bulletin) -> int:
    return db.session.scalar(
        select(func.count(NoticeDelivery.id))
        .join(Notice, Notice.id == NoticeDelivery.notice_id)
        .where(Notice.key == f"bulletin:{bulletin.id}")
    )


def queue_bulletin_email(bulletin: Bulletin, district: District, subscriber: Subscriber) -> bool:
    """The whole bulletin by e-mail to one subscriber, in their language, once."""
    unsubscribe_url = public_url(
        "bulletins.unsubscribe", token=mail.subscriber_token(subscriber, "unsubscribe")
    )
    manage_url = public_url("notices.manage", token=mail.subscriber_token(subscriber, "manage"))
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
            manage_url=manage_url,
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
