"""Writing the committee record: the audit log, the agenda posting rule, and closing a motion
(which may approve the school plan or budget)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Motion, SchoolPlan
from portal.models.base import utcnow
from portal.models.planning import PlanStatus
from portal.services import committees as rules
from portal.services import funding


def audit(action: str, object_type: str, object_id: int, detail: dict | None = None) -> None:
    """Record who did what to the public record (in the same transaction as the change)."""
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    db.session.add(
        AuditEntry(
            at=utcnow(),
            user_id=user_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail or {},
        )
    )


def roster_now(committee, district) -> tuple[list, list[str]]:
    """The members seated today (in the district's time zone) and what their roster lacks
    under the composition rules."""
    today = datetime.now(ZoneInfo(district.timezone)).date()
    current = [m for m in committee.members if m.seated_on(today)]
    problems = rules.composition_problems(
        committee.kind,
        [(m.seat, m.parent_of_english_learner) for m in current],
        english_learner_share(district.id, committee.school_id),
    )
    return current, problems


def posting_deadline(meeting):
    """The latest time the agenda may be posted (the district's notice before the meeting)."""
    hours = meeting.committee.school.district.agenda_notice_hours or 72
    return meeting.starts_at - timedelta(hours=hours)


def close_motion(motion: Motion, district) -> None:
    """Compute the outcome from the votes of members present, close the motion for good, and
    approve the plan or budget it names if it passed."""
    meeting = motion.meeting
    committee = meeting.committee
    day = meeting.starts_at.astimezone(ZoneInfo(district.timezone)).date()
    seated = [m for m in committee.members if m.seated_on(day)]
    present = [m for m in seated if m.id in meeting.present_ids]
    counted = [v.choice for v in motion.votes if v.member_id in {m.id for m in present}]
    outcome = rules.decide(counted, len(present), len(seated), committee.quorum_percent)
    motion.status, motion.passed = "closed", outcome.passed
    motion.outcome_reason, motion.tally, motion.closed_at = outcome.reason, outcome.tally, utcnow()
    audit("motion.closed", "motion", motion.id, {"tally": outcome.tally, "reason": outcome.reason})
    if outcome.passed and motion.subject in ("plan", "budget"):
        year = funding.current_year(district.id)
        plan = (
            db.session.scalars(
                select(SchoolPlan).where(
                    SchoolPlan.school_id == committee.school_id,
                    SchoolPlan.school_year_id == year.id,
                )
            ).first()
            if year
            else None
        )
        if plan is not None:
            plan.status = PlanStatus.APPROVED.value
            plan.approved_on = day
            plan.approval_note = outcome.tally
            audit(
                "plan.approved",
                "school_plan",
                plan.id,
                {"motion": motion.id, "tally": outcome.tally},
            )


def english_learner_share(district_id: int, school_id: int) -> float:
    """The share of the school's students who are English learners this year (for the ELAC
    composition rule); 0 when enrollment is not known."""
    from portal.models import Enrollment

    year = funding.current_year(district_id)
    if year is None:
        return 0.0
    counts = dict(
        db.session.execute(
            select(Enrollment.group_key, Enrollment.pupils).where(
                Enrollment.school_id == school_id, Enrollment.school_year_id == year.id
            )
        ).all()
    )
    return counts.get("el", 0) / counts["all"] if counts.get("all") else 0.0
