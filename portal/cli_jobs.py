"""`flask worker`: the task queue's consumer (portal/tasks.py): packets of paper forms, the
outbox, and the safety net every minute. `flask work`: one pass over the document jobs without
the queue (by hand, or from cron where no worker runs).

`flask worker -w 2` runs Huey's consumer with worker *processes*: the PDF time limit is a
SIGALRM, which only a process's main thread may set (portal/pdf.py). Several workers may run at
once, on several hosts: each job is claimed by exactly one (services.documents.claim).

Stopping: SIGTERM (systemd's stop) interrupts the job in hand; it goes back in the queue and on
the task queue, so the next worker makes it at once. SIGINT (Ctrl-C) waits for the jobs in hand
to finish. A worker killed outright (SIGKILL, a crash) leaves its job "running": the next worker
to start on the same host, or the sweep, puts it back."""

import logging
from datetime import timedelta

import click
from flask import Flask, g
from flask_babel import force_locale

from portal.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("-w", "--workers", default=2, show_default=True, help="Worker processes.")
    @click.option(
        "--periodic/--no-periodic",
        default=True,
        show_default=True,
        help="Also run the safety net every minute (one host is enough; more do no harm).",
    )
    def worker_command(workers: int, periodic: bool):
        """Run the task queue's consumer until stopped (SIGTERM: the job in hand goes back)."""
        run_worker(app, workers, periodic)

    @app.cli.command("work")
    def work_command():
        """Make the queued documents now, in this process, until none is left."""
        made, failed = work_once(app)
        click.echo(f"Made {made} documents; {failed} could not be made.")


def run_worker(app: Flask, workers: int, periodic: bool) -> None:
    """Sweep once (a killed worker's job is made now, not in a minute), then consume."""
    from portal import tasks

    huey = tasks.huey_for(app)
    if tasks.queue_url(app.config) == "memory://":
        raise click.UsageError("set TASK_QUEUE_URL: a queue in memory is this process's only")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        enqueued = tasks.sweep()
        db.session.remove()
        # Worker processes are forked: none may share the parent's database connections.
        db.engine.dispose()
    click.echo(f"{enqueued} queued documents put on the task queue.")
    consumer = huey.create_consumer(
        workers=workers, worker_type="process", periodic=periodic, check_worker_health=True
    )
    consumer.run()


def work_once(app: Flask) -> tuple[int, int]:
    """One pass over the document jobs without the task queue: recover stale jobs, then make
    every queued one, each in its own language."""
    from portal.models import District
    from portal.services import documents

    config = app.config
    made = failed = 0
    with app.test_request_context(base_url=config["PUBLIC_BASE_URL"]):
        documents.recover_stale(
            timedelta(minutes=config["DOCUMENT_JOB_STALE_MINUTES"]), config["DOCUMENT_JOB_ATTEMPTS"]
        )
        worker = documents.worker_name()
        while (job := documents.claim_next(worker)) is not None:
            g.district = db.session.get(District, job.district_id)
            with force_locale(job.parameters.get("locale") or "en"):
                ok = documents.run(job)
            made, failed = made + ok, failed + (not ok)
        db.session.remove()
    return made, failed
