"""All models, importable from one place so Alembic sees every table."""

from portal.models.accounts import LoginSession, Role, RoleGrant, SignInAttempt, User
from portal.models.district import District, School, SchoolLevel, SchoolYear

__all__ = [
    "District",
    "LoginSession",
    "Role",
    "RoleGrant",
    "School",
    "SchoolLevel",
    "SchoolYear",
    "SignInAttempt",
    "User",
]
