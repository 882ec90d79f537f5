"""Tiers 2 and 3 of the readiness assessment and the report that brings the tiers together.

Tier 3 (interviews) is confidential: only the facilitator and admins may read it, and every
route that touches it answers 404 to anyone else (see permissions.confidential).
"""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import (
    IllegalMove,
    TimestampMixin,
    TranslatableMixin,
    TranslatedText,
    UTCDateTime,
    utcnow,
)


class AssessmentStage(StrEnum):
    """Where an assessment stands: officials answer the inventory until the roundtable is held,
    which closes it (stored as `roundtable_closed`)."""

    INVENTORY_OPEN = "inventory_open"
    ROUNDTABLE_HELD = "roundtable_held"

    @property
    def label(self):
        return ASSESSMENT_STAGE_LABELS[self]


ASSESSMENT_STAGE_LABELS = {
    AssessmentStage.INVENTORY_OPEN: _l("Inventory open"),
    AssessmentStage.ROUNDTABLE_HELD: _l("Roundtable held"),
}


class Verdict(StrEnum):
    """How far officials agree on one inventory question (services.readiness.classify_agreement)."""

    CONSENSUS = "consensus"
    CONTENTION = "contention"
    MIXED = "mixed"
    TOO_FEW = "too_few"

    @property
    def label(self):
        return VERDICT_LABELS[self]


VERDICT_LABELS = {
    Verdict.CONSENSUS: _l("Consensus"),
    Verdict.CONTENTION: _l("Contention"),
    Verdict.MIXED: _l("Mixed views"),
    Verdict.TOO_FEW: _l("Too few answers"),
}


class ReadinessAssessment(TimestampMixin, TranslatableMixin, db.Model):
    """One run of the assessment: Tier 1 is a survey, Tier 2 the officials' inventory and the
    roundtable, Tier 3 the facilitator's interviews; the report sets them side by side."""

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    tier1_survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey.id", ondelete="SET NULL")
    )
    roundtable_closed: Mapped[bool] = mapped_column(default=False)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    public_summary: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    public_summary_published: Mapped[bool] = mapped_column(default=False)

    invites: Mapped[list["InventoryInvite"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    tier1_survey = relationship("Survey")

    @property
    def stage(self) -> AssessmentStage:
        """Whether officials may still change their inventory answers."""
        if self.roundtable_closed:
            return AssessmentStage.ROUNDTABLE_HELD
        return AssessmentStage.INVENTORY_OPEN

    def close_roundtable(self) -> None:
        """The roundtable has been held: officials' inventory answers can no longer change."""
        if self.stage != AssessmentStage.INVENTORY_OPEN:
            raise IllegalMove(_l("The roundtable has already closed this inventory."))
        self.roundtable_closed = True

    def publish_summary(self) -> None:
        """Show the public summary (and Tier 1 by area) at /readiness/<slug>."""
        if self.public_summary_published:
            raise IllegalMove(_l("The summary is already published."))
        self.public_summary_published = True

    def withdraw_summary(self) -> None:
        """Take the public summary down again (its page answers 404)."""
        if not self.public_summary_published:
            raise IllegalMove(_l("The summary is not published."))
        self.public_summary_published = False


class InventoryInvite(db.Model):
    """An official asked to answer the Tier 2 inventory."""

    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("readiness_assessment.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))

    user = relationship("User", lazy="joined")


class InventoryAnswer(db.Model):
    __table_args__ = (
        UniqueConstraint("assessment_id", "user_id", "question_key"),
        CheckConstraint("rating is null or (rating between 1 and 4)", name="rating_on_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("readiness_assessment.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(60))
    rating: Mapped[int | None] = mapped_column(SmallInteger)  # 1 clear strength ... 4 weakness
    answer: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")  # one http(s) URL per line
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", lazy="joined")


class RoundtableNote(db.Model):
    """What the roundtable concluded about one question ("" = overall)."""

    __table_args__ = (UniqueConstraint("assessment_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("readiness_assessment.id", ondelete="CASCADE")
    )
    question_key: Mapped[str] = mapped_column(String(60), default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")
    contentious: Mapped[bool] = mapped_column(default=False)
    carry_to_interviews: Mapped[bool] = mapped_column(default=False)


class ObservationCode(StrEnum):
    """What the facilitator looks for in an interview (guidebook ch. 4, Tier 3)."""

    COMPLIANCE = "compliance"
    SERVICE = "service"
    GAP = "gap"
    ALLY = "ally"
    OPPONENT = "opponent"
    BIAS = "bias"
    FATIGUE = "fatigue"

    @property
    def label(self):
        return OBSERVATION_LABELS[self]


OBSERVATION_LABELS = {
    ObservationCode.COMPLIANCE: _l("Compliance-driven assumption"),
    ObservationCode.SERVICE: _l("Service-oriented assumption"),
    ObservationCode.GAP: _l("Gap between job description and actual work"),
    ObservationCode.ALLY: _l("Key ally"),
    ObservationCode.OPPONENT: _l("Key opponent"),
    ObservationCode.BIAS: _l("Hidden bias"),
    ObservationCode.FATIGUE: _l("Change fatigue"),
}


class InterviewQuestion(db.Model):
    """A question of the facilitator's interview protocol."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("readiness_assessment.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)


class Interview(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("readiness_assessment.id", ondelete="CASCADE"), index=True
    )
    interviewee_role: Mapped[str] = mapped_column(String(120))
    department: Mapped[str] = mapped_column(String(120), default="")
    interviewee_name: Mapped[str] = mapped_column(String(200), default="")  # optional
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    observations: Mapped[list["InterviewObservation"]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", order_by="InterviewObservation.id"
    )


class InterviewObservation(db.Model):
    __table_args__ = (
        CheckConstraint(
            "code in ('compliance', 'service', 'gap', 'ally', 'opponent', 'bias', 'fatigue')",
            name="code_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interview.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    survey_area: Mapped[str] = mapped_column(String(20), default="")  # one of the six, or ""
    note: Mapped[str] = mapped_column(Text, default="")
    # What an opponent would need to get on board.
    needs: Mapped[str] = mapped_column(Text, default="")
    # The facilitator may let this note be quoted (without the interviewee's name) in the report.
    shareable: Mapped[bool] = mapped_column(default=False)

    interview: Mapped[Interview] = relationship(back_populates="observations")
