"""The deletions behind `flask purge`, one function per kind of data in the retention registry
(portal/services/retention.py). Each takes the moment to count from (`now`, so tests freeze the
clock) and the kind's retention in days, deletes or blanks what is past it with bulk statements
(never audited one row at a time, never loading rows it does not change), and returns
{what: how many}. Nothing here commits: `retention.purge` commits once, or rolls back for a
dry run."""

import json
from datetime import datetime, timedelta

from sqlalchemy import String, cast, delete, or_, select, update

from portal.extensions import db
from portal.models import (
    AuditEntry,
    Bulletin,
    Feedback,
    Interview,
    InterviewObservation,
    OutboxMessage,
    School,
    ShortLink,
    Subscriber,
    Survey,
)
from portal.models.feedback import FeedbackVisibility
from portal.services.accounts import prune_security_records

# Keys that name a person in an audit entry's detail (an address typed at sign-in, a client
# address, a browser, a commenter's name). Removed from entries older than their retention; the
# entry itself (who, what, when, which object) stays: the audit log is the public record.
PERSONAL_DETAIL_KEYS = frozenset({"email", "client", "ip", "user_agent", "author_name"})


def sign_in_records(now: datetime, days: int) -> dict[str, int]:
    """Sign-in attempts older than `days`, and sessions that ended more than `days` ago."""
    attempts, sessions = prune_security_records(timedelta(days=days), now=now)
    return {"sign-in attempts": attempts, "ended sign-in sessions": sessions}


def unconfirmed_subscribers(now: datetime, days: int) -> dict[str, int]:
    """Sign-ups never confirmed within `days` of the last request. (Unsubscribing deletes the
    address at once: see subscriptions.unsubscribe.)"""
    cutoff = now - timedelta(days=days)
    count = db.session.execute(
        delete(Subscriber).where(Subscriber.confirmed_at.is_(None), Subscriber.updated_at < cutoff)
    ).rowcount
    return {"unconfirmed subscribers": count}


def sent_email(now: datetime, days: int) -> dict[str, int]:
    """E-mail messages sent more than `days` ago (the address and the message go with them)."""
    cutoff = now - timedelta(days=days)
    count = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == "sent", OutboxMessage.sent_at < cutoff)
    ).rowcount
    return {"sent e-mail messages": count}


def hidden_comment_names(now: datetime, days: int) -> dict[str, int]:
    """The name given with a comment a moderator hid, `days` after it was last changed.

    Like Decidim's moderation, a hidden comment itself stays in the record with the reason it
    was hidden (moderators answer for what they hid); only the writer's name goes. Published
    comments keep the name the writer chose to show, as long as they are shown."""
    cutoff = now - timedelta(days=days)
    count = db.session.execute(
        update(Feedback)
        .where(
            Feedback.visibility == FeedbackVisibility.HIDDEN.value,
            Feedback.author_name != "",
            Feedback.updated_at < cutoff,
        )
        # Keep updated_at: blanking the name is not a change anyone made to the comment.
        .values(author_name="", updated_at=Feedback.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"names on hidden comments": count}


def interview_records(now: datetime, days: int) -> dict[str, int]:
    """Interviews (names, notes and their observations) held more than `days` ago."""
    cutoff = (now - timedelta(days=days)).date()
    old = select(Interview.id).where(Interview.held_on < cutoff)
    db.session.execute(
        delete(InterviewObservation)
        .where(InterviewObservation.interview_id.in_(old))
        .execution_options(synchronize_session=False)
    )
    count = db.session.execute(
        delete(Interview)
        .where(Interview.held_on < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"interview records": count}


def _scrubbed(value):
    """`value` without PERSONAL_DETAIL_KEYS, at any depth."""
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items() if k not in PERSONAL_DETAIL_KEYS}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


def audit_personal_detail(now: datetime, days: int) -> dict[str, int]:
    """Remove personal details from audit entries older than `days`; the entries stay.

    The ORM refuses to change an entry (portal.models.audit); this Core UPDATE of the one
    column is the single deliberate exception, and it only ever removes the keys above."""
    cutoff = now - timedelta(days=days)
    text = cast(AuditEntry.detail, String)
    # A cheap filter in SQL (the serialised key), the exact check in Python.
    maybe = or_(*(text.like(f'%"{key}"%') for key in sorted(PERSONAL_DETAIL_KEYS)))
    rows = db.session.execute(
        select(AuditEntry.id, AuditEntry.detail).where(AuditEntry.at < cutoff, maybe)
    ).all()
    table = AuditEntry.__table__
    count = 0
    for entry_id, detail in rows:
        detail = json.loads(detail) if isinstance(detail, str) else detail
        clean = _scrubbed(detail)
        if clean != detail:
            db.session.execute(update(table).where(table.c.id == entry_id).values(detail=clean))
            count += 1
    return {"audit entries with personal details": count}


def orphan_short_links(now: datetime, days: int | None) -> dict[str, int]:
    """Short links whose bulletin, school or survey no longer exists (they lead nowhere)."""
    targets = {"bulletin": Bulletin, "school": School, "survey": Survey}
    count = 0
    for kind, model in targets.items():
        count += db.session.execute(
            delete(ShortLink)
            .where(ShortLink.kind == kind, ShortLink.target_id.not_in(select(model.id)))
            .execution_options(synchronize_session=False)
        ).rowcount
    return {"short links to deleted pages": count}


def rate_limit_counters(now: datetime, days: int | None) -> dict[str, int]:
    """Rate-limit counters whose window has ended (the database store, when there is no
    Redis; Redis expires its own keys)."""
    try:
        from portal.models.rate_limits import RateLimitCounter
    except ImportError:  # hook: the shared limiter's table is not in this version
        return {}
    count = db.session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.expires_at < now.timestamp())
    ).rowcount
    return {"ended rate-limit counters": count}


def document_jobs(now: datetime, days: int) -> dict[str, int]:
    """Background documents (large PDFs) finished, or failed, more than `days` ago. A hook that
    returns nothing in a version without the document jobs table."""
    try:
        from portal.models.documents import DocumentJob
    except ImportError:
        return {}
    count = db.session.execute(
        delete(DocumentJob).where(DocumentJob.finished_at < now - timedelta(days=days))
    ).rowcount
    return {"finished background documents": count}
