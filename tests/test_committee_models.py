"""The committee record's moves, one by one: a motion takes votes while open and closes once; an
agenda is posted once; minutes are written as a draft, amended, approved at a later meeting and
corrected by a new version; an amendment is decided once. Then the services that use them: one
path for a vote, whether cast on a phone or recorded by the secretary."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.models import (
    Committee,
    CommitteeMember,
    Meeting,
    MeetingDocument,
    MinutesAmendment,
    MinutesVersion,
    Motion,
    Role,
    SchoolPlan,
    User,
)
from portal.models.base import IllegalMove
from portal.models.committees import (
    AmendmentStatus,
    MinutesStatus,
    MotionStatus,
    MotionSubject,
    VoteChoice,
)
from portal.services import votes
from portal.services.committees import Outcome
from tests.committee_helpers import saving

AT = datetime(2027, 4, 22, 2, tzinfo=UTC)
PASSED = Outcome(True, "passed", 7, 1, 1)


def _meeting(present=(1, 2), starts_at=AT) -> Meeting:
    """A meeting of committee 10, whose members 1, 2 and 3 are not stored (ids given)."""
    committee = Committee(id=10, kind="ssc")
    committee.members = [
        CommitteeMember(id=n, committee_id=10, name=f"Member {n}", seat="parent") for n in (1, 2, 3)
    ]
    return Meeting(
        committee_id=10, committee=committee, starts_at=starts_at, present_member_ids=list(present)
    )


def _motion(**kwargs) -> Motion:
    return Motion(meeting=_meeting(), text={"en": "Approve the budget"}, **kwargs)


def _member(meeting: Meeting, member_id: int) -> CommitteeMember:
    return next(m for m in meeting.committee.members if m.id == member_id)


SECRETARY = User(id=99, email="secretary@example.test", name="Secretary")


# -- Motion ------------------------------------------------------------------------------------


def test_a_new_motion_is_open_and_approves_nothing():
    motion = Motion()
    assert motion.status == MotionStatus.OPEN and motion.is_open
    assert motion.subject == MotionSubject.OTHER and not motion.approves_plan
    assert Motion(subject="budget").approves_plan and Motion(subject="plan").approves_plan


MEMBER_ONE = User(id=1001, email="one@example.test", name="Member 1")  # member 1's account
OFFICER = User(id=98, email="chair@example.test", name="Chair")


def _voting_motion() -> Motion:
    motion = _motion()
    _member(motion.meeting, 1).user_id = MEMBER_ONE.id
    return motion


def test_a_member_present_votes_and_changes_their_own_vote_while_open():
    motion = _voting_motion()
    member = _member(motion.meeting, 1)
    first = motion.record_vote(member, "no", MEMBER_ONE, AT)
    assert (first.member_id, first.choice, first.recorded_by_id, first.recorded_at) == (
        1,
        "no",
        MEMBER_ONE.id,
        AT,
    )
    assert first.cast_by_member(member) and motion.own_vote_of(member) is first
    later = AT + timedelta(minutes=2)
    again = motion.record_vote(member, VoteChoice.YES, MEMBER_ONE, later)
    assert again is first and len(motion.votes) == 1  # one row per member
    assert (again.choice, again.recorded_at, again.recorded_by_id) == ("yes", later, MEMBER_ONE.id)
    assert motion.vote_of(member) is first and motion.vote_of(_member(motion.meeting, 2)) is None


# Who may change a member's vote while the motion is open. Each row: who stored the vote first
# (None: nobody yet), who records now, and the outcome ("stored" with who the row then names,
# or IllegalMove). A member's own vote is theirs; the secretary's record may be corrected by an
# officer or replaced by the member's own vote.
VOTE_MOVES = [
    (None, MEMBER_ONE, "stored", MEMBER_ONE.id),  # the member votes on their phone
    (None, SECRETARY, "stored", SECRETARY.id),  # the secretary records a member who has not
    (None, None, "stored", None),  # the system (the CLI, the demo)
    (MEMBER_ONE, MEMBER_ONE, "stored", MEMBER_ONE.id),  # the member changes their own vote
    (MEMBER_ONE, SECRETARY, IllegalMove, MEMBER_ONE.id),  # the secretary never overwrites it
    (MEMBER_ONE, OFFICER, IllegalMove, MEMBER_ONE.id),  # nor does any other officer
    (MEMBER_ONE, None, IllegalMove, MEMBER_ONE.id),  # nor the system
    (SECRETARY, SECRETARY, "stored", SECRETARY.id),  # the secretary corrects their entry
    (SECRETARY, OFFICER, "stored", OFFICER.id),  # another officer corrects it, named as such
    (SECRETARY, MEMBER_ONE, "stored", MEMBER_ONE.id),  # the member's own vote replaces it
]


@pytest.mark.parametrize("first, then, outcome, named", VOTE_MOVES)
def test_who_may_change_a_members_vote(first, then, outcome, named):
    motion = _voting_motion()
    member = _member(motion.meeting, 1)
    if first is not None:
        motion.record_vote(member, "no", first, AT)
    later = AT + timedelta(minutes=1)
    if outcome is IllegalMove:
        with pytest.raises(IllegalMove):
            motion.record_vote(member, "yes", then, later)
        vote = motion.vote_of(member)
        assert (vote.choice, vote.recorded_at) == ("no", AT)  # unchanged
    else:
        vote = motion.record_vote(member, "yes", then, later)
        assert (vote.choice, vote.recorded_at) == ("yes", later)
    assert len(motion.votes) == 1 and motion.vote_of(member).recorded_by_id == named


def test_the_same_vote_again_by_someone_else_is_still_refused():
    # Even the same choice: the secretary's form never writes over a member's own vote.
    motion = _voting_motion()
    member = _member(motion.meeting, 1)
    motion.record_vote(member, "yes", MEMBER_ONE, AT)
    with pytest.raises(IllegalMove):
        motion.record_vote(member, "yes", SECRETARY, AT)
    assert motion.vote_of(member).recorded_by_id == MEMBER_ONE.id


def test_a_motion_recorded_afterwards_is_marked_once_and_only_for_a_past_meeting():
    motion = _motion()
    document = MeetingDocument(title="Signed signature page", mimetype="application/pdf")
    with pytest.raises(IllegalMove):  # the meeting starts at AT: not yet past
        motion.mark_recorded_afterwards(OFFICER, AT - timedelta(hours=1), document)
    later = AT + timedelta(days=30)
    motion.mark_recorded_afterwards(OFFICER, later, document)
    assert motion.is_recorded_afterwards and motion.recorded_afterwards_by_id == OFFICER.id
    assert motion.recorded_afterwards_at == later and motion.signed_record is document
    with pytest.raises(IllegalMove):
        motion.mark_recorded_afterwards(OFFICER, later, document)
    voted = _motion()
    voted.record_vote(_member(voted.meeting, 1), "yes", SECRETARY, AT)
    with pytest.raises(IllegalMove):  # a motion already voted in the portal is not paper
        voted.mark_recorded_afterwards(OFFICER, later, document)


def test_closing_records_the_outcome_once():
    motion = _motion(subject="budget")
    motion.close(PASSED, AT)
    assert motion.status == MotionStatus.CLOSED and not motion.is_open
    assert (motion.passed, motion.outcome_reason, motion.tally, motion.closed_at) == (
        True,
        "passed",
        "7–1–1",
        AT,
    )


@pytest.mark.parametrize(
    "member_id, why",
    [(3, "absent"), (4, "another committee's")],
)
def test_only_members_present_vote(member_id, why):
    motion = _motion()
    stranger = CommitteeMember(id=4, committee_id=11, name="Stranger", seat="parent")
    member = stranger if member_id == 4 else _member(motion.meeting, member_id)
    with pytest.raises(IllegalMove):
        motion.record_vote(member, "yes", SECRETARY, AT)
    assert motion.votes == [], why


def test_a_closed_motion_takes_no_vote_and_does_not_close_again():
    motion = _motion()
    motion.record_vote(_member(motion.meeting, 1), "yes", SECRETARY, AT)
    motion.close(PASSED, AT)
    with pytest.raises(IllegalMove):
        motion.record_vote(_member(motion.meeting, 1), "no", SECRETARY, AT)
    with pytest.raises(IllegalMove):
        motion.record_vote(_member(motion.meeting, 2), "no", SECRETARY, AT)
    with pytest.raises(IllegalMove):
        motion.close(Outcome(False, "no_quorum", 0, 0, 0), AT)
    assert [v.choice for v in motion.votes] == ["yes"] and motion.tally == "7–1–1"


def test_a_vote_is_yes_no_or_abstain():
    motion = _motion()
    with pytest.raises(ValueError):
        motion.record_vote(_member(motion.meeting, 1), "maybe", SECRETARY, AT)
    assert motion.votes == []


# -- Meeting -----------------------------------------------------------------------------------


def test_an_agenda_is_posted_once():
    meeting = _meeting()
    meeting.post_agenda(AT)
    assert meeting.agenda_posted_at == AT
    with pytest.raises(IllegalMove):
        meeting.post_agenda(AT + timedelta(days=1))
    assert meeting.agenda_posted_at == AT


def test_attendance_keeps_the_committees_members_only():
    meeting = _meeting(present=())
    meeting.take_attendance([3, 1, 1, 42])
    assert meeting.present_member_ids == [1, 3] and meeting.present_ids == {1, 3}
    meeting.take_attendance([])
    assert meeting.present_ids == set()


# -- Minutes -----------------------------------------------------------------------------------


def _draft(**kwargs) -> MinutesVersion:
    return MinutesVersion(meeting=_meeting(), meeting_id=1, **kwargs)


def _later(days: int = 30) -> Meeting:
    return Meeting(id=2, committee_id=10, starts_at=AT + timedelta(days=days))


def test_a_draft_is_written_and_indexed_for_search():
    draft = _draft()
    assert draft.status == MinutesStatus.DRAFT and draft.version == 1 and draft.is_draft
    draft.write({"7": {"discussion": "Después de HABLAR", "input": "More tutors"}})
    assert draft.sections["7"]["input"] == "More tutors"
    assert draft.search_text == "después de hablar more tutors"


def test_a_draft_is_approved_at_a_later_meeting_and_then_never_changes():
    draft = _draft()
    attendance = [{"name": "Member 1", "seat": "parent"}]
    draft.approve(_later(), AT + timedelta(days=30), attendance)
    assert draft.status == MinutesStatus.APPROVED and not draft.is_draft
    assert draft.approved_at_meeting_id == 2 and draft.attendance == attendance
    with pytest.raises(IllegalMove):
        draft.write({"7": {"discussion": "Changed quietly", "input": ""}})
    with pytest.raises(IllegalMove):
        draft.approve(_later(), AT, [])
    with pytest.raises(IllegalMove):
        draft.propose_amendment(_member(draft.meeting, 1), "7", "New wording")


@pytest.mark.parametrize("days", [0, -7])
def test_minutes_are_not_approved_at_the_same_or_an_earlier_meeting(days):
    draft = _draft()
    with pytest.raises(IllegalMove):
        draft.approve(_later(days), AT, [])
    assert draft.is_draft and draft.approved_at is None


def test_minutes_with_an_open_amendment_are_not_approved():
    draft = _draft()
    draft.propose_amendment(_member(draft.meeting, 1), "7", "New wording")
    assert [a.status for a in draft.open_amendments] == [AmendmentStatus.PROPOSED]
    with pytest.raises(IllegalMove):
        draft.approve(_later(), AT, [])
    assert draft.is_draft


def test_a_correction_is_a_new_draft_and_supersedes_the_approved_version_once_approved():
    approved = _draft(version=1, sections={"7": {"discussion": "7–1–1", "input": ""}})
    approved.write(approved.sections)
    approved.approve(_later(), AT, [])
    correction = approved.correction("The count was wrong", "es", written_by_id=99)
    assert (correction.version, correction.status, correction.correction_note) == (
        2,
        MinutesStatus.DRAFT,
        "The count was wrong",
    )
    assert correction.sections == approved.sections and correction.sections is not approved.sections
    assert (correction.locale, correction.written_by_id) == ("es", 99)
    approved.supersede()
    assert approved.status == MinutesStatus.SUPERSEDED
    with pytest.raises(IllegalMove):
        approved.supersede()
    with pytest.raises(IllegalMove):
        approved.correction("Again", "en", None)


def test_a_draft_is_edited_not_corrected_nor_superseded():
    draft = _draft()
    with pytest.raises(IllegalMove):
        draft.correction("A note", "en", None)
    with pytest.raises(IllegalMove):
        draft.supersede()
    assert draft.is_draft


def test_an_approved_version_is_corrected_only_with_a_note():
    approved = _draft()
    approved.approve(_later(), AT, [])
    with pytest.raises(IllegalMove):
        approved.correction("  ", "en", None)


# -- Amendments --------------------------------------------------------------------------------


def _amendment() -> MinutesAmendment:
    draft = _draft()
    draft.write({"7": {"discussion": "The council agreed.", "input": "Tutors"}})
    return draft.propose_amendment(_member(draft.meeting, 1), "7", "The council agreed 7–1–1.")


def test_an_accepted_amendment_becomes_the_items_text():
    amendment = _amendment()
    assert amendment.status == AmendmentStatus.PROPOSED and amendment.member_id == 1
    amendment.accept("Clearer")
    assert (amendment.status, amendment.note) == (AmendmentStatus.ACCEPTED, "Clearer")
    section = amendment.minutes.sections["7"]
    assert section == {"discussion": "The council agreed 7–1–1.", "input": "Tutors"}
    assert "7–1–1" in amendment.minutes.search_text and not amendment.minutes.open_amendments


def test_a_declined_amendment_changes_nothing_but_its_status():
    amendment = _amendment()
    amendment.decline("The vote was not counted then")
    assert amendment.status == AmendmentStatus.DECLINED
    assert amendment.minutes.sections["7"]["discussion"] == "The council agreed."


@pytest.mark.parametrize("first, then", [("accept", "decline"), ("decline", "accept")])
def test_an_amendment_is_decided_once(first, then):
    amendment = _amendment()
    getattr(amendment, first)("")
    with pytest.raises(IllegalMove):
        getattr(amendment, then)("")
    with pytest.raises(IllegalMove):
        getattr(amendment, first)("")


def test_an_amendment_to_approved_minutes_is_not_decided():
    minutes = _draft()
    minutes.approve(_later(), AT, [])
    amendment = MinutesAmendment(item_key="7", text="New")  # as a stored row could be
    minutes.amendments.append(amendment)
    with pytest.raises(IllegalMove):
        amendment.accept("")
    assert amendment.status == AmendmentStatus.PROPOSED


# -- One path for a vote: the phone and the secretary --------------------------------------------


def test_a_phone_vote_and_the_secretarys_record_are_one_path(council, ctx, make_user):
    phone = make_user(Role.COUNCIL, schools=("maple-elementary",))
    secretary = make_user(Role.COUNCIL, schools=("maple-elementary",))
    with saving(ctx) as session:
        voter = session.query(User).filter_by(email=phone).one()
        actor = session.query(User).filter_by(email=secretary).one()
        motion = session.get(Motion, council["motion"])
        members = {m.id: m for m in motion.meeting.committee.members}
        first, second, absent = council["members"][0], council["members"][1], council["members"][9]
        members[first].user_id = voter.id
        votes.cast_vote(motion, members[first], "no", voter)
        assert votes.members_to_record(motion)[1] == [members[first]]
        recorded = votes.record_votes(
            motion, {first: "yes", second: "abstain", absent: "yes", 12345: "no"}, actor
        )
        # The member's own vote stands; the absent one and the stranger are passed over.
        assert [v.member_id for v in recorded] == [second]
        assert {v.member_id: v.choice for v in motion.votes} == {first: "no", second: "abstain"}
        assert {v.member_id: v.recorded_by_id for v in motion.votes} == {
            first: voter.id,
            second: actor.id,
        }
        votes.close_motion(motion, _district(session), actor)
        with pytest.raises(IllegalMove):
            votes.record_votes(motion, {}, actor)
        with pytest.raises(IllegalMove):
            votes.cast_vote(motion, members[first], "no", voter)


def _district(session):
    from portal.models import District

    return session.query(District).one()


def test_closing_a_passing_budget_motion_approves_the_plan_once(council, ctx, make_user):
    email = make_user(Role.PRINCIPAL, schools=("maple-elementary",))
    with saving(ctx) as session:
        actor = session.query(User).filter_by(email=email).one()
        district = _district(session)
        motion = session.get(Motion, council["motion"])
        members = motion.meeting.committee.members
        votes.record_votes(motion, {m.id: "yes" for m in members[:7]}, actor)
        votes.close_motion(motion, district, actor)
        plan = session.query(SchoolPlan).one()
        assert plan.status == "approved" and plan.approval_note == "7–0–0"
        # A second motion on the budget leaves the approval as the council first gave it.
        second = votes.open_motion(
            motion.meeting,
            district,
            actor,
            text={"en": "Approve the budget again"},
            subject="budget",
            mover_id=members[0].id,
            seconder_id=members[1].id,
        )
        session.flush()
        votes.record_votes(second, {m.id: "yes" for m in members[:6]}, actor)
        votes.close_motion(second, district, actor)
        assert second.passed and plan.approval_note == "7–0–0"
