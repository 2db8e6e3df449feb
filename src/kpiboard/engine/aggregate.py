"""Combining period values into quarters, halves, years to date and rolling years.

How parts add up depends on the KPI's ``ValueBasis``:

* ``IN_PERIOD``: the sum of the values.
* ``SNAPSHOT``, ``CUMULATIVE``, ``ROLLING_12``: the latest period's observation.
* ``RATIO``: summed numerators over summed denominators, times ``scale`` (100 for a
  percentage); the result carries the summed numerator and denominator. A ratio part counts
  by its terms, so a zero-denominator ``NOT_APPLICABLE`` part carrying them still adds up.
* ``AVERAGE``: the mean of the values, each weighted by the months it covers (a plain
  arithmetic mean when all parts are the same length, e.g. all months).

A part without a value is never read as zero. Trailing ``IN_ARREARS`` parts are skipped, so
a span is aggregated up to the latest reported period; if every part is in arrears the result
is ``IN_ARREARS``. Otherwise, for the summing bases (``IN_PERIOD``, ``RATIO``, ``AVERAGE``) any
part without a value makes the result ``MISSING``, unless every part is ``NOT_APPLICABLE``
(then ``NOT_APPLICABLE``). For the latest-value bases the last remaining part must have a
value; if not, the result is ``NOT_APPLICABLE`` when every part is, else ``MISSING``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from kpiboard.engine.periods import Period, PeriodKind
from kpiboard.engine.types import ValueBasis, ValueState

__all__ = [
    "AggregationError",
    "Observation",
    "aggregate",
    "quarter_from_months",
    "rolling_12",
    "span",
    "year_to_date",
]

HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_LATEST = frozenset({ValueBasis.SNAPSHOT, ValueBasis.CUMULATIVE, ValueBasis.ROLLING_12})


class AggregationError(ValueError):
    """Parts that cannot be combined: overlapping periods, or a ratio without its terms."""


@dataclass(frozen=True, slots=True)
class Observation:
    """One period's value, or the reason it has none. RATIO values carry their terms."""

    value: Decimal | None
    state: ValueState = ValueState.VALUE
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def has_value(self) -> bool:
        """True when the state is ``VALUE`` and there is a value."""
        return self.state == ValueState.VALUE and self.value is not None


Series = Mapping[Period, Observation]
Parts = Sequence[tuple[Period, Observation]]

_MISSING = Observation(None, ValueState.MISSING)
_NOT_APPLICABLE = Observation(None, ValueState.NOT_APPLICABLE)
_IN_ARREARS = Observation(None, ValueState.IN_ARREARS)


def _ordered(parts: Parts) -> list[tuple[Period, Observation]]:
    """Parts in period order; raise if any two overlap."""
    ordered = sorted(parts, key=lambda part: (part[0].start, part[0].end))
    for (before, _), (after, _) in pairwise(ordered):
        if after.start <= before.end:
            raise AggregationError(f"cannot aggregate overlapping periods '{before}' and '{after}'")
    return ordered


def _without_value(observations: Sequence[Observation]) -> Observation:
    if all(obs.state == ValueState.NOT_APPLICABLE for obs in observations):
        return _NOT_APPLICABLE
    return _MISSING


def _has_terms(obs: Observation) -> bool:
    """A RATIO part counts by its terms: a value with both, or a zero-denominator N/A."""
    if obs.numerator is None or obs.denominator is None:
        return False
    return obs.state == ValueState.VALUE or (
        obs.state == ValueState.NOT_APPLICABLE and obs.denominator == 0
    )


def _usable(basis: ValueBasis, obs: Observation) -> bool:
    return _has_terms(obs) if basis == ValueBasis.RATIO else obs.has_value


def _check_ratio_terms(ordered: Parts) -> None:
    for period, obs in ordered:
        if obs.has_value and not _has_terms(obs):
            raise AggregationError(
                f"cannot aggregate ratio: '{period}' has a value but no numerator and denominator"
            )


def aggregate(basis: ValueBasis, parts: Parts, *, scale: Decimal = HUNDRED) -> Observation:
    """Combine the observations of non-overlapping periods into one for the span they cover.

    ``parts`` may be in any order and may mix months and quarters. See the module docstring
    for the rule per basis and for parts without a value. Empty ``parts`` give ``MISSING``.
    A ratio whose denominators sum to zero is ``NOT_APPLICABLE`` (still carrying its terms).
    Raise ``AggregationError`` if periods overlap or, for ``RATIO``, if a part with a value
    lacks its numerator or denominator.
    """
    basis = ValueBasis(basis)
    ordered = _ordered(parts)
    if basis == ValueBasis.RATIO:
        _check_ratio_terms(ordered)
    if not ordered:
        return _MISSING
    while ordered and ordered[-1][1].state == ValueState.IN_ARREARS:
        ordered.pop()
    if not ordered:
        return _IN_ARREARS
    observations = [obs for _, obs in ordered]
    if basis in _LATEST:
        latest = observations[-1]
        return latest if latest.has_value else _without_value(observations)
    if basis == ValueBasis.RATIO:
        return _ratio(observations, scale)
    if not all(obs.has_value for obs in observations):
        return _without_value(observations)
    values = [obs.value for obs in observations if obs.value is not None]
    if basis == ValueBasis.IN_PERIOD:
        return Observation(sum(values, _ZERO))
    # AVERAGE: weighted by the months each part covers
    weights = [period.kind.length for period, _ in ordered]
    if len(set(weights)) == 1:
        return Observation(sum(values, _ZERO) / len(values))
    weighted = sum((v * w for v, w in zip(values, weights, strict=True)), _ZERO)
    return Observation(weighted / sum(weights))


def _ratio(observations: Sequence[Observation], scale: Decimal) -> Observation:
    if not all(_has_terms(obs) for obs in observations):
        return _without_value(observations)
    numerator = sum((obs.numerator or _ZERO for obs in observations), _ZERO)
    denominator = sum((obs.denominator or _ZERO for obs in observations), _ZERO)
    if denominator == 0:
        return Observation(None, ValueState.NOT_APPLICABLE, numerator, denominator)
    return Observation(numerator * scale / denominator, ValueState.VALUE, numerator, denominator)


def _choose_parts(
    basis: ValueBasis, series: Series, months: Sequence[Period]
) -> list[tuple[Period, Observation]]:
    """The parts covering the contiguous ``months``, from months or whole quarters.

    A quarter lying wholly inside ``months`` is taken from its three months when they all
    have values. Otherwise the quarter's own entry in ``series`` is used if it has a value,
    or if none of its months has one. Everywhere else the months are used; a month absent
    from ``series`` is ``MISSING``.
    """
    window = set(months)
    parts: list[tuple[Period, Observation]] = []
    i = 0
    while i < len(months):
        month = months[i]
        quarter = month.quarter_of()
        in_quarter = quarter.months()
        if month == in_quarter[0] and window.issuperset(in_quarter) and quarter in series:
            own = [series.get(m, _MISSING) for m in in_quarter]
            whole = series[quarter]
            if not all(_usable(basis, obs) for obs in own) and (
                _usable(basis, whole) or not any(_usable(basis, obs) for obs in own)
            ):
                parts.append((quarter, whole))
                i += len(in_quarter)
                continue
        parts.append((month, series.get(month, _MISSING)))
        i += 1
    return parts


def year_to_date(
    basis: ValueBasis, series: Series, period: Period, *, scale: Decimal = HUNDRED
) -> Observation:
    """The year to date through ``period`` (a month or quarter): April to its last month.

    ``series`` maps months and/or quarters to observations; other periods are ignored. The
    span is built month by month, except that each whole quarter is taken from the quarter's
    own entry when its months are not all reported: when the quarter has a value, or when
    none of its months has one. So a series of monthly values uses months, a quarterly series
    uses quarters, and a council's mix (quarters for earlier parts of the year, months for
    later) uses each where given. A month that is neither given nor covered by a quarter is
    ``MISSING``. The parts are then combined with ``aggregate``: e.g. a February in arrears
    gives April to January.
    """
    return aggregate(basis, _choose_parts(basis, series, period.year_to_date()), scale=scale)


def span(
    basis: ValueBasis, series: Series, period: Period, *, scale: Decimal = HUNDRED
) -> Observation:
    """The observation for a quarter, half or year, built from its months (or whole quarters,
    by the rule of ``year_to_date``). For a month, its own observation (``MISSING`` if absent).
    """
    if period.kind == PeriodKind.MONTH:
        return series.get(period, _MISSING)
    return aggregate(basis, _choose_parts(basis, series, period.months()), scale=scale)


def quarter_from_months(
    basis: ValueBasis, series: Series, quarter: Period, *, scale: Decimal = HUNDRED
) -> Observation:
    """The observation for ``quarter`` from its three months only (absent months: MISSING)."""
    if quarter.kind != PeriodKind.QUARTER:
        raise AggregationError(f"'{quarter}' is not a quarter")
    parts = [(month, series.get(month, _MISSING)) for month in quarter.months()]
    return aggregate(basis, parts, scale=scale)


def rolling_12(
    series: Series,
    period: Period,
    basis: ValueBasis = ValueBasis.IN_PERIOD,
    *,
    scale: Decimal = HUNDRED,
) -> Observation:
    """The 12 months to the end of ``period`` (crossing financial years as needed).

    ``IN_PERIOD`` sums the 12 months; other bases combine them as ``aggregate`` does (e.g.
    ``RATIO`` sums the terms, ``ROLLING_12`` and ``SNAPSHOT`` take the latest). Whole
    quarters in the window may come from quarter entries, by the rule of ``year_to_date``.
    """
    last = period.months()[-1]
    months = [last.shift_months(offset) for offset in range(-11, 1)]
    return aggregate(basis, _choose_parts(basis, series, months), scale=scale)
