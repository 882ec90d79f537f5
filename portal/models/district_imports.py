"""A district's schools, staff accounts or committee rosters read from a file, waiting for
confirmation after their preview (kept in the database, not a process, so any app server can
finish the import)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import IllegalMove, TimestampMixin


class DistrictImport(TimestampMixin, db.Model):
    """An uploaded file of one kind (schools, staff, rosters, salary averages or positions),
    staged after its preview.
    `rows` holds the checked rows until they are applied, then only the counts remain."""

    __table_args__ = (
        CheckConstraint(
            "kind in ('schools', 'staff', 'rosters', 'salaries', 'positions')",
            name="import_kind_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    rows: Mapped[list] = mapped_column(JSON, default=list)
    # {"created": 3, "updated": 1, "unchanged": 5} once applied
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    applied: Mapped[bool] = mapped_column(default=False)

    def mark_applied(self, result: dict) -> None:
        """Record that the rows were saved (a staged file is imported once) and forget the
        rows: names and e-mail addresses need not stay here once the accounts exist."""
        if self.applied:
            raise IllegalMove(_l("This file was already imported."))
        self.applied = True
        self.result = dict(result)
        self.rows = []
