"""Two senders at once, each with its own database connection, over a few thousand queued
messages and a real SMTP server on 127.0.0.1: every message is delivered exactly once (counted
by Message-ID at the server), and on PostgreSQL a sender does not wait for rows another holds."""

import multiprocessing
import re
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import mail
from tests.test_outbox import UNSUBSCRIBE, free_port

MESSAGES = 3000


def _serve(port: int, path: str, ready) -> None:
    """The SMTP server, in a process of its own (in the test's process it would share the GIL
    with the senders): writes each message's Message-ID to `path`."""
    from aiosmtpd.controller import Controller

    out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the process's lifetime

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            found = re.search(rb"^Message-ID: *(\S+)", envelope.content, re.M | re.I)
            out.write((found.group(1).decode() if found else "-") + "\n")
            return "250 OK"

    Controller(Handler(), hostname="127.0.0.1", port=port).start()
    ready.set()
    while True:
        time.sleep(3600)


class Sink:
    def __init__(self, path: Path):
        self.path = path

    def message_ids(self) -> list[str]:
        return self.path.read_text().split() if self.path.exists() else []


@pytest.fixture
def smtp(clean_app, monkeypatch, tmp_path):
    """A real SMTP server on 127.0.0.1 in its own process, and the app pointed at it."""
    spawn = multiprocessing.get_context("spawn")
    ready, port, path = spawn.Event(), free_port(), tmp_path / "message-ids.txt"
    server = spawn.Process(target=_serve, args=(port, str(path), ready), daemon=True)
    server.start()
    assert ready.wait(30)
    monkeypatch.setitem(clean_app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(clean_app.config, "SMTP_PORT", port)
    monkeypatch.setitem(clean_app.config, "SMTP_STARTTLS", False)
    yield Sink(path)
    server.terminate()
    server.join(10)


def _bulk_queue(app, count: int) -> None:
    rows = [
        {
            "dedupe_key": f"parallel:{n}",
            "to_address": f"p{n}@example.org",
            "subject": f"Aviso {n}",
            "body_text": "Cuerpo del aviso",
            "headers": UNSUBSCRIBE,
            "status": "queued",
            "attempts": 0,
            "last_error": "",
        }
        for n in range(count)
    ]
    with app.app_context():
        db.session.execute(insert(OutboxMessage), rows)
        db.session.commit()
        db.session.remove()


def _run_senders(app, senders: int, batch_size: int) -> list[tuple[int, int]]:
    results: list = [None] * senders
    start = threading.Barrier(senders)

    def sender(index: int) -> None:
        with app.app_context():  # its own session, so its own connection
            start.wait()
            results[index] = mail.send_outbox(limit=10**6, batch_size=batch_size)
            db.session.remove()

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _wait_for(sink, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(sink.message_ids()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # and anything extra would have arrived too


def test_two_senders_in_parallel_deliver_every_message_exactly_once(clean_app, smtp):
    _bulk_queue(clean_app, MESSAGES)
    results = _run_senders(clean_app, senders=2, batch_size=50)
    _wait_for(smtp, MESSAGES)
    ids = smtp.message_ids()
    assert len(ids) == MESSAGES, "none lost, none twice"
    assert len(set(ids)) == MESSAGES
    assert all(failed == 0 for _, failed in results)
    assert sum(sent for sent, _ in results) == MESSAGES
    assert all(sent > 0 for sent, _ in results), f"both senders took part: {results}"
    with clean_app.app_context():
        statuses = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        db.session.remove()
    assert statuses == {"sent": MESSAGES}


def test_on_postgresql_a_sender_skips_rows_another_holds_instead_of_waiting(clean_app, smtp):
    if clean_app.backend != "postgresql":
        return  # SQLite has one writer at a time and no row locks; the test above covers it
    _bulk_queue(clean_app, 30)
    with clean_app.app_context():
        # Another sender is in the middle of its claim: it holds the ten oldest rows locked.
        with db.engine.connect() as other:
            other.execute(text("SET lock_timeout = '10s'"))
            held = other.execute(
                text(
                    "SELECT id FROM outbox_message WHERE status = 'queued' ORDER BY id "
                    "LIMIT 10 FOR UPDATE"
                )
            ).scalars()
            held = set(held)
            began = time.monotonic()
            [(sent, failed)] = _run_senders(clean_app, senders=1, batch_size=7)
            waited = time.monotonic() - began
            other.rollback()
        db.session.remove()
    assert (sent, failed) == (20, 0) and waited < 5
    _wait_for(smtp, 20)
    received = {int(m.split(".")[1]) for m in smtp.message_ids()}
    assert len(received) == 20 and not received & held
