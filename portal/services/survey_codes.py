"""The survey's codes: one-time access codes handed out to people (only their hashes are
stored, never linked to a response), and the codes printed on paper sheets (a serial and a
keyed check, so a sheet is typed in once and a made-up code is refused)."""

import hashlib
import hmac
import re
import secrets

from portal.extensions import db
from portal.models.surveys import Survey, SurveyAccessCode


def hash_code(code: str) -> str:
    """What is stored of a code (or a form's receipt): its hash, case and spaces aside."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed by hand


def generate_access_codes(survey: Survey, count: int, batch_label: str) -> list[str]:
    """Create `count` one-time codes; only their hashes are stored. Returns the codes to print."""
    codes = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _ in range(8)))
    for code in sorted(codes):
        db.session.add(
            SurveyAccessCode(
                survey_id=survey.id, code_hash=hash_code(code), batch_label=batch_label
            )
        )
    return sorted(codes)


def sheet_code(secret: str, survey_id: int, serial: int) -> str:
    """The code printed on paper sheet `serial`: the serial and a keyed check, e.g. "0042-K7Q"."""
    digest = hmac.new(secret.encode(), f"{survey_id}:{serial}".encode(), hashlib.sha256).digest()
    check = "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:3])
    return f"{serial:04d}-{check}"


def parse_sheet_code(secret: str, survey_id: int, raw: str) -> str | None:
    """The normalized sheet code if `raw` is one we printed for this survey, else None."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*-?\s*([A-Za-z0-9]{3})\s*", raw or "")
    if not match:
        return None
    expected = sheet_code(secret, survey_id, int(match.group(1)))
    given = f"{int(match.group(1)):04d}-{match.group(2).upper()}"
    return expected if hmac.compare_digest(expected, given) else None
