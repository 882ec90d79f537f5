"""Tier 1 results, aggregated in SQL from the survey's running tallies.

District staff see every figure for any filters; the public sees what survey_disclosure allows
(one breakdown at a time, complementary suppression), see `public_results`."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models.surveys import (
    AGREEMENT_SCALE,
    DONT_KNOW,
    Channel,
    RespondentRole,
    Survey,
    SurveyArea,
    SurveyItem,
    SurveyRespondentTally,
    SurveyState,
    SurveyTally,
)
from portal.services import survey_disclosure as disclosure

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
    """How many answered, and by channel, language and role (public: None where withheld)."""

    total: int | None
    by_channel: dict[str, int | None]
    by_language: dict[str, int | None]
    by_role: dict[str, int | None]

    @property
    def withholds(self) -> bool:
        """Whether any count by channel, language or role is withheld."""
        parts = (self.by_channel, self.by_language, self.by_role)
        return any(n is None for part in parts for n in part.values())


def response_counts(survey_id: int, where: ResultFilter = ResultFilter()) -> ResponseCounts:
    """How many people answered, by channel, language and role, from the respondent tallies
    (kept at submit; school 0 is "the whole district")."""
    table = SurveyRespondentTally
    stmt = select(table.channel, table.language, table.respondent_role, table.count).where(
        table.survey_id == survey_id, table.count > 0
    )
    if where.role is not None:
        stmt = stmt.where(table.respondent_role == where.role)
    if where.school_id is not None:
        stmt = stmt.where(table.school_id == where.school_id)
    if where.language is not None:
        stmt = stmt.where(table.language == where.language)
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
    summary: ItemSummary | None  # None when withheld from the public
    baseline_mean: float | None
    suppressed: bool

    @property
    def change(self) -> float | None:
        return mean_change(self.summary.mean if self.summary else None, self.baseline_mean)


@dataclass(frozen=True)
class AreaResult:
    area: SurveyArea
    summary: ItemSummary | None  # None when withheld (some item of the area is)
    baseline_mean: float | None
    suppressed: bool
    items: list[ItemResult]

    @property
    def change(self) -> float | None:
        return mean_change(self.summary.mean if self.summary else None, self.baseline_mean)


@dataclass(frozen=True)
class SurveyResults:
    # Public view: a withheld count is None (never a number the page could print).
    counts: ResponseCounts
    areas: list[AreaResult]
    threshold: int
    # True when the whole view is withheld from the public: fewer people than the threshold,
    # or figures that would let anyone work out a smaller group (survey_disclosure).
    suppressed: bool
    # Public view: a combination of filters was asked for (one breakdown at a time only).
    combined: bool = False
    # Whether the counts by channel, language and role are part of this view.
    breakdowns: bool = True
    # Public view: for "school", "language" and "role", the values whose page shows nothing
    # (withheld, or nobody answered), so the filters can say so before anyone picks them.
    withheld: dict = field(default_factory=dict)


def build_results(
    survey, where: ResultFilter, threshold: int, baseline=None, suppress_small: bool = True
) -> SurveyResults:
    """Everything a results page shows. With `suppress_small` (the public), only what
    survey_disclosure allows: no figure, and no difference of figures across every view the
    public can load, reveals a group of fewer than `threshold` people."""
    if suppress_small:
        return public_results(survey, where, threshold, baseline)
    return _staff_results(survey, where, baseline)


def _area_results(survey, published, baseline_by_key, baseline_by_area) -> list[AreaResult]:
    """Areas and items of `survey`; `published` is {item_id: answer counts, or None when
    withheld} (an item missing from it has no answers)."""
    areas = []
    for area in SurveyArea:
        items = []
        for item in survey.items:
            if item.area != area.value or item.kind != "agreement":
                continue
            counts = published.get(item.id, {})
            items.append(
                ItemResult(
                    item,
                    summarize(counts) if counts is not None else None,
                    baseline_by_key.get(item.key) if item.key else None,
                    suppressed=counts is None,
                )
            )
        if not items:
            continue
        # An area's figures pool its items' answers: with one item withheld, the pool minus
        # the shown items would give it away, so the area is withheld too.
        hidden = any(i.suppressed for i in items)
        pooled = None if hidden else combine([i.summary for i in items])
        areas.append(
            AreaResult(area, pooled, baseline_by_area.get(area.value), hidden, items=items)
        )
    return areas


def _baseline_means(baseline, published) -> tuple[dict, dict]:
    """The baseline's means by item key and by area, from its published answer counts (an
    item withheld there gives no mean, and its area none either)."""
    by_key, pooled, withheld = {}, {}, set()
    for item in baseline.items:
        if item.kind != "agreement":
            continue
        counts = published.get(item.id, {})
        if counts is None:
            withheld.add(item.area)
            continue
        summary = summarize(counts)
        if item.key:
            by_key[item.key] = summary.mean
        pooled.setdefault(item.area, []).append(summary)
    by_area = {a: combine(s).mean for a, s in pooled.items() if a not in withheld}
    return by_key, by_area


def _staff_results(survey, where: ResultFilter, baseline) -> SurveyResults:
    """District staff: every figure, for any combination of filters."""
    counts = response_counts(survey.id, where)
    distributions = item_distributions(survey.id, where)
    by_key, by_area = {}, {}
    if baseline is not None:
        by_key, by_area = _baseline_means(baseline, item_distributions(baseline.id, where))
    areas = _area_results(survey, distributions, by_key, by_area)
    return SurveyResults(counts, areas, 0, suppressed=False)


def offered_values(survey) -> dict[str, list]:
    """The values the results page lists for each breakdown: schools by id (0: the whole
    district), languages, roles and channels."""
    from portal.services.surveys import covered_schools

    return {
        "school": [0] + [school.id for school in covered_schools(survey)],
        "language": list(LANGUAGES),
        "role": [role.value for role in RespondentRole],
        "channel": [channel.value for channel in Channel],
    }


def _chosen(where: ResultFilter) -> list[tuple[str, object]]:
    pairs = (("school", where.school_id), ("language", where.language), ("role", where.role))
    return [(dim, value) for dim, value in pairs if value is not None]


def _published(survey, chosen, threshold: int, people=None):
    """(ResponseCounts, {item_id: answer counts or None}) the public may see for one breakdown
    value (or everyone), or None when the whole view is withheld."""
    if people is None:
        people = disclosure.respondents(survey.id, offered_values(survey), threshold)
    if people.total < threshold:
        return None
    if not chosen:
        parts = people.breakdowns
        counts = ResponseCounts(
            people.total,
            parts["channel"].public(),
            parts["language"].public(),
            parts["role"].public(),
        )
        published = {
            item_id: dist if sum(dist.values()) >= threshold else None
            for item_id, dist in item_distributions(survey.id).items()
        }
        return counts, published
    (dim, value), groups = chosen[0], people.breakdowns[chosen[0][0]]
    # An empty group shows nothing either: there is nothing to show, and its page reads the
    # same as a withheld one.
    if not groups.shown(value):
        return None
    items = disclosure.item_breakdowns(survey.id, dim, groups, threshold)
    published = {item_id: b.answers(value) for item_id, b in items.items()}
    return ResponseCounts(groups.shown(value), {}, {}, {}), published


def public_results(survey, where: ResultFilter, threshold: int, baseline=None) -> SurveyResults:
    """What an anonymous visitor sees: one breakdown at a time, with complementary suppression
    (survey_disclosure explains why this cannot be taken apart by subtraction)."""
    chosen = _chosen(where)
    nothing = ResponseCounts(None, {}, {}, {})
    hidden = _area_results(survey, {item.id: None for item in survey.items}, {}, {})
    people = disclosure.respondents(survey.id, offered_values(survey), threshold)
    empty = {
        dim: frozenset(
            v for v, n in people.breakdowns[dim].counts.items() if people.total < threshold or not n
        )
        | people.breakdowns[dim].hidden
        for dim in disclosure.FILTERS
    }
    if len(chosen) > 1:
        return SurveyResults(nothing, hidden, threshold, False, combined=True, withheld=empty)
    view = _published(survey, chosen, threshold, people)
    if view is None:
        return SurveyResults(
            nothing, hidden, threshold, True, breakdowns=not chosen, withheld=empty
        )
    counts, published = view
    by_key, by_area = {}, {}
    base = None
    if baseline is not None and baseline.entered_outside:  # typed-in totals, no responses
        from portal.services.survey_baselines import published_counts

        base = published_counts(baseline, chosen, threshold)
    elif baseline is not None:
        base = _published(baseline, chosen, threshold)
    if base is not None:
        by_key, by_area = _baseline_means(baseline, base[1])
    areas = _area_results(survey, published, by_key, by_area)
    return SurveyResults(counts, areas, threshold, False, breakdowns=not chosen, withheld=empty)


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
