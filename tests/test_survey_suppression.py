"""Small-cell suppression that subtraction cannot defeat (issue 14, item 1).

The attacker reads every public results page the filters offer, collects every number printed,
and solves: with exact linear algebra over fractions, is the size of some group of 1 to
threshold-1 respondents, or some figure the page hid, a combination of the published numbers?
portal/services/survey_disclosure.py explains the design that makes the answer "never".

Unknowns: for each finest group (school x language x role x channel) its number of respondents,
and for each item and each group (school x language x role: answers are never split by
channel) its number of each answer. Each printed number is the sum of one of these over a set
of groups. A quantity is determined by the published numbers exactly when its vector lies in
their row space.
"""

import os
import re
from fractions import Fraction
from itertools import combinations, product
from random import Random
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from portal.extensions import db
from portal.models import District, Role, School, Survey
from portal.models.surveys import (
    Channel,
    PaperSheetUse,
    SurveyAnswer,
    SurveyRespondentTally,
    SurveyResponse,
    SurveySubmissionReceipt,
    SurveyTally,
)
from portal.services import surveys as survey_service
from tests.conftest import hx, visible_text
from tests.survey_helpers import make_survey

SLUG = "ssfr-test"
ANSWERS = ("1", "2", "3", "4", "dk")
DIMS = ("school", "language", "role", "channel")
# What the generated respondents say about themselves: few values, so groups are small.
USED = {
    "language": ("en", "es", "vi"),
    "role": ("parent", "teacher", "student"),
    "channel": ("online", "paper"),
}


# ---------------------------------------------------------------- the attacker's algebra


class Span:
    """The row space of the published numbers, kept in reduced row echelon form (Fractions)."""

    def __init__(self, weights):
        self.rows: list[tuple[tuple, dict]] = []  # (pivot, row): row[pivot] == 1
        self.weights = weights  # a random weight per unknown, for a quick necessary test
        self._hashes = None

    def add(self, cells) -> None:
        """Publish the sum over `cells` (a set of unknowns)."""
        self._hashes = None
        vector = {cell: Fraction(1) for cell in cells}
        for pivot, row in self.rows:
            factor = vector.get(pivot)
            if factor:
                for cell, value in row.items():
                    vector[cell] = vector.get(cell, 0) - factor * value
        vector = {cell: value for cell, value in vector.items() if value}
        if not vector:
            return
        pivot = min(vector)
        scale = 1 / vector[pivot]
        vector = {cell: value * scale for cell, value in vector.items()}
        for i, (other, row) in enumerate(self.rows):
            factor = row.get(pivot)
            if factor:
                merged = dict(row)
                for cell, value in vector.items():
                    merged[cell] = merged.get(cell, 0) - factor * value
                self.rows[i] = (other, {c: v for c, v in merged.items() if v})
        self.rows.append((pivot, vector))

    def hashes(self) -> list[tuple[tuple, Fraction]]:
        """Each row's weighted sum: the weights of a combination of rows add up the same way,
        a cheap necessary test before the exact one."""
        if self._hashes is None:
            self._hashes = [
                (p, sum(v * self.weights(c) for c, v in row.items())) for p, row in self.rows
            ]
        return self._hashes

    def determines(self, cells: set) -> bool:
        """Whether the sum over `cells` is a combination of what was published. In reduced
        echelon form the only candidate is the sum of the rows whose pivot is in `cells`."""
        total: dict = {}
        for pivot, row in self.rows:
            if pivot in cells:
                for cell, value in row.items():
                    total[cell] = total.get(cell, 0) + value
        return {c: v for c, v in total.items() if v} == dict.fromkeys(cells, 1)


# ---------------------------------------------------------------- the pages, as a visitor sees them


def _number(text: str) -> int | None:
    found = re.search(r'<span class="num">([\d,]+)</span>', text)
    return int(found.group(1).replace(",", "")) if found else None


def read_page(html: str, area_of: dict) -> dict:
    """Every figure on one results fragment: {"total": n, ("channel", "online"): n, ...,
    ("item", id): {answer: n}}, leaving out what the page does not print. Fails when a mean, a
    share or a bar is printed without its numbers, or an area's average pools a withheld item:
    those would be other ways of publishing what is hidden."""
    figures: dict = {}
    total = re.search(r'data-figure="total">(.*?)</h2>', html, re.S)
    if total and _number(total.group(1)) is not None:
        figures["total"] = _number(total.group(1))
    for dim, value, text in re.findall(r'<li data-figure="(\w+):([^"]+)">(.*?)</li>', html, re.S):
        if _number(text) is not None:
            figures[(dim, value)] = _number(text)
    shown_items = set()
    for item_id, chunk in re.findall(
        r'<li class="item-result" data-item="(\d+)">(.*?)(?=<li class="item-result"|<section|$)',
        html,
        re.S,
    ):
        rows = re.findall(
            r'<tr data-answer="([^"]+)">.*?<td class="num">([\d,]+)</td>', chunk, re.S
        )
        if rows:
            assert {a for a, _ in rows} == set(ANSWERS)
            figures[("item", int(item_id))] = {a: int(n.replace(",", "")) for a, n in rows}
            shown_items.add(int(item_id))
        else:
            words = visible_text(chunk)
            assert "Average" not in words and "%" not in words and 'class="bar"' not in chunk
            if "No answers yet" in words:  # that too is a figure: zero of every answer
                figures[("item", int(item_id))] = dict.fromkeys(ANSWERS, 0)
                shown_items.add(int(item_id))
    for area, mean in re.findall(r'data-area="(\w+)".*?<p class="area-mean">(.*?)</p>', html, re.S):
        if "Average" in visible_text(mean):
            assert all(i in shown_items for i, a in area_of.items() if a == area), area
    return figures


def offered_filters(html: str) -> dict[str, list[str]]:
    """The values of each filter the results form offers ("" is "all")."""
    offered = {}
    for name in ("role", "school", "language"):
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
        offered[name] = re.findall(r'<option[^>]*value="([^"]*)"', select.group(1))
    return offered


# ---------------------------------------------------------------- respondents


person = st.tuples(
    st.integers(0, 2),  # school: the whole district, or one of two covered schools
    st.sampled_from(USED["language"]),
    st.sampled_from(USED["role"]),
    st.sampled_from(USED["channel"]),
    st.sampled_from((*ANSWERS, None)),  # first statement (None: skipped)
    st.sampled_from((*ANSWERS, None)),  # second statement
)


def _setup(app, district_id):
    survey_id = make_survey(app, district_id, results_public=True, covers_all_schools=False)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        schools = list(db.session.query(School).order_by(School.name))[:2]
        survey.schools = schools
        items = [i.id for i in survey.items if i.kind == "agreement"]
        area_of = {i.id: i.area for i in survey.items if i.kind == "agreement"}
        db.session.commit()
        school_ids = [0] + [s.id for s in schools]
        db.session.remove()
    return survey_id, school_ids, items[:2], area_of


def _store(app, survey_id, school_ids, items, people, threshold) -> None:
    """Replace the survey's responses with `people` (through record_response, tallies too)."""
    with app.app_context():
        tables = (SurveyTally, SurveyRespondentTally, PaperSheetUse, SurveySubmissionReceipt)
        for model in tables:
            db.session.execute(delete(model).where(model.survey_id == survey_id))
        db.session.execute(delete(SurveyAnswer))
        db.session.execute(delete(SurveyResponse))
        db.session.query(District).one().small_cell_threshold = threshold
        survey = db.session.get(Survey, survey_id)
        for school, language, role, channel, *answers in people:
            stored = [
                {"item_id": item, "dont_know": True}
                if a == "dk"
                else {"item_id": item, "score": int(a)}
                for item, a in zip(items, answers, strict=True)
                if a is not None
            ]
            submission = survey_service.Submission(
                role, school_ids[school] or None, language, stored
            )
            survey_service.record_response(survey, submission, Channel(channel))
        db.session.commit()
        db.session.remove()


def _school_key(value: str):
    return 0 if value == survey_service.DISTRICT_WIDE else int(value)


def attack(app, people, school_ids, items, area_of, threshold) -> list[str]:
    """Read every page the filters offer, then list whatever small quantity can be solved."""
    client = app.test_client()
    page = client.get(f"/surveys/{SLUG}/results").get_data(as_text=True)
    offered = offered_filters(page)
    values = {
        "school": [_school_key(v) for v in offered["school"] if v],
        "language": [v for v in offered["language"] if v],
        "role": [v for v in offered["role"] if v],
        "channel": [c.value for c in Channel],
    }
    assert set(values["school"]) == set(school_ids)
    grid_n = list(product(*(values[d] for d in DIMS)))
    grid_x = list(product(values["school"], values["language"], values["role"]))
    rng = Random(len(people) * 7919 + threshold)  # noqa: S311 - weights for a hash, not secrets
    weight_of = {(d, v): rng.randrange(1, 2**61) for d in DIMS for v in values[d]}

    def weight(cell):
        w = 1
        for d, v in zip(DIMS, cell, strict=False):
            w *= weight_of[(d, v)]
        return w

    span_n = Span(weight)
    span_x = {item: Span(weight) for item in items}
    people_n = [(school_ids[s], lang, role, ch) for s, lang, role, ch, *_ in people]
    answered = {item: [] for item in items}  # (group, answer) of each answer given
    for s, lang, role, _ch, *answers in people:
        for item, a in zip(items, answers, strict=True):
            if a is not None:
                answered[item].append(((school_ids[s], lang, role), a))

    index = {
        dims: {
            (d, v): frozenset(g for g in grid if g[i] == v)
            for i, d in enumerate(dims)
            for v in values[d]
        }
        for dims, grid in ((DIMS, grid_n), (DIMS[:3], grid_x))
    }

    def cells(dims, wanted) -> frozenset:
        """The finest groups a filter (and a figure within it) covers."""
        chosen = [index[dims][(d, v)] for d, v in wanted.items() if v is not None]
        everything = frozenset(grid_n if len(dims) == 4 else grid_x)
        return frozenset.intersection(everything, *chosen)

    published_n, published_x = set(), {item: set() for item in items}
    unpublished_n, unpublished_x = {}, {}
    for role, school, language in product(offered["role"], offered["school"], offered["language"]):
        where = {
            "school": _school_key(school) if school else None,
            "language": language or None,
            "role": role or None,
        }
        query = urlencode({"role": role, "school": school, "language": language})
        html = client.get(f"/surveys/{SLUG}/results?{query}", headers=hx("results"))
        figures = read_page(html.get_data(as_text=True), area_of)
        slots = [("total", {})] + [
            ((d, str(v)), {d: v}) for d in ("channel", "language", "role") for v in values[d]
        ]
        for key, extra in slots:
            group = cells(DIMS, {**where, **extra})
            if key in figures:
                assert figures[key] == sum(1 for p in people_n if p in group), (key, query)
                span_n.add(group)
                published_n.add(group)
            else:
                unpublished_n.setdefault(group, f"{key} on ?{query}")
        group = cells(DIMS[:3], {d: where[d] for d in DIMS[:3]})
        for item in items:
            if ("item", item) in figures:
                truth = dict.fromkeys(ANSWERS, 0)
                for p, a in answered[item]:
                    if p in group:
                        truth[a] += 1
                assert figures[("item", item)] == truth, (item, query)
                span_x[item].add(group)
                published_x[item].add(group)
            else:
                unpublished_x.setdefault((item, group), f"item {item} on ?{query}")

    problems = []
    count = {g: 0 for g in grid_n}
    for p in people_n:
        count[p] += 1
    withheld_n = [(w, g) for g, w in unpublished_n.items() if g not in published_n]
    withheld_x = [(w, i, g) for (i, g), w in unpublished_x.items() if g not in published_x[i]]
    # Every withheld figure with someone in it stays unknown.
    for where, group in withheld_n:
        if sum(count[g] for g in group) and span_n.determines(group):
            problems.append(f"a withheld count can be worked out: {where}")
    for where, item, group in withheld_x:
        if any(g in group for g, _ in answered[item]) and span_x[item].determines(group):
            problems.append(f"withheld answers can be worked out: {where}")
    # Every group of 1..threshold-1 people (any choice of values on each dimension) stays
    # unknown, in number and in answers. Values nobody has are interchangeable, so one choice
    # per number of them is enough.
    options = {}
    for i, d in enumerate(DIMS):
        used = sorted({p[i] for p in people_n}, key=str)
        unused = [v for v in values[d] if v not in used]
        options[d] = [
            set(a) | set(unused[:k])
            for r in range(1, len(used) + 1)
            for a in combinations(used, r)
            for k in range(len(unused) + 1)
        ]
    present = [(p, n) for p, n in count.items() if n]

    def determined(span, dims, choice) -> bool:
        inside = [all(p[i] in choice[i] for i in range(len(dims))) for p, _ in span.rows]
        w = 1
        for d, chosen in zip(dims, choice, strict=True):
            w *= sum(weight_of[(d, v)] for v in chosen)
        hashes = span.hashes()
        if sum((h for (_, h), yes in zip(hashes, inside, strict=True) if yes), Fraction(0)) != w:
            return False  # the cheap necessary test fails: not a combination
        grid = grid_n if len(dims) == 4 else grid_x
        return span.determines(
            {g for g in grid if all(g[i] in choice[i] for i in range(len(dims)))}
        )

    for choice in product(*(options[d] for d in DIMS)):
        n = sum(k for p, k in present if all(p[i] in choice[i] for i in range(4)))
        if 0 < n < threshold and determined(span_n, DIMS, choice):
            problems.append(f"{n} people can be counted: {choice}")
    for item in items:
        for choice in product(*(options[d] for d in DIMS[:3])):
            n = sum(k for p, k in present if all(p[i] in choice[i] for i in range(3)))
            a = sum(1 for p, _ in answered[item] if all(p[i] in choice[i] for i in range(3)))
            if (0 < n < threshold or 0 < a < threshold) and determined(
                span_x[item], DIMS[:3], choice
            ):
                problems.append(f"answers of {n} people ({a} answered) to item {item}: {choice}")
    # And groups that are no such choice: any one, two or three of the finest groups people
    # are in (the smallest groups an attacker could name one by one).
    for size in (1, 2, 3):
        for chosen in combinations(present, size):
            n = sum(k for _, k in chosen)
            if 0 < n < threshold and span_n.determines({p for p, _ in chosen}):
                problems.append(f"{n} people can be counted: {[p for p, _ in chosen]}")
    present_x = sorted({p[:3] for p, _ in present}, key=str)
    for item in items:
        for size in (1, 2, 3):
            for chosen in combinations(present_x, size):
                n = sum(k for p, k in present if p[:3] in chosen)
                a = sum(1 for p, _ in answered[item] if p in chosen)
                if (0 < n < threshold or 0 < a < threshold) and span_x[item].determines(
                    set(chosen)
                ):
                    problems.append(f"answers of {n} people to item {item}: {chosen}")
    return problems


# ---------------------------------------------------------------- the tests


@pytest.fixture
def prepared(clean_app, district):
    """One survey for all the generated examples of a test (each example replaces its
    responses)."""
    return _setup(clean_app, district["id"])


@settings(
    max_examples=int(os.environ.get("SUPPRESSION_EXAMPLES", 20)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(person, max_size=45), threshold=st.sampled_from((5, 10)))
def test_no_small_group_can_be_worked_out_from_every_public_page(
    clean_app, prepared, people, threshold
):
    survey_id, school_ids, items, area_of = prepared
    _store(clean_app, survey_id, school_ids, items, people, threshold)
    assert attack(clean_app, people, school_ids, items, area_of, threshold) == []


# ---------------------------------------------------------------- the three attacks, by example


def _people(n, school=0, language="en", role="parent", channel="online", answer="3"):
    return [(school, language, role, channel, answer, answer)] * n


def _page(app, query="", **headers) -> str:
    return visible_text(app.test_client().get(f"/surveys/{SLUG}/results?{query}").get_data(True))


def test_a_total_minus_its_shown_cells_gives_nothing_away(clean_app, prepared):
    """14 answered: 11 parents and 3 teachers. Showing "parents: 11" beside the total would
    give the teachers (14 - 11), so both are withheld."""
    survey_id, school_ids, items, _ = prepared
    people = _people(11) + _people(3, role="teacher", answer="1")
    _store(clean_app, survey_id, school_ids, items, people, 10)
    page = _page(clean_app)
    assert "Responses: 14" in page
    assert "Parent or guardian: not shown" in page and "Teacher: not shown" in page
    assert "Student: not shown" in page  # an empty group in a withheld block: not shown either
    assert "“Not shown”: fewer than 10 people, or a number that would let" in page
    assert "Average 2.57 (14 answers)" in page  # everyone's answers are still there


def test_everyone_minus_one_language_gives_nothing_away(clean_app, prepared):
    """16 answered, 12 in English and 4 in Spanish: the English page minus everyone's would
    give the Spanish speakers' answers, so the English page is withheld too."""
    survey_id, school_ids, items, _ = prepared
    people = _people(12) + _people(4, language="es", answer="1")
    _store(clean_app, survey_id, school_ids, items, people, 10)
    everyone = _page(clean_app)
    assert "Responses: 16" in everyone
    # The language filter says so before anyone picks one.
    assert "Español (not shown, to protect privacy)" in everyone
    assert "English (not shown, to protect privacy)" in everyone
    for language in ("en", "es"):
        page = _page(clean_app, f"language={language}")
        assert "Fewer than 10 people in this group answered, or its numbers would" in page
        assert "Average" not in page and "Responses: not shown" in page


def test_everyone_minus_the_other_languages_gives_nothing_away(clean_app, prepared):
    """12 English, 11 Spanish, 3 Vietnamese: hiding only Vietnamese would leave it as everyone
    minus English minus Spanish; the smallest other language is withheld with it."""
    survey_id, school_ids, items, _ = prepared
    people = _people(12) + _people(11, language="es") + _people(3, language="vi", answer="1")
    _store(clean_app, survey_id, school_ids, items, people, 10)
    assert "Average 3.00 out of 4" in _page(clean_app, "language=en")
    for language in ("es", "vi"):
        assert "Average" not in _page(clean_app, f"language={language}")
    everyone = _page(clean_app)
    assert "English : 12" in everyone and "Español : not shown" in everyone


def test_a_school_minus_that_school_in_one_language_gives_nothing_away(
    clean_app, prepared, login_as
):
    """School A has 15 answers, 10 in English and 5 in Spanish: "school A" minus "school A in
    English" would give its Spanish speakers. The public sees one breakdown at a time."""
    survey_id, school_ids, items, _ = prepared
    people = _people(10, school=1) + _people(5, school=1, language="es", answer="1")
    people += _people(12, school=2, language="es")
    _store(clean_app, survey_id, school_ids, items, people, 10)
    school = school_ids[1]
    assert "Responses: 15" in _page(clean_app, f"school={school}")
    for language in ("en", "es"):
        page = _page(clean_app, f"school={school}&language={language}")
        assert "broken down by one thing at a time" in page and "Average" not in page
    # Inside one school the page does not break the number down again by language or role.
    assert "In which language" not in _page(clean_app, f"school={school}")
    staff = login_as(Role.DISTRICT)
    page = visible_text(staff.get(f"/surveys/{SLUG}/results?school={school}&language=es").text)
    assert "Responses: 5" in page and "Average 1.00 out of 4" in page  # staff see everything


def test_a_comparison_shows_only_what_the_earlier_survey_itself_could(clean_app, district):
    """The change from an earlier survey gives its mean away: it is shown for a group only when
    that survey's own figures for the group are shown."""
    old = make_survey(clean_app, district["id"], slug="old", opens_in_days=-400, closes_in_days=-1)
    new = make_survey(clean_app, district["id"], slug=SLUG, results_public=True, baseline_id=old)
    with clean_app.app_context():
        old_survey, new_survey = db.session.get(Survey, old), db.session.get(Survey, new)
        old_survey.closes_at = new_survey.closes_at  # open while its answers are stored
        db.session.commit()
        for survey, groups in (
            (old_survey, [("en", 12, 2), ("es", 3, 1)]),
            (new_survey, [("en", 12, 3), ("es", 12, 3)]),
        ):
            item = next(i for i in survey.items if i.kind == "agreement").id
            for language, n, score in groups:
                for _ in range(n):
                    submission = survey_service.Submission(
                        "parent", None, language, [{"item_id": item, "score": score}]
                    )
                    survey_service.record_response(survey, submission, Channel.ONLINE)
        old_survey.closes_at = new_survey.opens_at
        db.session.commit()
        db.session.remove()
    assert "up 1.20" in _page(clean_app)  # everyone, then 15 people: 1.80 -> 3.00
    # In Spanish the earlier survey had 3 answers (and in English 12, withheld as their
    # complement): no change is shown for either.
    for language in ("en", "es"):
        page = _page(clean_app, f"language={language}")
        assert "Average 3.00 out of 4" in page and " up " not in page
