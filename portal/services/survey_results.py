"""Tier 1 results, aggregated in SQL from the survey's running tallies."""

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.models.surveys import AGREEMENT_SCALE, SurveyArea, SurveyItem, SurveyTally

_SCORE = case(*((SurveyTally.answer == str(score), score) for score in AGREEMENT_SCALE), else_=None)


def area_means(survey_id: int) -> dict[str, tuple[float | None, int]]:
    """For each of the six areas: (mean agreement on the 1-4 scale, number of scored answers).

    "Don't know" answers are not scored. An area with no scored answers has mean None.
    """
    rows = db.session.execute(
        select(
            SurveyItem.area,
            func.sum(SurveyTally.count * _SCORE),
            func.sum(case((_SCORE.is_not(None), SurveyTally.count), else_=0)),
        )
        .join(SurveyItem, SurveyItem.id == SurveyTally.item_id)
        .where(SurveyTally.survey_id == survey_id)
        .group_by(SurveyItem.area)
    ).all()
    found = {area: (total, n) for area, total, n in rows}
    result = {}
    for area in SurveyArea:
        total, n = found.get(area.value, (None, 0))
        n = int(n or 0)
        result[area.value] = (round(float(total) / n, 2) if n else None, n)
    return result
