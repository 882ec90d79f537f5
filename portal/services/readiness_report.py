"""The readiness report: the three tiers side by side (page and PDF). It reads the interviews
only as counts and as the notes the facilitator allowed to be quoted."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from portal.content.readiness_inventory import QUESTIONS_BY_KEY
from portal.extensions import db
from portal.models import InventoryAnswer, ReadinessAssessment
from portal.models.surveys import SurveyArea
from portal.services.interviews import observation_counts, shareable_notes
from portal.services.readiness import classifications, roundtable_notes
from portal.services.survey_results import area_means


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


@dataclass(frozen=True)
class PerceptionGap:
    """One area's three tiers: the community's mean, officials' view, interview mentions."""

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


def report(assessment: ReadinessAssessment) -> dict:
    """What the report (page and PDF) shows: the three tiers side by side. Nothing from the
    interviews but counts and the notes the facilitator allowed to be quoted."""
    verdicts = classifications(assessment.id)
    by_code, _by_area = observation_counts(assessment.id)
    return {
        "tier1": area_means(assessment.tier1_survey_id) if assessment.tier1_survey_id else {},
        "verdicts": verdicts,
        "verdict_counts": Counter(verdicts.values()),
        "notes": roundtable_notes(assessment.id),
        "by_code": by_code,
        "quotes": shareable_notes(assessment.id),
        "gaps": perception_gaps(assessment),
    }
