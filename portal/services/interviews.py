"""Tier 3 of the readiness assessment: the facilitator's interview protocol, the interviews
and their coded observations. Confidential: only the facilitator's routes call the writing
functions, and the report reads nothing but counts and the notes allowed to be quoted."""

from collections import Counter
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.content.readiness_inventory import QUESTIONS_BY_KEY
from portal.extensions import db
from portal.models import (
    Interview,
    InterviewObservation,
    InterviewQuestion,
    ReadinessAssessment,
)
from portal.models.readiness import ObservationCode, Verdict
from portal.models.surveys import SurveyArea
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.readiness import classifications, roundtable_notes
from portal.services.survey_results import area_means

WEAK_AREA_BELOW = 2.5  # a Tier 1 area whose mean agreement is below this is "weak"


def observation_counts(assessment_id: int) -> tuple[Counter, Counter]:
    """How often interviews noted each code, and touched each survey area (counts only)."""
    rows = db.session.execute(
        select(InterviewObservation.code, InterviewObservation.survey_area, func.count())
        .join(Interview)
        .where(Interview.assessment_id == assessment_id)
        .group_by(InterviewObservation.code, InterviewObservation.survey_area)
    ).all()
    by_code, by_area = Counter(), Counter()
    for code, area, count in rows:
        by_code[code] += count
        if area:
            by_area[area] += count
    return by_code, by_area


def shareable_notes(assessment_id: int) -> list[InterviewObservation]:
    """Observations the facilitator allowed to be quoted; the report shows them without names."""
    return list(
        db.session.scalars(
            select(InterviewObservation)
            .join(Interview)
            .where(Interview.assessment_id == assessment_id, InterviewObservation.shareable)
            .order_by(InterviewObservation.id)
        )
    )


def suggested_interview_questions(assessment: ReadinessAssessment) -> list[str]:
    """Protocol questions drawn from Tier 1 weak areas and Tier 2 contention."""
    suggestions = []
    if assessment.tier1_survey_id:
        for area, (mean, n) in area_means(assessment.tier1_survey_id).items():
            if mean is not None and n and mean < WEAK_AREA_BELOW:
                label = SurveyArea(area).label
                suggestions.append(
                    _(
                        "The community rated %(area)s low (%(mean)s of 4). What do you see "
                        "behind that, and what would change it?",
                        area=label,
                        mean=f"{mean:.2f}",
                    )
                )
    notes = roundtable_notes(assessment.id)
    for key, verdict in classifications(assessment.id).items():
        note = notes.get(key)
        if verdict == Verdict.CONTENTION or (
            note and (note.contentious or note.carry_to_interviews)
        ):
            suggestions.append(
                _(
                    "Officials disagreed on: “%(question)s” How do you see it, and why?",
                    question=QUESTIONS_BY_KEY[key].text,
                )
            )
    return suggestions


def next_protocol_position(assessment_id: int) -> int:
    """The place of a question added at the end of the protocol."""
    current = db.session.scalar(
        select(func.max(InterviewQuestion.position)).where(
            InterviewQuestion.assessment_id == assessment_id
        )
    )
    return (current or 0) + 1


def protocol(assessment_id: int) -> list[InterviewQuestion]:
    """The interview protocol's questions, in order."""
    return list(
        db.session.scalars(
            select(InterviewQuestion)
            .where(InterviewQuestion.assessment_id == assessment_id)
            .order_by(InterviewQuestion.position)
        )
    )


def interviews_of(assessment_id: int) -> list[Interview]:
    """The interviews held for the assessment, latest first."""
    return list(
        db.session.scalars(
            select(Interview)
            .where(Interview.assessment_id == assessment_id)
            .order_by(Interview.held_on.desc())
        )
    )


def add_protocol_question(assessment: ReadinessAssessment, actor, text: str) -> InterviewQuestion:
    """Append a question to the interview protocol."""
    text = text.strip()
    if not text:
        raise Rejected({"text": _("Write the question.")})
    question = InterviewQuestion(
        assessment_id=assessment.id,
        position=next_protocol_position(assessment.id),
        text=text[:1000],
    )
    db.session.add(question)
    return question


def log_interview(
    assessment: ReadinessAssessment,
    actor,
    *,
    interviewee_role: str,
    held_on: date | None,
    department: str = "",
    interviewee_name: str = "",
    notes: str = "",
) -> Interview:
    """Record an interview held by the facilitator (`actor`)."""
    errors = {}
    if not interviewee_role.strip():
        errors["interviewee_role"] = _("Enter the person's role.")
    if held_on is None:
        errors["held_on"] = _("Choose a date.")
    if errors:
        raise Rejected(errors)
    interview = Interview(
        assessment_id=assessment.id,
        interviewee_role=interviewee_role.strip()[:120],
        department=department.strip()[:120],
        interviewee_name=interviewee_name.strip()[:200],
        held_on=held_on,
        notes=notes.strip()[:20000],
        logged_by_id=actor.id,
    )
    db.session.add(interview)
    db.session.flush()
    return interview


def interview_of(assessment: ReadinessAssessment, interview_id: int) -> Interview | None:
    """The assessment's interview `interview_id`, or None (another assessment's is None too)."""
    record = db.session.get(Interview, interview_id)
    return record if record is not None and record.assessment_id == assessment.id else None


def add_observation(
    interview: Interview,
    actor,
    *,
    code: str,
    survey_area: str = "",
    note: str = "",
    needs: str = "",
    shareable: bool = False,
) -> InterviewObservation:
    """Add a coded observation to an interview."""
    errors = {}
    if code not in {c.value for c in ObservationCode}:
        errors["code"] = _("Choose what you observed.")
    if survey_area and survey_area not in {a.value for a in SurveyArea}:
        errors["survey_area"] = _("Choose an area from the list.")
    if errors:
        raise Rejected(errors)
    observation = InterviewObservation(
        code=code,
        survey_area=survey_area,
        note=note.strip()[:5000],
        needs=needs.strip()[:5000],
        shareable=shareable,
    )
    interview.observations.append(observation)
    return observation


def delete_interview(interview: Interview, actor) -> None:
    """Delete an interview record and its observations (the log keeps that it happened)."""
    record_audit(
        actor,
        "interview.deleted",
        "interview",
        interview.id,
        {"assessment": interview.assessment_id},
    )
    db.session.delete(interview)


# Reading confidential notes is recorded: who opened which interview, and when; never what the
# notes say. (The entries are not changes, so no-GET-writes tests leave them out: READ_ACTIONS.)
READ = "interview.read"
QUOTED = "interview.quoted"


def record_reading(actor, interview: Interview) -> None:
    """An audit entry for `actor` opening one interview's notes and observations."""
    record_audit(actor, READ, "interview", interview.id, {"assessment": interview.assessment_id})


def record_quoting(actor, assessment: ReadinessAssessment, quotes, shown_as: str) -> None:
    """An audit entry for the report showing interview notes the facilitator allowed to be
    quoted (`shown_as`: "page" or "pdf"): which interviews, never the words. None if no quote."""
    interview_ids = sorted({quote.interview_id for quote in quotes})
    if interview_ids:
        record_audit(
            actor,
            QUOTED,
            "readiness_assessment",
            assessment.id,
            {"interviews": interview_ids, "shown_as": shown_as},
        )
