"""All models, importable from one place so Alembic sees every table."""

from portal.models.accounts import LoginSession, Role, RoleGrant, SignInAttempt, User
from portal.models.allocation import (
    AllocationScenario,
    Enrollment,
    EnrollmentImport,
    FundingStream,
    NeedGroup,
    PriorAllocation,
)
from portal.models.district import District, School, SchoolLevel, SchoolYear
from portal.models.readiness import Interview as Interview
from portal.models.readiness import (
    InterviewObservation,
    InterviewQuestion,
    InventoryAnswer,
    InventoryInvite,
    ReadinessAssessment,
    RoundtableNote,
)
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

__all__ = [
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
