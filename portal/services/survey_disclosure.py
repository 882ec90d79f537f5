"""What public survey results may show, so that no one can work out a small group by subtraction.

The problem. Every figure on the public results page is a sum of answers over a set of
respondents. Hiding only the figures under the district's threshold ("small cells") is not
enough: a visitor subtracts. An item's total minus its shown cells gives the hidden cell; "all
respondents" minus "Spanish speakers" gives everyone else; "school A" minus "school A in
Spanish" gives school A's other speakers, and so on. Whatever a visitor can compute from every
page they may load is a linear combination of the published figures, so a hidden quantity is
safe exactly when it is NOT such a combination.

The model. Respondents fall into finest groups: school x language x role x channel. A group
of respondents a visitor might target is any set of finest groups (for answers: any set of
school x language x role, since answers are never split by channel). Each published figure is
the sum, over one set of finest groups, of either their number of respondents or their number
of one answer to one item.

The design, in three rules; each is what makes the proof below go through:

1. One breakdown at a time. Public figures exist only for everyone, for one school, for one
   language or for one role (and the number of respondents for one channel). A combination
   (one school in one language) is refused for the public: crossing two breakdowns is what
   lets differences isolate a small intersection. District staff still see every combination.
   Inside a breakdown the page shows only that group's total, not its own breakdown by
   language, role or channel (that would be a crossing again).

2. Complementary suppression in each breakdown (`withhold`). In one breakdown (say, schools)
   the values are a partition of everyone, and everyone's total is shown. A value with 1 to
   threshold-1 people is hidden; then, if the hidden values together have fewer than threshold
   people, or fewer than two of them have anyone, the smallest shown values are hidden too
   until both hold. Values with nobody are hidden as well once anything is hidden, so "hidden"
   never implies "at least one person". The same rule runs for each item separately, on the
   number of people who answered it (an answer may be skipped), starting from the values whose
   respondent count is hidden. An item that fewer than threshold people answered at all is
   hidden everywhere. Everyone's total under the threshold hides the whole page.

3. Nothing derived from a hidden figure is shown: an item's mean, "n answers", shares, bar and
   numbers table appear together or not at all; an area's average only when every one of its
   items is shown (it is their pooled answers); a comparison with an earlier survey only when
   that survey's own figures pass these rules for the same group (so it shows nothing its own
   public page would not).

Why it holds. Within one breakdown the published sets are "everyone" and the shown values, so
what can be computed from them is: any shown value, the hidden values together (everyone minus
the shown), and sums of those. Across breakdowns, the published sums are functions f(school) +
g(language) + h(role) + k(channel) over the full grid of finest groups; a 0/1 combination of
that form depends on one coordinate only (if it varied with two, the differences along one
coordinate would have to be constant and equal to +1 or -1 at once). So every set of
respondents whose size or answers can be computed is a union of shown values and whole hidden
blocks of ONE breakdown: it has 0 or at least threshold people, and no single hidden value is
ever computable (each hidden block has at least two values). tests/test_survey_suppression.py
checks this with exact linear algebra over generated response sets and every filter the page
offers.

Limits, said plainly: this is about recovering exact numbers. Interval reasoning on a hidden
block (non-negative counts adding up to its total) can narrow a hidden value, never pin it
when the block has at least threshold people across two or more values. A large group that
answered unanimously is shown as such. The readiness report's area means are not covered here.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.surveys import SurveyRespondentTally, SurveyTally

# The breakdowns a public visitor may choose (one at a time), and the tally column of each.
FILTERS = ("school", "language", "role")
_TALLY_COLUMN = {
    "school": SurveyTally.school_id,
    "language": SurveyTally.language,
    "role": SurveyTally.respondent_role,
}


def withhold(
    counts: Mapping[Hashable, int], threshold: int, forced: Iterable[Hashable] = ()
) -> frozenset:
    """The values of one breakdown to hide, given each value's count and that the breakdown's
    total is shown: every value with 1..threshold-1, the `forced` ones, and then the smallest
    others until the hidden values together hold at least `threshold` and at least two of them
    are non-empty (so neither the block nor any value in it can be solved from the total)."""
    hidden = set(forced) | {v for v, n in counts.items() if 0 < n < threshold}
    if not hidden:
        return frozenset()
    hidden |= {v for v, n in counts.items() if n == 0}
    others = sorted((n, str(v), v) for v, n in counts.items() if v not in hidden)
    while others and (
        sum(counts.get(v, 0) for v in hidden) < threshold
        or sum(1 for v in hidden if counts.get(v, 0) > 0) < 2
    ):
        hidden.add(others.pop(0)[2])
    return frozenset(hidden)


@dataclass(frozen=True)
class Breakdown:
    """One breakdown's counts (every offered value, 0 when nobody) and the values withheld."""

    counts: dict
    hidden: frozenset

    def shown(self, value) -> int | None:
        """The value's count, or None when it is withheld."""
        return None if value in self.hidden else self.counts.get(value, 0)

    def public(self) -> dict:
        """{value: count or None} for every value: what the page may print."""
        return {v: self.shown(v) for v in self.counts}


@dataclass(frozen=True)
class Respondents:
    """How many answered, and each breakdown of that number (schools keyed by id, 0 for the
    whole district) with its withheld values."""

    total: int
    breakdowns: dict[str, Breakdown]


def _breakdown(counts: dict, offered: Iterable, threshold: int) -> Breakdown:
    offered = list(offered)
    full = {v: 0 for v in offered} | counts
    # A value with answers that the page does not offer (a school no longer covered) is still
    # inside everyone's total, so it is part of the hidden block from the start.
    forced = {v for v in counts if v not in set(offered)}
    return Breakdown(full, withhold(full, threshold, forced))


def respondents(survey_id: int, offered: Mapping[str, Iterable], threshold: int) -> Respondents:
    """Every breakdown of the number of respondents, from the survey's respondent tallies (one
    row per school x language x role x channel, kept at submit: not a scan of the responses).

    `offered` maps "school", "language", "role" and "channel" to the values the page lists."""
    table = SurveyRespondentTally
    rows = db.session.execute(
        select(
            table.school_id, table.language, table.respondent_role, table.channel, table.count
        ).where(table.survey_id == survey_id, table.count > 0)
    ).all()
    sums: dict[str, dict] = {d: {} for d in ("school", "language", "role", "channel")}
    total = 0
    for school, language, role, channel, n in rows:
        total += n
        for dim, value in (
            ("school", school or 0),
            ("language", language),
            ("role", role),
            ("channel", channel),
        ):
            sums[dim][value] = sums[dim].get(value, 0) + n
    return Respondents(total, {d: _breakdown(sums[d], offered[d], threshold) for d in sums})


@dataclass(frozen=True)
class ItemBreakdown:
    """One item's answers in one breakdown: {value: {answer: count}}, and the values whose
    answers are withheld (None for all of them: too few answered the item at all)."""

    by_value: dict
    hidden: frozenset | None

    def answers(self, value) -> dict | None:
        """The value's answer counts, or None when withheld."""
        if self.hidden is None or value in self.hidden:
            return None
        return dict(self.by_value.get(value, {}))


def item_breakdowns(
    survey_id: int, dim: str, groups: Breakdown, threshold: int
) -> dict[int, ItemBreakdown]:
    """{item_id: ItemBreakdown} for breakdown `dim`, summed in SQL from the tallies. Values whose
    respondent count is withheld start withheld for every item too."""
    column = _TALLY_COLUMN[dim]
    rows = db.session.execute(
        select(column, SurveyTally.item_id, SurveyTally.answer, func.sum(SurveyTally.count))
        .where(SurveyTally.survey_id == survey_id)
        .group_by(column, SurveyTally.item_id, SurveyTally.answer)
    )
    by_item: dict[int, dict] = {}
    for value, item_id, answer, n in rows:
        by_item.setdefault(item_id, {}).setdefault(value, {})[answer] = int(n)
    result = {}
    for item_id, by_value in by_item.items():
        answered = {v: 0 for v in groups.counts} | {v: sum(a.values()) for v, a in by_value.items()}
        if sum(answered.values()) < threshold:
            result[item_id] = ItemBreakdown(by_value, None)
            continue
        forced = set(groups.hidden) | {v for v in answered if v not in groups.counts}
        result[item_id] = ItemBreakdown(by_value, withhold(answered, threshold, forced))
    return result
