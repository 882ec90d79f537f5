"""The allocation arithmetic: Table 2.2 by hand, and properties that must hold for any input."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.services.allocation import (
    AllocationError,
    Policy,
    SchoolInput,
    allocate,
    least_squares,
    split_proportionally,
)
from portal.services.errors import Rejected

# Guidebook Table 2.2, dollars per pupil, in cents.
TABLE_2_2 = {
    "elementary": {"all": 374100, "poverty": 127200, "el": 63600, "sped": 344200},
    "middle": {"all": 366700, "poverty": 124700, "el": 51300, "sped": 315400},
    "high": {"all": 468300, "poverty": 107700, "el": 74900, "sped": 388700},
}


def test_table_2_2_for_one_elementary_school_by_hand():
    school = SchoolInput(1, "elementary", {"all": 412, "poverty": 280, "el": 150, "sped": 40})
    result = allocate([school], Policy(TABLE_2_2, available_cents=10**12))
    allocation = result.for_school(1)
    # 412 x 3,741 = 1,541,292; 280 x 1,272 = 356,160; 150 x 636 = 95,400; 40 x 3,442 = 137,680
    by_hand = 412 * 3741 + 280 * 1272 + 150 * 636 + 40 * 3442
    assert by_hand == 2_130_532
    assert allocation.total_cents == by_hand * 100
    assert [(line.group, line.amount_cents) for line in allocation.lines] == [
        ("all", 154_129_200),
        ("poverty", 35_616_000),
        ("el", 9_540_000),
        ("sped", 13_768_000),
    ]
    assert allocation.per_pupil_cents == round(by_hand * 100 / 412)
    assert result.proration == 1 and allocation.topup_cents == 0


def test_minimum_and_hold_harmless_top_ups_are_exactly_what_is_needed():
    small = SchoolInput(1, "high", {"all": 10}, prior_cents=9_000_000)
    big = SchoolInput(2, "high", {"all": 500}, prior_cents=100)
    policy = Policy(TABLE_2_2, 10**12, minimum_cents=5_000_000, hold_harmless=True)
    result = allocate([small, big], policy)
    s = result.for_school(1)
    assert s.prorated_cents == 10 * 468300
    assert s.minimum_topup_cents == 5_000_000 - 4_683_000
    assert s.hold_harmless_topup_cents == 9_000_000 - 5_000_000
    assert s.total_cents == 9_000_000
    assert result.for_school(2).topup_cents == 0


def test_zero_money_and_empty_schools():
    school = SchoolInput(1, "elementary", {"all": 0})
    assert allocate([school], Policy(TABLE_2_2, 0)).for_school(1).total_cents == 0
    with pytest.raises(AllocationError) as refused:
        allocate([school], Policy(TABLE_2_2, 100, minimum_cents=500))
    # A refusal like any other service's: about the scenario's minimum budget.
    assert isinstance(refused.value, Rejected)
    assert list(refused.value.fields) == ["minimum"]
    assert "cost more than the money available" in refused.value.message


def test_proration_shares_the_shortfall_without_losing_a_cent():
    schools = [SchoolInput(i, "middle", {"all": n}) for i, n in ((1, 333), (2, 334), (3, 1))]
    raw = sum(n * 366700 for n in (333, 334, 1))
    result = allocate(schools, Policy(TABLE_2_2, available_cents=raw // 3 + 7))
    assert result.total_cents == raw // 3 + 7
    assert result.proration < 1
    for s in result.schools:
        exact = s.formula_cents * result.proration
        assert abs(s.prorated_cents - exact) < 1


def test_split_and_fit_helpers():
    assert split_proportionally(100, {1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}
    assert sum(split_proportionally(999_999, {1: 7, 2: 13}).values()) == 999_999
    assert split_proportionally(0, {1: 5}) == {1: 0}
    slope, intercept = least_squares([(0, 1), (1, 3), (2, 5)])
    assert (round(slope, 6), round(intercept, 6)) == (2.0, 1.0)
    assert least_squares([(1, 1)]) is None and least_squares([(1, 1), (1, 2)]) is None


schools_strategy = st.lists(
    st.tuples(
        st.sampled_from(["elementary", "middle", "high"]),
        st.integers(0, 3000),
        st.integers(0, 100),
        st.integers(0, 100),
        st.integers(0, 100),
        st.integers(0, 2_000_000_000),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    schools_strategy,
    st.integers(0, 5 * 10**12),
    st.integers(0, 300_000_000),
    st.booleans(),
)
def test_allocation_properties(rows, available, minimum, hold_harmless):
    schools = [
        SchoolInput(
            i,
            level,
            {"all": n, "poverty": n * p // 100, "el": n * e // 100, "sped": n * d // 100},
            prior,
        )
        for i, (level, n, p, e, d, prior) in enumerate(rows)
    ]
    policy = Policy(TABLE_2_2, available, minimum, hold_harmless)
    floors = {s.school_id: max(minimum, s.prior_cents if hold_harmless else 0) for s in schools}
    try:
        result = allocate(schools, policy)
    except AllocationError:
        assert sum(floors.values()) > available
        return
    # Totals never exceed the money available to distribute.
    assert result.total_cents <= available
    for s in result.schools:
        # The parts add up exactly; no cent is lost or invented.
        assert (
            s.total_cents == s.prorated_cents + s.minimum_topup_cents + s.hold_harmless_topup_cents
        )
        assert s.formula_cents == sum(line.amount_cents for line in s.lines)
        # Top-ups are exactly what is needed to reach the floor, never more.
        assert s.total_cents == max(s.prorated_cents, floors[s.school_id])
        assert s.minimum_topup_cents == max(0, minimum - s.prorated_cents)
        assert s.prorated_cents <= s.formula_cents
    if result.proration == 1:
        assert all(s.prorated_cents == s.formula_cents for s in result.schools)
    else:
        # When money is short, all of it is distributed, and the factor is the same for all.
        assert result.total_cents == available
        assert result.proration < 1
        for s in result.schools:
            if s.prorated_cents >= floors[s.school_id] and s.formula_cents:
                assert abs(s.prorated_cents - s.formula_cents * result.proration) < 1


def test_proration_is_a_fraction():
    assert isinstance(
        allocate([SchoolInput(1, "high", {"all": 1})], Policy(TABLE_2_2, 1)).proration, Fraction
    )
