"""Tier 1 of the readiness assessment: the public survey, its items and its anonymous responses.

Anonymity: a response row holds the respondent's self-described role, school and language, the
channel and the day, and nothing else: no user, IP, cookie, session or access code. Access codes
and paper sheet codes are recorded as "used" in tables that do not point at any response.
"""

import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
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


class SurveyArea(StrEnum):
    """The six areas of guidebook Table 4.1, in the guidebook's order."""

    TRANSPARENCY = "transparency"
    ENGAGEMENT = "engagement"
    AUTONOMY = "autonomy"
    INNOVATION = "innovation"
    EQUITY = "equity"
    EFFICIENCY = "efficiency"

    @property
    def label(self):
        return AREA_LABELS[self]

    @property
    def desired_state(self):
        return AREA_DESIRED_STATES[self]


AREA_LABELS = {
    SurveyArea.TRANSPARENCY: _l("Transparency"),
    SurveyArea.ENGAGEMENT: _l("Community engagement"),
    SurveyArea.AUTONOMY: _l("Autonomy"),
    SurveyArea.INNOVATION: _l("Innovation"),
    SurveyArea.EQUITY: _l("Equity"),
    SurveyArea.EFFICIENCY: _l("Efficiency"),
}
AREA_DESIRED_STATES = {
    SurveyArea.TRANSPARENCY: _l(
        "Clear communication and feedback loops exist within schools and the district. "
        "Community members understand the planning process."
    ),
    SurveyArea.ENGAGEMENT: _l(
        "Families and neighbours can take part in planning through the site council or other "
        "groups. The community's view of needs and priorities is respected."
    ),
    SurveyArea.AUTONOMY: _l("Principals control some of the money at their schools."),
    SurveyArea.INNOVATION: _l("Schools can use money in creative ways that lead to real change."),
    SurveyArea.EQUITY: _l(
        "Money is shared out by student need and aims to raise achievement for every group "
        "of students."
    ),
    SurveyArea.EFFICIENCY: _l("Planning and budgeting are simple and do not waste time."),
}


class ItemKind(StrEnum):
    AGREEMENT = "agreement"  # 1 strongly disagree ... 4 strongly agree, or "don't know"
    CHOICE = "choice"  # one of the item's options
    COMMENT = "comment"  # a short open comment


class RespondentRole(StrEnum):
    PARENT = "parent"
    TEACHER = "teacher"
    STAFF = "staff"
    PRINCIPAL = "principal"
    STUDENT = "student"
    COMMUNITY = "community"
    DISTRICT = "district"

    @property
    def label(self):
        return RESPONDENT_ROLE_LABELS[self]


RESPONDENT_ROLE_LABELS = {
    RespondentRole.PARENT: _l("Parent or guardian"),
    RespondentRole.TEACHER: _l("Teacher"),
    RespondentRole.STAFF: _l("Other school staff"),
    RespondentRole.PRINCIPAL: _l("Principal"),
    RespondentRole.STUDENT: _l("Student"),
    RespondentRole.COMMUNITY: _l("Community member"),
    RespondentRole.DISTRICT: _l("District staff"),
}


class Channel(StrEnum):
    ONLINE = "online"
    PAPER = "paper"
    MEETING = "meeting"  # typed in by staff from answers given at a meeting

    @property
    def label(self):
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.ONLINE: _l("Online"),
    Channel.PAPER: _l("Paper form"),
    Channel.MEETING: _l("Entered by staff at a meeting"),
}

AGREEMENT_SCALE = (1, 2, 3, 4)
AGREEMENT_LABELS = {
    1: _l("Strongly disagree"),
    2: _l("Disagree"),
    3: _l("Agree"),
    4: _l("Strongly agree"),
}
DONT_KNOW = "dk"
DONT_KNOW_LABEL = _l("Don't know")

survey_school = Table(
    "survey_school",
    db.Model.metadata,
    Column("survey_id", ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
)


class SurveyState(StrEnum):
    """What staff decide: a draft is being built; a published survey is upcoming, open or closed
    by its dates (SurveyPhase)."""

    DRAFT = "draft"
    PUBLISHED = "published"


class SurveyPhase(StrEnum):
    """Where a survey stands for the public: its state, and for a published one its dates."""

    DRAFT = "draft"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self):
        return SURVEY_PHASE_LABELS[self]


SURVEY_PHASE_LABELS = {
    SurveyPhase.DRAFT: _l("Draft"),
    SurveyPhase.UPCOMING: _l("Published, not open yet"),
    SurveyPhase.OPEN: _l("Open"),
    SurveyPhase.CLOSED: _l("Closed"),
}


class SurveyStateError(IllegalMove):
    """An illegal move in a survey's life (publishing an empty survey, closing a draft...)."""


class Survey(TimestampMixin, TranslatableMixin, db.Model):
    __table_args__ = (CheckConstraint("opens_at < closes_at", name="opens_before_it_closes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    intro: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # draft -> published; whether a published survey is upcoming, open or closed follows the dates.
    state: Mapped[str] = mapped_column(String(16), default=SurveyState.DRAFT.value)
    covers_all_schools: Mapped[bool] = mapped_column(default=True)
    results_public: Mapped[bool] = mapped_column(default=False)
    requires_access_code: Mapped[bool] = mapped_column(default=False)
    baseline_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    # A past survey not run in the portal: district staff typed its answer counts in, as a
    # baseline to compare with (services/survey_baselines.py). It has no responses.
    entered_outside: Mapped[bool] = mapped_column(default=False, server_default="0")

    items: Mapped[list["SurveyItem"]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="(SurveyItem.area_order, SurveyItem.position)",
    )
    schools = relationship("School", secondary=survey_school, order_by="School.name")
    baseline: Mapped["Survey | None"] = relationship(remote_side=[id])

    @property
    def is_draft(self) -> bool:
        """A draft is seen and answered (as a preview) only by district staff."""
        return self.state == SurveyState.DRAFT

    def phase(self, now: datetime | None = None) -> SurveyPhase:
        if self.is_draft:
            return SurveyPhase.DRAFT
        now = now or utcnow()
        if now < self.opens_at:
            return SurveyPhase.UPCOMING
        if now >= self.closes_at:
            return SurveyPhase.CLOSED
        return SurveyPhase.OPEN

    def publish(self) -> None:
        """A draft with at least one question goes out: it opens on its opening date."""
        if not self.is_draft:
            raise SurveyStateError(_l("Only a draft can be published."))
        if not self.items:
            raise SurveyStateError(_l("A survey needs at least one question to be published."))
        self.state = SurveyState.PUBLISHED.value

    def close_now(self, now: datetime | None = None) -> None:
        """Close an open survey before its closing date."""
        now = now or utcnow()
        if self.phase(now) != SurveyPhase.OPEN:
            raise SurveyStateError(_l("Only an open survey can be closed."))
        self.closes_at = now

    def require_draft(self) -> None:
        """Questions are added and removed only while the survey is a draft: answers given to
        a published survey keep the questions they answered."""
        if not self.is_draft:
            raise SurveyStateError(
                _l("Questions of a published survey cannot be added or removed.")
            )

    def remove_item(self, item: "SurveyItem") -> None:
        """Take a question out of a draft."""
        self.require_draft()
        self.items.remove(item)

    def covers(self, school_id: int | None) -> bool:
        if self.covers_all_schools or school_id is None:
            return True
        return any(s.id == school_id for s in self.schools)


class SurveyItem(TranslatableMixin, db.Model):
    __table_args__ = (
        CheckConstraint("kind in ('agreement', 'choice', 'comment')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(20))
    # The area's place in Table 4.1, kept as a column so items sort in SQL.
    area_order: Mapped[int] = mapped_column(SmallInteger, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16), default=ItemKind.AGREEMENT.value)
    # Items copied from the template keep its key, so a baseline can be compared item by item.
    key: Mapped[str] = mapped_column(String(60), default="")
    prompt: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    # For choice items: [{"value": "a", "label": {"en": "...", "es": "..."}}, ...]
    options: Mapped[list] = mapped_column(JSON, default=list)

    survey: Mapped[Survey] = relationship(back_populates="items")


# 64-bit ids. On SQLite an INTEGER primary key is already 64-bit and is the row's storage key,
# so rows are stored in the order of their random ids; a BIGINT key there would add a hidden
# sequential rowid that keeps the typing order.
RESPONSE_ID = BigInteger().with_variant(Integer(), "sqlite")


def random_row_id() -> int:
    """A random positive 62-bit id: nothing about when or in what order a response came."""
    return secrets.randbelow(2**62 - 1) + 1


class SurveyResponse(db.Model):
    """One person's answers. Deliberately holds nothing that identifies them."""

    __table_args__ = (
        # Covering indexes: the results page counts responses by channel, language and role,
        # overall or for one role or one school, without reading the table itself.
        Index("ix_survey_response_counts", "survey_id", "channel", "language", "respondent_role"),
        Index(
            "ix_survey_response_role_counts", "survey_id", "respondent_role", "channel", "language"
        ),
        Index(
            "ix_survey_response_school_counts",
            "survey_id",
            "school_id",
            "channel",
            "language",
            "respondent_role",
        ),
    )

    # A random id, not a sequence: paper sheets are typed one after another (PaperSheetUse
    # records each code), so sequential ids would pair a sheet with its answers.
    id: Mapped[int] = mapped_column(
        RESPONSE_ID, primary_key=True, autoincrement=False, default=random_row_id
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    respondent_role: Mapped[str] = mapped_column(String(16))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(16))
    # The day only: an exact time could be matched against a web server log.
    submitted_on: Mapped[date] = mapped_column(Date)
    # Paper and meeting responses: the staff member who typed them in (never the respondent).
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    answers: Mapped[list["SurveyAnswer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class SurveyAnswer(db.Model):
    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint("score is null or (score between 1 and 4)", name="score_on_scale"),
    )

    id: Mapped[int] = mapped_column(
        RESPONSE_ID, primary_key=True, autoincrement=False, default=random_row_id
    )
    response_id: Mapped[int] = mapped_column(
        RESPONSE_ID, ForeignKey("survey_response.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_item.id", ondelete="CASCADE"))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    dont_know: Mapped[bool] = mapped_column(default=False)
    choice: Mapped[str | None] = mapped_column(String(60))
    comment: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class SurveyTally(db.Model):
    """Running counts per item, answer and respondent group, updated in the response's transaction.

    Results read these few thousand rows instead of every answer, so they stay fast at 100,000
    responses. `answer` is "1".."4", "dk", or "c:<option value>"; school_id 0 means district-wide.
    """

    __table_args__ = (
        # Sums per item and answer read only this index.
        Index("ix_survey_tally_item_answer", "survey_id", "item_id", "answer", "count"),
    )

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("survey_item.id", ondelete="CASCADE"), primary_key=True
    )
    respondent_role: Mapped[str] = mapped_column(String(16), primary_key=True)
    school_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    answer: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class SurveyRespondentTally(db.Model):
    """Running counts of respondents per finest group (school x language x role x channel),
    updated in the response's transaction (services.surveys.record_response).

    The results page and the disclosure rules count respondents from these rows (at most a few
    thousand per survey) instead of every response: at a million responses a GROUP BY over
    survey_response takes seconds, this takes milliseconds. school_id 0 means district-wide.
    """

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    respondent_role: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class SurveyAccessCode(db.Model):
    """A one-time code that lets one person answer. Never linked to the response it unlocked."""

    __table_args__ = (UniqueConstraint("survey_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    batch_label: Mapped[str] = mapped_column(String(120), default="")
    used: Mapped[bool] = mapped_column(default=False)


class PaperSheetUse(db.Model):
    """A paper sheet code already typed in: the same sheet cannot be entered twice."""

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    sheet_code: Mapped[str] = mapped_column(String(16), primary_key=True)


class SurveySubmissionReceipt(db.Model):
    """A form's one-time token, spent when its answers are stored: a double submit stores nothing.

    The token is random per form load and points at no response.
    """

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
