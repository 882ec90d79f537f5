"""People in a school's budget: the district's list of staff roles, what a full-time person in
each role costs on average in a school year (salary and benefits), and the base program every
school must keep staffed. A school budgets positions as investments (planning.Investment with
kind "position"); this module holds the district's side."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TimestampMixin, TranslatableMixin, TranslatedText

# FTE is stored in hundredths: 100 is one full-time person, 50 is half-time. Integer, so that a
# cost is rate x hundredths / 100 in integer cents and never a float.
FTE_ONE = 100


class RoleGroup(StrEnum):
    """What kind of adult a role is: the groups a parent sees ("18 teachers, 3 aides, ...")
    and the equity view counts per 100 students."""

    ADMINISTRATOR = "administrator"
    TEACHER = "teacher"
    SPECIAL_EDUCATION = "special_education"
    AIDE = "aide"
    COUNSELOR = "counselor"
    NURSE = "nurse"
    LIBRARIAN = "librarian"
    COORDINATOR = "coordinator"
    OFFICE = "office"
    CUSTODIAL = "custodial"
    OTHER = "other"

    @property
    def label(self):
        return ROLE_GROUP_LABELS[self]


ROLE_GROUP_LABELS = {
    RoleGroup.ADMINISTRATOR: _l("Principals and assistant principals"),
    RoleGroup.TEACHER: _l("Teachers"),
    RoleGroup.SPECIAL_EDUCATION: _l("Special education teachers"),
    RoleGroup.AIDE: _l("Aides"),
    RoleGroup.COUNSELOR: _l("Counselors"),
    RoleGroup.NURSE: _l("Nurses"),
    RoleGroup.LIBRARIAN: _l("Librarians"),
    RoleGroup.COORDINATOR: _l("Coordinators"),
    RoleGroup.OFFICE: _l("Office staff"),
    RoleGroup.CUSTODIAL: _l("Custodians"),
    RoleGroup.OTHER: _l("Other staff"),
}


class PositionCosting(StrEnum):
    """How a district prices a school's positions (guidebook ch. 2, Box 2.2): at the district's
    average salary and benefits for the role, or at what the person actually costs."""

    AVERAGE = "average"
    ACTUAL = "actual"

    @property
    def label(self):
        return COSTING_LABELS[self]


COSTING_LABELS = {
    PositionCosting.AVERAGE: _l("At the district's average salary and benefits for the role"),
    PositionCosting.ACTUAL: _l("At each position's actual salary and benefits"),
}


class Recurrence(StrEnum):
    """Whether a cost comes back next year (a salary) or is spent once (start-up technology)."""

    ONGOING = "ongoing"
    ONE_TIME = "one_time"

    @property
    def label(self):
        return RECURRENCE_LABELS[self]


RECURRENCE_LABELS = {
    Recurrence.ONGOING: _l("Ongoing: it comes back every year"),
    Recurrence.ONE_TIME: _l("One-time: spent this year only"),
}


class StaffRole(TranslatableMixin, db.Model):
    """One role on the district's list ("Teacher, grades K-5", "Counselor")."""

    __table_args__ = (UniqueConstraint("district_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))  # the finance system's job code
    name: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    group: Mapped[str] = mapped_column(String(24), default=RoleGroup.OTHER.value)
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def group_label(self):
        return RoleGroup(self.group).label


class SalaryRate(TimestampMixin, db.Model):
    """What one full-time person in a role costs the district in a school year, on average:
    salary plus benefits, in cents."""

    __table_args__ = (
        UniqueConstraint("staff_role_id", "school_year_id"),
        CheckConstraint("salary_cents >= 0", name="salary_not_negative"),
        CheckConstraint("benefits_cents >= 0", name="benefits_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_role_id: Mapped[int] = mapped_column(ForeignKey("staff_role.id", ondelete="CASCADE"))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    salary_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    benefits_cents: Mapped[int] = mapped_column(BigInteger, default=0)

    role: Mapped[StaffRole] = relationship()

    @property
    def full_time_cents(self) -> int:
        return self.salary_cents + self.benefits_cents


class BaseProgramRule(db.Model):
    """A position every school (of a level, or all) must keep: at least `minimum_fte` of the
    role, and at least one full-time person per `students_per_fte` students when that is set
    ("a principal", "one K-5 teacher per 24 students", "one office manager")."""

    __table_args__ = (
        CheckConstraint("minimum_fte >= 0", name="minimum_fte_not_negative"),
        CheckConstraint(
            "students_per_fte IS NULL OR students_per_fte > 0", name="students_per_fte_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    staff_role_id: Mapped[int] = mapped_column(ForeignKey("staff_role.id", ondelete="CASCADE"))
    level: Mapped[str | None] = mapped_column(String(16))  # a SchoolLevel, or None: every school
    minimum_fte: Mapped[int] = mapped_column(Integer, default=0)  # hundredths
    students_per_fte: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    role: Mapped[StaffRole] = relationship()
