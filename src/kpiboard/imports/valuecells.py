"""Reading one value, numerator or denominator cell of a values table, and checking that it
can be stored: the bounded number type (``kpiboard.engine.numbers``: at most 20 digits before
the point and 10 after) and the KPI's sign (a negative value or numerator only for a KPI that
allows negatives, ``negative: allowed``).

``read_value`` and ``quick_checked`` read the common simple cells directly (the fast path of
``kpiboard.imports.values``); ``figure_problems`` says what in a checked figure cannot be stored,
as (column, message) pairs.
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal

from kpiboard.data.guard import as_written
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.numbers import DECIMAL_PLACES, INTEGER_DIGITS, number_problem
from kpiboard.engine.types import Unit, ValueState
from kpiboard.engine.values import ParsedValue, ValueParseError, parse_value, to_decimal

# A value cell read and checked (with no numerator or denominator column given): text, value,
# numerator, denominator, state, as a record holds them.
Checked = tuple[str, Decimal | None, Decimal | None, Decimal | None, ValueState]

EXACT = Context(prec=200, Emax=MAX_EMAX, Emin=MIN_EMIN)  # exact for any real-world cell
_HUNDRED = Decimal(100)
_ONE = Decimal(1)
_FLOAT_SLACK = Decimal("1E-9")  # for values that went through an Excel float


def disagrees(value: Decimal, decimals: int, num: Decimal, den: Decimal) -> bool:
    """Whether a percentage written to ``decimals`` places is not ``num / den × 100`` (den > 0)
    to within one unit of its last place."""
    # |value - num / den × 100| < tolerance, multiplied through by den (exact: no division)
    ctx = EXACT
    gap = ctx.subtract(ctx.multiply(value, den), ctx.multiply(num, _HUNDRED))
    tolerance = ctx.add(_ONE.scaleb(-decimals), _FLOAT_SLACK)
    return bool(ctx.abs(gap) >= ctx.multiply(tolerance, den))


def quick_checked(text: str, unit: Unit | None) -> Checked | None:
    """``_Reader._checked_entry`` for the common cells ``read_value`` reads directly (``92.31%``,
    ``1,197``, ``91.96% (1396 out of 1518)``) when they are fine: the same checks and the same
    result, without building a ``ParsedValue``. None for any other cell (and any problem)."""
    match = _SIMPLE_VALUE.fullmatch(text)
    if match is None:
        return None
    num, dp, pc, a, b = match.group("num", "dp", "pc", "a", "b")
    if pc and unit not in (None, Unit.PERCENT):
        return None
    if _long(num) or (a is not None and (_long(a) or _long(b))):
        return None  # perhaps beyond the bounded number type: the full checks say
    value = Decimal(num.replace(",", ""))
    if not value:
        value = value.copy_abs()
    if a is None:
        return text, value, None, None, ValueState.VALUE
    a, b = a.replace(",", ""), b.replace(",", "")
    numerator, denominator = Decimal(a), Decimal(b)
    if unit is not Unit.PERCENT:
        pass
    elif "." in a or "." in b:
        if numerator > denominator or (denominator > 0 and disagrees(
                value, len(dp) if dp else 0, numerator, denominator)):
            return None
    else:  # whole terms, the usual case: _disagrees in integers
        n, d = int(a), int(b)
        if n > d:
            return None
        if d > 0:
            places = len(dp) if dp else 0
            # |value × 10^places × d - n × 100 × 10^places| against (1 + 10^(places-9)) × d
            gap = abs(int(num.replace(",", "").replace(".", "")) * d - n * 100 * 10**places)
            slack = 9 - places
            if ((gap - d) * 10**slack >= d) if slack >= 0 else (gap >= d * (1 + 10**-slack)):
                return None
    return text, value, numerator, denominator, ValueState.VALUE


# A number as most cells hold it: digits (thousands separators in threes), maybe a "%", maybe
# followed by its terms, "(1396 out of 1518)".
_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_SIMPLE_VALUE = re.compile(rf"(?P<num>{_NUMBER}(?:\.(?P<dp>[0-9]+))?)(?P<pc>%)?"
                           rf"(?: \((?P<a>{_NUMBER}(?:\.[0-9]+)?) out of "
                           rf"(?P<b>{_NUMBER}(?:\.[0-9]+)?)\))?")


def read_value(text: str, unit: Unit | None) -> ParsedValue:
    """``parse_value(text, unit=unit)``, with the common simple cells (``1,197``, ``92.31%``,
    ``91.96% (1396 out of 1518)``) read directly: the same result, several times faster."""
    match = _SIMPLE_VALUE.fullmatch(text)
    if match is None or (match["pc"] and unit not in (None, Unit.PERCENT)):
        return parse_value(text, unit=unit)
    num, dp, pc, a, b = match.group("num", "dp", "pc", "a", "b")
    value = Decimal(num.replace(",", ""))
    if not value:
        value = value.copy_abs()
    decimals = len(dp) if dp else 0
    unit = Unit.PERCENT if pc else unit
    if a is None:
        return ParsedValue(text, ValueState.VALUE, value, unit=unit, decimals=decimals)
    return ParsedValue(text, ValueState.VALUE, value, Decimal(a.replace(",", "")),
                       Decimal(b.replace(",", "")), unit=unit, decimals=decimals)


def read_number(text: str) -> Decimal | str:
    try:
        return to_decimal(text)
    except ValueParseError:
        pass
    try:
        parsed = parse_value(text)
    except ValueParseError:
        parsed = None
    if (parsed is not None and parsed.value is not None and parsed.unit in (None, Unit.MONEY)
            and parsed.qualifier is None and parsed.note is None
            and parsed.numerator is None and parsed.denominator is None):
        return parsed.value
    return f"expected a number (such as 1,197 or 408.4) or an empty cell, found {text!r}"


def figure_problems(kpi: KpiDefinition, value: Decimal | None, numerator: Decimal | None,
                    denominator: Decimal | None, *, value_column: str = "value",
                    numerator_column: str = "numerator",
                    denominator_column: str = "denominator") -> list[tuple[str, str]]:
    """What in a figure cannot be stored, as (column, message) pairs: a number outside the
    bounded number type, or a negative value or numerator for a KPI that does not allow
    negatives (a denominator is checked by the reader: never negative)."""
    out = []
    for column, name, number in ((value_column, "value", value),
                                 (numerator_column, "numerator", numerator),
                                 (denominator_column, "denominator", denominator)):
        if number is None:
            continue
        problem = number_problem(number)
        if problem is not None:
            out.append((column, f"the {name} {as_written(number, problem)}"))
        elif number < 0 and name != "denominator" and not kpi.negatives_allowed:
            out.append((column, negative_message(kpi, name, number)))
    return out


def negative_message(kpi: KpiDefinition, name: str, number: Decimal) -> str:
    if name == "numerator" and kpi.unit is Unit.PERCENT:
        return f"the numerator must not be negative for a percentage KPI, found {number}"
    return (f"the {name} must not be negative, found {number}: {kpi.ref} is measured in "
            f"{kpi.unit.value} and does not allow negatives (a KPI that can go below zero, "
            "such as a balance or a change, says 'negative: allowed' in the framework)")


def bounds_problem(*numbers: Decimal | None) -> str | None:
    """The first of ``numbers`` that cannot be stored, and why (None: all can)."""
    for number in numbers:
        if number is not None and (problem := number_problem(number)) is not None:
            return as_written(number, problem)
    return None


def _long(number: str) -> bool:
    """Whether a plain number's text may be beyond the bounds (then checked in full)."""
    whole, _point, places = number.partition(".")
    return len(whole) > INTEGER_DIGITS or len(places) > DECIMAL_PLACES
