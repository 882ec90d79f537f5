"""Issue 14 item 3: large packets of paper forms are made in the background (document jobs in
the database, made by the task queue's `flask worker`; `flask work` makes them in one pass
without the queue, as most tests here do), and served when ready, only to the district's staff.
The task flow itself (enqueued after the commit, made by a real consumer) is tests/test_tasks.py."""

import threading
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import District, DocumentJob, Role
from portal.models.base import IllegalMove, utcnow
from portal.models.documents import JobState
from portal.services import documents, survey_codes
from tests.conftest import hx, pdf_text, visible_text

PACKETS = "/manage/surveys/{}/packets"


def _jobs(ctx) -> list[tuple]:
    with ctx() as session:
        rows = session.query(DocumentJob).order_by(DocumentJob.id).all()
        return [(j.id, j.state, j.attempts, j.error) for j in rows]


def _work(app) -> str:
    result = app.test_cli_runner().invoke(args=["work"])
    assert result.exit_code == 0, result.output
    return result.output


def _add_job(app, district_id, survey_id, **kw) -> int:
    with app.app_context():
        parameters = {"survey_id": survey_id, "first": 1, "count": 1, "locale": "en"}
        parameters.update(kw.pop("parameters", {}))
        job = DocumentJob(
            district_id=district_id,
            kind="paper-sheets",
            subject_id=survey_id,
            parameters=parameters,
            filename="x.pdf",
            **kw,
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        db.session.remove()
    return job_id


def test_a_packet_is_asked_for_made_by_flask_work_and_downloaded(
    clean_app, survey_id, login_as, ctx, tmp_path, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "PAPER_SHEETS_PER_PART", 2)  # 3 sheets: two parts
    staff = login_as(Role.DISTRICT)
    asked = staff.post(
        PACKETS.format(survey_id), data={"first": "41", "count": "3", "language": "es"}
    )
    assert asked.status_code == 303
    [(job_id, state, attempts, _)] = _jobs(ctx)
    assert (state, attempts) == ("queued", 0)

    waiting = staff.get(PACKETS.format(survey_id))
    assert waiting.status_code == 200
    assert waiting.headers["Refresh"] == "10"  # looks again by itself, JavaScript or not
    text = visible_text(waiting.get_data(as_text=True))
    assert "Sheets 41 to 43" in text and "Waiting to start" in text
    assert staff.get(f"/manage/packets/{job_id}.pdf").status_code == 404  # not made yet
    fragment = staff.get(PACKETS.format(survey_id), headers=hx("packets"))
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'hx-trigger="every 10s"' in fragment.get_data(as_text=True)

    assert "Made 1 documents; 0 could not be made." in _work(clean_app)
    ready = staff.get(PACKETS.format(survey_id))
    assert "Refresh" not in ready.headers
    assert f"/manage/packets/{job_id}.pdf" in ready.get_data(as_text=True)
    assert "Ready" in visible_text(ready.get_data(as_text=True))

    pdf = staff.get(f"/manage/packets/{job_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "ssfr-test-es-41-43.pdf" in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data, tmp_path)
    for n in (41, 42, 43):
        assert survey_codes.sheet_code(clean_app.secret_key, survey_id, n) in text
    assert survey_codes.sheet_code(clean_app.secret_key, survey_id, 44) not in text
    assert "¿Está nuestro distrito listo" in " ".join(text.split())  # in the packet's language
    with ctx() as session:
        job = session.get(DocumentJob, job_id)
        assert job.state == "done" and job.pages >= 3 and job.size == len(pdf.data)
        assert job.finished_at is not None and job.worker


@pytest.mark.parametrize("count", ["0", "2001", "many", ""])
def test_a_packet_of_no_or_too_many_sheets_is_refused_beside_the_field(
    survey_id, login_as, ctx, count
):
    staff = login_as(Role.DISTRICT)
    refused = staff.post(
        PACKETS.format(survey_id), data={"first": "1", "count": count, "language": "en"}
    )
    assert refused.status_code == 422
    assert "Enter a number" in refused.get_data(as_text=True)
    assert _jobs(ctx) == []


def test_asking_is_a_post_a_get_with_numbers_only_fills_the_form(survey_id, login_as, ctx):
    staff = login_as(Role.DISTRICT)
    page = staff.get(PACKETS.format(survey_id) + "?first=7&count=900")
    assert page.status_code == 200 and 'value="900"' in page.get_data(as_text=True)
    assert _jobs(ctx) == []


def test_a_failure_is_kept_with_its_error(clean_app, survey_id, district, login_as, ctx):
    missing = _add_job(clean_app, district["id"], survey_id, parameters={"survey_id": 999999})
    assert "Made 0 documents; 1 could not be made." in _work(clean_app)
    [(job_id, state, _, error)] = _jobs(ctx)
    assert job_id == missing and state == "failed" and "the survey is gone" in error
    with ctx() as session:
        job = session.get(DocumentJob, job_id)
        with pytest.raises(IllegalMove):
            job.retry()  # a failed job stays failed
    staff = login_as(Role.DISTRICT)
    with ctx() as session:
        session.get(DocumentJob, job_id).subject_id = survey_id
        session.commit()
    page = visible_text(staff.get(PACKETS.format(survey_id)).get_data(as_text=True))
    assert "could not be made" in page
    assert staff.get(f"/manage/packets/{job_id}.pdf").status_code == 404


def test_a_packet_past_the_background_time_limit_fails(
    clean_app, survey_id, district, ctx, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "BACKGROUND_PDF_TIME_LIMIT_SECONDS", 0.01)
    _add_job(clean_app, district["id"], survey_id)
    _work(clean_app)
    [(_, state, _, error)] = _jobs(ctx)
    assert state == "failed" and "PdfTookTooLong" in error


def test_a_job_whose_worker_died_is_tried_again_then_failed(clean_app, survey_id, district, ctx):
    long_ago = utcnow() - timedelta(hours=2)
    again = _add_job(
        clean_app, district["id"], survey_id, state="running", attempts=1, started_at=long_ago
    )
    given_up = _add_job(
        clean_app, district["id"], survey_id, state="running", attempts=2, started_at=long_ago
    )
    recent = _add_job(
        clean_app, district["id"], survey_id, state="running", attempts=1, started_at=utcnow()
    )
    _work(clean_app)
    states = {job_id: (state, attempts) for job_id, state, attempts, _ in _jobs(ctx)}
    assert states[again] == ("done", 2)  # requeued, claimed again and made
    assert states[given_up][0] == "failed"
    assert states[recent] == ("running", 1)  # its worker may still be at it


def test_two_workers_never_take_the_same_job(clean_app, survey_id, district, ctx):
    ids = [_add_job(clean_app, district["id"], survey_id) for _ in range(12)]
    taken: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    errors = []
    start = threading.Barrier(len(taken))

    def claimer(name):
        try:
            with clean_app.app_context():
                start.wait(5)
                while (job := documents.claim_next(name)) is not None:
                    taken[name].append(job.id)
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=claimer, args=(name,)) for name in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    every = [job_id for claimed in taken.values() for job_id in claimed]
    assert sorted(every) == ids  # each job once, none twice, none left
    with ctx() as session:
        for job in session.query(DocumentJob):
            assert job.state == JobState.RUNNING and job.attempts == 1
            assert ids[0] <= job.id and job.id in taken[job.worker]


def test_a_lost_race_takes_the_next_job(clean_app, survey_id, district, ctx):
    first = _add_job(clean_app, district["id"], survey_id, state="running", attempts=1)
    second = _add_job(clean_app, district["id"], survey_id)
    with clean_app.app_context():
        assert documents.claim_next("w").id == second
        assert documents.claim_next("w") is None
    assert {j[0]: j[1] for j in _jobs(ctx)} == {first: "running", second: "running"}


def test_packets_are_for_the_districts_staff_only(
    clean_app, survey_id, district, login_as, ctx, client
):
    job_id = _add_job(clean_app, district["id"], survey_id)
    with clean_app.app_context():
        other = District(name="Elsewhere", slug="elsewhere", default_locale="en")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
        db.session.remove()
    foreign = _add_job(clean_app, other_id, survey_id, state="running", attempts=1)
    _work(clean_app)
    with ctx() as session:
        done = session.get(DocumentJob, foreign)
        done.finish(b"%PDF-1.7 someone else's", 1)
        session.commit()

    page, pdf = PACKETS.format(survey_id), f"/manage/packets/{job_id}.pdf"
    assert client.get(page).status_code in (302, 303)  # sign in first
    assert client.get(pdf).status_code in (302, 303)
    principal = login_as(Role.PRINCIPAL)
    assert principal.get(page).status_code in (403, 404)
    assert principal.get(pdf).status_code in (403, 404)
    assert principal.post(
        page, data={"first": "1", "count": "5", "language": "en"}
    ).status_code in (
        403,
        404,
    )
    staff = login_as(Role.DISTRICT)
    assert staff.get(pdf).status_code == 200
    assert staff.get(f"/manage/packets/{foreign}.pdf").status_code == 404  # another district's
    assert staff.get("/manage/packets/999999.pdf").status_code == 404
    assert staff.get(PACKETS.format(999999)).status_code == 404
    assert len(_jobs(ctx)) == 2


def test_the_next_packet_starts_after_the_last_one(survey_id, login_as):
    staff = login_as(Role.DISTRICT)
    first = staff.get(PACKETS.format(survey_id)).get_data(as_text=True)
    assert 'id="first"' in first and 'value="21"' in first  # after the print link's 20
    staff.post(PACKETS.format(survey_id), data={"first": "21", "count": "100", "language": "en"})
    page = staff.get(PACKETS.format(survey_id)).get_data(as_text=True)
    assert 'value="121"' in page


def test_a_worker_stopped_mid_job_puts_it_back_in_the_queue(clean_app, survey_id, district, ctx):
    @documents.maker("test-stopped")
    def _stopped(job):
        raise KeyboardInterrupt  # what SIGTERM (sys.exit) or Ctrl-C does in the middle

    try:
        with clean_app.app_context():
            documents.request_document(district["id"], None, "test-stopped", {}, "x.pdf")
            db.session.commit()
            job = documents.claim_next("w")
            with pytest.raises(KeyboardInterrupt):
                documents.run(job)
            db.session.remove()
    finally:
        documents.MAKERS.pop("test-stopped")
    [(_, state, attempts, error)] = _jobs(ctx)
    assert (state, attempts, error) == ("queued", 1, "")


def test_flask_worker_stopped_by_sigterm_puts_its_job_back(
    clean_app, survey_id, district, ctx, tmp_path, monkeypatch
):
    """The real thing: `flask worker` (Huey's consumer) in its own process, stopped by SIGTERM
    while it makes a packet: the job is queued again and back on the task queue."""
    import signal
    import time

    from portal import tasks
    from tests.test_tasks import start_worker

    job_id = _add_job(clean_app, district["id"], survey_id, parameters={"count": 400})
    queue = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    monkeypatch.setitem(clean_app.config, "TASK_QUEUE_URL", queue)
    worker = start_worker(clean_app, queue)  # its first sweep enqueues the job
    try:
        deadline = time.monotonic() + 60
        while _jobs(ctx)[0][1] != "running":
            assert time.monotonic() < deadline and worker.poll() is None, "never claimed"
            time.sleep(0.2)
        time.sleep(1)  # in the middle of making it
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(5)
    [(found, state, attempts, error)] = _jobs(ctx)
    assert (found, state, attempts, error) == (job_id, "queued", 1, "")
    waiting = [(t.name, t.args) for t in tasks.huey_for(clean_app).pending()]
    assert ("make_document", (job_id,)) in waiting
