"""Readiness assessment rules (Tiers 2 and 3 and the report). Plain functions; callers commit."""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.content.readiness_inventory import QUESTIONS, QUESTIONS_BY_KEY
from portal.extensions import db
from portal.models import (
    Interview,
    InterviewObservation,
    InventoryAnswer,
    ReadinessAssessment,
    RoundtableNote,
)
from portal.models.surveys import SurveyArea
from portal.services.survey_results import area_means

WEAK_AREA_BELOW = 2.5  # a Tier 1 area whose mean agreement is below this is "weak"


def classify_agreement(ratings: list[int | None]) -> str:
    """Consensus or contention among officials' ratings (1 clear strength ... 4 clear weakness).

    "too_few": fewer than two ratings. "contention": some see a strength and others a weakness,
    two or more points apart. "consensus": all within one point on the same side. Else "mixed".
    """
    given = [r for r in ratings if r is not None]
    if len(given) < 2:
        return "too_few"
    spread = max(given) - min(given)
    strength = any(r <= 2 for r in given)
    weakness = any(r >= 3 for r in given)
    if strength and weakness and spread >= 2:
        return "contention"
    if spread <= 1 and not (strength and weakness):
        return "consensus"
    return "mixed"


def answers_by_question(assessment_id: int) -> dict[str, list[InventoryAnswer]]:
    rows = db.session.scalars(
        select(InventoryAnswer)
        .where(InventoryAnswer.assessment_id == assessment_id)
        .order_by(InventoryAnswer.user_id)
    )
    grouped: dict[str, list[InventoryAnswer]] = {}
    for row in rows:
        grouped.setdefault(row.question_key, []).append(row)
    return grouped


def classifications(assessment_id: int) -> dict[str, str]:
    grouped = answers_by_question(assessment_id)
    return {
        q.key: classify_agreement([a.rating for a in grouped.get(q.key, [])]) for q in QUESTIONS
    }


def _valid_link(link: str) -> bool:
    parts = urlsplit(link)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def save_inventory(assessment: ReadinessAssessment, user_id: int, form) -> dict[str, str]:
    """Store one official's inventory answers from form data. Returns errors by field (then
    nothing is written by the caller, who rolls back)."""
    if assessment.roundtable_closed:
        return {
            "form": _("The roundtable has closed this inventory; answers can no longer change.")
        }
    errors: dict[str, str] = {}
    existing = {
        a.question_key: a
        for a in db.session.scalars(
            select(InventoryAnswer).where(
                InventoryAnswer.assessment_id == assessment.id, InventoryAnswer.user_id == user_id
            )
        )
    }
    for question in QUESTIONS:
        prefix = question.key
        raw_rating = (form.get(f"{prefix}.rating") or "").strip()
        rating = None
        if raw_rating not in ("", "unsure"):
            if raw_rating.isdigit() and 1 <= int(raw_rating) <= 4:
                rating = int(raw_rating)
            else:
                errors[f"{prefix}.rating"] = _("Choose one of the ratings.")
        links = [line.strip() for line in (form.get(f"{prefix}.links") or "").splitlines()]
        links = [line for line in links if line]
        if any(not _valid_link(link) for link in links):
            errors[f"{prefix}.links"] = _("Each link must start with http:// or https://.")
        answer = (form.get(f"{prefix}.answer") or "").strip()[:5000]
        evidence = (form.get(f"{prefix}.evidence") or "").strip()[:5000]
        chosen = raw_rating != "" or answer or evidence or links
        if not chosen and prefix not in existing:
            continue
        row = existing.get(prefix) or InventoryAnswer(
            assessment_id=assessment.id, user_id=user_id, question_key=prefix
        )
        row.rating, row.answer, row.evidence, row.links = rating, answer, evidence, "\n".join(links)
        db.session.add(row)
    return errors


def save_roundtable_note(
    assessment_id: int, question_key: str, conclusion: str, contentious: bool, carry: bool
) -> RoundtableNote:
    if question_key and question_key not in QUESTIONS_BY_KEY:
        raise ValueError("unknown question")
    note = db.session.scalars(
        select(RoundtableNote).where(
            RoundtableNote.assessment_id == assessment_id,
            RoundtableNote.question_key == question_key,
        )
    ).first() or RoundtableNote(assessment_id=assessment_id, question_key=question_key)
    note.conclusion = conclusion.strip()[:5000]
    note.contentious = contentious
    note.carry_to_interviews = carry
    db.session.add(note)
    return note


def roundtable_notes(assessment_id: int) -> dict[str, RoundtableNote]:
    return {
        n.question_key: n
        for n in db.session.scalars(
            select(RoundtableNote).where(RoundtableNote.assessment_id == assessment_id)
        )
    }


def officials_by_survey_area(assessment_id: int) -> dict[str, tuple[float | None, int]]:
    """Officials' ratings mapped onto the six survey areas, on the survey's agreement scale
    (a clear strength, 1, reads as strong agreement, 4): mean and number of ratings per area."""
    totals: dict[str, list[int]] = {}
    for answer in db.session.scalars(
        select(InventoryAnswer).where(
            InventoryAnswer.assessment_id == assessment_id, InventoryAnswer.rating.is_not(None)
        )
    ):
        question = QUESTIONS_BY_KEY.get(answer.question_key)
        if question and question.survey_area:
            totals.setdefault(question.survey_area, []).append(5 - answer.rating)
    return {
        area.value: (
            round(sum(totals[area.value]) / len(totals[area.value]), 2)
            if totals.get(area.value)
            else None,
            len(totals.get(area.value, [])),
        )
        for area in SurveyArea
    }


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


@dataclass(frozen=True)
class PerceptionGap:
    area: SurveyArea
    community_mean: float | None
    community_n: int
    officials_mean: float | None
    officials_n: int
    interview_mentions: int

    @property
    def gap(self) -> float | None:
        """Officials' view minus the community's, on the 1-4 agreement scale."""
        if self.community_mean is None or self.officials_mean is None:
            return None
        return round(self.officials_mean - self.community_mean, 2)


def perception_gaps(assessment: ReadinessAssessment) -> list[PerceptionGap]:
    """For each of the six areas, the three tiers side by side, largest gap first."""
    community = area_means(assessment.tier1_survey_id) if assessment.tier1_survey_id else {}
    officials = officials_by_survey_area(assessment.id)
    _codes, mentions = observation_counts(assessment.id)
    rows = [
        PerceptionGap(
            area,
            *community.get(area.value, (None, 0)),
            *officials[area.value],
            mentions.get(area.value, 0),
        )
        for area in SurveyArea
    ]
    return sorted(rows, key=lambda r: -(abs(r.gap) if r.gap is not None else -1))


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
        if verdict == "contention" or (note and (note.contentious or note.carry_to_interviews)):
            suggestions.append(
                _(
                    "Officials disagreed on: “%(question)s” How do you see it, and why?",
                    question=QUESTIONS_BY_KEY[key].text,
                )
            )
    return suggestions


def next_protocol_position(assessment_id: int) -> int:
    from portal.models import InterviewQuestion

    current = db.session.scalar(
        select(func.max(InterviewQuestion.position)).where(
            InterviewQuestion.assessment_id == assessment_id
        )
    )
    return (current or 0) + 1
