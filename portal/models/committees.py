"""Committees: rosters with seats and terms, meetings with agendas, motions and votes, and
minutes. The record's state changes are the models' transitions (`Motion.record_vote`,
`Motion.close`, `Meeting.post_agenda`, `MinutesVersion.approve`, `MinutesAmendment.accept`...);
a move the state does not allow raises `IllegalMove`."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import (
    IllegalMove,
    TimestampMixin,
    TranslatableMixin,
    TranslatedText,
    UTCDateTime,
)


class Seat(StrEnum):
    PARENT = "parent"
    TEACHER = "teacher"
    STAFF = "staff"
    STUDENT = "student"
    COMMUNITY = "community"
    PRINCIPAL = "principal"

    @property
    def label(self):
        return SEAT_LABELS[self]


SEAT_LABELS = {
    Seat.PARENT: _l("Parent"),
    Seat.TEACHER: _l("Teacher"),
    Seat.STAFF: _l("Other school staff"),
    Seat.STUDENT: _l("Student"),
    Seat.COMMUNITY: _l("Community member"),
    Seat.PRINCIPAL: _l("Principal"),
}


class Officer(StrEnum):
    """A member's office on the committee, if any (officers run its meetings)."""

    NONE = ""
    CHAIR = "chair"
    SECRETARY = "secretary"

    @property
    def label(self):
        return OFFICER_LABELS[self]


OFFICER_LABELS = {
    Officer.NONE: _l("None"),
    Officer.CHAIR: _l("Chair"),
    Officer.SECRETARY: _l("Secretary"),
}


class MotionStatus(StrEnum):
    OPEN = "open"  # members vote, and may change their vote
    CLOSED = "closed"  # the outcome is computed and the record never changes


class MotionSubject(StrEnum):
    """What passing a motion approves."""

    OTHER = "other"
    PLAN = "plan"
    BUDGET = "budget"

    @property
    def label(self):
        return MOTION_SUBJECT_LABELS[self]


MOTION_SUBJECT_LABELS = {
    MotionSubject.OTHER: _l("Nothing automatically"),
    MotionSubject.PLAN: _l("This year's school plan"),
    MotionSubject.BUDGET: _l("This year's budget"),
}


class VoteChoice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"

    @property
    def label(self):
        return VOTE_CHOICE_LABELS[self]


VOTE_CHOICE_LABELS = {
    VoteChoice.YES: _l("Yes"),
    VoteChoice.NO: _l("No"),
    VoteChoice.ABSTAIN: _l("Abstain"),
}


class MinutesStatus(StrEnum):
    DRAFT = "draft"  # edited by the secretary, amended by members who attended; never public
    APPROVED = "approved"  # approved at a later meeting: public, and never changes
    SUPERSEDED = "superseded"  # an approved version a correction replaced (still public)


class AmendmentStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    @property
    def label(self):
        return AMENDMENT_STATUS_LABELS[self]


AMENDMENT_STATUS_LABELS = {
    AmendmentStatus.PROPOSED: _l("Proposed"),
    AmendmentStatus.ACCEPTED: _l("Accepted"),
    AmendmentStatus.DECLINED: _l("Declined"),
}


class CommitteeKind(StrEnum):
    """The guidebook's committees (ch. 3) at a school, and the district's own committees
    (the guidebook's budget advisory committee and advisory group, ch. 2, and the District
    English Learner Advisory Committee of California's Education Code § 52176(a))."""

    SSC = "ssc"
    ELAC = "elac"
    SEAC = "seac"
    GATE = "gate"
    COMP_ED = "comp_ed"
    DEPARTMENT = "department"
    LEADERSHIP = "leadership"
    OTHER = "other"
    DELAC = "delac"
    DISTRICT_BUDGET = "district_budget"
    DISTRICT_ADVISORY = "district_advisory"

    @property
    def label(self):
        return COMMITTEE_LABELS[self]

    @property
    def district_level(self) -> bool:
        """Whether a committee of this kind belongs to the district, not to a school."""
        return self in DISTRICT_KINDS


# The kinds of committee the district itself has; every other kind belongs to a school.
DISTRICT_KINDS = (
    CommitteeKind.DELAC,
    CommitteeKind.DISTRICT_BUDGET,
    CommitteeKind.DISTRICT_ADVISORY,
)
SCHOOL_KINDS = tuple(kind for kind in CommitteeKind if kind not in DISTRICT_KINDS)


COMMITTEE_LABELS = {
    CommitteeKind.SSC: _l("School Site Council"),
    CommitteeKind.ELAC: _l("English Learner Advisory Committee"),
    CommitteeKind.SEAC: _l("Special Education Advisory Committee"),
    CommitteeKind.GATE: _l("Gifted and Talented Education Advisory Committee"),
    CommitteeKind.COMP_ED: _l("Compensatory Education Advisory Committee"),
    CommitteeKind.DEPARTMENT: _l("Departmental Advisory Committee"),
    CommitteeKind.LEADERSHIP: _l("School Leadership Team"),
    CommitteeKind.OTHER: _l("Other committee"),
    CommitteeKind.DELAC: _l("District English Learner Advisory Committee"),
    CommitteeKind.DISTRICT_BUDGET: _l("District Budget Advisory Committee"),
    CommitteeKind.DISTRICT_ADVISORY: _l("District Advisory Council"),
}


class Committee(TranslatableMixin, db.Model):
    """A committee of one of the guidebook's kinds (CommitteeKind): a school's (school_id set)
    or the district's own (school_id empty: a DELAC, the budget advisory committee...). Every
    committee names its district, so one query finds a district's committees of both levels."""

    __table_args__ = (
        CheckConstraint("quorum_percent between 1 and 100", name="quorum_percent_valid"),
        CheckConstraint("district_id is not null", name="committee_has_district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    purpose: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    # Quorum: more than this share of the seated members present (50: a majority).
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50)

    school = relationship("School")
    district = relationship("District")
    members: Mapped[list["CommitteeMember"]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="CommitteeMember.name"
    )
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="Meeting.starts_at"
    )

    @property
    def is_district_committee(self) -> bool:
        """The district's own committee (a DELAC...), not a school's."""
        return self.school_id is None


@event.listens_for(Committee, "before_insert")
def _district_of_the_school(mapper, connection, committee: Committee) -> None:
    """A school's committee belongs to the school's district; code that names only the school
    (the demo, older tests) need not repeat it."""
    if committee.district_id is not None:
        return
    if committee.school is not None:
        committee.district_id = committee.school.district_id
    elif committee.school_id is not None:
        committee.district_id = connection.scalar(
            text("select district_id from school where id = :id"), {"id": committee.school_id}
        )


class CommitteeMember(db.Model):
    """A seat on a committee: a portal user (who can vote on a phone) or just a name."""

    __table_args__ = (
        CheckConstraint(
            "seat in ('parent', 'teacher', 'staff', 'student', 'community', 'principal')",
            name="seat_known",
        ),
        CheckConstraint("officer in ('', 'chair', 'secretary')", name="officer_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    seat: Mapped[str] = mapped_column(String(16))
    officer: Mapped[str] = mapped_column(String(16), default="")
    parent_of_english_learner: Mapped[bool] = mapped_column(default=False)
    # A DELAC's majority must be parents of English learners not employed by the district.
    district_employee: Mapped[bool] = mapped_column(default=False)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    # Names are public only when the member agreed; otherwise the page says "parent member".
    name_public: Mapped[bool] = mapped_column(default=False)

    committee: Mapped[Committee] = relationship(back_populates="members")
    user = relationship("User")

    @property
    def seat_label(self):
        return Seat(self.seat).label

    @property
    def is_officer(self) -> bool:
        return self.officer in (Officer.CHAIR, Officer.SECRETARY)

    def seated_on(self, day: date) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class Meeting(TimestampMixin, TranslatableMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    interpretation: Mapped[bool] = mapped_column(default=False)
    childcare: Mapped[bool] = mapped_column(default=False)
    # When the agenda was made public; the posting rule compares it with starts_at.
    agenda_posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The calendar entry that puts the meeting in the school's calendar and .ics feed.
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("calendar_event.id", ondelete="SET NULL")
    )
    present_member_ids: Mapped[list] = mapped_column(JSON, default=list)  # attendance

    committee: Mapped[Committee] = relationship(back_populates="meetings")
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    motions: Mapped[list["Motion"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Motion.id"
    )
    documents: Mapped[list["MeetingDocument"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingDocument.id"
    )

    @property
    def present_ids(self) -> set[int]:
        """Members marked present."""
        return set(self.present_member_ids or [])

    def take_attendance(self, member_ids) -> None:
        """Mark these members present (and everyone else absent); ids of people who are not
        members of the committee are left out."""
        members = {m.id for m in self.committee.members}
        self.present_member_ids = sorted({i for i in member_ids if i in members})

    def post_agenda(self, at: datetime) -> None:
        """Make the agenda public, once: the record keeps when, so a late posting shows."""
        if self.agenda_posted_at is not None:
            raise IllegalMove(_l("The agenda is already posted."))
        self.agenda_posted_at = at


class AgendaItem(TranslatableMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class Motion(TranslatableMixin, db.Model):
    """A motion, its votes and, once closed, its outcome: then the record cannot change."""

    __table_args__ = (
        CheckConstraint("status in ('open', 'closed')", name="status_known"),
        CheckConstraint("subject in ('plan', 'budget', 'other')", name="subject_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    text: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    # What passing it approves: the school plan, the budget, or nothing automatic.
    subject: Mapped[str] = mapped_column(String(16), default="other")
    mover_id: Mapped[int | None] = mapped_column(
        ForeignKey("committee_member.id", ondelete="SET NULL")
    )
    seconder_id: Mapped[int | None] = mapped_column(
        ForeignKey("committee_member.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    passed: Mapped[bool | None] = mapped_column()
    outcome_reason: Mapped[str] = mapped_column(String(300), default="")
    tally: Mapped[str] = mapped_column(String(20), default="")  # "7–1–1": yes, no, abstain
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A motion decided on paper (a district that approved its plan before using the portal):
    # the officer who entered it from the signed record, and when. The public record says so.
    recorded_afterwards_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    recorded_afterwards_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The signed signature page (or minutes) the paper record rests on, among the documents.
    signed_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_document.id", ondelete="SET NULL")
    )

    meeting: Mapped[Meeting] = relationship(back_populates="motions")
    votes: Mapped[list["MotionVote"]] = relationship(
        back_populates="motion", cascade="all, delete-orphan", order_by="MotionVote.id"
    )
    recorded_afterwards_by = relationship("User")
    signed_record = relationship("MeetingDocument")

    def __init__(self, **kwargs):
        # A new motion is open from the start (not only once stored), so it takes votes.
        kwargs.setdefault("status", MotionStatus.OPEN.value)
        kwargs.setdefault("subject", MotionSubject.OTHER.value)
        super().__init__(**kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == MotionStatus.OPEN

    @property
    def approves_plan(self) -> bool:
        """Passing it approves this year's school plan (a motion on the plan or the budget)."""
        return self.subject in (MotionSubject.PLAN, MotionSubject.BUDGET)

    @property
    def is_recorded_afterwards(self) -> bool:
        """Entered after the meeting from its paper record, not voted in the portal."""
        return self.recorded_afterwards_at is not None

    def vote_of(self, member) -> "MotionVote | None":
        return next((v for v in self.votes if v.member_id == member.id), None)

    def own_vote_of(self, member) -> "MotionVote | None":
        """The member's vote if they cast it themselves (on their phone): nobody else may
        change it."""
        vote = self.vote_of(member)
        return vote if vote is not None and vote.cast_by_member(member) else None

    def record_vote(self, member, choice, recorder, at: datetime) -> "MotionVote":
        """A member's vote while the motion is open, cast on their phone (`recorder` is the
        member's own account) or recorded by the secretary for a member present who has not
        voted: one row per member, naming who recorded its choice. The member may change
        their vote until the close; nobody else may change a vote the member cast. A vote the
        secretary recorded may be corrected by an officer, or replaced by the member's own.
        Only members marked present vote."""
        if not self.is_open:
            raise IllegalMove(_l("This vote is closed; the record cannot change."))
        if member.committee_id != self.meeting.committee_id:
            raise IllegalMove(_l("Only the committee's members vote on its motions."))
        if member.id not in self.meeting.present_ids:
            raise IllegalMove(_l("Only members marked present can vote."))
        choice = VoteChoice(choice)
        recorder_id = getattr(recorder, "id", None)
        vote = self.vote_of(member)
        if vote is None:
            vote = MotionVote(
                member_id=member.id, choice=choice.value, recorded_by_id=recorder_id, recorded_at=at
            )
            self.votes.append(vote)
            return vote
        by_member = recorder_id is not None and recorder_id == member.user_id
        if vote.cast_by_member(member) and not by_member:
            raise IllegalMove(_l("This member voted themselves; only they can change their vote."))
        if vote.choice != choice.value or vote.recorded_by_id != recorder_id:
            vote.choice, vote.recorded_by_id, vote.recorded_at = choice.value, recorder_id, at
        return vote

    def mark_recorded_afterwards(self, recorder, at: datetime, signed_record) -> None:
        """This motion is entered from a past meeting's paper record (`signed_record`, the
        signed page among the meeting's documents) by `recorder`, at `at`."""
        if not self.is_open or self.votes or self.is_recorded_afterwards:
            raise IllegalMove(_l("Only a new motion is marked as recorded afterwards."))
        if self.meeting.starts_at > at:
            raise IllegalMove(_l("Only a past meeting's decision is recorded afterwards."))
        self.recorded_afterwards_by_id = getattr(recorder, "id", None)
        self.recorded_afterwards_at = at
        self.signed_record = signed_record

    def close(self, outcome, at: datetime) -> None:
        """Close the vote with its `outcome` (services.committees.decide): passed or not, why,
        and the tally. From now on the record cannot change."""
        if not self.is_open:
            raise IllegalMove(_l("This vote is closed; the record cannot change."))
        self.status = MotionStatus.CLOSED.value
        self.passed = outcome.passed
        self.outcome_reason = outcome.reason
        self.tally = outcome.tally
        self.closed_at = at


class MotionVote(db.Model):
    __table_args__ = (
        UniqueConstraint("motion_id", "member_id"),
        CheckConstraint("choice in ('yes', 'no', 'abstain')", name="choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(8))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    motion: Mapped[Motion] = relationship(back_populates="votes")
    member = relationship("CommitteeMember")

    @property
    def choice_label(self):
        return VoteChoice(self.choice).label

    def cast_by_member(self, member) -> bool:
        """The member recorded this vote themselves, from their own account."""
        return self.recorded_by_id is not None and self.recorded_by_id == member.user_id


class MeetingDocument(db.Model):
    """A PDF or picture attached to a meeting, checked by its content (never its name) and kept
    in the database, outside any web root."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="documents")


class MinutesVersion(db.Model):
    """One version of a meeting's minutes. A draft is edited; once the committee approves it at
    a later meeting it never changes: a correction is a new version with its note."""

    __table_args__ = (
        UniqueConstraint("meeting_id", "version"),
        CheckConstraint("status in ('draft', 'approved', 'superseded')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    # Agenda item id (as text) -> {"discussion": ..., "input": ...}
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    # The sections as plain lower-case text, for the archive's search (LIKE on both databases).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Who attended, as it stood when the minutes were approved.
    attendance: Mapped[list] = mapped_column(JSON, default=list)
    correction_note: Mapped[str] = mapped_column(String(500), default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL")
    )

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    approved_at_meeting: Mapped[Meeting | None] = relationship(
        foreign_keys=[approved_at_meeting_id]
    )
    amendments: Mapped[list["MinutesAmendment"]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesAmendment.id"
    )

    def __init__(self, **kwargs):
        # A new version is a draft from the start (not only once stored), so it can be written.
        kwargs.setdefault("status", MinutesStatus.DRAFT.value)
        kwargs.setdefault("version", 1)
        super().__init__(**kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == MinutesStatus.DRAFT

    @property
    def open_amendments(self) -> list["MinutesAmendment"]:
        return [a for a in self.amendments if a.status == AmendmentStatus.PROPOSED]

    def write(self, sections: dict) -> None:
        """Replace the draft's text, item by item ({item id: {"discussion", "input"}}), and its
        search index."""
        if not self.is_draft:
            raise IllegalMove(_l("Approved minutes never change: start a correction."))
        self.sections = sections
        self.search_text = " ".join(
            text for section in sections.values() for text in section.values() if text
        ).lower()

    def propose_amendment(self, member, item_key: str, text: str) -> "MinutesAmendment":
        """A member who attended proposes new wording for one item of the draft."""
        if not self.is_draft:
            raise IllegalMove(_l("These minutes are approved; amendments are closed."))
        amendment = MinutesAmendment(member_id=member.id, item_key=item_key, text=text)
        self.amendments.append(amendment)
        return amendment

    def approve(self, at_meeting, at: datetime, attendance: list) -> None:
        """The committee approved the draft at `at_meeting`, a later meeting: the minutes are
        public from now on and never change. `attendance` is who attended, as it stood."""
        if not self.is_draft:
            raise IllegalMove(_l("These minutes are already approved."))
        if self.open_amendments:
            raise IllegalMove(_l("Accept or decline every proposed amendment first."))
        if at_meeting.starts_at <= self.meeting.starts_at:
            raise IllegalMove(_l("Minutes are approved at a later meeting."))
        self.status = MinutesStatus.APPROVED.value
        self.approved_at = at
        self.approved_at_meeting_id = at_meeting.id
        self.attendance = list(attendance)

    def correction(self, note: str, locale: str, written_by_id: int | None) -> "MinutesVersion":
        """A new draft correcting these approved minutes, starting from their text; `note`
        says what it changes and is shown with it. The approved version stays public until the
        correction is approved (see `supersede`)."""
        if self.status != MinutesStatus.APPROVED:
            raise IllegalMove(_l("Only approved minutes are corrected; edit the draft instead."))
        if not note.strip():
            raise IllegalMove(_l("Say what the correction changes."))
        return MinutesVersion(
            meeting_id=self.meeting_id,
            version=self.version + 1,
            locale=locale,
            sections={key: dict(value) for key, value in (self.sections or {}).items()},
            search_text=self.search_text,
            correction_note=note,
            written_by_id=written_by_id,
        )

    def supersede(self) -> None:
        """An approved correction replaces these minutes; they stay readable as an earlier
        version."""
        if self.status != MinutesStatus.APPROVED:
            raise IllegalMove(_l("Only approved minutes are superseded."))
        self.status = MinutesStatus.SUPERSEDED.value


class MinutesAmendment(db.Model):
    """A member who attended proposes a change to one item of the draft; an officer accepts or
    declines it with a note."""

    __table_args__ = (
        CheckConstraint("status in ('proposed', 'accepted', 'declined')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes_version.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("committee_member.id", ondelete="SET NULL")
    )
    item_key: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(4000))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    note: Mapped[str] = mapped_column(String(500), default="")

    minutes: Mapped[MinutesVersion] = relationship(back_populates="amendments")
    member = relationship("CommitteeMember")

    def __init__(self, **kwargs):
        kwargs.setdefault("status", AmendmentStatus.PROPOSED.value)
        super().__init__(**kwargs)

    @property
    def status_label(self):
        return AmendmentStatus(self.status).label

    def accept(self, note: str = "") -> None:
        """The item's discussion in the draft becomes the amendment's wording."""
        self._decide(AmendmentStatus.ACCEPTED, note)
        sections = {key: dict(value) for key, value in (self.minutes.sections or {}).items()}
        sections.setdefault(self.item_key, {})["discussion"] = self.text
        self.minutes.write(sections)

    def decline(self, note: str = "") -> None:
        self._decide(AmendmentStatus.DECLINED, note)

    def _decide(self, status: AmendmentStatus, note: str) -> None:
        if self.status != AmendmentStatus.PROPOSED:
            raise IllegalMove(_l("This amendment is already decided."))
        if not self.minutes.is_draft:
            raise IllegalMove(_l("These minutes are approved; amendments are closed."))
        self.status, self.note = status.value, note
