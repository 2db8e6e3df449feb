"""The last guard before the database: nothing unbounded is stored, whatever the source.

Every reader (values files, framework files, the entry form) checks its numbers against the
bounded number type (``kpiboard.engine.numbers``) where it can say which cell or line is
wrong. These functions are the backstop that the services run just before writing: a number
that got past a reader is refused here with a clear ``NumberBoundsError`` (naming the KPI and
period) instead of being stored and breaking ``kpiboard dump`` later. A number the engine
computes (a year's outturn) is rounded to the columns' 10 decimal places by ``storable``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from kpiboard.engine.numbers import (
    DECIMAL_PLACES,
    LARGEST,
    WIDE,
    NumberBoundsError,
    number_problem,
)

_PLACES = Decimal(1).scaleb(-DECIMAL_PLACES)
_SMALLEST = LARGEST.copy_negate()  # exact (unary minus would round to the context's 28 digits)
_FIELDS = ("value", "numerator", "denominator")


def _fine(number: Decimal) -> bool:
    """The quick test: finite, within the largest, at most 10 places as written."""
    if not number.is_finite() or not _SMALLEST <= number <= LARGEST:
        return False
    exponent = number.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -DECIMAL_PLACES


def number_checked(number: Decimal | None, where: str) -> None:
    """Raise ``NumberBoundsError`` naming ``where`` if ``number`` cannot be stored."""
    if number is None or (type(number) is Decimal and _fine(number)):
        return
    if not isinstance(number, Decimal):
        raise NumberBoundsError(f"{where}: {number!r} is not a number kpiboard can store")
    problem = number_problem(number)
    if problem is not None:
        raise NumberBoundsError(f"{where}: {as_written(number, problem)}")


def as_written(number: Decimal, problem: str) -> str:
    """``problem`` with a number shown as a cell shows it (``0.000000000001``, not
    ``1E-12``), when that is short."""
    if number.is_finite() and number.adjusted() > -40:
        plain = f"{number:f}"
        if plain != str(number) and len(plain) <= 40:
            return problem.replace(str(number), plain, 1)
    return problem


def values_checked(values: Iterable[Any]) -> None:
    """Every value, numerator and denominator of ``values`` (and of a published year to date,
    ``ytd``) can be stored; else ``NumberBoundsError`` naming the first that cannot."""
    fine: set[Decimal] = set()  # the same figures recur: each is checked once
    for v in values:
        a, b, c = v.value, v.numerator, v.denominator
        if a is not None and a not in fine:
            _checked(a, v, "value", fine)
        if b is not None and b not in fine:
            _checked(b, v, "numerator", fine)
        if c is not None and c not in fine:
            _checked(c, v, "denominator", fine)
        ytd = v.ytd if hasattr(v, "ytd") else None
        if ytd is not None:
            for number, name in ((ytd.value, "value"), (ytd.numerator, "numerator"),
                                 (ytd.denominator, "denominator")):
                if number is not None:
                    _checked(number, v, f"year to date's {name}", fine)


def _checked(number: Any, v: Any, name: str, fine: set[Decimal]) -> None:
    if type(number) is not Decimal or not _fine(number):
        sub = f" sub-measure {v.sub_measure}" if v.sub_measure else ""
        number_checked(number, f"{v.ref}{sub} {v.period.label}: the {name}")
    if len(fine) < 1 << 16:
        fine.add(number)


def storable(number: Decimal | None, where: str) -> Decimal | None:
    """A number the engine computed, rounded half up to the columns' 10 decimal places;
    ``NumberBoundsError`` naming ``where`` if it is too large to store."""
    if number is None:
        return None
    try:
        rounded = number.quantize(_PLACES, rounding=ROUND_HALF_UP, context=WIDE)
    except InvalidOperation:
        rounded = number  # too many digits for the context: reported below
    number_checked(rounded, where)
    return rounded


SMALL_INTEGERS = {"arrears_months": (0, 32767), "decimals": (0, 32767)}  # their columns


def framework_checked(framework: Any) -> None:
    """Every number in a framework (targets, profiles, bands, benchmarks, tolerances, schemes)
    can be stored, and each small whole number fits its column; else ``NumberBoundsError``
    naming where (``2023/24 STP15: targets.2024/25.annual: ...``). The framework loader
    reports these with line numbers; this is the backstop for every other source."""
    for name, scheme in (*framework.rating_schemes.items(),
                         *framework.direction_schemes.items()):
        _walk(scheme, f"scheme {name}")
    for year, kpi_set in framework.years.items():
        for ref, kpi in kpi_set.kpis.items():
            _walk(kpi, f"{year} {ref}")


def _walk(item: Any, where: str, path: str = "", depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(item, Decimal):
        number_checked(item, f"{where}: {path}" if path else where)
        return
    if isinstance(item, int) and not isinstance(item, bool):
        low, high = SMALL_INTEGERS.get(path.rsplit(".", 1)[-1], (None, None))
        if low is not None and high is not None and not low <= item <= high:
            raise NumberBoundsError(f"{where}: {path}: {item} is not a whole number from "
                                    f"{low} to {high}")
        return
    if isinstance(item, (str, bytes, bool, type(None))):
        return
    slots = getattr(type(item), "__dataclass_fields__", None)
    if slots is not None:
        for name in slots:
            _walk(getattr(item, name), where, f"{path}.{name}" if path else name, depth + 1)
    elif isinstance(item, dict) or hasattr(item, "items"):
        for key, value in item.items():
            _walk(value, where, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(item, (list, tuple)):
        for i, value in enumerate(item):
            _walk(value, where, f"{path}[{i}]", depth + 1)
