"""`flask work`: make the documents asked for in the background (packets of paper forms).

Run it from cron every minute (`flask --app wsgi work`: it stops when the queue is empty) or as a
service (`flask --app wsgi work --loop`). Several may run at once, on several hosts: each job is
claimed by exactly one (services.documents.claim_next)."""

import signal
import sys
import time
from datetime import timedelta

import click
from flask import Flask, g
from flask_babel import force_locale

from portal.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("work")
    @click.option("--loop", is_flag=True, help="Keep looking for new jobs instead of stopping.")
    @click.option("--every", default=5.0, show_default=True, help="Seconds between looks.")
    def work_command(loop: bool, every: float):
        """Make queued documents until none is left (with --loop: keep going)."""
        # Stopped by the service manager (SIGTERM): the job in hand goes back in the queue
        # (services.documents.run), so the next worker makes it without waiting for it to go stale.
        previous = signal.signal(signal.SIGTERM, _stop)
        total_made = total_failed = 0
        try:
            while True:
                made, failed = work_once(app)
                total_made, total_failed = total_made + made, total_failed + failed
                if not loop:
                    break
                time.sleep(every)
        finally:
            signal.signal(signal.SIGTERM, previous)
        click.echo(f"Made {total_made} documents; {total_failed} could not be made.")


def _stop(_signum, _frame):
    sys.exit(143)


def work_once(app: Flask) -> tuple[int, int]:
    """One pass over the queue: recover stale jobs, then run every queued one."""
    from portal.models import District
    from portal.services import documents

    config = app.config
    made = failed = 0
    # A request context, as the makers render templates that build links (url_for) and read
    # the district; each job in its own language.
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
            if ok:
                app.logger.info("document job %s made (%s pages)", job.id, job.pages)
            else:
                app.logger.warning("document job %s failed: %s", job.id, job.error)
        db.session.remove()
    return made, failed
