"""The outbox against a real SMTP server on 127.0.0.1: multipart messages (plain text, then
HTML, then a calendar file) in UTF-8 with encoded subjects, List-Unsubscribe required unless
transactional, batch claims over one connection each, a crashed sender's claim taken back,
and a message that keeps failing given up after OUTBOX_MAX_ATTEMPTS."""

import re
import socket
import time
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.base import utcnow
from portal.services import mail

UNSUBSCRIBE = {"List-Unsubscribe": "<https://portal.example.org/u/abc>"}
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n"


class SmtpSink:
    """A real SMTP server on 127.0.0.1: keeps each message's raw bytes and the connection it
    came on; refuses recipients listed in `refuse`."""

    def __init__(self, parse: bool = True):
        self.parse = parse
        self.raw: list[bytes] = []
        self.peers: list[tuple] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.raw.append(envelope.original_content or envelope.content)
        self.peers.append(session.peer)
        return "250 OK"

    @property
    def messages(self):
        return [message_from_bytes(raw, policy=default_policy) for raw in self.raw]

    def message_ids(self) -> list[str]:
        found = (re.search(rb"^Message-ID: *(\S+)", raw, re.M | re.I) for raw in self.raw)
        return [m.group(1).decode() for m in found if m]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(clean_app, monkeypatch):
    """An SMTP sink, and the app pointed at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    sink.port = port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(clean_app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(clean_app.config, "SMTP_PORT", port)
    monkeypatch.setitem(clean_app.config, "SMTP_STARTTLS", False)
    monkeypatch.setitem(clean_app.config, "MAIL_FROM", "avisos@district.example")
    yield sink
    controller.stop()


def _queue(ctx, count=1, prefix="notice", **kwargs):
    with ctx() as session:
        for n in range(count):
            mail.queue(f"{prefix}:{n}", f"p{n}@example.org", f"Subject {n}", "Body", **kwargs)
        session.commit()


def _statuses(session) -> dict[str, str]:
    return {row.dedupe_key: row.status for row in session.scalars(select(OutboxMessage))}


def _send(app, **kwargs):
    with app.app_context():
        result = mail.send_outbox(**kwargs)
        db.session.remove()
    time.sleep(0.05)  # the sink's thread has stored the last message
    return result


@pytest.mark.parametrize(
    "subject",
    ["Reunión del consejo: ¿qué cambia en el presupuesto?", "اجتماع المجلس: الميزانية الجديدة"],
)
def test_a_multipart_message_in_utf8_with_its_subject_encoded(clean_app, ctx, smtp, subject):
    html = f'<p dir="auto">{subject}</p><p><a href="https://portal.example.org/s/x">Ver</a></p>'
    with ctx() as session:
        mail.queue(
            "notice:meeting:1",
            "ana@example.org",
            subject,
            f"{subject}\n\nhttps://portal.example.org/s/x\n",
            UNSUBSCRIBE,
            html=html,
            attachments=[{"filename": "reunion.ics", "mimetype": "text/calendar", "text": ICS}],
        )
        session.commit()
    assert _send(clean_app) == (1, 0)
    [raw] = smtp.raw
    header = raw.split(b"\r\n\r\n", 1)[0]
    assert header.isascii(), "headers travel as ASCII, the subject as RFC 2047 words"
    assert re.search(rb"^Subject: =\?utf-8\?", header, re.M | re.I)
    [message] = smtp.messages
    assert message["Subject"] == subject
    assert message["List-Unsubscribe"] == UNSUBSCRIBE["List-Unsubscribe"]
    assert re.fullmatch(r"<outbox\.\d+\.[0-9a-f]{16}@district\.example>", message["Message-ID"])
    assert message.get_content_type() == "multipart/mixed"
    alternative, calendar = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, rich = alternative.iter_parts()  # plain text first, the HTML second
    assert plain.get_content_type() == "text/plain" and rich.get_content_type() == "text/html"
    assert plain.get_content_charset() == rich.get_content_charset() == "utf-8"
    assert plain.get_content().startswith(subject) and rich.get_content().strip() == html
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_filename() == "reunion.ics"
    assert calendar.get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")


def test_a_message_without_html_stays_plain_text(clean_app, ctx, smtp):
    _queue(ctx, **{"headers": UNSUBSCRIBE})
    assert _send(clean_app) == (1, 0)
    [message] = smtp.messages
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    assert message.get_content_charset() == "utf-8"


def test_a_message_to_subscribers_must_carry_list_unsubscribe(ctx):
    with ctx() as session:
        with pytest.raises(ValueError, match="List-Unsubscribe"):
            mail.queue("notice:1", "a@example.org", "Hi", "Body")
        with pytest.raises(ValueError, match="List-Unsubscribe"):
            mail.queue("confirm:9", "a@example.org", "Hi", "Body", transactional=False)
        with pytest.raises(ValueError, match="attachments"):
            mail.queue(
                "notice:2",
                "a@example.org",
                "Hi",
                "Body",
                UNSUBSCRIBE,
                attachments=[{"filename": "x.pdf", "mimetype": "application/pdf", "text": ""}],
            )
        assert mail.queue("notice:3", "a@example.org", "Hi", "Body", UNSUBSCRIBE)
        assert mail.queue("password:4", "a@example.org", "Hi", "Body", transactional=True)
        session.commit()
        keys = session.scalars(select(OutboxMessage.dedupe_key).order_by(OutboxMessage.id))
        assert list(keys) == ["notice:3", "password:4"]


def test_batches_are_claimed_apart_and_each_goes_over_one_connection(clean_app, ctx, smtp):
    _queue(ctx, 25, headers=UNSUBSCRIBE)
    with ctx() as session:
        # Another sender holds the ten oldest (claimed, not yet sent).
        held = mail.claim_batch(10)
        assert [row.dedupe_key for row in held] == [f"notice:{n}" for n in range(10)]
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "sending"))
        assert {row.id for row in rows} == {row.id for row in held}
    assert _send(clean_app, batch_size=5) == (15, 0)
    assert len(smtp.raw) == 15 and len(set(smtp.peers)) == 3  # three batches, three connections
    received = {message["To"] for message in smtp.messages}
    assert received == {f"p{n}@example.org" for n in range(10, 25)}
    with ctx() as session:
        statuses = _statuses(session)
        assert [statuses[f"notice:{n}"] for n in (0, 9, 10, 24)] == [
            "sending",
            "sending",
            "sent",
            "sent",
        ]


def test_a_crashed_senders_claim_goes_back_to_the_queue_after_the_timeout(
    clean_app, ctx, smtp, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "OUTBOX_CLAIM_TIMEOUT_SECONDS", 600)
    monkeypatch.setitem(clean_app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    _queue(ctx, 4, headers=UNSUBSCRIBE)
    with ctx() as session:
        held = mail.claim_batch(4)  # a sender claims four, then dies
        old = [row.id for row in held[:3]]
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(old))
            .values(claimed_at=utcnow() - timedelta(minutes=11))
        )
        # One of them had already failed once: this was its last attempt.
        session.execute(update(OutboxMessage).where(OutboxMessage.id == old[2]).values(attempts=2))
        session.commit()
    assert _send(clean_app) == (2, 0)  # two stale claims retried; the recent one is left alone
    assert sorted(m["To"] for m in smtp.messages) == ["p0@example.org", "p1@example.org"]
    with ctx() as session:
        rows = {r.id: r for r in session.scalars(select(OutboxMessage))}
        assert [rows[i].status for i in old] == ["sent", "sent", "failed"]
        assert rows[old[0]].attempts == 2 and rows[old[2]].last_error == "claim timed out"
        assert rows[held[3].id].status == "sending"


def test_a_message_that_keeps_failing_is_given_up_after_the_limit(
    clean_app, ctx, smtp, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    _queue(ctx, 1, headers=UNSUBSCRIBE)
    monkeypatch.setitem(clean_app.config, "SMTP_PORT", free_port())  # nobody listens there
    for attempt in (1, 2, 3):
        assert _send(clean_app) == (0, 1)  # one try per run, not three in a row
        with ctx() as session:
            row = session.scalars(select(OutboxMessage)).one()
            assert row.attempts == attempt and row.last_error
            assert row.status == ("failed" if attempt == 3 else "queued")
    monkeypatch.setitem(clean_app.config, "SMTP_PORT", smtp.port)
    result = clean_app.test_cli_runner().invoke(args=["send-outbox"])
    assert "Sent 0;" in result.output and "1 given up (failed 3 times" in result.output
    assert smtp.raw == []


def test_a_refused_recipient_does_not_stop_the_rest_of_its_batch(clean_app, ctx, smtp):
    _queue(ctx, 3, headers=UNSUBSCRIBE)
    smtp.refuse.add("p1@example.org")
    assert _send(clean_app) == (2, 1)
    assert len(set(smtp.peers)) == 1
    with ctx() as session:
        statuses = _statuses(session)
        assert statuses == {"notice:0": "sent", "notice:1": "queued", "notice:2": "sent"}
        refused = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "queued"))
        assert "No such mailbox" in refused.one().last_error


@pytest.mark.parametrize("html", [None, "<p>Hola</p>"])
def test_content_language_leaves_the_server_whatever_the_parts(html):
    """set_content and the multipart steps drop Content-* headers set before them; the message
    must still say its languages (a mail program picks fonts and reading by it)."""
    from portal.services.mail import _Claimed, build_message

    row = _Claimed(
        id=7,
        dedupe_key="notice:1:subscriber:2",
        to_address="familia@example.org",
        subject="Hola",
        body_text="Hola",
        body_html=html,
        attachments=[{"filename": "m.ics", "mimetype": "text/calendar", "text": "BEGIN:VCALENDAR"}],
        headers={"Content-Language": "es, en", "List-Unsubscribe": "<https://x.test/u>"},
        attempts=0,
    )
    parsed = message_from_bytes(build_message(row, "portal@district.test").as_bytes())
    assert parsed["Content-Language"] == "es, en"
    assert parsed["List-Unsubscribe"] == "<https://x.test/u>"
