"""Passwords: what a new one must be, how it is hashed (argon2id), checked and upgraded.

The policy (NIST SP 800-63B, OWASP ASVS 2.1): 12 to 128 characters, any characters, no
composition rules, and not on a shipped list of common and breached passwords
(portal/content/common-passwords.txt.gz, see the LICENSE file beside it). Every place that
sets a password calls `set_password` here.
"""

import gzip
from contextlib import suppress
from functools import cache, lru_cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from portal.services.errors import Rejected

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "content" / "common-passwords.txt.gz"
# Shown under every field where a new password is typed.
ADVICE = _l(
    "At least 12 characters. A few unrelated words make a good password; "
    "common passwords are refused."
)


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def problem_with(password: str, email: str = "") -> str | None:
    """Why `password` may not be used as a new password, or None when it may."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(num)d characters.", num=MAX_LENGTH)
    folded = password.strip().lower()
    if folded in _common_passwords() or folded.replace(" ", "") in _common_passwords():
        return _("This password is on a list of common passwords that attackers try first.")
    if email and folded == email.strip().lower():
        return _("Do not use your e-mail address as your password.")
    return None


def set_password(user, password: str, field: str = "password") -> None:
    """Give `user` a new password if the policy allows it; else Rejected({field: why})."""
    problem = problem_with(password, getattr(user, "email", "") or "")
    if problem:
        raise Rejected({field: problem})
    user.password_hash = hash_password(password)


def _cost() -> tuple[int, int, int]:
    """(time cost, memory in KiB, parallelism) from PASSWORD_ARGON2_COST (tests lower it)."""
    time_cost, memory_kib, parallelism = current_app.config["PASSWORD_ARGON2_COST"]
    return int(time_cost), int(memory_kib), int(parallelism)


@lru_cache(maxsize=4)
def _hasher_for(cost: tuple[int, int, int]) -> PasswordHasher:
    time_cost, memory_kib, parallelism = cost
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def hash_password(password: str) -> str:
    """An argon2id hash of `password` at the configured cost (no policy check: see
    set_password)."""
    return _hasher_for(_cost()).hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Does `password` match? Reads argon2 hashes and Werkzeug's older scrypt/pbkdf2 ones."""
    stored_hash = stored_hash or ""
    if stored_hash.startswith("$argon2"):
        try:
            return _hasher_for(_cost()).verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    if stored_hash.startswith(("scrypt:", "pbkdf2:")):
        return check_password_hash(stored_hash, password)
    # No usable hash (an invited account that has not chosen a password yet): spend the time
    # of a check all the same, so the answer's timing does not tell this account apart.
    _dummy_check(password)
    return False


def needs_rehash(stored_hash: str) -> bool:
    """True for a hash older than argon2id at today's cost (rehashed at the next sign-in)."""
    if not (stored_hash or "").startswith("$argon2id$"):
        return True
    try:
        return _hasher_for(_cost()).check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=4)
def _dummy_hash(cost: tuple[int, int, int]) -> str:
    return _hasher_for(cost).hash("no account has this password")


def _dummy_check(password: str) -> None:
    with suppress(VerifyMismatchError):
        _hasher_for(_cost()).verify(_dummy_hash(_cost()), password)


def verify_nothing(password: str) -> None:
    """Spend the time of one check when there is no account to check (an unknown or inactive
    address), so the answer's timing does not tell whether the address has an account."""
    _dummy_check(password)


def change_password(user, new_password: str, keep_token: str | None) -> int:
    """A signed-in person's new password (after the route has checked the current one):
    checked against the policy (Rejected({"new_password": why})), stored, every other device
    signed out, audited. Returns how many devices were signed out."""
    from portal.services.accounts import revoke_all_sessions
    from portal.services.audit import record_audit

    set_password(user, new_password, field="new_password")
    signed_out = revoke_all_sessions(user.id, except_token=keep_token)
    record_audit(user, "account.password_changed", "user", user.id, {"signed_out": signed_out})
    return signed_out
