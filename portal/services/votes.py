"""Motions and votes: opening a motion, a member's vote (cast on their own phone or recorded by
the secretary for members present: one path, `Motion.record_vote`), and closing the vote, which
approves the school's plan for the meeting's year when a motion on the plan or budget passes."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import Motion, MotionVote, SchoolPlan
from portal.models.base import IllegalMove, utcnow
from portal.models.committees import MotionSubject, VoteChoice
from portal.models.planning import PlanStatus
from portal.services import committees as rules
from portal.services.audit import record_audit
from portal.services.committee_record import year_of
from portal.services.errors import Rejected
from portal.services.meetings import meeting_day, seated_members

MOTION_LENGTH = 500
MOTION_NEEDED = _l("Write the motion.")
SUBJECT_NEEDED = _l("Choose what the motion approves.")
MOVER_NEEDED = _l("Choose who moved the motion.")
SECONDER_NEEDED = _l("Choose a seconder other than the mover.")
CHOICES = frozenset(choice.value for choice in VoteChoice)


def open_motion(
    meeting, district, actor, *, text: dict, subject: str, mover_id, seconder_id
) -> Motion:
    """A motion moved and seconded by two different members of the committee; voting opens."""
    members = {m.id for m in meeting.committee.members}
    problems = {}
    if not text.get(district.default_locale):
        problems["motion"] = MOTION_NEEDED
    if subject not in {s.value for s in MotionSubject}:
        problems["subject"] = SUBJECT_NEEDED
    if mover_id not in members:
        problems["mover_id"] = MOVER_NEEDED
    if seconder_id not in members or seconder_id == mover_id:
        problems["seconder_id"] = SECONDER_NEEDED
    if problems:
        raise Rejected(problems)
    motion = Motion(
        text=dict(text),
        subject=subject,
        mover_id=mover_id,
        seconder_id=seconder_id,
        source_locale=district.default_locale,
    )
    meeting.motions.append(motion)
    record_audit(
        actor, "motion.opened", "meeting", meeting.id, {"text": dict(text), "subject": subject}
    )
    return motion


def _record(motion: Motion, member, choice: str, actor, action: str, at) -> MotionVote:
    vote = motion.record_vote(member, choice, actor, at or utcnow())
    record_audit(actor, action, "motion", motion.id, {"member": member.id, "choice": vote.choice})
    return vote


def cast_vote(motion: Motion, member, choice: str, actor, at: datetime | None = None):
    """A member's own vote, on their phone; they may change it while the vote is open. Raises
    IllegalMove when the vote is closed or the member is not marked present."""
    return _record(motion, member, choice, actor, "vote.cast", at)


def record_votes(motion: Motion, choices: dict, actor, at: datetime | None = None) -> list:
    """The secretary records the votes of members present (those not voting on a phone):
    `choices` maps a member's id to yes, no or abstain; members not present and choices left
    empty are passed over. Raises IllegalMove when the vote is closed."""
    if not motion.is_open:
        raise IllegalMove(_l("This vote is closed; the record cannot change."))
    present = motion.meeting.present_ids
    return [
        _record(motion, member, choices[member.id], actor, "vote.recorded", at)
        for member in motion.meeting.committee.members
        if member.id in present and choices.get(member.id) in CHOICES
    ]


def close_motion(motion: Motion, district, actor, at: datetime | None = None) -> None:
    """Compute the outcome from the votes of members present, close the motion for good, and
    approve this year's plan if it passed on the plan or the budget."""
    meeting = motion.meeting
    seated = seated_members(meeting, district)
    present = {m.id for m in seated if m.id in meeting.present_ids}
    counted = [v.choice for v in motion.votes if v.member_id in present]
    outcome = rules.decide(counted, len(present), len(seated), meeting.committee.quorum_percent)
    motion.close(outcome, at or utcnow())
    record_audit(
        actor,
        "motion.closed",
        "motion",
        motion.id,
        {"tally": outcome.tally, "reason": outcome.reason},
    )
    if outcome.passed and motion.approves_plan:
        _approve_plan(motion, district, actor)


def _approve_plan(motion: Motion, district, actor) -> None:
    """The plan of the committee's school for the school year of the meeting, approved by the
    motion. A plan the council already approved keeps that approval (a second motion on the
    budget changes nothing)."""
    day = meeting_day(motion.meeting, district)
    year = year_of(district, day)
    if year is None:
        return
    plan = db.session.scalars(
        select(SchoolPlan).where(
            SchoolPlan.school_id == motion.meeting.committee.school_id,
            SchoolPlan.school_year_id == year.id,
        )
    ).first()
    if plan is None or plan.status == PlanStatus.APPROVED:
        return
    plan.approve(motion, on=day)
    record_audit(
        actor,
        "plan.approved",
        "school_plan",
        plan.id,
        {"motion": motion.id, "tally": motion.tally},
    )
