"""The people arithmetic as pure rules: FTE x rate in integer cents (half up, never a float),
what a base-program rule asks of a school, and the check against what the budget funds; plus
typed FTE read into hundredths and printed back in the district's style."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.formatting import parse_fte
from portal.services.budget_rules import (
    BaseRequirement,
    check_base_program,
    fte_cost,
    required_fte,
)


@pytest.mark.parametrize(
    ("rate", "fte", "cost"),
    [
        (9_876_543, 33, 3_259_259),  # $98,765.43 x 0.33 = $32,592.5919 -> $32,592.59
        (9_876_550, 33, 3_259_262),  # $98,765.50 x 0.33 = $32,592.615 -> half up $32,592.62
        (9_500_055, 50, 4_750_028),  # $95,000.55 x 0.5 = $47,500.275 -> $47,500.28
        (18_200_000, 100, 18_200_000),
        (8_600_000, 1875, 161_250_000),  # 18.75 teachers
        (1, 50, 1),  # half a cent rounds up
        (1, 49, 0),
        (0, 100, 0),
    ],
)
def test_fte_cost_in_integer_cents_rounded_half_up(rate, fte, cost):
    assert fte_cost(rate, fte) == cost


@given(st.integers(0, 10**10), st.integers(0, 4000))
def test_fte_cost_equals_exact_decimal_arithmetic(rate, fte):
    exact = (Decimal(rate) * Decimal(fte) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert fte_cost(rate, fte) == int(exact)


def test_fte_cost_refuses_negative_values():
    with pytest.raises(ValueError):
        fte_cost(-1, 100)
    with pytest.raises(ValueError):
        fte_cost(100, -1)


@pytest.mark.parametrize(
    ("minimum", "per", "pupils", "needed"),
    [
        (100, None, 500, 100),  # a principal, whatever the size
        (0, 24, 441, 1838),  # 441 / 24 = 18.375 -> 18.38 (rounded up to the hundredth)
        (0, 24, 480, 2000),  # exactly 20
        (200, 24, 24, 200),  # the minimum wins for a small school
        (0, 24, 0, 0),
        (50, 400, 1000, 250),
    ],
)
def test_required_fte_rounds_up_and_keeps_the_minimum(minimum, per, pupils, needed):
    assert required_fte(minimum, per, pupils) == needed


def test_the_base_program_check_counts_funded_fte_by_role():
    rules = [
        BaseRequirement(1, role_id=10, minimum_fte=100),  # a principal
        BaseRequirement(2, role_id=20, minimum_fte=0, students_per_fte=24),  # K-5 teachers
        BaseRequirement(3, role_id=30, minimum_fte=100),  # an office manager
    ]
    findings = check_base_program(
        rules,
        pupils=441,
        budgeted_fte={10: 100, 20: 1900, 30: 100},
        funded_fte={10: 100, 20: 1700},  # two teachers and the office manager below the line
    )
    principal, teachers, office = findings
    assert principal.met and principal.short_fte == 0
    assert (teachers.required_fte, teachers.budgeted_fte, teachers.funded_fte) == (1838, 1900, 1700)
    assert not teachers.met and teachers.short_fte == 138
    assert not office.met and office.budgeted_fte == 100 and office.short_fte == 100


@pytest.mark.parametrize(
    ("typed", "hundredths"),
    [
        ("0.5", 50),
        ("1", 100),
        ("18.25", 1825),
        (" 2 ", 200),
        ("0,5", 50),
        (".5", 50),
        ("1.", 100),
        ("٠.٥", 50),  # Arabic-Indic digits, as an Arabic keyboard types them
    ],
)
def test_typed_fte_is_read_into_hundredths(typed, hundredths):
    assert parse_fte(typed) == hundredths


@pytest.mark.parametrize("typed", ["", "abc", "-1", "1.234", "1..2", "1e2", "½", "²", "1.5.", "."])
def test_typed_fte_that_is_not_a_number_with_two_decimals_is_refused(typed):
    assert parse_fte(typed) is None


def test_fte_prints_in_the_districts_style(app):
    from portal.formatting import fte

    with app.test_request_context("/?lang=es"):
        assert [fte(v) for v in (50, 100, 1838, 200, 123456)] == [
            "0.5",
            "1",
            "18.38",
            "2",
            "1,234.56",
        ]
        assert fte(None) == ""
