"""Survey submissions dropped as machine-sent or replayed, counted per survey, reason and day,
so staff can see floods without any answer of them being stored."""

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class DropReason(enum.StrEnum):
    """Why a submission was dropped."""

    HONEYPOT = "honeypot"  # the field people never see was filled in
    TOO_FAST = "too_fast"  # sent sooner after the form was drawn than anyone can read it
    NO_RECEIPT = "no_receipt"  # the form's receipt was missing
    FORGED = "forged"  # a receipt the server did not issue (or for another survey)
    EXPIRED = "expired"  # a receipt too old to accept
    REUSED = "reused"  # a receipt whose answers were already stored
    TOO_MANY = "too_many"  # more from one address than the flood limit allows

    @property
    def label(self) -> str:
        return str(DROP_REASON_LABELS[self])


DROP_REASON_LABELS = {
    DropReason.HONEYPOT: _l("filled in the hidden field only machines see"),
    DropReason.TOO_FAST: _l("sent faster than anyone can read the questions"),
    DropReason.NO_RECEIPT: _l("sent without the form's receipt"),
    DropReason.FORGED: _l("sent with a receipt this site did not give"),
    DropReason.EXPIRED: _l("sent with a form more than a day old"),
    DropReason.REUSED: _l("sent again with a form already used"),
    DropReason.TOO_MANY: _l("sent from one address more often than the limit allows"),
}


class DroppedSubmission(db.Model):
    """How many submissions to a survey were dropped for one reason on one day (UTC)."""

    __tablename__ = "survey_dropped_submission"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
