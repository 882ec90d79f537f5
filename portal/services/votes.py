"""Motions and votes: opening a motion, a member's vote (cast on their own phone or recorded by
the secretary for members present who have not voted: one path, `Motion.record_vote`), closing
the vote, which approves the school's plan for the meeting's year when a motion on the plan or
budget passes, and a past meeting's decision taken on paper, recorded afterwards."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Motion, MotionVote, SchoolPlan
from portal.models.base import IllegalMove, utcnow
from portal.models.committees import MotionSubject, VoteChoice
from portal.models.planning import PlanStatus
from portal.services import committees as rules
from portal.services import plan_versions
from portal.services.audit import record_audit
from portal.services.committee_record import year_of
from portal.services.errors import Rejected
from portal.services.meetings import (
    MAX_DOCUMENT_BYTES,
    attach_document,
    meeting_day,
    seated_members,
    sniff_document,
)
from portal.services.notices import announce

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
    db.session.flush()
    announce("vote_open", motion)  # the members hear of it, with a link to the vote
    return motion


def _record(motion: Motion, member, choice: str, actor, action: str, at) -> MotionVote:
    """One vote through the model's rule. Two requests storing the same member's first vote at
    once (a double tap, a retried request) meet at the unique key (motion, member): the loser
    reads the row the winner stored and applies its move to it, so it answers like any other
    (the same choice again, a change by the member, or a refusal), never with an error."""
    at = at or utcnow()
    # Read what the rule needs before the savepoint: on SQLite a read inside it would start a
    # snapshot that cannot take the write lock once another vote was stored ("database is
    # locked"); the insert alone then waits for the lock like any other write.
    motion.vote_of(member), motion.meeting.present_ids, motion.meeting.committee_id
    try:
        with db.session.begin_nested():
            vote = motion.record_vote(member, choice, actor, at)
    except IntegrityError:
        db.session.expire(motion, ["votes"])
        vote = motion.record_vote(member, choice, actor, at)
        db.session.flush()
    record_audit(actor, action, "motion", motion.id, {"member": member.id, "choice": vote.choice})
    return vote


def cast_vote(motion: Motion, member, choice: str, actor, at: datetime | None = None):
    """A member's own vote, on their phone (`actor` is the member's account); they may change it
    while the vote is open. Raises IllegalMove when the vote is closed or the member is not
    marked present, or when the motion is a paper decision recorded afterwards (its officer
    enters the votes from the signed page)."""
    if motion.is_recorded_afterwards:
        raise IllegalMove(_l("This decision was taken on paper: an officer records its vote."))
    return _record(motion, member, choice, actor, "vote.cast", at)


def members_to_record(motion: Motion) -> tuple[list, list]:
    """(members present whose vote the secretary may record, members present who voted
    themselves): a member's own vote is theirs and never shown as editable."""
    present = motion.meeting.present_ids
    members = [m for m in motion.meeting.committee.members if m.id in present]
    own = [m for m in members if motion.own_vote_of(m) is not None]
    return [m for m in members if m not in own], own


def record_votes(motion: Motion, choices: dict, actor, at: datetime | None = None) -> list:
    """The secretary records the votes of members present who have not voted themselves:
    `choices` maps a member's id to yes, no or abstain; members not present, members who cast
    their own vote (even a moment ago, after the form was drawn) and choices left empty are
    passed over. Raises IllegalMove when the vote is closed."""
    if not motion.is_open:
        raise IllegalMove(_l("This vote is closed; the record cannot change."))
    recordable, _own = members_to_record(motion)
    return [
        _record(motion, member, choices[member.id], actor, "vote.recorded", at)
        for member in recordable
        if choices.get(member.id) in CHOICES
    ]


def close_motion(
    motion: Motion, district, actor, at: datetime | None = None, counts: dict | None = None
) -> None:
    """Compute the outcome from the votes of members present, close the motion for good, and
    approve this year's plan if it passed on the plan or the budget. `counts` ({"yes", "no",
    "abstain"}) are the totals of a paper record, for a motion recorded afterwards only."""
    meeting = motion.meeting
    seated = seated_members(meeting, district)
    present = {m.id for m in seated if m.id in meeting.present_ids}
    counted = [v.choice for v in motion.votes if v.member_id in present]
    attending = len(present)
    if counts is not None:
        if not motion.is_recorded_afterwards or motion.votes:
            raise IllegalMove(_l("Totals are entered only for a decision recorded afterwards."))
        counted = [choice.value for choice in VoteChoice for _n in range(counts[choice.value])]
        # Everyone who voted or abstained was there, whether or not attendance was taken.
        attending = max(attending, len(counted))
    outcome = rules.decide(counted, attending, len(seated), meeting.committee.quorum_percent)
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
        announce("approval_recorded", motion)  # followers of the school hear of it
        plan_versions.freeze_passed(motion, district, at, actor)  # what was approved, frozen


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


SIGNED_PAGE_TITLE = _l("Signed signature page")
SIGNED_PAGE_NEEDED = _l("Attach the signed signature page as a PDF.")
PAST_MEETING_NEEDED = _l("Only a past meeting's decision is recorded afterwards.")
COUNT_NEEDED = _l("Enter the yes, no and abstain totals, or leave all three empty.")


def record_afterwards(
    meeting,
    district,
    actor,
    *,
    text: dict,
    subject: str,
    mover_id,
    seconder_id,
    counts: dict | None,
    signed_page: bytes,
    title: str,
    at: datetime | None = None,
) -> Motion:
    """A decision a past meeting took on paper, entered by an officer from the signed record
    (`signed_page`, a PDF kept among the meeting's documents). With `counts` (yes, no and
    abstain totals) the motion is closed at once; without, it stays open for the officer to
    record each member's vote and close it. Either way the close goes through `close_motion`,
    the only way a plan is approved, and the public record says who recorded it and when."""
    at = at or utcnow()
    problems = {}
    if meeting.starts_at > at:
        problems["motion"] = PAST_MEETING_NEEDED
    if signed_page and len(signed_page) > MAX_DOCUMENT_BYTES:
        problems["signed_page"] = _l("The file is larger than 2 MB.")
    elif not signed_page or (sniff_document(signed_page) or ("",))[0] != "application/pdf":
        problems["signed_page"] = SIGNED_PAGE_NEEDED
    if counts is not None and any(
        not isinstance(counts.get(c.value), int) or counts[c.value] < 0 for c in VoteChoice
    ):
        problems["yes"] = COUNT_NEEDED
    if problems:
        raise Rejected(problems)
    motion = open_motion(
        meeting,
        district,
        actor,
        text=text,
        subject=subject,
        mover_id=mover_id,
        seconder_id=seconder_id,
    )
    document = attach_document(meeting, actor, title or str(SIGNED_PAGE_TITLE), signed_page)
    motion.mark_recorded_afterwards(actor, at, document)
    db.session.flush()
    record_audit(
        actor,
        "motion.recorded_afterwards",
        "motion",
        motion.id,
        {"meeting": meeting.id, "document": document.id, "counts": counts},
    )
    if counts is not None:
        close_motion(motion, district, actor, at, counts=counts)
    return motion
