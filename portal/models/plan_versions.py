"""What the site council approved: a frozen copy of a school plan and its budget, taken when a
motion on the plan or the budget passed. Version 1, 2, ... per plan; a version never changes
and is never deleted through the portal (a change to the plan is approved by a new motion,
which makes a new version)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import IllegalMove, UTCDateTime, utcnow

FROZEN = _l("An approved version of a plan is part of the public record: it cannot be changed.")


class PlanVersion(db.Model):
    """One approved version of a school plan. `snapshot` holds what was approved, as plain JSON
    (goals, strategies, actions, investments, the budget matrix, the allocation it rested on,
    with every text in every language as stored); see services/plan_versions.py."""

    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("school_plan.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # The motion that approved it (kept in the snapshot too, should the motion ever go).
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id", ondelete="SET NULL"))
    approved_on: Mapped[date] = mapped_column(Date)
    tally: Mapped[str] = mapped_column(String(40), default="")
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)

    plan = relationship("SchoolPlan")
    motion = relationship("Motion")


@event.listens_for(PlanVersion, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise IllegalMove(FROZEN)


@event.listens_for(PlanVersion, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise IllegalMove(FROZEN)
