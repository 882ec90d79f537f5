"""Long work on the task queue (portal/tasks.py, Huey): a real SqliteHuey on a temporary file
and, when Redis answers on 127.0.0.1, a RedisHuey on database 11. A task is enqueued only after
the request that asked for it commits (a rolled-back one enqueues nothing); `flask worker`, run
in its own process exactly as the systemd unit runs it, makes the packet and sends the outbox
to a real SMTP server on 127.0.0.1; a killed worker's job is made by the next one."""

import os
import signal
import subprocess
import sys
import time

import pytest

from portal import tasks
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.models import DocumentJob, OutboxMessage, Role
from portal.services import documents, mail
from tests.conftest import visible_text

REDIS_URL = "redis://127.0.0.1:6379/11"
PACKETS = "/manage/surveys/{}/packets"
UNSUBSCRIBE = {"List-Unsubscribe": "<https://portal.example.org/u/abc>"}


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure: no Redis here
        return False


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, clean_app, tmp_path, monkeypatch):
    """The app's task queue pointed at a fresh SqliteHuey file or Redis database 11."""
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip("Redis is not reachable on 127.0.0.1:6379")
        url = REDIS_URL
    else:
        url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    monkeypatch.setitem(clean_app.config, "TASK_QUEUE_URL", url)
    huey = tasks.huey_for(clean_app)
    huey.flush()
    yield url
    huey.flush()


def start_worker(app, queue_url: str, env: dict | None = None, log=None) -> subprocess.Popen:
    """`flask --app wsgi worker -w 1` in its own process (and process group) on the app's
    database and the given queue."""
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
        "TASK_QUEUE_URL": queue_url,
        **(env or {}),
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "-w", "1"]
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen) -> int:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        return worker.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        return worker.wait(5)


def _wait_for(condition, seconds: float, worker, log_path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline or worker.poll() is not None:
            pytest.fail(f"waited {seconds} s; the worker said:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


def _job(ctx, job_id):
    with ctx() as session:
        job = session.get(DocumentJob, job_id)
        return job.state, job.attempts, job.worker, job.error


def _pending(app) -> list[tuple]:
    return [(t.name, t.args) for t in tasks.huey_for(app).pending()]


def test_a_packet_is_enqueued_after_the_commit_and_a_rollback_enqueues_nothing(
    clean_app, queue, district, survey_id, login_as, ctx
):
    with clean_app.test_request_context():
        job = documents.request_document(
            district["id"], None, "paper-sheets", {"survey_id": survey_id}, "x.pdf"
        )
        assert job.id and _pending(clean_app) == []  # flushed, not committed: nothing yet
        db.session.rollback()
        db.session.commit()  # a later commit of the same session brings nothing back
        assert _pending(clean_app) == []
    assert ctx and _jobs_count(ctx) == 0

    staff = login_as(Role.DISTRICT)
    asked = staff.post(
        PACKETS.format(survey_id), data={"first": "41", "count": "3", "language": "es"}
    )
    assert asked.status_code == 303
    [job_id] = _job_ids(ctx)
    assert _pending(clean_app) == [("make_document", (job_id,))]
    assert _job(ctx, job_id)[:2] == ("queued", 0)  # the request did not make it


def _job_ids(ctx) -> list[int]:
    with ctx() as session:
        return [job.id for job in session.query(DocumentJob).order_by(DocumentJob.id)]


def _jobs_count(ctx) -> int:
    return len(_job_ids(ctx))


def test_the_worker_makes_the_packet_and_the_page_shows_it_ready(
    clean_app, queue, survey_id, login_as, ctx, tmp_path
):
    staff = login_as(Role.DISTRICT)
    staff.post(PACKETS.format(survey_id), data={"first": "41", "count": "3", "language": "es"})
    [job_id] = _job_ids(ctx)
    assert "Waiting to start" in visible_text(staff.get(PACKETS.format(survey_id)).text)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = start_worker(clean_app, queue, log=log)
        try:
            _wait_for(lambda: _job(ctx, job_id)[0] == "done", 90, worker, log_path)
        finally:
            assert _stop(worker) == 0, log_path.read_text()
    state, attempts, made_by, _ = _job(ctx, job_id)
    assert (state, attempts) == ("done", 1) and made_by.endswith(tuple("0123456789"))
    ready = staff.get(PACKETS.format(survey_id))
    assert "Refresh" not in ready.headers and "Ready" in visible_text(ready.text)
    pdf = staff.get(f"/manage/packets/{job_id}.pdf")
    assert pdf.status_code == 200 and "ssfr-test-es-41-43.pdf" in pdf.headers["Content-Disposition"]
    assert _pending(clean_app) == [], log_path.read_text()


def test_a_task_that_runs_twice_makes_the_packet_once(clean_app, queue, district, survey_id, ctx):
    with clean_app.app_context():
        job = documents.request_document(
            district["id"],
            None,
            "paper-sheets",
            {"survey_id": survey_id, "first": 1, "count": 1, "locale": "en"},
            "x.pdf",
        )
        db.session.commit()
        job_id = job.id
        db.session.remove()
    run = tasks._in_context(clean_app, tasks.make_document)
    assert run(job_id) is True
    assert run(job_id) is None  # already made: the second copy finds nothing to claim
    assert _job(ctx, job_id)[:2] == ("done", 1)


def test_the_outbox_task_sends_every_message_to_a_real_smtp_server(clean_app, queue, ctx, tmp_path):
    from aiosmtpd.controller import Controller

    from tests.test_outbox import SmtpSink, free_port

    with ctx() as session:
        for n in range(3):
            mail.queue(f"notice:{n}", f"p{n}@example.org", f"Reunión {n}", "Body", UNSUBSCRIBE)
        session.commit()
        # One send for the whole transaction, however many messages it queued.
        assert _pending(clean_app) == [("send_outbox", ())]
        mail.queue("notice:rolled-back", "x@example.org", "Never", "Body", UNSUBSCRIBE)
        session.rollback()
        assert _pending(clean_app) == [("send_outbox", ())]

    sink, port = SmtpSink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "0",
        "MAIL_FROM": "avisos@district.example",
    }
    log_path = tmp_path / "worker.log"
    try:
        with log_path.open("wb") as log:
            worker = start_worker(clean_app, queue, env=smtp, log=log)
            try:
                _wait_for(lambda: len(sink.raw) >= 3, 60, worker, log_path)
            finally:
                assert _stop(worker) == 0, log_path.read_text()
    finally:
        controller.stop()
    assert sorted(m["To"] for m in sink.messages) == [f"p{n}@example.org" for n in range(3)]
    assert {m["Subject"] for m in sink.messages} == {f"Reunión {n}" for n in range(3)}
    with ctx() as session:
        statuses = {row.dedupe_key: row.status for row in session.query(OutboxMessage)}
    assert statuses == {f"notice:{n}": "sent" for n in range(3)}


# Recovery is the worker's own sweep at start, the same on either queue: one queue is enough
# (each run makes the packet twice over, the slowest test here).
@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_a_killed_workers_job_is_made_by_the_next_worker(
    clean_app, queue, survey_id, login_as, ctx, tmp_path
):
    staff = login_as(Role.DISTRICT)
    staff.post(PACKETS.format(survey_id), data={"first": "1", "count": "15", "language": "en"})
    [job_id] = _job_ids(ctx)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    with first_log.open("wb") as log:
        first = start_worker(clean_app, queue, log=log)
        try:
            _wait_for(lambda: _job(ctx, job_id)[0] == "running", 60, first, first_log)
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # no goodbye: the job is left "running"
            first.wait(10)
    time.sleep(0.5)  # the forked worker process is gone too
    state, attempts, killed_worker, _ = _job(ctx, job_id)
    assert (state, attempts) == ("running", 1)
    assert ("make_document", (job_id,)) not in _pending(clean_app)  # gone with the worker
    with second_log.open("wb") as log:
        second = start_worker(clean_app, queue, log=log)
        try:
            _wait_for(lambda: _job(ctx, job_id)[0] == "done", 120, second, second_log)
        finally:
            assert _stop(second) == 0, second_log.read_text()
    state, attempts, made_by, error = _job(ctx, job_id)
    assert (state, attempts, error) == ("done", 2, "") and made_by != killed_worker
