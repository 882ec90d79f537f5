"""Long work on a task queue (Huey): packets of paper forms, sending the outbox, and a safety
net that runs every minute. `flask worker` (portal/cli_jobs.py) runs the consumer.

The queue is Redis in production (TASK_QUEUE_URL, or REDIS_URL when that is unset) and a SQLite
file under instance/ for the embedded default, so every app server and every worker host sees
one queue. A message on the queue is only a nudge ("make job 12", "send the outbox"): what users
see, and what is made, stays in the database (DocumentJob, OutboxMessage), and every task first
claims its rows with a conditional UPDATE. So a task that runs twice does nothing the second
time, and a task lost with a killed worker is put on the queue again by the sweep.

Requests never do the work, and never enqueue before their own commit: `after_commit(task,
*args)` holds the task until the session's transaction commits, and drops it on a rollback (a
worker that took it earlier would find nothing committed yet)."""

import functools
import logging
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, g, has_app_context
from flask_babel import force_locale
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from sqlalchemy.orm import Session

from portal import transactions
from portal.config import PROJECT_ROOT
from portal.extensions import db

log = logging.getLogger(__name__)

# The tasks a worker knows, by name: functions run inside an app and a request context.
TASKS: dict[str, Callable] = {}
_PENDING = "portal_tasks_after_commit"


def task(function: Callable) -> Callable:
    """Register `function` as a task of every queue this process builds (a decorator)."""
    TASKS[function.__name__] = function
    return function


def queue_url(config) -> str:
    """Where the queue lives: TASK_QUEUE_URL, else REDIS_URL, else a SQLite file under
    instance/. Tests (TESTING) without a URL get a queue in memory that nothing consumes."""
    # The environment's, until portal/config.py reads TASK_QUEUE_URL itself.
    url = config.get("TASK_QUEUE_URL", os.environ.get("TASK_QUEUE_URL")) or ""
    url = url or config.get("REDIS_URL") or ""
    if url:
        return url
    if config.get("TESTING"):
        return "memory://"
    return f"sqlite:///{PROJECT_ROOT / 'instance' / 'tasks.sqlite3'}"


def build_huey(url: str, name: str) -> Huey:
    """A Huey instance for `url` (redis://, rediss://, unix://, sqlite:///PATH or memory://).
    Results are not kept: the database holds what a task made."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False)
    if url == "memory://":
        return MemoryHuey(name, results=False)
    raise ValueError(f"TASK_QUEUE_URL must be redis://, sqlite:/// or memory://, not {url!r}")


def huey_for(app: Flask) -> Huey:
    """The app's queue, built on first use from its config (again if the URL changed)."""
    url = queue_url(app.config)
    built = app.extensions.get("huey")
    if built is None or built[0] != url:
        huey = build_huey(url, app.config.get("TASK_QUEUE_NAME", "commonground"))
        _register(app, huey)
        app.extensions["huey"] = (url, huey)
    return app.extensions["huey"][1]


def _register(app: Flask, huey: Huey) -> None:
    huey.portal_tasks = {
        name: huey.task(name=name)(_in_context(app, function)) for name, function in TASKS.items()
    }
    # The safety net, run by the consumer's scheduler: the sweep every minute, and the outbox
    # every two minutes (retries of failed sends; messages queued when no one enqueued).
    huey.periodic_task(crontab(minute="*"), name="sweep_every_minute")(_in_context(app, sweep))
    huey.periodic_task(crontab(minute="*/2"), name="send_outbox_every_two_minutes")(
        _in_context(app, send_outbox)
    )


def _in_context(app: Flask, function: Callable) -> Callable:
    """Run `function` as a route would: inside an app context and a request context (the
    makers render templates that build links with url_for), on PUBLIC_BASE_URL."""

    @functools.wraps(function)
    def run(*args):
        with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
            try:
                return function(*args)
            finally:
                db.session.remove()

    return run


def enqueue(function: Callable, *args) -> None:
    """Put `function(*args)` on the current app's queue now (see after_commit for requests)."""
    huey_for(current_app._get_current_object()).portal_tasks[function.__name__](*args)


def after_commit(function: Callable, *args) -> None:
    """Enqueue `function(*args)` once the current transaction commits; nothing if it rolls
    back. The same task with the same arguments is enqueued once per transaction."""
    if function.__name__ not in TASKS:
        raise ValueError(f"{function.__name__} is not a task")
    pending = db.session().info.setdefault(_PENDING, [])
    if (function, args) not in pending:
        pending.append((function, args))


def _enqueue_pending(session: Session, committed: bool) -> None:
    """After the outermost transaction: enqueue what it asked for if it committed (a worker
    must find the rows committed); forget it if it rolled back."""
    pending = session.info.pop(_PENDING, None)
    if not committed or not pending or not has_app_context():
        return
    for function, args in pending:
        try:
            enqueue(function, *args)
        except Exception:  # the commit stands; the sweep enqueues what was missed
            log.exception("could not enqueue %s%r; the sweep will", function.__name__, args)


transactions.on_outermost_end(Session, _enqueue_pending)


@task
def make_document(job_id: int) -> bool | None:
    """Make one DocumentJob in its own language: claim it (nothing if another worker has, or
    it is made), run its maker, keep the PDF or the error. Stopped in the middle (SIGTERM), the
    job goes back in the queue and on the task queue."""
    from portal.models import District
    from portal.services import documents

    job = documents.claim(job_id, documents.worker_name())
    if job is None:
        return None
    g.district = db.session.get(District, job.district_id)
    try:
        with force_locale(job.parameters.get("locale") or "en"):
            ok = documents.run(job)
    except BaseException:  # documents.run has put the row back; the next worker makes it
        enqueue(make_document, job_id)
        raise
    if ok:
        log.info("document job %s made (%s pages)", job.id, job.pages)
    else:
        log.warning("document job %s failed: %s", job.id, job.error)
    return ok


@task
def send_outbox() -> tuple[int, int]:
    """Claim and send the outbox a batch at a time until nothing is left to try now."""
    from portal.services import mail

    limit, sent, failed = 10_000, 0, 0
    while True:
        batch_sent, batch_failed = mail.send_outbox(limit=limit)
        sent, failed = sent + batch_sent, failed + batch_failed
        if batch_sent + batch_failed < limit:
            return sent, failed


def sweep() -> int:
    """The safety net: jobs of dead workers back to the queue (on this host at once, a worker
    whose process is gone; elsewhere after DOCUMENT_JOB_STALE_MINUTES), then every queued job
    not already on the task queue is put on it. Returns how many were enqueued."""
    from portal.services import documents

    config = current_app.config
    attempts = config.get("DOCUMENT_JOB_ATTEMPTS", 2)
    documents.recover_stale(
        timedelta(minutes=config.get("DOCUMENT_JOB_STALE_MINUTES", 30)), attempts
    )
    documents.recover_orphans(_alive, attempts)
    huey = huey_for(current_app._get_current_object())
    waiting = {
        pending.args[0]
        for pending in huey.pending()
        if pending.name == "make_document" and pending.args
    }
    queued = [job_id for job_id in documents.queued_ids() if job_id not in waiting]
    for job_id in queued:
        enqueue(make_document, job_id)
    return len(queued)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
