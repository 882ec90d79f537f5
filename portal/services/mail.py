"""E-mail through an outbox table: queued in the same transaction as what caused it, sent by
the `send_outbox` task once that transaction commits (portal/tasks.py; `flask send-outbox` by
hand). Senders claim rows in batches with one conditional UPDATE (on PostgreSQL
the rows are picked FOR UPDATE SKIP LOCKED), so several senders at once never send the same
message and never wait for each other; each batch goes over one SMTP connection. A failed send
goes back to the queue; after OUTBOX_MAX_ATTEMPTS it is "failed". A claim older than
OUTBOX_CLAIM_TIMEOUT_SECONDS is a crashed sender's: the row is queued again (and may then go
twice, with the same Message-ID, if the crash came between sending and recording it)."""

import hashlib
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import case, func, select, update

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


def queue(
    dedupe_key: str,
    to: str,
    subject: str,
    body: str,
    headers: dict | None = None,
    *,
    html: str | None = None,
    attachments: list[dict] | None = None,
    transactional: bool | None = None,
) -> bool:
    """Queue a message unless one with this key exists. Returns True if queued.

    `html` is the simple HTML alternative, rendered by the caller from a template with
    autoescape on (nothing here cleans it). `attachments`: small text files, each
    {"filename", "mimetype": "text/...", "text"}. A message to a subscriber or follower must
    carry a List-Unsubscribe header; only a transactional one (a confirmation, a password
    link: `transactional=True`) may go without."""
    headers = dict(headers or {})
    if not _is_transactional(dedupe_key, transactional) and not headers.get("List-Unsubscribe"):
        raise ValueError(f"{dedupe_key}: a message to subscribers needs List-Unsubscribe")
    for attachment in attachments or ():
        if set(attachment) != {"filename", "mimetype", "text"} or not str(
            attachment["mimetype"]
        ).startswith("text/"):
            raise ValueError(f"{dedupe_key}: attachments are {{filename, mimetype, text}}, text/*")
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
            body_html=html,
            attachments=list(attachments) if attachments else None,
            headers=headers,
        )
    )
    from portal import tasks  # here: tasks imports this module

    tasks.after_commit(tasks.send_outbox)  # once per transaction, however many are queued
    return True


# Keys of the callers written before `transactional` existed, which do not say it yet:
# subscription confirmations, invitations, password resets (and tests/test_bulletins.py's
# "test:1"). Delete once subscriptions.py, invitations.py and that test pass transactional=True.
_TRANSACTIONAL_KEYS = ("confirm:", "invitation:", "reset:", "test:")


def _is_transactional(dedupe_key: str, transactional: bool | None) -> bool:
    if transactional is None:
        return dedupe_key.startswith(_TRANSACTIONAL_KEYS)
    return transactional


@dataclass
class _Claimed:
    id: int
    dedupe_key: str
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    attachments: list | None
    headers: dict
    attempts: int


_COLUMNS = [getattr(OutboxMessage, name) for name in _Claimed.__dataclass_fields__]


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def release_stale_claims() -> int:
    """Queue again the rows a sender claimed and never finished (it crashed or was killed);
    one that has used up its attempts is "failed". Returns how many were released."""
    timeout = timedelta(seconds=_setting("OUTBOX_CLAIM_TIMEOUT_SECONDS", 600))
    max_attempts = _setting("OUTBOX_MAX_ATTEMPTS", 8)
    stale = (OutboxMessage.status == "sending") & (
        OutboxMessage.claimed_at.is_(None) | (OutboxMessage.claimed_at < utcnow() - timeout)
    )
    result = db.session.execute(
        update(OutboxMessage)
        .where(stale)
        .values(
            status=case((OutboxMessage.attempts >= max_attempts, "failed"), else_="queued"),
            claimed_at=None,
            last_error=case(
                (OutboxMessage.last_error == "", "claim timed out"),
                else_=OutboxMessage.last_error,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def claim_batch(size: int, tried_before: datetime | None = None) -> list[_Claimed]:
    """Claim up to `size` queued rows for this sender, oldest first, in one statement, and
    return what is needed to send them; with `tried_before`, only rows not tried since then
    (a run does not retry what failed in it). Runs at the start of a transaction, so SQLite
    takes its write lock at once instead of failing to upgrade a stale read."""
    db.session.commit()
    untried = OutboxMessage.status == "queued"
    if tried_before is not None:
        untried &= OutboxMessage.claimed_at.is_(None) | (OutboxMessage.claimed_at < tried_before)
    pick = select(OutboxMessage.id).where(untried).order_by(OutboxMessage.id).limit(size)
    if db.session.get_bind().dialect.name == "postgresql":
        # A CTE, materialized: as a plain IN (subquery) PostgreSQL may rescan the locking
        # subquery per row and claim more than `size` rows.
        picked = pick.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
        pick = select(picked.c.id)
    rows = db.session.execute(
        update(OutboxMessage)
        # status is checked again on the row itself: only one sender's UPDATE can match it.
        .where(OutboxMessage.id.in_(pick.scalar_subquery()), OutboxMessage.status == "queued")
        .values(status="sending", claimed_at=utcnow(), attempts=OutboxMessage.attempts + 1)
        .returning(*_COLUMNS)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted((_Claimed(*row) for row in rows), key=lambda m: m.id)


def build_message(row: _Claimed, sender: str) -> EmailMessage:
    """The message as it goes out: plain text first, then the HTML alternative, then any
    attachments; UTF-8 throughout. Its Message-ID comes from the row, so a retry keeps it."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = row.to_address
    email["Subject"] = row.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id(row.id, row.dedupe_key, sender)
    headers = row.headers or {}
    for name, value in headers.items():
        if not name.lower().startswith("content-"):
            email[name] = value
    email.set_content(row.body_text)
    if row.body_html:
        email.add_alternative(row.body_html, subtype="html")
    for attachment in row.attachments or ():
        subtype = attachment["mimetype"].removeprefix("text/")
        email.add_attachment(attachment["text"], subtype=subtype, filename=attachment["filename"])
    # Content-* headers last: set_content and the multipart steps drop or move any set before
    # (a Content-Language would never leave the server).
    for name, value in headers.items():
        if name.lower().startswith("content-"):
            del email[name]
            email[name] = value
    return email


def message_id(row_id: int, dedupe_key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2].strip("<> ") or "localhost"
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:16]
    return f"<outbox.{row_id}.{digest}@{domain}>"


def _connect(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20)
    try:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _deliver(batch: list[_Claimed], config) -> dict[int, str]:
    """Send a batch over one connection. Returns the error for each row that did not go."""
    errors: dict[int, str] = {}
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        return {row.id: str(error) or type(error).__name__ for row in batch}
    with smtp:
        for index, row in enumerate(batch):
            try:
                smtp.send_message(build_message(row, config["MAIL_FROM"]))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                errors[row.id] = str(error) or type(error).__name__  # this message only
            except (OSError, smtplib.SMTPException) as error:
                # The connection is gone: this message and the rest of the batch wait.
                for rest in batch[index:]:
                    errors[rest.id] = str(error) or type(error).__name__
                break
    return errors


def _record(batch: list[_Claimed], errors: dict[int, str]) -> None:
    max_attempts = _setting("OUTBOX_MAX_ATTEMPTS", 8)
    sent_ids = [row.id for row in batch if row.id not in errors]
    if sent_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(sent_ids), OutboxMessage.status == "sending")
            .values(status="sent", sent_at=utcnow(), claimed_at=None, last_error="")
            .execution_options(synchronize_session=False)
        )
    for row in batch:
        if row.id in errors:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == "sending")
                # claimed_at stays: when it was last tried (this run does not take it again).
                .values(
                    status="failed" if row.attempts >= max_attempts else "queued",
                    last_error=errors[row.id][:500],
                )
                .execution_options(synchronize_session=False)
            )
    db.session.commit()


def send_outbox(limit: int = 500, batch_size: int | None = None) -> tuple[int, int]:
    """Send up to `limit` queued messages over SMTP, a batch per connection. Returns
    (sent, failed); failed ones stay queued until they have used up their attempts."""
    config = current_app.config
    size = batch_size or _setting("OUTBOX_BATCH_SIZE", 100)
    release_stale_claims()
    started = utcnow()
    sent = failed = 0
    while sent + failed < limit:
        batch = claim_batch(min(size, limit - sent - failed), tried_before=started)
        if not batch:
            break
        errors = _deliver(batch, config)
        _record(batch, errors)
        sent += len(batch) - len(errors)
        failed += len(errors)
    return sent, failed


def outbox_counts() -> dict[str, int]:
    """How many messages are in each status ("failed" ones need someone to look)."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {"queued": 0, "sending": 0, "sent": 0, "failed": 0} | dict(rows.all())
