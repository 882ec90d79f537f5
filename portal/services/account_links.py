"""One-time password links: issue one (the token is shown once, only its hash is kept), build
its address from PUBLIC_BASE_URL (never the request's Host), find it again, and spend it to set
a password.

How long a link works (hours), from settings: SETUP_LINK_HOURS (24), INVITATION_LINK_HOURS
(7 days), RESET_LINK_HOURS (1)."""

import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import delete, select, update

from portal.extensions import db
from portal.models.account_tokens import AccountToken, LinkPurpose
from portal.models.accounts import User, hash_token
from portal.models.base import utcnow
from portal.services import passwords
from portal.services.accounts import revoke_all_sessions
from portal.services.audit import record_audit

DEFAULT_HOURS = {LinkPurpose.SETUP: 24, LinkPurpose.INVITATION: 7 * 24, LinkPurpose.RESET: 1}


def lifetime(purpose: LinkPurpose) -> timedelta:
    """How long a link of this kind works."""
    key = f"{LinkPurpose(purpose).value.upper()}_LINK_HOURS"
    return timedelta(hours=float(current_app.config.get(key, DEFAULT_HOURS[purpose])))


def issue(
    user: User, purpose: LinkPurpose, now: datetime | None = None
) -> tuple[str, AccountToken]:
    """A new link for `user`; their older unused links of the same kind stop working.
    Returns (token, row): the token is in the link only, never stored."""
    now = now or utcnow()
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == LinkPurpose(purpose).value,
            AccountToken.used_at.is_(None),
            AccountToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    row = AccountToken(
        purpose=LinkPurpose(purpose).value,
        user_id=user.id,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + lifetime(purpose),
    )
    db.session.add(row)
    db.session.flush()
    return token, row


def link_url(token: str) -> str:
    """The link's full address on PUBLIC_BASE_URL (works from the command line too)."""
    if has_request_context():
        path = url_for("auth.set_password", token=token)
    else:
        with current_app.test_request_context():
            path = url_for("auth.set_password", token=token)
    return current_app.config["PUBLIC_BASE_URL"] + path


def find(token: str, now: datetime | None = None) -> AccountToken | None:
    """The usable link with this token (not used, replaced or expired; the account active)."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalars(
        select(AccountToken).where(AccountToken.token_hash == hash_token(token))
    ).first()
    if row is None or not row.usable(now) or row.user is None or not row.user.is_active:
        return None
    return row


def set_password_with(row: AccountToken, password: str, now: datetime | None = None) -> User:
    """Set the person's password through the policy (Rejected({"password": why})), spend the
    link, sign the account out of every device, and audit it (never the token)."""
    user = row.user
    passwords.set_password(user, password)
    row.use(now)
    revoke_all_sessions(user.id)
    record_audit(user, "account.password_set_via_link", "user", user.id, {"link": row.purpose})
    return user


def purge_spent(now: datetime, days: int) -> dict[str, int]:
    """`flask purge`: links used, replaced or expired more than `days` ago."""
    cutoff = now - timedelta(days=days)
    count = db.session.execute(
        delete(AccountToken).where(
            (AccountToken.expires_at < cutoff)
            | (AccountToken.used_at < cutoff)
            | (AccountToken.revoked_at < cutoff)
        )
    ).rowcount
    return {"password links": count}
