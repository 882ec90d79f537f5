"""The first year and the next: last year's allocations read from a district's spreadsheet,
waiting for confirmation after their preview (kept in the database, not a process, so any app
server can finish the import)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import IllegalMove, TimestampMixin


class PriorAllocationImport(TimestampMixin, db.Model):
    """An uploaded file of last year's allocations (one row per school and funding stream),
    staged after its preview. `school_year_id` is the year the figures are "last year" for."""

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    # [{"school_id": 1, "streams": {"3": 125000000}, "cents": 125000000}, ...], only when every
    # row of the file was valid
    rows: Mapped[list] = mapped_column(JSON, default=list)
    applied: Mapped[bool] = mapped_column(default=False)

    def mark_applied(self) -> None:
        """Record that the rows were saved; a staged file is imported once."""
        if self.applied:
            raise IllegalMove(_l("This file was already imported."))
        self.applied = True
