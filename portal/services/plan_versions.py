"""Approved versions of a school plan: what the site council approved, frozen when a motion on
the plan or the budget passes (`freeze`, called by votes.close_motion), read back for the
public pages (`version_page`, through plan_snapshots.rebuild), and what the public plan and
budget pages say about approval (`public_record`: the versions and what changed since,
plan_changes.changes_since). A version never changes: the model refuses updates and deletes."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import PlanVersion, SchoolPlan
from portal.models.base import utcnow
from portal.services import funding, plans
from portal.services.audit import record_audit
from portal.services.committee_record import year_of
from portal.services.meetings import meeting_day
from portal.services.plan_changes import Change, changes_since
from portal.services.plan_snapshots import rebuild, snapshot_of

# -- Freezing ---------------------------------------------------------------------------------


def school_money(plan: SchoolPlan):
    """The school's published money for the plan's year (None while nothing is published)."""
    run = funding.published_run(plan.school.district_id, plan.school_year_id)
    return funding.school_funding(run, plan.school_id)


def freeze(plan: SchoolPlan, motion, at: datetime | None = None, actor=None) -> PlanVersion:
    """Store what `motion` (closed, passed, on the plan or the budget) approved: the next
    version of `plan`, dated the meeting's day on the district's clock, on the audit log as
    `actor`'s (None: the system). Nothing changes it afterwards (the model refuses updates and
    deletes)."""
    district = plan.school.district
    approved_on = meeting_day(motion.meeting, district)
    latest = db.session.scalar(
        select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan.id)
    )
    version = PlanVersion(
        plan_id=plan.id,
        number=(latest or 0) + 1,
        motion_id=motion.id,
        approved_on=approved_on,
        tally=motion.tally or "",
        frozen_at=at or utcnow(),
        snapshot=snapshot_of(plan, school_money(plan), motion, approved_on),
    )
    db.session.add(version)
    db.session.flush()
    record_audit(
        actor,
        "plan.version_frozen",
        "school_plan",
        plan.id,
        {"version": version.number, "motion": motion.id, "tally": version.tally},
    )
    return version


def freeze_passed(motion, district, at: datetime | None = None, actor=None) -> PlanVersion | None:
    """Called when a motion closes: if it passed on the plan or the budget and the school has
    a plan for the meeting's year that the council has approved, freeze what it approved. A
    second motion (approving a change) makes the next version."""
    if not (motion.passed and motion.approves_plan):
        return None
    school_id = getattr(motion.meeting.committee, "school_id", None)
    year = year_of(district, meeting_day(motion.meeting, district))
    if school_id is None or year is None:
        return None
    plan = db.session.scalars(
        select(SchoolPlan).where(
            SchoolPlan.school_id == school_id, SchoolPlan.school_year_id == year.id
        )
    ).first()
    if plan is None or plan.approved_on is None:
        return None
    return freeze(plan, motion, at, actor)


# -- Reading ----------------------------------------------------------------------------------


def versions(plan_id: int) -> list[PlanVersion]:
    """The plan's approved versions, newest first."""
    return list(
        db.session.scalars(
            select(PlanVersion)
            .where(PlanVersion.plan_id == plan_id)
            .order_by(PlanVersion.number.desc())
        )
    )


def version(plan_id: int, number: int) -> PlanVersion | None:
    """One approved version by its number, or None."""
    return db.session.scalars(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.number == number)
    ).first()


# -- What the public pages show -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicRecord:
    """What the public plan and budget pages say about approval. `latest`: the newest approved
    version (None before any); `changes`: how the working plan differs from it; `shown`: the
    version a version page displays (None on the working plan's pages); `standing`: the
    council's approval still stands (the district's return of a plan undoes it until a new
    motion passes)."""

    versions: list[PlanVersion]
    changes: list[Change]
    shown: PlanVersion | None = None
    standing: bool = True

    @property
    def latest(self) -> PlanVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def changed(self) -> bool:
        """The working plan is no longer what the council approved."""
        return self.shown is None and bool(self.changes)

    @property
    def approval(self) -> PlanVersion | None:
        """The version whose approval line the page may print: the one shown, or the latest
        when the working plan is still exactly what was approved and the approval stands."""
        if self.shown is not None:
            return self.shown
        return None if self.changes or not self.standing else self.latest


def public_record(plan: SchoolPlan, money=None) -> PublicRecord:
    """The approval record beside the working plan: its versions and what changed since the
    latest (against the school's money now)."""
    found = versions(plan.id)
    changes = changes_since(found[0], plan, money) if found else []
    return PublicRecord(found, changes, standing=plan.is_approved)


def version_record(plan: SchoolPlan, shown: PlanVersion, found=None) -> PublicRecord:
    """The approval record on a version's own page (`changes`: the working plan against the
    latest version, so the page can say the plan changed since). `found`: the plan's versions,
    when the caller has them already (no second query)."""
    found = versions(plan.id) if found is None else found
    return PublicRecord(found, changes_since(found[0], plan), shown)


def version_page(plan: SchoolPlan, number: int) -> dict | None:
    """Template values for a version's public page (the plan page's own template, read-only):
    the rebuilt plan, its budget against the money it rested on, and its approval record.
    None when the plan has no such version. One query for the versions, however many."""
    found = versions(plan.id)
    shown = next((v for v in found if v.number == number), None)
    if shown is None:
        return None
    frozen, money = rebuild(shown)
    return {
        "plan": frozen,
        "money": money,
        "sources": money.sources if money else [],
        "budget": plans.budget_totals(frozen, money),
        "progress": plans.progress_charts(frozen),
        "needs_questions": plans.NEEDS_QUESTIONS,
        "record": version_record(plan, shown, found),
    }
