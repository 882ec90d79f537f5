"""All models, importable from one place so Alembic sees every table."""

# Modules whose tables are read through their own services, imported so Alembic sees them.
from portal.models import (  # noqa: F401
    district_imports,
    rate_limits,
    staffing,
    survey_guard,
    year_rollover,
)
from portal.models.account_tokens import AccountToken  # noqa: F401
from portal.models.accounts import LoginSession, Role, RoleGrant, SignInAttempt, User
from portal.models.allocation import (
    AllocationScenario,
    Enrollment,
    EnrollmentImport,
    FundingStream,
    NeedGroup,
    PriorAllocation,
)
from portal.models.audit import AuditEntry
from portal.models.bulletins import (
    Bulletin,
    BulletinImage,
    BulletinRevision,
    BulletinTranslation,
    OutboxMessage,
    ShortLink,
    Subscriber,
)
from portal.models.calendar import CalendarEvent, EventRequirement, PhaseWindow
from portal.models.committees import (
    AgendaItem,
    Committee,
    CommitteeMember,
    Meeting,
    MeetingDocument,
    MinutesAmendment,
    MinutesVersion,
    Motion,
    MotionVote,
)
from portal.models.district import District, School, SchoolLevel, SchoolYear
from portal.models.documents import DocumentJob as DocumentJob
from portal.models.feedback import Feedback
from portal.models.notices import (  # noqa: F401
    AnswerWatch,
    Follow,
    Notice,
    NoticeDelivery,
    NoticePreference,
)
from portal.models.page_cache import PageCacheEntry, PageVersion  # noqa: F401
from portal.models.plan_versions import PlanVersion
from portal.models.planning import (
    BudgetLine,
    DistrictGoal,
    GlossaryTerm,
    Goal,
    GoalMeasurement,
    Investment,
    InvestmentCategory,
    PlanAction,
    PlanReviewComment,
    SchoolPlan,
    Strategy,
)
from portal.models.readiness import Interview as Interview
from portal.models.readiness import (
    InterviewObservation,
    InterviewQuestion,
    InventoryAnswer,
    InventoryInvite,
    ReadinessAssessment,
    RoundtableNote,
)
from portal.models.staffing import BaseProgramRule, SalaryRate, StaffRole
from portal.models.surveys import (
    PaperSheetUse,
    Survey,
    SurveyAccessCode,
    SurveyAnswer,
    SurveyItem,
    SurveyResponse,
    SurveySubmissionReceipt,
    SurveyTally,
)
from portal.models.two_factor import RecoveryCode, TwoFactorSecret  # noqa: F401

__all__ = [
    "AgendaItem",
    "BaseProgramRule",
    "SalaryRate",
    "StaffRole",
    "AuditEntry",
    "Committee",
    "CommitteeMember",
    "Feedback",
    "MeetingDocument",
    "MinutesAmendment",
    "MinutesVersion",
    "Meeting",
    "Motion",
    "MotionVote",
    "Bulletin",
    "BulletinImage",
    "BulletinRevision",
    "BulletinTranslation",
    "OutboxMessage",
    "ShortLink",
    "Subscriber",
    "BudgetLine",
    "CalendarEvent",
    "DistrictGoal",
    "EventRequirement",
    "GlossaryTerm",
    "Goal",
    "GoalMeasurement",
    "Investment",
    "InvestmentCategory",
    "PhaseWindow",
    "PlanAction",
    "PlanVersion",
    "PlanReviewComment",
    "SchoolPlan",
    "Strategy",
    "AllocationScenario",
    "District",
    "Enrollment",
    "EnrollmentImport",
    "FundingStream",
    "NeedGroup",
    "PriorAllocation",
    "Interview",
    "InterviewObservation",
    "InterviewQuestion",
    "InventoryAnswer",
    "InventoryInvite",
    "ReadinessAssessment",
    "RoundtableNote",
    "LoginSession",
    "PaperSheetUse",
    "Survey",
    "SurveyAccessCode",
    "SurveyAnswer",
    "SurveyItem",
    "SurveyResponse",
    "SurveySubmissionReceipt",
    "SurveyTally",
    "Role",
    "RoleGrant",
    "School",
    "SchoolLevel",
    "SchoolYear",
    "SignInAttempt",
    "User",
]
