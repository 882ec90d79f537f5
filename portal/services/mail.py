"""E-mail to subscribers through an outbox table: queued in the same transaction as what caused
it, sent by `flask send-outbox`. A row is claimed before it is sent, so no message goes twice;
a failed send goes back to the queue for the next run."""

import smtplib
from email.message import EmailMessage

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import OutboxMessage, Subscriber
from portal.models.base import utcnow

CONFIRM_MAX_AGE = 7 * 24 * 3600


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"subscriber-{purpose}")


def subscriber_token(subscriber: Subscriber, purpose: str) -> str:
    """A signed link token for `confirm` or `unsubscribe` (nothing is stored)."""
    return _serializer(purpose).dumps([subscriber.id, subscriber.email])


def subscriber_from_token(token: str, purpose: str) -> Subscriber | None:
    max_age = CONFIRM_MAX_AGE if purpose == "confirm" else None
    try:
        subscriber_id, email = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    subscriber = db.session.get(Subscriber, subscriber_id)
    return subscriber if subscriber is not None and subscriber.email == email else None


def queue(dedupe_key: str, to: str, subject: str, body: str, headers: dict | None = None) -> bool:
    """Queue a message unless one with this key exists. Returns True if queued."""
    exists = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ).first()
    if exists:
        return False
    db.session.add(
        OutboxMessage(
            dedupe_key=dedupe_key,
            to_address=to,
            subject=subject[:300],
            body_text=body,
            headers=headers or {},
        )
    )
    return True


def _claim(message_id: int) -> bool:
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "queued")
        .values(status="sending", attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def send_outbox(limit: int = 500) -> tuple[int, int]:
    """Send queued messages over SMTP. Returns (sent, failed); failed ones stay queued."""
    config = current_app.config
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "queued")
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    sent = failed = 0
    for message_id in ids:
        if not _claim(message_id):
            continue  # another sender took it
        row = db.session.get(OutboxMessage, message_id)
        email = EmailMessage()
        email["From"] = config["MAIL_FROM"]
        email["To"] = row.to_address
        email["Subject"] = row.subject
        for name, value in (row.headers or {}).items():
            email[name] = value
        email.set_content(row.body_text)
        try:
            with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
                if config["SMTP_STARTTLS"]:
                    smtp.starttls()
                if config["SMTP_USERNAME"]:
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            row.status = "queued"
            row.last_error = str(error)[:500]
            failed += 1
        else:
            row.status = "sent"
            row.sent_at = utcnow()
            row.last_error = ""
            sent += 1
        db.session.commit()
    return sent, failed
