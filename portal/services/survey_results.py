"""Tier 1 results, aggregated in SQL from the survey's running tallies."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.models.surveys import (
    AGREEMENT_SCALE,
    DONT_KNOW,
    Survey,
    SurveyArea,
    SurveyItem,
    SurveyResponse,
    SurveyState,
    SurveyTally,
)

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


@dataclass(frozen=True)
class ResultFilter:
    """Which respondents a results view covers. None means "all"."""

    role: str | None = None
    school_id: int | None = None  # 0 means "answered for the whole district"
    language: str | None = None

    @property
    def is_breakdown(self) -> bool:
        return any(v is not None for v in (self.role, self.school_id, self.language))


def item_distributions(survey_id: int, where: ResultFilter = ResultFilter()) -> dict:
    """{item_id: {answer: count}} for the respondents `where` selects, summed in SQL."""
    stmt = select(SurveyTally.item_id, SurveyTally.answer, func.sum(SurveyTally.count)).where(
        SurveyTally.survey_id == survey_id
    )
    if where.role is not None:
        stmt = stmt.where(SurveyTally.respondent_role == where.role)
    if where.school_id is not None:
        stmt = stmt.where(SurveyTally.school_id == where.school_id)
    if where.language is not None:
        stmt = stmt.where(SurveyTally.language == where.language)
    result: dict[int, dict[str, int]] = {}
    for item_id, answer, count in db.session.execute(
        stmt.group_by(SurveyTally.item_id, SurveyTally.answer)
    ):
        result.setdefault(item_id, {})[answer] = int(count)
    return result


@dataclass(frozen=True)
class ResponseCounts:
    total: int
    by_channel: dict[str, int]
    by_language: dict[str, int]
    by_role: dict[str, int]


def response_counts(survey_id: int, where: ResultFilter = ResultFilter()) -> ResponseCounts:
    """How many people answered, by channel, language and role (one GROUP BY in SQL)."""
    stmt = select(
        SurveyResponse.channel,
        SurveyResponse.language,
        SurveyResponse.respondent_role,
        func.count(),
    ).where(SurveyResponse.survey_id == survey_id)
    if where.role is not None:
        stmt = stmt.where(SurveyResponse.respondent_role == where.role)
    if where.school_id is not None:
        stmt = stmt.where(
            SurveyResponse.school_id.is_(None)
            if where.school_id == 0
            else SurveyResponse.school_id == where.school_id
        )
    if where.language is not None:
        stmt = stmt.where(SurveyResponse.language == where.language)
    stmt = stmt.group_by(
        SurveyResponse.channel, SurveyResponse.language, SurveyResponse.respondent_role
    )
    total, channel, language, role = 0, Counter(), Counter(), Counter()
    for ch, lang, rl, count in db.session.execute(stmt):
        total += count
        channel[ch] += count
        language[lang] += count
        role[rl] += count
    return ResponseCounts(total, dict(channel), dict(language), dict(role))


@dataclass(frozen=True)
class ItemSummary:
    """One item's answers: counts per answer, how many scored, the mean on the 1-4 scale."""

    counts: dict[str, int]
    scored: int
    dont_know: int
    mean: float | None

    @property
    def answered(self) -> int:
        return self.scored + self.dont_know

    def share(self, answer: str) -> float:
        """Percentage of this item's answers (don't know included) that gave `answer`."""
        return 100.0 * self.counts.get(answer, 0) / self.answered if self.answered else 0.0

    def whole_shares(self) -> dict[str, int]:
        """Each answer's share in whole percent, adding up to exactly 100 (largest remainder):
        the figures printed beside a bar are the parts of one whole, so they must sum to it."""
        answers = [str(s) for s in AGREEMENT_SCALE] + [DONT_KNOW]
        if not self.answered:
            return dict.fromkeys(answers, 0)
        exact = {a: 100 * self.counts.get(a, 0) / self.answered for a in answers}
        whole = {a: int(v) for a, v in exact.items()}
        by_remainder = sorted(answers, key=lambda a: (-(exact[a] - whole[a]), answers.index(a)))
        for answer in by_remainder[: 100 - sum(whole.values())]:
            whole[answer] += 1
        return whole


def summarize(counts: dict[str, int]) -> ItemSummary:
    """Mean and totals of one agreement item from its answer counts (a pure function)."""
    scored = sum(counts.get(str(s), 0) for s in AGREEMENT_SCALE)
    total = sum(s * counts.get(str(s), 0) for s in AGREEMENT_SCALE)
    dont_know = counts.get(DONT_KNOW, 0)
    mean = round(total / scored, 2) if scored else None
    return ItemSummary(dict(counts), scored, dont_know, mean)


def combine(summaries: list[ItemSummary]) -> ItemSummary:
    """An area's figures: all its items' answers pooled."""
    pooled: Counter = Counter()
    for summary in summaries:
        pooled.update(summary.counts)
    return summarize(dict(pooled))


def mean_change(current: float | None, baseline: float | None) -> float | None:
    if current is None or baseline is None:
        return None
    return round(current - baseline, 2)


@dataclass(frozen=True)
class ItemResult:
    item: SurveyItem
    summary: ItemSummary
    baseline_mean: float | None
    suppressed: bool

    @property
    def change(self) -> float | None:
        return mean_change(self.summary.mean, self.baseline_mean)


@dataclass(frozen=True)
class AreaResult:
    area: SurveyArea
    summary: ItemSummary
    baseline_mean: float | None
    suppressed: bool
    items: list[ItemResult]

    @property
    def change(self) -> float | None:
        return mean_change(self.summary.mean, self.baseline_mean)


@dataclass(frozen=True)
class SurveyResults:
    counts: ResponseCounts
    areas: list[AreaResult]
    threshold: int
    # True when the whole view covers fewer people than the threshold (public view only).
    suppressed: bool

    def hides(self, n: int) -> bool:
        """Whether a count this small is hidden in this view."""
        return self.threshold > 0 and n < self.threshold


def build_results(
    survey, where: ResultFilter, threshold: int, baseline=None, suppress_small: bool = True
) -> SurveyResults:
    """Everything a results page shows. With `suppress_small`, any figure resting on fewer than
    `threshold` people is marked suppressed (the template shows "fewer than N responses")."""
    limit = threshold if suppress_small else 0
    counts = response_counts(survey.id, where)
    distributions = item_distributions(survey.id, where)
    baseline_by_key, baseline_by_area = {}, {}
    if baseline is not None:
        base_dist = item_distributions(baseline.id, where)
        pooled: dict[str, list[ItemSummary]] = {}
        for item in baseline.items:
            if item.kind == "agreement":
                summary = summarize(base_dist.get(item.id, {}))
                if item.key:
                    baseline_by_key[item.key] = summary.mean
                pooled.setdefault(item.area, []).append(summary)
        baseline_by_area = {area: combine(s).mean for area, s in pooled.items()}
    areas = []
    for area in SurveyArea:
        items = []
        for item in survey.items:
            if item.area != area.value or item.kind != "agreement":
                continue
            summary = summarize(distributions.get(item.id, {}))
            items.append(
                ItemResult(
                    item,
                    summary,
                    baseline_by_key.get(item.key) if item.key else None,
                    suppressed=limit > 0 and summary.answered < limit,
                )
            )
        if not items:
            continue
        pooled_summary = combine([i.summary for i in items])
        areas.append(
            AreaResult(
                area,
                pooled_summary,
                baseline_by_area.get(area.value),
                suppressed=limit > 0 and counts.total < limit,
                items=items,
            )
        )
    return SurveyResults(counts, areas, limit, suppressed=limit > 0 and counts.total < limit)


def earlier_surveys(survey: Survey) -> list[Survey]:
    """Published surveys of the district that opened before this one: what its results may be
    compared with, newest first."""
    return list(
        db.session.scalars(
            select(Survey)
            .where(
                Survey.district_id == survey.district_id,
                Survey.id != survey.id,
                Survey.state == SurveyState.PUBLISHED,
                Survey.opens_at < survey.opens_at,
            )
            .order_by(Survey.opens_at.desc())
        )
    )


def pick_baseline(survey: Survey, wanted: str | None) -> Survey | None:
    """The survey results are compared with: `wanted` is an earlier survey's id, "none" for no
    comparison, or empty (or anything else) for the survey's own baseline."""
    if wanted == "none":
        return None
    if wanted and wanted.isdigit():
        return next((s for s in earlier_surveys(survey) if s.id == int(wanted)), survey.baseline)
    return survey.baseline
