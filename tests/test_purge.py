"""`flask purge`: with the clock frozen (`now=`), in every table it purges, a row just inside its
retention stays and a row just past it goes; a dry run counts the same and deletes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from portal.extensions import db
from portal.models import (
    AuditEntry,
    Feedback,
    Interview,
    InterviewObservation,
    LoginSession,
    OutboxMessage,
    ReadinessAssessment,
    School,
    ShortLink,
    SignInAttempt,
    Subscriber,
    User,
)
from portal.services import retention
from portal.services.retention import purge

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def _days(key: str) -> timedelta:
    kind = next(k for k in retention.KINDS if k.key == key)
    return timedelta(days=kind.days())


def _cutoff(key: str) -> datetime:
    return NOW - _days(key)


def _user() -> User:
    user = User(email="staff@example.test", name="Staff", password_hash="x")
    db.session.add(user)
    db.session.flush()
    return user


# Each case makes a row just inside its retention and one just past it, and says which still
# exist (and, for rows that are blanked rather than deleted, whether they still hold the data).


def _sign_in_attempts(district_id):
    cutoff = _cutoff("sign_in_records")
    rows = [
        SignInAttempt(email=f"{n}@example.test", client="c", attempted_at=at)
        for n, at in (("inside", cutoff + MINUTE), ("past", cutoff - MINUTE))
    ]
    db.session.add_all(rows)
    return lambda: {a.email.split("@")[0] for a in db.session.scalars(select(SignInAttempt))}


def _sessions(district_id):
    user = _user()
    cutoff = _cutoff("sessions")
    rows = {
        "inside": dict(expires_at=cutoff + MINUTE),
        "past": dict(expires_at=cutoff - MINUTE),
        "revoked_inside": dict(expires_at=NOW + _days("sessions"), revoked_at=cutoff + MINUTE),
        "revoked_past": dict(expires_at=NOW + _days("sessions"), revoked_at=cutoff - MINUTE),
    }
    for name, times in rows.items():
        db.session.add(LoginSession(user_id=user.id, token_hash=name, user_agent=name, **times))
    return lambda: {s.user_agent for s in db.session.scalars(select(LoginSession))}


def _subscribers(district_id):
    cutoff = _cutoff("subscribers")
    for name, at, confirmed in (
        ("inside", cutoff + MINUTE, None),
        ("past", cutoff - MINUTE, None),
        ("confirmed_long_ago", cutoff - timedelta(days=400), cutoff - timedelta(days=400)),
    ):
        db.session.add(
            Subscriber(
                district_id=district_id,
                email=f"{name}@example.test",
                created_at=at,
                updated_at=at,
                confirmed_at=confirmed,
            )
        )
    return lambda: {s.email.split("@")[0] for s in db.session.scalars(select(Subscriber))}


def _outbox(district_id):
    cutoff = _cutoff("sent_email")
    for name, status, sent in (
        ("inside", "sent", cutoff + MINUTE),
        ("past", "sent", cutoff - MINUTE),
        ("queued_long_ago", "queued", None),
    ):
        db.session.add(
            OutboxMessage(
                dedupe_key=name,
                to_address="a@example.test",
                subject=name,
                body_text="Hello",
                status=status,
                sent_at=sent,
                created_at=cutoff - timedelta(days=400),
            )
        )
    return lambda: {m.dedupe_key for m in db.session.scalars(select(OutboxMessage))}


def _hidden_comment_names(district_id):
    cutoff = _cutoff("public_comments")
    for name, visibility, at in (
        ("inside", "hidden", cutoff + MINUTE),
        ("past", "hidden", cutoff - MINUTE),
        ("published_long_ago", "visible", cutoff - timedelta(days=400)),
    ):
        db.session.add(
            Feedback(
                district_id=district_id,
                target_type="goal",
                target_id=1,
                body=name,
                author_name=f"Name {name}",
                visibility=visibility,
                hidden_reason="off topic" if visibility == "hidden" else "",
                created_at=at,
                updated_at=at,
            )
        )

    def names():
        comments = list(db.session.scalars(select(Feedback)))
        # The comments themselves all stay: only the name of the old hidden one goes.
        assert {c.body for c in comments} == {"inside", "past", "published_long_ago"}
        assert all(c.hidden_reason for c in comments if c.visibility == "hidden")
        return {c.body for c in comments if c.author_name}

    return names


def _interviews(district_id):
    assessment = ReadinessAssessment(district_id=district_id, slug="ready", title="Readiness")
    db.session.add(assessment)
    db.session.flush()
    cutoff_day = _cutoff("interview_records").date()
    for name, held in (("inside", cutoff_day), ("past", cutoff_day - timedelta(days=1))):
        interview = Interview(
            assessment_id=assessment.id,
            interviewee_role=name,
            interviewee_name="Ana",
            held_on=held,
            notes="confidential",
        )
        interview.observations.append(InterviewObservation(code="gap", note=name))
        db.session.add(interview)

    def left():
        roles = {i.interviewee_role for i in db.session.scalars(select(Interview))}
        notes = {o.note for o in db.session.scalars(select(InterviewObservation))}
        assert notes == roles  # an interview's observations go with it
        return roles

    return left


def _audit_detail(district_id):
    cutoff = _cutoff("audit_log")
    for name, at in (("inside", cutoff + MINUTE), ("past", cutoff - MINUTE)):
        db.session.add(
            AuditEntry(
                at=at,
                action="auth.sign_in_failed",
                object_type=name,
                object_id=1,
                detail={
                    "email": "someone@example.test",
                    "reason": "wrong password",
                    "changes": [{"type": "x", "fields": {"author_name": ["Ana", ""]}}],
                },
            )
        )

    def personal():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == 1)))
        # Both entries stay (the public record), with what is not personal.
        assert {e.object_type for e in entries} == {"inside", "past"}
        assert all(e.detail["reason"] == "wrong password" for e in entries)
        return {
            e.object_type for e in entries if "email" in e.detail or "author_name" in str(e.detail)
        }

    return personal


def _short_links(district_id):
    school = db.session.scalars(select(School)).first()
    db.session.add(ShortLink(code="inside", kind="school", target_id=school.id))
    db.session.add(ShortLink(code="past", kind="school", target_id=school.id + 10_000))
    return lambda: {link.code for link in db.session.scalars(select(ShortLink))}


def _has_table(model) -> bool:
    return inspect(db.engine).has_table(model.__tablename__)


def _rate_limits(district_id):
    model = pytest.importorskip("portal.models.rate_limits").RateLimitCounter
    if not _has_table(model):
        pytest.skip("the rate_limit_counter table is not migrated yet")
    for name, delta in (("inside", 1), ("past", -1)):
        db.session.add(model(key=name, count=3, expires_at=NOW.timestamp() + delta))
    return lambda: {row.key for row in db.session.scalars(select(model))}


def _document_jobs(district_id):
    model = pytest.importorskip("portal.models.documents").DocumentJob
    if not _has_table(model):
        pytest.skip("the document_job table is not migrated yet")
    cutoff = _cutoff("document_jobs")
    for name, finished in (
        ("inside", cutoff + MINUTE),
        ("past", cutoff - MINUTE),
        ("queued", None),
    ):
        state = "queued" if finished is None else "done"
        db.session.add(model(district_id=district_id, kind=name, state=state, finished_at=finished))
    return lambda: {job.kind for job in db.session.scalars(select(model))}


CASES = {
    "sign-in attempts": (_sign_in_attempts, {"inside"}),
    "sessions": (_sessions, {"inside", "revoked_inside"}),
    "subscribers": (_subscribers, {"inside", "confirmed_long_ago"}),
    "sent e-mail": (_outbox, {"inside", "queued_long_ago"}),
    "hidden comments' names": (_hidden_comment_names, {"inside", "published_long_ago"}),
    "interviews": (_interviews, {"inside"}),
    "audit details": (_audit_detail, {"inside"}),
    "short links": (_short_links, {"inside"}),
    "rate-limit counters": (_rate_limits, {"inside"}),
    "document jobs": (_document_jobs, {"inside", "queued"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_just_inside_stays_and_just_past_goes(ctx, district, case):
    make, kept = CASES[case]
    with ctx():
        left = make(district["id"])
        db.session.commit()
        before = left()

        dry = dict(purge(now=NOW, dry_run=True))
        assert left() == before, "a dry run deletes nothing"
        purged = dict(purge(now=NOW))
        assert left() == kept
        assert sum(purged.values()) == sum(dry.values()) >= 1, "the dry run counts the same"

        assert sum(count for _, count in purge(now=NOW)) == 0, "a second run finds nothing"
        assert left() == kept


def test_a_setting_changes_what_is_deleted(ctx, district, clean_app, monkeypatch):
    monkeypatch.setitem(clean_app.config, "INTERVIEW_RETENTION_DAYS", 30)
    with ctx():
        assessment = ReadinessAssessment(district_id=district["id"], slug="r", title="R")
        db.session.add(assessment)
        db.session.flush()
        held = (NOW - timedelta(days=31)).date()
        db.session.add(Interview(assessment_id=assessment.id, interviewee_role="x", held_on=held))
        db.session.commit()
        assert dict(purge(now=NOW))["interview records"] == 1


def test_a_real_purge_is_audited_with_counts_only(ctx, district):
    with ctx():
        db.session.add(SignInAttempt(email="a@example.test", client="c", attempted_at=date_time()))
        db.session.commit()
        purge(now=NOW)
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "data.purged")
        ).one()
        assert entry.detail == {"deleted": {"sign-in attempts": 1}}


def date_time() -> datetime:
    return datetime.combine(date(2020, 1, 1), datetime.min.time(), UTC)


def test_the_command_and_its_old_name(clean_app, ctx, district):
    with ctx():
        db.session.add(SignInAttempt(email="a@example.test", client="c", attempted_at=date_time()))
        db.session.commit()
    runner = clean_app.test_cli_runner()
    result = runner.invoke(args=["purge", "--dry-run", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "sign-in attempts: 1 to delete (dry run, nothing deleted)" in result.output
    result = runner.invoke(args=["prune", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "sign-in attempts: 1 deleted" in result.output
    with ctx():
        assert db.session.scalars(select(SignInAttempt)).first() is None
    result = runner.invoke(args=["purge", "--now", "2026-06-01T00:00:00"])
    assert result.exit_code != 0 and "time zone" in result.output
