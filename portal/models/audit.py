"""The audit log: who changed what in the public record, and when.

An entry is written once and never changed: the ORM refuses to update or delete one (an
IllegalMove), and no route offers to. `school_id` and `district_id` say where the changed row
belongs, for filtering; they are plain numbers, not foreign keys, so that deleting a school
leaves its history as it was written.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import IllegalMove, UTCDateTime


class AuditEntry(db.Model):
    """Who changed what in the public record, and when (visible to admins).

    `detail` holds what the action names (free-form) and, under "changes", the rows it changed:
    [{"type": "investment", "id": 12, "op": "updated", "fields": {"cost_cents": [95, 195]}}],
    each field as [before, after] (None before a row existed and after it was deleted)."""

    __table_args__ = (db.Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    school_id: Mapped[int | None] = mapped_column(Integer, index=True)
    district_id: Mapped[int | None] = mapped_column(Integer, index=True)

    user = relationship("User")

    @property
    def changes(self) -> list[dict]:
        """The rows this entry changed, each with its fields' [before, after]."""
        return (self.detail or {}).get("changes", [])


LOG_IS_PERMANENT = _l("The audit log cannot be changed or deleted.")


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, _entry):
    raise IllegalMove(LOG_IS_PERMANENT)


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _entry):
    raise IllegalMove(LOG_IS_PERMANENT)
