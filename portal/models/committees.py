"""Committees: rosters with seats and terms, meetings with agendas, motions and votes, and an
audit log of every change to the record."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TimestampMixin, TranslatableMixin, TranslatedText, UTCDateTime


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


class CommitteeKind(StrEnum):
    """The guidebook's committees (ch. 3)."""

    SSC = "ssc"
    ELAC = "elac"
    SEAC = "seac"
    GATE = "gate"
    COMP_ED = "comp_ed"
    DEPARTMENT = "department"
    LEADERSHIP = "leadership"
    OTHER = "other"

    @property
    def label(self):
        return COMMITTEE_LABELS[self]


COMMITTEE_LABELS = {
    CommitteeKind.SSC: _l("School Site Council"),
    CommitteeKind.ELAC: _l("English Learner Advisory Committee"),
    CommitteeKind.SEAC: _l("Special Education Advisory Committee"),
    CommitteeKind.GATE: _l("Gifted and Talented Education Advisory Committee"),
    CommitteeKind.COMP_ED: _l("Compensatory Education Advisory Committee"),
    CommitteeKind.DEPARTMENT: _l("Departmental Advisory Committee"),
    CommitteeKind.LEADERSHIP: _l("School Leadership Team"),
    CommitteeKind.OTHER: _l("Other committee"),
}


class Committee(TranslatableMixin, db.Model):
    """A school's committee of one of the guidebook's kinds (CommitteeKind)."""

    __table_args__ = (
        CheckConstraint("quorum_percent between 1 and 100", name="quorum_percent_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    purpose: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    # Quorum: more than this share of the seated members present (50: a majority).
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50)

    school = relationship("School")
    members: Mapped[list["CommitteeMember"]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="CommitteeMember.name"
    )
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="Meeting.starts_at"
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
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    # Names are public only when the member agreed; otherwise the page says "parent member".
    name_public: Mapped[bool] = mapped_column(default=False)

    committee: Mapped[Committee] = relationship(back_populates="members")
    user = relationship("User")

    @property
    def seat_label(self):
        return Seat(self.seat).label

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

    meeting: Mapped[Meeting] = relationship(back_populates="motions")
    votes: Mapped[list["MotionVote"]] = relationship(
        back_populates="motion", cascade="all, delete-orphan"
    )


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
