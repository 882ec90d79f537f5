"""What keeps machine-sent answers out of a survey, and counts what it kept out.

A form's receipt is issued by the server when the form is drawn: signed with the app's secret, it
names the survey, the time it was drawn and a random nonce (spent once when the answers are
stored, see services.surveys.record_response). A submission is dropped, and counted here per
survey, reason and day, when its receipt is missing, forged, too old or already spent, when it
comes sooner after the form was drawn than anyone can read the questions, when the hidden field
only machines see is filled in, or when its address sent more than the flood limit allows. No
answer of a dropped submission is stored anywhere.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db
from portal.models.survey_guard import DroppedSubmission, DropReason
from portal.services.errors import Rejected

RECEIPT_SALT = "survey-receipt"
# What a person reading a question and choosing an answer needs at the very least, and the time
# for the "about you" screen; the survey's minimum is capped by the SURVEY_MIN_FILL_SECONDS setting.
SECONDS_PER_QUESTION = 1.0
SECONDS_FOR_ABOUT_YOU = 2.0


@dataclass(frozen=True)
class ReceiptRules:
    """How receipts are signed and checked (from the app's settings)."""

    secret: str
    min_fill_seconds: float  # the ceiling; see minimum_fill_seconds
    max_age_seconds: float


@dataclass(frozen=True)
class Receipt:
    """A receipt as read back: the survey it was drawn for, when, and its one-time nonce."""

    survey_id: int
    drawn_at: float
    nonce: str


class Dropped(Rejected):
    """A submission that is not stored: `reason` says why (counted by count_dropped)."""

    def __init__(self, reason: DropReason, message: str | None = None):
        self.reason = reason
        super().__init__({}, message or check_again_message())


def check_again_message() -> str:
    """What a person sees when a submission was dropped for its timing or its receipt."""
    return _("Please take a moment to check your answers, then send them again.")


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=RECEIPT_SALT)


def issue_receipt(rules: ReceiptRules, survey_id: int, now: float | None = None) -> str:
    """A new receipt for a form of `survey_id` drawn `now`."""
    drawn = round(time.time() if now is None else now, 3)
    return _serializer(rules.secret).dumps([survey_id, drawn, secrets.token_hex(16)])


def read_receipt(rules: ReceiptRules, survey_id: int, token: str | None) -> Receipt | None:
    """The receipt `token` if this server issued it for this survey, else None."""
    if not token:
        return None
    try:
        sid, drawn, nonce = _serializer(rules.secret).loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if sid != survey_id or not isinstance(drawn, int | float) or not isinstance(nonce, str):
        return None
    return Receipt(sid, float(drawn), nonce)


def is_expired(rules: ReceiptRules, receipt: Receipt, now: float | None = None) -> bool:
    """Whether the receipt is older than the setting allows."""
    return (time.time() if now is None else now) - receipt.drawn_at > rules.max_age_seconds


def minimum_fill_seconds(rules: ReceiptRules, survey) -> float:
    """The least time between drawing a survey's form and sending it: a second a question and
    two for "about you", but never more than the setting (a long survey is not slower to send)."""
    scaled = SECONDS_FOR_ABOUT_YOU + SECONDS_PER_QUESTION * len(survey.items)
    return max(0.0, min(rules.min_fill_seconds, scaled))


def check_receipt(rules: ReceiptRules, survey, token: str | None, now: float | None = None):
    """The receipt of a submission, or Dropped: missing, forged (or for another survey), older
    than the setting, or sent sooner than minimum_fill_seconds after the form was drawn."""
    now = time.time() if now is None else now
    if not token:
        raise Dropped(DropReason.NO_RECEIPT)
    receipt = read_receipt(rules, survey.id, token)
    if receipt is None:
        raise Dropped(DropReason.FORGED)
    if is_expired(rules, receipt, now):
        raise Dropped(DropReason.EXPIRED)
    if now - receipt.drawn_at < minimum_fill_seconds(rules, survey):
        raise Dropped(DropReason.TOO_FAST)
    return receipt


def count_dropped(survey_id: int, reason: DropReason, day: date | None = None) -> None:
    """Add one to the survey's count of submissions dropped for `reason` today (UTC), in its
    own short transaction: the request's own work is rolled back, the count stays. Call it with
    no write pending in the request's session (SQLite has one writer at a time)."""
    day = day or datetime.now(UTC).date()
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    table = DroppedSubmission.__table__
    stmt = insert(table).values(survey_id=survey_id, reason=reason.value, day=day, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.survey_id, table.c.reason, table.c.day],
        set_={"count": table.c.count + 1},
    )
    with db.engine.begin() as conn:
        conn.execute(stmt)


def dropped_counts(survey_id: int) -> list[tuple[DropReason, int]]:
    """How many submissions to the survey were dropped, by reason (most first), all days."""
    totals: dict[str, int] = {}
    rows = db.session.execute(
        select(DroppedSubmission.reason, DroppedSubmission.count).where(
            DroppedSubmission.survey_id == survey_id
        )
    )
    for reason, count in rows:
        totals[reason] = totals.get(reason, 0) + count
    known = {r.value: r for r in DropReason}
    pairs = [(known[r], n) for r, n in totals.items() if r in known]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0].value))
