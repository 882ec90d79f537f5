"""Documents made in the background (models.documents.DocumentJob): ask for one, claim the next
safely when several workers run, make it, keep the PDF or the error.

What a kind of document is made from lives with the pages that offer it: a blueprint registers a
maker with `maker(kind)`, a function (job) -> (pdf bytes, pages). The task `make_document`
(portal/tasks.py, run by `flask worker`) claims and runs a job inside a request context, so makers
render templates as routes do; the job row stays the record staff see (state, progress, the PDF).
"""

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select, update

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.documents import DocumentJob, JobState

MAKERS: dict[str, Callable[[DocumentJob], tuple[bytes, int]]] = {}


def maker(kind: str):
    """Register the function that makes documents of `kind` (a decorator)."""

    def register(function):
        MAKERS[kind] = function
        return function

    return register


def request_document(
    district_id: int, user, kind: str, parameters: dict, filename: str, subject_id=None
) -> DocumentJob:
    """Queue a document for `user`. The caller commits; only then is the task that makes it
    put on the task queue (nothing is enqueued if the transaction rolls back)."""
    from portal import tasks

    if kind not in MAKERS:
        raise ValueError(f"no maker for documents of kind {kind!r}")
    job = DocumentJob(
        district_id=district_id,
        kind=kind,
        subject_id=subject_id,
        parameters=dict(parameters),
        requested_by_id=user.id if user is not None else None,
        filename=filename,
    )
    db.session.add(job)
    db.session.flush()
    tasks.after_commit(tasks.make_document, job.id)
    return job


def jobs_about(district_id: int, kind: str, subject_id: int, limit: int = 50) -> list[DocumentJob]:
    """The newest documents of `kind` about one row (a survey's packets), newest first."""
    return list(
        db.session.scalars(
            select(DocumentJob)
            .where(
                DocumentJob.district_id == district_id,
                DocumentJob.kind == kind,
                DocumentJob.subject_id == subject_id,
            )
            .order_by(DocumentJob.id.desc())
            .limit(limit)
        )
    )


def worker_name() -> str:
    """Who claimed a job, for the log and the packets page: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _claim_statement(worker: str, which):
    return (
        update(DocumentJob)
        .where(DocumentJob.id == which, DocumentJob.state == JobState.QUEUED.value)
        .values(
            state=JobState.RUNNING.value,
            started_at=utcnow(),
            worker=worker,
            attempts=DocumentJob.attempts + 1,
        )
        .returning(DocumentJob.id)
        .execution_options(synchronize_session=False)
    )


def claim(job_id: int, worker: str) -> DocumentJob | None:
    """Take one queued job for `worker`; None when it is not queued (made, failed, or another
    worker has it: a task that runs twice does nothing the second time). Committed. The claim is
    one conditional UPDATE, as in claim_next."""
    db.session.commit()  # no read may come before the claim in its transaction (SQLite)
    claimed = db.session.scalar(_claim_statement(worker, job_id))
    db.session.commit()
    return None if claimed is None else db.session.get(DocumentJob, claimed, populate_existing=True)


def queued_ids(limit: int = 1000) -> list[int]:
    """The queued jobs, oldest first (the sweep puts any missing one on the task queue)."""
    rows = select(DocumentJob.id).where(DocumentJob.state == JobState.QUEUED.value)
    ids = list(db.session.scalars(rows.order_by(DocumentJob.id).limit(limit)))
    db.session.commit()
    return ids


def recover_orphans(alive: Callable[[int], bool], attempts: int) -> int:
    """Jobs "running" under a worker of this host whose process is gone (killed, or its
    machine restarted): back to the queue now, without waiting for them to go stale (another
    host's are left to recover_stale). Committed; returns how many."""
    host = socket.gethostname()
    running = db.session.scalars(
        select(DocumentJob).where(
            DocumentJob.state == JobState.RUNNING.value,
            DocumentJob.worker.startswith(f"{host}:", autoescape=True),
        )
    )
    orphans = []
    for job in running:
        pid = job.worker.rpartition(":")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            orphans.append(job)
    for job in orphans:
        if job.attempts < attempts:
            job.retry()
        else:
            job.fail(f"stopped: the worker {job.worker} died after {job.attempts} tries")
    db.session.commit()
    return len(orphans)


def claim_next(worker: str) -> DocumentJob | None:
    """Take the oldest queued job for `worker`, or None when none is left; committed.

    The claim is one statement, `UPDATE ... SET state='running' WHERE id = (the oldest queued)
    AND state='queued' RETURNING id`: when two workers race for one job, the database lets
    exactly one of them change the row (PostgreSQL re-checks the condition once the first
    commits; SQLite takes its write lock before the statement reads anything), and the other
    changes nothing and looks again. On PostgreSQL the oldest queued job is read with FOR
    UPDATE SKIP LOCKED, so a second worker takes the next one instead of waiting.
    """
    db.session.commit()  # no read may come before the claim in its transaction (SQLite)
    while True:
        oldest = select(DocumentJob.id).where(DocumentJob.state == JobState.QUEUED.value)
        oldest = oldest.order_by(DocumentJob.id).limit(1)
        if db.session.get_bind().dialect.name == "postgresql":
            oldest = oldest.with_for_update(skip_locked=True)
        claimed = db.session.scalar(_claim_statement(worker, oldest.scalar_subquery()))
        db.session.commit()
        if claimed is not None:
            return db.session.get(DocumentJob, claimed, populate_existing=True)
        left = db.session.scalar(
            select(DocumentJob.id).where(DocumentJob.state == JobState.QUEUED.value).limit(1)
        )
        db.session.commit()
        if left is None:
            return None


def recover_stale(stale_after: timedelta, attempts: int, now: datetime | None = None) -> int:
    """Jobs still "running" longer than `stale_after` lost their worker (it was killed, or its
    host went down): back to the queue while they have attempts left, otherwise failed.
    Committed; returns how many were recovered."""
    cutoff = (now or utcnow()) - stale_after
    stale = list(
        db.session.scalars(
            select(DocumentJob).where(
                DocumentJob.state == JobState.RUNNING.value, DocumentJob.started_at < cutoff
            )
        )
    )
    for job in stale:
        if job.attempts < attempts:
            job.retry()
        else:
            job.fail(
                f"stopped: the worker {job.worker} did not finish it after {job.attempts} tries"
            )
    db.session.commit()
    return len(stale)


def run(job: DocumentJob) -> bool:
    """Make a claimed job's document and keep it; on any error keep the error instead.
    Committed; True when it was made. A worker stopped in the middle puts the job back in the
    queue before it goes."""
    try:
        pdf, pages = MAKERS[job.kind](job)
    except Exception as error:  # any failure is kept on the job, not raised
        db.session.rollback()
        job = db.session.get(DocumentJob, job.id, populate_existing=True)
        job.fail(f"{type(error).__name__}: {error}")
        db.session.commit()
        return False
    except BaseException:  # the worker is being stopped (Ctrl-C, SIGTERM): the job waits again
        db.session.rollback()
        db.session.get(DocumentJob, job.id, populate_existing=True).retry()
        db.session.commit()
        raise
    job.finish(pdf, pages)
    db.session.commit()
    return True


def purge_finished(older_than: timedelta, now: datetime | None = None) -> int:
    """Delete made and failed documents finished before `older_than` ago (for `flask purge`).
    The caller commits; returns how many."""
    cutoff = (now or utcnow()) - older_than
    result = db.session.execute(
        delete(DocumentJob).where(
            and_(
                DocumentJob.state.in_([JobState.DONE.value, JobState.FAILED.value]),
                DocumentJob.finished_at < cutoff,
            )
        )
    )
    return result.rowcount
