"""Writing the audit log: who did what to the public record, in the same transaction as the
change. Read by admins at /manage/audit."""

from portal.extensions import db
from portal.models import AuditEntry
from portal.models.base import utcnow


def record_audit(
    actor, action: str, object_type: str, object_id: int, detail: dict | None = None
) -> AuditEntry:
    """Add an audit entry for `actor` (a user, or None for the system: the CLI, the scheduler)."""
    entry = AuditEntry(
        at=utcnow(),
        user_id=actor.id if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail or {},
    )
    db.session.add(entry)
    return entry
