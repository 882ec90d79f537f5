"""The outbox under load: queue N messages into PostgreSQL (one bulk insert), run two senders
in parallel (two processes, each with its own connection) against a local SMTP sink on
127.0.0.1 that accepts and discards, and print rows claimed per second per sender and in all,
and whether any message was received twice.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_outbox \\
        .venv/bin/python bench/outbox.py --messages 100000 --timeout 900

The database's outbox_message table is emptied first: use a database of its own, never the
portal's. The sink runs in its own process (aiosmtpd) and writes each Message-ID it receives
to a file, which is counted at the end.
"""

import argparse
import multiprocessing
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

UNSUBSCRIBE = {"List-Unsubscribe": "<https://portal.example.org/u/bench>"}


def _sink(port: int, path: str, ready) -> None:
    """An SMTP server that accepts everything and keeps only each message's Message-ID."""
    import re

    from aiosmtpd.controller import Controller

    out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the process's lifetime

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            found = re.search(rb"^Message-ID: *(\S+)", envelope.content, re.M | re.I)
            out.write((found.group(1).decode() if found else "-") + "\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def _app(url: str):
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


def _claim_only(batch: int) -> tuple[int, int]:
    """The database side alone: claim a batch and record it sent, without SMTP."""
    from portal.services import mail

    sent = 0
    while rows := mail.claim_batch(batch):
        mail._record(rows, {})
        sent += len(rows)
    return sent, 0


def _sender(url: str, port: int, batch: int, claim_only: bool, start, results) -> None:
    from portal.extensions import db
    from portal.services import mail

    app = _app(url)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connected before the clock starts
        start.wait()
        began = time.perf_counter()
        if claim_only:
            sent, failed = _claim_only(batch)
        else:
            sent, failed = mail.send_outbox(limit=10**9, batch_size=batch)
        results.put((os.getpid(), sent, failed, time.perf_counter() - began))


def _queue(url: str, count: int) -> float:
    from sqlalchemy import delete, insert

    from portal.extensions import db
    from portal.models import OutboxMessage

    app = _app(url)
    with app.app_context():
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
        began = time.perf_counter()
        for first in range(0, count, 10000):
            rows = [
                {
                    "dedupe_key": f"bench:{n}",
                    "to_address": f"reader{n}@example.org",
                    "subject": f"Reunión del consejo {n}",
                    "body_text": "La agenda está publicada: https://portal.example.org/s/abc\n",
                    "body_html": "<p>La agenda está publicada.</p>",
                    "headers": UNSUBSCRIBE,
                    "status": "queued",
                    "attempts": 0,
                    "last_error": "",
                }
                for n in range(first, min(count, first + 10000))
            ]
            db.session.execute(insert(OutboxMessage), rows)
        db.session.commit()
        return time.perf_counter() - began


def _count(url: str) -> dict:
    from portal.extensions import db
    from portal.services.mail import outbox_counts

    with _app(url).app_context():
        counts = outbox_counts()
        db.session.remove()
        return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100000)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100, help="rows per claim and connection")
    parser.add_argument(
        "--claim-only", action="store_true", help="claim and mark sent, no SMTP: the database"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before giving up")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (it is emptied).")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.NamedTemporaryFile(prefix="outbox-bench-", suffix=".txt", delete=False) as f:
        ids_path = f.name
    spawn = multiprocessing.get_context("spawn")
    ready, start, results = spawn.Event(), spawn.Event(), spawn.Queue()
    sink = spawn.Process(target=_sink, args=(port, ids_path, ready), daemon=True)
    sink.start()
    ready.wait(30)
    print(f"queueing {args.messages} messages (bulk insert)…", flush=True)
    print(f"queued in {_queue(url, args.messages):.1f} s")
    senders = [
        spawn.Process(target=_sender, args=(url, port, args.batch, args.claim_only, start, results))
        for _ in range(args.senders)
    ]
    for process in senders:
        process.start()
    time.sleep(5)  # every sender has built its app and connected
    began = time.perf_counter()
    start.set()
    deadline = began + args.timeout
    for process in senders:
        process.join(max(0, deadline - time.perf_counter()))
    wall = time.perf_counter() - began
    timed_out = [p for p in senders if p.is_alive()]
    for process in timed_out:
        process.terminate()
    time.sleep(1)  # the sink writes what it has received
    sink.terminate()
    ids = Path(ids_path).read_text().split()
    Path(ids_path).unlink()
    rows = [results.get() for _ in range(args.senders - len(timed_out))]
    print(f"senders: {args.senders} processes, batch {args.batch}, SMTP sink on 127.0.0.1:{port}")
    for pid, sent, failed, seconds in rows:
        print(f"  sender {pid}: {sent} sent, {failed} failed, {sent / seconds:.0f} rows/s")
    total = sum(r[1] for r in rows)
    busy = max((r[3] for r in rows), default=wall)  # from the start to the last sender's end
    print(f"all: {total} rows in {busy:.1f} s = {total / busy:.0f} rows/s (wall {wall:.1f} s)")
    counts = _count(url)
    twice = len(ids) - len(set(ids))
    print(f"SMTP sink received {len(ids)}, distinct Message-IDs {len(set(ids))}, twice: {twice}")
    print(f"outbox: {counts['sent']} sent, {counts['queued']} queued, {counts['failed']} failed")
    received = args.messages if args.claim_only else len(set(ids))
    ok = not timed_out and twice == 0 and received == args.messages == counts["sent"] == total
    print("OK: every message sent exactly once" if ok else "NOT OK (see the counts above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
