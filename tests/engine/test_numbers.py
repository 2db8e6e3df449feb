"""The bounded number type: what fits a stored column, and the message when it does not."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpiboard.engine.numbers import LARGEST, WIDE, NumberBoundsError, bounded, number_problem

pytestmark = pytest.mark.engine


@pytest.mark.parametrize("text", ["0", "-0", "97.5", "1197", "0.0000000001", "1E+5",
                                  "99999999999999999999.9999999999", "-1.50000000000000"])
def test_numbers_that_fit(text: str) -> None:
    assert bounded(Decimal(text)) == Decimal(text)


@pytest.mark.parametrize(("text", "message"), [
    ("1E+308", "1E+308 is too large: kpiboard keeps numbers of at most 20 digits before"),
    ("1234567890123456789012345", "is too large"),
    ("100000000000000000000", "is too large"),
    ("0.00000000001", "has 11 decimal places; kpiboard keeps at most 10"),
    ("Infinity", "Infinity is not a number that can be stored"),
    ("NaN", "NaN is not a number that can be stored"),
])
def test_numbers_that_do_not_fit(text: str, message: str) -> None:
    assert message in (number_problem(Decimal(text)) or "")
    with pytest.raises(NumberBoundsError, match=r"kpiboard keeps|not a number"):
        bounded(Decimal(text))


@given(st.integers(-(10**30 - 1), 10**30 - 1).map(lambda i: Decimal(i).scaleb(-10, WIDE)))
def test_every_number_in_bounds_fits_the_column(number: Decimal) -> None:
    assert number_problem(number) is None
    digits = number.quantize(Decimal(1).scaleb(-10), context=WIDE).as_tuple().digits
    assert len(digits) <= 30
    assert number.copy_abs() <= LARGEST
