"""Where each school's money comes from: funding streams, enrollment by need group, per-pupil
weights (scenarios), and last year's allocations. Money is integer cents (64-bit)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import IllegalMove, TimestampMixin, TranslatableMixin, TranslatedText


class StreamKind(StrEnum):
    UNRESTRICTED = "unrestricted"
    RESTRICTED = "restricted"  # categorical: may pay only for what its restriction says

    @property
    def label(self):
        return STREAM_KIND_LABELS[self]


STREAM_KIND_LABELS = {
    StreamKind.UNRESTRICTED: _l("Unrestricted"),
    StreamKind.RESTRICTED: _l("Restricted (categorical)"),
}


class Distribution(StrEnum):
    FORMULA = "formula"  # shared by the per-pupil weights
    GRANT = "grant"  # a fixed amount to each eligible school
    CENTRAL = "central"  # held centrally, not sent to schools

    @property
    def label(self):
        return DISTRIBUTION_LABELS[self]


DISTRIBUTION_LABELS = {
    Distribution.FORMULA: _l("Shared by the per-pupil formula"),
    Distribution.GRANT: _l("A fixed grant to each eligible school"),
    Distribution.CENTRAL: _l("Held centrally"),
}

funding_stream_school = Table(
    "funding_stream_school",
    db.Model.metadata,
    Column(
        "funding_stream_id", ForeignKey("funding_stream.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
)


class NeedGroup(TranslatableMixin, db.Model):
    """A group of students with its own per-pupil weight (poverty, English learners, ...)."""

    __table_args__ = (UniqueConstraint("district_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)


class FundingStream(TimestampMixin, TranslatableMixin, db.Model):
    __table_args__ = (
        CheckConstraint("revenue_cents >= 0", name="revenue_not_negative"),
        CheckConstraint("grant_cents >= 0", name="grant_not_negative"),
        CheckConstraint("kind in ('unrestricted', 'restricted')", name="kind_known"),
        CheckConstraint(
            "distribution in ('formula', 'grant', 'central')", name="distribution_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    name: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    kind: Mapped[str] = mapped_column(String(16), default=StreamKind.UNRESTRICTED.value)
    # For restricted money: what it may pay for, in one plain sentence per language.
    restriction: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    revenue_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    distribution: Mapped[str] = mapped_column(String(16), default=Distribution.FORMULA.value)
    grant_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # per eligible school
    position: Mapped[int] = mapped_column(Integer, default=0)

    eligible_schools = relationship("School", secondary=funding_stream_school)
    # For restricted money: the spending categories it may pay for (none listed: any).
    allowed_categories = relationship("InvestmentCategory", secondary="stream_category")


class Enrollment(db.Model):
    """Pupils of one school in one year and group ("all" is the school's total)."""

    school_id: Mapped[int] = mapped_column(
        ForeignKey("school.id", ondelete="CASCADE"), primary_key=True
    )
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.id", ondelete="CASCADE"), primary_key=True
    )
    group_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    pupils: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("pupils >= 0", name="pupils_not_negative"),)


class PriorAllocation(db.Model):
    """What a school received the year before (for hold harmless and the change shown)."""

    school_id: Mapped[int] = mapped_column(
        ForeignKey("school.id", ondelete="CASCADE"), primary_key=True
    )
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.id", ondelete="CASCADE"), primary_key=True
    )
    cents: Mapped[int] = mapped_column(BigInteger, default=0)


class ScenarioStatus(StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"  # in force, published
    WHAT_IF = "what_if"  # published as "what you would receive if weights were turned on"

    @property
    def label(self):
        return SCENARIO_STATUS_LABELS[self]


SCENARIO_STATUS_LABELS = {
    ScenarioStatus.DRAFT: _l("Draft"),
    ScenarioStatus.ADOPTED: _l("Adopted"),
    ScenarioStatus.WHAT_IF: _l("Published as “what you would receive”"),
}


class AllocationScenario(TimestampMixin, db.Model):
    __table_args__ = (
        CheckConstraint("central_share_bp between 0 and 10000", name="central_share_in_range"),
        CheckConstraint("minimum_cents >= 0", name="minimum_not_negative"),
        CheckConstraint("status in ('draft', 'adopted', 'what_if')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    # {level: {group_key: cents per pupil}}
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    # The share of formula revenue held centrally, in basis points (2500 = 25%).
    central_share_bp: Mapped[int] = mapped_column(Integer, default=0)
    minimum_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    hold_harmless: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=ScenarioStatus.DRAFT.value)

    school_year = relationship("SchoolYear")

    # These methods are the only way the status changes; an illegal move raises IllegalMove.
    # Every status may move to every other one; moving to the status it has is refused (a
    # second click on a stale page), so nothing is recorded twice.
    def moves(self) -> list[ScenarioStatus]:
        """The statuses this scenario may move to now (the buttons the workspace shows)."""
        return [status for status in ScenarioStatus if status != self.status]

    def adopt(self) -> list["AllocationScenario"]:
        """Put the scenario in force and publish it. A year has one adopted scenario: the one
        adopted before goes back to draft. Returns the scenarios it replaced."""
        if self.status == ScenarioStatus.ADOPTED:
            raise IllegalMove(_l("This scenario is already adopted."))
        replaced = list(
            db.session.scalars(
                select(AllocationScenario).where(
                    AllocationScenario.district_id == self.district_id,
                    AllocationScenario.school_year_id == self.school_year_id,
                    AllocationScenario.status == ScenarioStatus.ADOPTED,
                    AllocationScenario.id != self.id,
                )
            )
        )
        for other in replaced:
            other.status = ScenarioStatus.DRAFT.value
        self.status = ScenarioStatus.ADOPTED.value
        return replaced

    def publish_what_if(self) -> None:
        """Publish the scenario as "what you would receive" (the adopted one, if any, stays
        what the public pages show)."""
        if self.status == ScenarioStatus.WHAT_IF:
            raise IllegalMove(_l("This scenario is already published as “what you would receive”."))
        self.status = ScenarioStatus.WHAT_IF.value

    def withdraw(self) -> None:
        """Take an adopted or published scenario back to draft (no longer public)."""
        if self.status == ScenarioStatus.DRAFT:
            raise IllegalMove(_l("This scenario is already a draft."))
        self.status = ScenarioStatus.DRAFT.value

    def move_to(self, status: ScenarioStatus) -> list["AllocationScenario"]:
        """The transition that leads to `status`; returns the scenarios an adoption replaced."""
        if status == ScenarioStatus.ADOPTED:
            return self.adopt()
        if status == ScenarioStatus.WHAT_IF:
            self.publish_what_if()
        else:
            self.withdraw()
        return []


class EnrollmentImport(TimestampMixin, db.Model):
    """An uploaded enrollment file waiting for confirmation after its preview (kept in the
    database, not a process, so any app server can finish the import)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    # [{"school_id": 1, "counts": {"all": 412, "poverty": 280}}, ...], only when every row is valid
    rows: Mapped[list] = mapped_column(JSON, default=list)
    applied: Mapped[bool] = mapped_column(default=False)

    def mark_applied(self) -> None:
        """Record that the rows were saved; a file is imported once."""
        if self.applied:
            raise IllegalMove(_l("This file was already imported."))
        self.applied = True
