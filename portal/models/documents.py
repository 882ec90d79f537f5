"""Documents made in the background: a packet of paper survey sheets too large for one request.

A job lives in the database from the moment it is asked for until it is purged, so any worker
process on any host can run it (`flask work`), and nothing is lost when one stops. Its moves:

    queued -> running -> done
                      -> failed
    running -> queued (its worker stopped before finishing: tried again)

Claiming a queued job is a conditional UPDATE in services.documents, so two workers never take
the same one; the methods here check the other moves.
"""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.extensions import db
from portal.models.base import IllegalMove, UTCDateTime, utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self):
        return JOB_STATE_LABELS[self]


JOB_STATE_LABELS = {
    JobState.QUEUED: _l("Waiting to start"),
    JobState.RUNNING: _l("Being made"),
    JobState.DONE: _l("Ready"),
    JobState.FAILED: _l("Could not be made"),
}

# Every legal move, from state to the states it may go to.
MOVES = {
    JobState.QUEUED: {JobState.RUNNING},
    JobState.RUNNING: {JobState.DONE, JobState.FAILED, JobState.QUEUED},
    JobState.DONE: set(),
    JobState.FAILED: set(),
}


class DocumentJob(db.Model):
    """One document to make: what (`kind` and `parameters`), for whom, and where it stands.

    `subject_id` is the row the document is about (the survey, for paper sheets), for listing.
    The finished PDF is kept in `pdf` (loaded only when downloaded), so every app server can
    serve it."""

    __tablename__ = "document_job"
    __table_args__ = (
        CheckConstraint("state in ('queued', 'running', 'done', 'failed')", name="state_known"),
        db.Index("ix_document_job_state_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("district.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED.value)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(120), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer, default=0)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    error: Mapped[str] = mapped_column(Text, default="")

    requested_by = relationship("User")

    def __init__(self, **kwargs):
        kwargs.setdefault("state", JobState.QUEUED.value)
        kwargs.setdefault("attempts", 0)
        super().__init__(**kwargs)

    @property
    def job_state(self) -> JobState:
        return JobState(self.state)

    @property
    def pending(self) -> bool:
        """Still to be made (waiting or being made)."""
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    def _move(self, to: JobState) -> None:
        if to not in MOVES[self.job_state]:
            raise IllegalMove(f"document job {self.id}: {self.state} -> {to}")
        self.state = to.value

    def finish(self, pdf: bytes, pages: int) -> None:
        """The document is made: keep it, ready to download."""
        self._move(JobState.DONE)
        self.pdf, self.pages, self.size = pdf, pages, len(pdf)
        self.finished_at = utcnow()
        self.error = ""

    def fail(self, error: str) -> None:
        """It could not be made: keep why (for staff and the log), and nothing else."""
        self._move(JobState.FAILED)
        self.error = error[:2000]
        self.finished_at = utcnow()

    def retry(self) -> None:
        """Its worker stopped: back in the queue."""
        self._move(JobState.QUEUED)
        self.started_at = None
        self.worker = ""
