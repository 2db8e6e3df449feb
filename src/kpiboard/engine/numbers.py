"""The one bounded number type: every number kpiboard stores fits it, or is refused.

Every stored number (a value, numerator, denominator, target, band, benchmark, published
figure) is a ``DecimalField(max_digits=30, decimal_places=10)``: at most 20 digits before the
point and 10 after. A number read from a file, a form or the API is checked against these
bounds *before* anything is stored, so that the database never refuses a row half-way
through an import and a dump can always be restored (``1E+308`` or a 25-digit count is an
error at its cell, not a stored figure that breaks ``kpiboard dump``).

More than 10 decimal places is refused rather than rounded: a figure is stored as given.
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation

MAX_DIGITS = 30  # every stored number's column: max_digits
DECIMAL_PLACES = 10  # ... and decimal_places
INTEGER_DIGITS = MAX_DIGITS - DECIMAL_PLACES
# Exact in a context wide enough for every stored number (the default one rounds at 28 digits).
WIDE = Context(prec=MAX_DIGITS + 10)
LARGEST = WIDE.subtract(WIDE.power(10, INTEGER_DIGITS), Decimal(1).scaleb(-DECIMAL_PLACES))


class NumberBoundsError(ValueError):
    """A number kpiboard cannot store; the message says why, in the user's terms."""


def number_problem(number: Decimal) -> str | None:
    """Why ``number`` cannot be stored, or None when it can."""
    if not number.is_finite():
        return f"{number} is not a number that can be stored"
    try:
        exponent = number.normalize(WIDE).as_tuple().exponent
    except InvalidOperation:  # pragma: no cover - normalize of a finite Decimal
        return f"{number} is not a number that can be stored"
    assert isinstance(exponent, int)
    places = max(0, -exponent)
    if places > DECIMAL_PLACES:
        return (f"{_show(number)} has {places} decimal places; kpiboard keeps at most "
                f"{DECIMAL_PLACES}")
    if number.copy_abs() > LARGEST:
        return (f"{_show(number)} is too large: kpiboard keeps numbers of at most "
                f"{INTEGER_DIGITS} digits before the decimal point")
    return None


def bounded(number: Decimal) -> Decimal:
    """``number`` if it can be stored; otherwise ``NumberBoundsError`` saying why."""
    problem = number_problem(number)
    if problem is not None:
        raise NumberBoundsError(problem)
    return number


def _show(number: Decimal) -> str:
    """A short form of a number for a message: ``1E+308`` stays short, 25 digits are shown."""
    text = str(number)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"
