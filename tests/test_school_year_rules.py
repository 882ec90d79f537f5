"""The school year's rules as plain functions: the priority cut line and budget scenarios, the
budget matrix's checks, phases and requirements, and the glossary's markup."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

from portal.models.calendar import Phase
from portal.services.budget_rules import (
    Candidate,
    MatrixInvestment,
    MatrixStream,
    check_matrix,
    cut_line,
    scaled,
    scenarios,
)
from portal.services.glossary import mark_terms
from portal.services.school_calendar import current_phase, requirement_status, upcoming


def test_cut_line_funds_in_priority_order_until_one_does_not_fit():
    items = [Candidate(1, 2, 40_000), Candidate(2, 1, 50_000), Candidate(3, 3, 5_000)]
    line = cut_line(items, 95_000)
    # Priority 1 (50k) and 2 (40k) fit; 3 (5k) fits too: 95k in all.
    assert line.funded == [2, 1, 3] and line.unfunded == [] and line.left_cents == 0
    line = cut_line(items, 94_999)
    # The line falls at priority 3: nothing below it moves up, even if smaller.
    assert line.funded == [2, 1] and line.unfunded == [3] and line.funded_cents == 90_000


def test_a_smaller_lower_priority_item_does_not_jump_the_line():
    items = [Candidate(1, 1, 60_000), Candidate(2, 2, 50_000), Candidate(3, 3, 1_000)]
    line = cut_line(items, 100_000)
    assert line.funded == [1] and line.unfunded == [2, 3]
    assert line.left_cents == 40_000


def test_ties_in_priority_keep_entry_order_and_are_flagged_at_the_line():
    items = [Candidate(7, 1, 30_000, order=2), Candidate(5, 1, 30_000, order=1)]
    line = cut_line(items, 45_000)
    assert line.funded == [5] and line.unfunded == [7]
    assert line.tie_at_line
    # A tie fully above the line is no question for the council.
    assert not cut_line(items, 60_000).tie_at_line
    # Different priorities either side of the line are not a tie.
    assert not cut_line([Candidate(1, 1, 10), Candidate(2, 2, 10)], 10).tie_at_line


def test_a_zero_allocation_funds_nothing_that_costs_money():
    items = [Candidate(1, 1, 1), Candidate(2, 2, 0)]
    line = cut_line(items, 0)
    assert line.funded == [] and line.unfunded == [1, 2] and line.left_cents == 0
    assert cut_line([], 0).funded == []
    # A negative figure is treated as nothing to spend, never as debt.
    assert cut_line(items, -500).available_cents == 0


def test_scenarios_scale_the_allocation_and_round_half_up():
    assert scaled(100_000, -10) == 90_000
    assert scaled(100_000, 10) == 110_000
    assert scaled(5, 10) == 6  # 5.5 cents rounds up
    assert scaled(0, 10) == 0
    items = [Candidate(1, 1, 60_000), Candidate(2, 2, 40_000)]
    results = dict(scenarios(items, 100_000))
    assert results[0].funded == [1, 2]
    assert results[-10].funded == [1] and results[-10].available_cents == 90_000
    assert results[10].left_cents == 10_000


def test_matrix_flags_overspent_streams_ineligible_uses_and_overfunded_items():
    base = MatrixStream(1, 100_000, restricted=False)
    title_i = MatrixStream(2, 50_000, restricted=True, allowed_categories=frozenset({10}))
    staff = MatrixInvestment(100, 80_000, category_id=10)
    books = MatrixInvestment(200, 20_000, category_id=40)
    cells = {(100, 1): 30_000, (100, 2): 60_000, (200, 2): 5_000}
    totals = check_matrix([base, title_i], [staff, books], cells)
    assert totals.per_stream == {1: 30_000, 2: 65_000}
    assert totals.per_investment == {100: 90_000, 200: 5_000}
    assert totals.overall == 95_000
    kinds = {(f.kind, f.stream_id, f.investment_id, f.cents) for f in totals.flags}
    assert ("over_stream", 2, None, 15_000) in kinds
    assert ("ineligible", 2, 200, 0) in kinds
    assert ("over_cost", None, 100, 10_000) in kinds
    assert len(kinds) == 3
    clean = check_matrix([base], [staff], {(100, 1): 80_000})
    assert clean.flags == []


def test_current_phase_and_the_next_one_between_phases():
    windows = {
        Phase.ENGAGE: (date(2026, 7, 1), date(2026, 8, 31)),
        Phase.REFLECT: (date(2026, 9, 10), date(2026, 11, 30)),
        Phase.PRIORITIZE: (date(2026, 12, 1), date(2027, 2, 28)),
    }
    assert current_phase(windows, date(2026, 11, 23)) == Phase.REFLECT
    assert current_phase(windows, date(2026, 9, 5)) == Phase.REFLECT  # gap: the next phase
    assert current_phase(windows, date(2027, 5, 1)) is None
    assert current_phase({}, date(2026, 11, 23)) is None


def _event(kind, phase, school_id=1, starts=None, ends=None):
    return SimpleNamespace(
        kind=kind, phase=phase, school_id=school_id, starts_at=starts, ends_at=ends
    )


def test_requirements_count_only_the_schools_own_events_in_the_phase():
    requirement = SimpleNamespace(
        kind="site_council", phase="reflect", min_count=2, due_on=date(2026, 10, 15)
    )
    events = [
        _event("site_council", "reflect"),
        _event("site_council", "prioritize"),
        _event("site_council", "reflect", school_id=None),  # district-wide: not the school's
    ]
    [check] = requirement_status([requirement], events)
    assert check.scheduled == 1 and not check.met
    assert check.late(date(2026, 11, 1)) and not check.late(date(2026, 10, 1))
    [check] = requirement_status([requirement], [*events, _event("site_council", "reflect")])
    assert check.met and not check.late(date(2027, 1, 1))


def test_upcoming_skips_what_has_ended():
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    past = _event("x", "reflect", starts=datetime(2026, 11, 1, tzinfo=UTC))
    ongoing = _event(
        "x",
        "reflect",
        starts=datetime(2026, 11, 23, 11, tzinfo=UTC),
        ends=datetime(2026, 11, 23, 13, tzinfo=UTC),
    )
    later = [_event("x", "reflect", starts=datetime(2026, 12, d, tzinfo=UTC)) for d in (1, 2, 3)]
    assert upcoming([past, ongoing, *later], now) == [ongoing, later[0], later[1]]


def test_glossary_links_the_first_use_of_each_term_and_escapes_everything():
    terms = [
        ("title-i", "Title I", "Federal money for schools with many families in poverty."),
        ("elac", "ELAC", 'Parents "advise" <the> school'),
    ]
    out = str(
        mark_terms(
            "Title I pays; title i again. The ELAC & <b>you</b>.", terms, lambda s: f"/glossary#{s}"
        )
    )
    assert out.count('href="/glossary#title-i"') == 1
    assert (
        '<abbr title="Federal money for schools with many families in poverty.">Title I</abbr>'
        in out
    )
    assert "title i again" in out  # second use left plain
    assert "&lt;b&gt;you&lt;/b&gt;" in out and "<b>" not in out
    assert 'title="Parents &#34;advise&#34; &lt;the&gt; school"' in out
    # Inside words, nothing is marked; in Chinese, where words have no spaces, terms still are.
    assert "href" not in str(mark_terms("ELACS", terms, lambda s: s))
    zh = str(
        mark_terms("请参加学校管理委员会会议", [("sc", "学校管理委员会", "定义")], lambda s: s)
    )
    assert ">学校管理委员会</abbr>" in zh


def test_glossary_terms_cannot_inject_markup():
    terms = [("x", "<script>", "<img src=x onerror=alert(1)>")]
    out = str(mark_terms("a <script> b", terms, lambda s: f"/g#{s}"))
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out


def test_when_a_schools_dates_overlap_the_districts_the_later_start_wins():
    windows = {
        Phase.REFLECT: (date(2026, 9, 1), date(2026, 11, 30)),
        Phase.PRIORITIZE: (date(2026, 11, 20), date(2027, 2, 28)),
    }
    assert current_phase(windows, date(2026, 11, 23)) == Phase.PRIORITIZE
    assert current_phase(windows, date(2026, 11, 19)) == Phase.REFLECT
