"""E-mails with a one-time link: an invitation to a new account (in the person's language) and
a password reset ("Forgot your password?"). Both go out through the outbox."""

import secrets
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import day
from portal.models import OutboxMessage, User
from portal.models.account_tokens import LinkPurpose
from portal.services import account_links, mail
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.throttle import normalize_email


def _district_name() -> str:
    from portal.models import District

    district = District.current()
    return district.name if district else "Common Ground"


def _queue(key: str, to: str, subject: str, body: str) -> OutboxMessage:
    mail.queue(key, to, subject, body)
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).one()


def invite_user(user: User, actor, now: datetime | None = None) -> OutboxMessage:
    """Send `user` an invitation to choose their password (a new link each time: an older
    unused invitation stops working), in their language. Returns the queued message."""
    token, row = account_links.issue(user, LinkPurpose.INVITATION, now)
    url = account_links.link_url(token)
    district = _district_name()
    with force_locale(user.preferred_locale or "en"):
        subject = _("Your account on the %(district)s portal", district=district)
        body = render_template(
            "auth/invitation_email.txt",
            user=user,
            url=url,
            district=district,
            days=round(account_links.lifetime(LinkPurpose.INVITATION).total_seconds() / 86400),
            until=day(row.expires_at),
            inviter=getattr(actor, "name", None),
        )
    message = _queue(f"invitation:{row.id}", user.email, subject, body)
    record_audit(actor, "account.invitation_sent", "user", user.id, {})
    return message


def request_reset(email: str, now: datetime | None = None) -> None:
    """ "Forgot your password?": an active account at this address gets a reset link by e-mail.
    Any other address gets the same work done (a token drawn, the message written) and nothing
    sent, so neither the answer nor its timing tells whether the address has an account."""
    email = normalize_email(email or "")
    user = db.session.scalars(select(User).where(User.email == email)).first()
    known = user is not None and user.is_active
    if known:
        token, row = account_links.issue(user, LinkPurpose.RESET, now)
        locale = user.preferred_locale or "en"
    else:
        token, row, locale = secrets.token_urlsafe(32), None, "en"
    url = account_links.link_url(token)
    minutes = round(account_links.lifetime(LinkPurpose.RESET).total_seconds() / 60)
    with force_locale(locale):
        subject = _("Set a new password for the %(district)s portal", district=_district_name())
        body = render_template("auth/reset_email.txt", url=url, minutes=minutes)
    if known:
        _queue(f"reset:{row.id}", user.email, subject, body)
        record_audit(None, "account.reset_requested", "user", user.id, {})


def add_account(actor, **details) -> User:
    """An admin's "add account": create it (services.users.save_user, no password) and send
    its owner the invitation."""
    from portal.services.users import save_user

    user = save_user(None, actor, **details)
    invite_user(user, actor)
    return user


def resend(user: User, actor, now: datetime | None = None) -> OutboxMessage:
    """Send an account a new invitation link (the older one stops working); refused for a
    deactivated account, whose link would not work."""
    if not user.is_active:
        raise Rejected({}, _("This account is inactive: reactivate it first."))
    return invite_user(user, actor, now)
