"""Two-step sign-in: time-based codes from an authenticator app (TOTP, RFC 6238: HMAC-SHA1,
6 digits, 30-second steps) and ten single-use recovery codes.

Codes are accepted one step either side of now (clocks drift); a step once used is never
accepted again. Wrong codes count toward the same limit as wrong passwords
(portal.services.throttle). The secret is stored sealed (portal.services.sealing).
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.two_factor import RecoveryCode, TwoFactorSecret
from portal.services import sealing, throttle
from portal.services.audit import record_audit
from portal.services.errors import Rejected

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODES = 10
SETUP_MAX_AGE = 3600  # seconds a page showing a new secret stays valid
SECRET_PURPOSE = "two-factor-secret"  # noqa: S105 - a key-derivation label, not a secret
SETUP_PURPOSE = "two-factor-setup"
RECOVERY_PURPOSE = "two-factor-recovery"


# --- the code itself (RFC 4226 HOTP over RFC 6238 time steps) -------------------------------


def new_secret() -> str:
    """A random 160-bit secret, in base32 as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret: str, step: int) -> str:
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def _now() -> float:
    """The clock codes are checked against (tests move it)."""
    return time.time()


def step_at(moment: float | None = None) -> int:
    return int((_now() if moment is None else moment) // STEP_SECONDS)


def matching_step(secret: str, code: str, after_step: int, moment: float | None = None):
    """The step (now, one before or one after) whose code is `code`, if later than
    `after_step` (the last one used), else None."""
    now = step_at(moment)
    for step in (now - 1, now, now + 1):
        if step > after_step and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def grouped(secret: str) -> str:
    """The secret in groups of four, to type into a phone without a camera."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def setup_link(secret: str, email: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{email}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": 30})
    return f"otpauth://totp/{label}?{query}"


def qr_data_uri(link: str) -> str:
    """A PNG QR code of `link` as a data: address for an <img> (the CSP allows data: images)."""
    return segno.make(link, error="m").png_data_uri(scale=5, border=2)


# --- who must use it, and who has it -------------------------------------------------------


def required_for(user) -> bool:
    """Does the account hold a role that must use two-step sign-in (TWO_FACTOR_REQUIRED_ROLES:
    admins and facilitators, who can read interview notes)?"""
    required = set(current_app.config.get("TWO_FACTOR_REQUIRED_ROLES") or ())
    return bool(required & {grant.role for grant in user.grants})


def credential(user_id: int) -> TwoFactorSecret | None:
    return db.session.scalars(
        select(TwoFactorSecret).where(TwoFactorSecret.user_id == user_id)
    ).first()


def is_enrolled(user) -> bool:
    return credential(user.id) is not None


def recovery_codes_left(user_id: int) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


# --- enrolling ------------------------------------------------------------------------------


def setup_token(user, secret: str) -> str:
    """The new secret sealed for the enrolment form (nothing is stored until a code works)."""
    return sealing.seal(f"{user.id}:{secret}:{int(_now())}", SETUP_PURPOSE)


def secret_from_setup(user, token: str) -> str | None:
    opened = sealing.unseal(token or "", SETUP_PURPOSE)
    if not opened:
        return None
    user_id, secret, issued = opened.split(":")
    if int(user_id) != user.id or _now() - int(issued) > SETUP_MAX_AGE:
        return None
    return secret


def _normal_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _new_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _c in range(10))
        db.session.add(
            RecoveryCode(user_id=user_id, code_hash=sealing.keyed_hash(raw, RECOVERY_PURPOSE))
        )
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def enable(user, secret: str, code: str) -> list[str]:
    """Turn two-step sign-in on once the first code from the app works. Returns the recovery
    codes (shown once; only their hashes are kept). Raises Rejected({"code": why})."""
    if credential(user.id) is not None:
        raise Rejected({"code": _("Two-step sign-in is already on for this account.")})
    step = matching_step(secret, _normal_code(code), after_step=0)
    if step is None:
        raise Rejected({"code": _("That code does not match. Type the code the app shows now.")})
    db.session.add(
        TwoFactorSecret(
            user_id=user.id,
            sealed_secret=sealing.seal(secret, SECRET_PURPOSE),
            enabled_at=utcnow(),
            last_used_step=step,
        )
    )
    codes = _new_recovery_codes(user.id)
    record_audit(user, "auth.two_factor_enabled", "user", user.id, {})
    return codes


# --- checking a code ------------------------------------------------------------------------


def _code_matches(user, code: str) -> bool:
    """An app code (its step recorded: no replay) or an unused recovery code (used up)."""
    row = credential(user.id)
    if row is None:
        return False
    code = _normal_code(code)
    if code.isdigit() and len(code) == DIGITS:
        secret = sealing.unseal(row.sealed_secret, SECRET_PURPOSE)
        step = secret and matching_step(secret, code, row.last_used_step or 0)
        if not step:
            return False
        # One UPDATE that only moves forward: two requests racing with the same code cannot
        # both pass.
        moved = db.session.execute(
            update(TwoFactorSecret)
            .where(TwoFactorSecret.id == row.id, TwoFactorSecret.last_used_step < step)
            .values(last_used_step=step)
        ).rowcount
        return moved == 1
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == sealing.keyed_hash(code, RECOVERY_PURPOSE),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    ).rowcount
    if used != 1:
        return False
    record_audit(user, "auth.recovery_code_used", "user", user.id, {})
    return True


def check_code(user, code: str, client: str, policy: throttle.ThrottlePolicy) -> int | None:
    """None when `code` is right; else the minutes to wait (0: wrong, try again now). Every
    try is counted like a password try (committed by the caller)."""
    wait = throttle.minutes_to_wait(user.email, client, policy)
    if wait:
        return wait
    ok = _code_matches(user, code)
    throttle.record_attempt(user.email, client, ok)
    if not ok:
        record_audit(None, "auth.two_factor_failed", "user", user.id, {})
        return 0
    return None


def disable(user) -> None:
    """Turn two-step sign-in off (the route has checked a current code with check_code and
    committed that try first, so a wrong code counts even though nothing else is saved)."""
    _remove(user.id)
    record_audit(user, "auth.two_factor_disabled", "user", user.id, {})


def reset(user, actor) -> None:
    """An admin turns another account's two-step sign-in off (a lost phone); audited. The
    account's devices are signed out, and a role that requires it enrols again."""
    from portal.services.accounts import revoke_all_sessions

    _remove(user.id)
    revoke_all_sessions(user.id)
    record_audit(actor, "auth.two_factor_reset", "user", user.id, {})


def new_recovery_codes(user) -> list[str]:
    """Replace the recovery codes (after check_code, as for disable)."""
    record_audit(user, "auth.recovery_codes_replaced", "user", user.id, {})
    return _new_recovery_codes(user.id)


def _remove(user_id: int) -> None:
    db.session.execute(delete(TwoFactorSecret).where(TwoFactorSecret.user_id == user_id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


def refusal(wait: int) -> str:
    if wait:
        from portal.services.accounts import throttled_message

        return throttled_message(wait)
    return _("That code does not match. Check the app, or use a recovery code.")
