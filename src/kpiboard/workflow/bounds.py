"""The entry form's figures checked as every other source is: each number within the bounded
number type (``kpiboard.engine.numbers``) and not negative unless the KPI allows negatives.
The messages are the GOV.UK error messages shown beside the field."""

from __future__ import annotations

from decimal import Decimal

from kpiboard.engine.numbers import number_problem
from kpiboard.engine.types import Unit


def figure_problem(*, ref: str, unit: str, negatives_allowed: bool, what: str, part: str,
                   number: Decimal | None) -> str | None:
    """The error message for one number typed for ``what`` (``STP29 P4``), or None.
    ``part`` is value, numerator or denominator."""
    if number is None:
        return None
    problem = number_problem(number)
    if problem is not None:
        return f"Enter a {part} for {what} that kpiboard can store: {problem}"
    if number < 0 and part == "value" and not negatives_allowed:
        return (f"The value for {what} must be 0 or more: {ref} is measured in "
                f"{Unit(unit).value} and does not allow negative figures")
    return None
