"""The school plan and budget (guidebook ch. 3, the PBAR tool): needs assessment, goals,
strategies, actions, investments with priorities, and the budget matrix of investments against
funding streams. Plus the district's goals, investment categories and plain-language glossary."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    Numeric,
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
)
from portal.models.committees import MotionStatus, MotionSubject
from portal.models.staffing import Recurrence


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SHARED = "shared"  # shared for feedback
    APPROVED = "approved"  # approved by the site council on `approved_on`

    @property
    def label(self):
        return PLAN_STATUS_LABELS[self]


PLAN_STATUS_LABELS = {
    PlanStatus.DRAFT: _l("Draft"),
    PlanStatus.SHARED: _l("Shared for feedback"),
    PlanStatus.APPROVED: _l("Approved by the site council"),
}


class ReviewStatus(StrEnum):
    """Where the plan is in the district's review, after the site council approved it."""

    NOT_SUBMITTED = "not_submitted"
    SUBMITTED = "submitted"  # the principal sent it to the district
    RETURNED = "returned"  # the district sent it back with comments: change, re-approve, resend
    ACCEPTED = "accepted"  # the district accepted it; it goes to the board
    BOARD_APPROVED = "board_approved"  # the board approved it on `board_approved_on`

    @property
    def label(self):
        return REVIEW_STATUS_LABELS[self]


REVIEW_STATUS_LABELS = {
    ReviewStatus.NOT_SUBMITTED: _l("Not sent to the district"),
    ReviewStatus.SUBMITTED: _l("With the district for review"),
    ReviewStatus.RETURNED: _l("Returned by the district for changes"),
    ReviewStatus.ACCEPTED: _l("Accepted by the district"),
    ReviewStatus.BOARD_APPROVED: _l("Approved by the board"),
}
_REVIEW_STATUSES = "', '".join(ReviewStatus)


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self):
        return ACTION_STATUS_LABELS[self]


ACTION_STATUS_LABELS = {
    ActionStatus.NOT_STARTED: _l("Not started"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done"),
}


class SchoolPlan(TimestampMixin, TranslatableMixin, db.Model):
    """One school's plan for one school year."""

    __table_args__ = (
        UniqueConstraint("school_id", "school_year_id"),
        CheckConstraint("status in ('draft', 'shared', 'approved')", name="status_known"),
        CheckConstraint("planning_figure_cents >= 0", name="planning_figure_not_negative"),
        CheckConstraint(f"review_status in ('{_REVIEW_STATUSES}')", name="review_status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.DRAFT.value)
    approved_on: Mapped[date | None] = mapped_column(Date)
    # What the approval record says (the committees feature writes the vote tally here).
    approval_note: Mapped[str] = mapped_column(String(300), default="")
    # Before the allocation is known, the principal plans against this figure.
    planning_figure_cents: Mapped[int | None] = mapped_column(BigInteger)
    # Needs assessment: question key -> {locale: answer}.
    needs: Mapped[dict] = mapped_column(JSON, default=dict)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("school_plan.id", ondelete="SET NULL")
    )
    # The district's review and the board's approval (see `submit` ... `record_board_approval`).
    review_status: Mapped[str] = mapped_column(
        String(16), default=ReviewStatus.NOT_SUBMITTED.value, server_default="not_submitted"
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    board_approved_on: Mapped[date | None] = mapped_column(Date)
    board_minutes_url: Mapped[str] = mapped_column(String(500), default="", server_default="")

    school = relationship("School")
    year = relationship("SchoolYear")
    goals: Mapped[list["Goal"]] = relationship(
        back_populates="plan", order_by="Goal.position", cascade="all, delete-orphan"
    )
    investments: Mapped[list["Investment"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )
    review_comments: Mapped[list["PlanReviewComment"]] = relationship(
        back_populates="plan", order_by="PlanReviewComment.at", cascade="all, delete-orphan"
    )

    def __init__(self, **kwargs):
        # A new plan is a draft from the start (not only once stored), so it can be shared.
        kwargs.setdefault("status", PlanStatus.DRAFT.value)
        kwargs.setdefault("review_status", ReviewStatus.NOT_SUBMITTED.value)
        super().__init__(**kwargs)

    @property
    def status_label(self):
        return PlanStatus(self.status).label

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED

    @property
    def is_public(self) -> bool:
        """Shared for feedback or approved: families may read it (drafts stay in the office)."""
        return self.status != PlanStatus.DRAFT

    # The plan's life: draft <-> shared for feedback -> approved by the site council's vote.
    # These methods are the only way the status changes; an illegal move raises IllegalMove.
    def share(self) -> None:
        """Open a draft to the community's feedback."""
        if self.status != PlanStatus.DRAFT:
            raise IllegalMove(_l("Only a draft plan can be shared for feedback."))
        self.status = PlanStatus.SHARED.value

    def withdraw(self) -> None:
        """Take a shared plan back to draft (feedback already given stays)."""
        if self.status != PlanStatus.SHARED:
            raise IllegalMove(_l("Only a plan shared for feedback can go back to draft."))
        self.status = PlanStatus.DRAFT.value

    def approve(self, motion, on: date) -> None:
        """Record the site council's approval: `motion` is a closed motion that passed, on the
        plan or the budget; `on` is the meeting's day. The tally becomes the approval note."""
        if self.status == PlanStatus.APPROVED:
            raise IllegalMove(_l("This plan is already approved."))
        if motion is None or motion.status != MotionStatus.CLOSED or not motion.passed:
            raise IllegalMove(_l("A plan is approved only by a motion that passed."))
        if motion.subject not in (MotionSubject.PLAN, MotionSubject.BUDGET):
            raise IllegalMove(_l("This motion does not approve a plan or a budget."))
        self.status = PlanStatus.APPROVED.value
        self.approved_on = on
        self.approval_note = motion.tally or ""

    # The district's review, after the council's approval: submitted -> returned (back to the
    # council: changed, approved again by a new motion, submitted again) or accepted -> the
    # board's approval recorded. Only these methods change `review_status`.
    @property
    def review_label(self):
        return ReviewStatus(self.review_status).label

    @property
    def can_be_submitted(self) -> bool:
        """Approved by the council and not (or no longer) with the district."""
        return self.is_approved and self.review_status in (
            ReviewStatus.NOT_SUBMITTED,
            ReviewStatus.RETURNED,
        )

    def submit(self, by, at: datetime) -> None:
        """The principal sends the council-approved plan to the district (`by`: who sends it;
        the audit log names them)."""
        if not self.is_approved:
            raise IllegalMove(_l("Only a plan the site council approved can go to the district."))
        if not self.can_be_submitted:
            raise IllegalMove(_l("This plan is already with the district."))
        self.review_status = ReviewStatus.SUBMITTED.value
        self.submitted_at = at

    def return_to_school(self, by, at: datetime, comment: str) -> "PlanReviewComment":
        """The district sends the plan back with a comment. The council's approval no longer
        stands: the plan is shared again until a new passing motion approves the changes."""
        if self.review_status != ReviewStatus.SUBMITTED:
            raise IllegalMove(_l("Only a plan with the district for review can be returned."))
        if not (comment or "").strip():
            raise IllegalMove(_l("Say what the school should change."))
        self.review_status = ReviewStatus.RETURNED.value
        self.returned_at = at
        self.status = PlanStatus.SHARED.value
        note = PlanReviewComment(author_id=getattr(by, "id", None), at=at, body=comment.strip())
        self.review_comments.append(note)
        return note

    def accept(self, by, at: datetime) -> None:
        """The district accepts the plan as submitted; it goes to the board next."""
        if self.review_status != ReviewStatus.SUBMITTED:
            raise IllegalMove(_l("Only a plan with the district for review can be accepted."))
        self.review_status = ReviewStatus.ACCEPTED.value
        self.accepted_at = at

    def record_board_approval(self, on: date, minutes_url: str, by) -> None:
        """The board approved the accepted plan at its meeting `on`; `minutes_url` is the
        http(s) address of that meeting's minutes."""
        if self.review_status != ReviewStatus.ACCEPTED:
            raise IllegalMove(_l("The board's approval follows the district's acceptance."))
        if on is None:
            raise IllegalMove(_l("Give the day the board approved the plan."))
        if not (minutes_url or "").startswith(("http://", "https://")):
            raise IllegalMove(_l("Give the address of the board meeting's minutes."))
        self.review_status = ReviewStatus.BOARD_APPROVED.value
        self.board_approved_on = on
        self.board_minutes_url = minutes_url


class PlanReviewComment(db.Model):
    """What the district said when it returned a plan: the principal and the council read it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("school_plan.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)

    plan: Mapped[SchoolPlan] = relationship(back_populates="review_comments")
    author = relationship("User")


class DistrictGoal(TranslatableMixin, db.Model):
    """A district-wide goal for the year; schools align their goals with it (read-only there)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Goal(TranslatableMixin, db.Model):
    """A SMART goal: statement, indicator, baseline, target and date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("school_plan.id", ondelete="CASCADE"))
    district_goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("district_goal.id", ondelete="SET NULL")
    )
    statement: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    indicator: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    target: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    target_date: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The same goal carried from year to year shares a lineage: its progress is one history.
    lineage: Mapped[str] = mapped_column(String(32), default=lambda: uuid4().hex, index=True)

    plan: Mapped[SchoolPlan] = relationship(back_populates="goals")
    district_goal = relationship("DistrictGoal")
    strategies: Mapped[list["Strategy"]] = relationship(
        back_populates="goal", order_by="Strategy.position", cascade="all, delete-orphan"
    )


class GoalMeasurement(db.Model):
    """The indicator's value for a goal's lineage in one school year (progress over years)."""

    __table_args__ = (UniqueConstraint("lineage", "school_year_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lineage: Mapped[str] = mapped_column(String(32))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    year = relationship("SchoolYear")


class Strategy(TranslatableMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    description: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)

    goal: Mapped[Goal] = relationship(back_populates="strategies")
    actions: Mapped[list["PlanAction"]] = relationship(
        back_populates="strategy", order_by="PlanAction.position", cascade="all, delete-orphan"
    )


class PlanAction(TranslatableMixin, db.Model):
    """A step of a strategy, with who does it and by when."""

    __table_args__ = (
        CheckConstraint("status in ('not_started', 'in_progress', 'done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id", ondelete="CASCADE"))
    description: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.NOT_STARTED.value)
    position: Mapped[int] = mapped_column(Integer, default=0)

    strategy: Mapped[Strategy] = relationship(back_populates="actions")

    @property
    def status_label(self):
        return ActionStatus(self.status).label


# Which categories of spending a restricted stream may pay for (empty: any).
stream_category = Table(
    "stream_category",
    db.Model.metadata,
    Column(
        "funding_stream_id", ForeignKey("funding_stream.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "investment_category_id",
        ForeignKey("investment_category.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class InvestmentCategory(TranslatableMixin, db.Model):
    """The district's list of spending categories (staff, materials, training ...)."""

    __table_args__ = (UniqueConstraint("district_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Investment(TranslatableMixin, db.Model):
    """Something the plan spends money on, with its priority: 1 is funded first. A position
    (staff_role_id set) is people: `fte` hundredths of a full-time person in that role, costing
    the district's average for the role and year or its actual cost (District.position_costing;
    services/positions.py prices it). An investment without a goal is the base program: the
    core staffing and running costs every school needs. Every dollar serves a goal or the base
    program; what no investment uses is shown as unassigned."""

    __table_args__ = (
        CheckConstraint("cost_cents >= 0", name="cost_not_negative"),
        CheckConstraint("priority >= 1", name="priority_positive"),
        CheckConstraint(
            "(staff_role_id IS NULL AND fte IS NULL) OR (staff_role_id IS NOT NULL AND fte > 0)",
            name="position_has_fte",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("school_plan.id", ondelete="CASCADE"))
    # None: the base program (no goal of the plan's own).
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    strategy_id: Mapped[int | None] = mapped_column(ForeignKey("strategy.id", ondelete="SET NULL"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("investment_category.id", ondelete="SET NULL")
    )
    description: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    cost_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    recurrence: Mapped[str] = mapped_column(
        String(16), default=Recurrence.ONGOING.value, server_default=Recurrence.ONGOING.value
    )
    staff_role_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_role.id", ondelete="RESTRICT")
    )
    fte: Mapped[int | None] = mapped_column(Integer)  # hundredths of a full-time person
    # The stream a position (or any investment) is paid from; the budget matrix can split it.
    funding_stream_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_stream.id", ondelete="SET NULL")
    )

    plan: Mapped[SchoolPlan] = relationship(back_populates="investments")
    goal = relationship("Goal")
    strategy = relationship("Strategy")
    category = relationship("InvestmentCategory")
    staff_role = relationship("StaffRole")
    funding_stream = relationship("FundingStream")

    @property
    def is_position(self) -> bool:
        return self.staff_role_id is not None

    @property
    def is_base_program(self) -> bool:
        return self.goal_id is None

    @property
    def is_ongoing(self) -> bool:
        return self.recurrence == Recurrence.ONGOING

    @property
    def recurrence_label(self):
        return Recurrence(self.recurrence).label

    budget_lines: Mapped[list["BudgetLine"]] = relationship(
        back_populates="investment", cascade="all, delete-orphan"
    )


class BudgetLine(db.Model):
    """One cell of the budget matrix: money from a funding stream to an investment."""

    __table_args__ = (
        UniqueConstraint("investment_id", "funding_stream_id"),
        CheckConstraint("cents >= 0", name="cents_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    investment_id: Mapped[int] = mapped_column(ForeignKey("investment.id", ondelete="CASCADE"))
    funding_stream_id: Mapped[int] = mapped_column(
        ForeignKey("funding_stream.id", ondelete="CASCADE")
    )
    cents: Mapped[int] = mapped_column(BigInteger, default=0)

    investment: Mapped[Investment] = relationship(back_populates="budget_lines")


class GlossaryTerm(TranslatableMixin, db.Model):
    """A word families meet (ELAC, Title I ...) with a plain definition in every language."""

    __table_args__ = (UniqueConstraint("district_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(60))
    term: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    definition: Mapped[dict] = mapped_column(TranslatedText, default=dict)
