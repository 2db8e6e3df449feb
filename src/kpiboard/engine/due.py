"""Which period's value a report shows for a KPI, whatever its frequency, and whether it is
stale.

A KPI reported quarterly, half-yearly or annually has no value for most months. A report for
a month shows each KPI's **latest value due**: the latest period of the KPI's own frequency
that has ended, ``arrears_months`` before the report month (a quarterly KPI reported a month in
arrears has Quarter 3 due with the January report). When that period has no value but an
earlier one of the same frequency has, the earlier one is shown, marked **stale**: a newer
value is overdue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.periods import Period, PeriodKind
from kpiboard.engine.types import Frequency, ValueState

__all__ = ["KIND", "Latest", "due_by", "latest_value", "short_label"]

KIND = {Frequency.MONTHLY: PeriodKind.MONTH, Frequency.QUARTERLY: PeriodKind.QUARTER,
        Frequency.HALF_YEARLY: PeriodKind.HALF, Frequency.ANNUAL: PeriodKind.YEAR}


def _enclosing(month: Period, kind: PeriodKind) -> Period:
    if kind is PeriodKind.MONTH:
        return month
    if kind is PeriodKind.QUARTER:
        return month.quarter_of()
    if kind is PeriodKind.HALF:
        return month.half_of()
    return Period.full_year(month.year)


def due_by(frequency: Frequency, arrears_months: int, report: Period) -> Period:
    """The latest period of ``frequency`` whose value is due in the report for ``report``
    (a month, or the last month of a longer period): the latest such period that ends
    ``arrears_months`` or more months before the report month ends."""
    if arrears_months < 0:
        raise ValueError(f"arrears must not be negative, got {arrears_months}")
    month = report.months()[-1].shift_months(-arrears_months)
    period = _enclosing(month, KIND[frequency])
    return period if period.months()[-1] == month else period.previous()


@dataclass(frozen=True, slots=True)
class Latest:
    """The period shown for a KPI: ``period`` (with its observation, if any), the period
    ``due``, and whether ``period`` is older than ``due`` (``stale``)."""

    period: Period
    due: Period
    observation: Observation | None

    @property
    def stale(self) -> bool:
        return self.period != self.due


def latest_value(series: Mapping[Period, Observation], due: Period, *,
                 look_back: int = 8) -> Latest:
    """The latest period of ``due``'s kind, from ``due`` back ``look_back`` periods, that has
    a value; ``due`` itself (stale False) when none has, or when ``due`` has one."""
    period = due
    for _ in range(look_back + 1):
        obs = series.get(period)
        if obs is not None and obs.state is ValueState.VALUE and obs.value is not None:
            return Latest(period, due, obs)
        period = period.previous()
    return Latest(due, due, series.get(due))


def short_label(period: Period) -> str:
    """A period as a report names it beside a figure: ``February 2023/24``, ``Q3 2023/24``,
    ``H1 2023/24``, ``2022/23``."""
    if period.kind is PeriodKind.MONTH:
        return period.label
    if period.kind is PeriodKind.YEAR:
        return period.year.label
    letter = "Q" if period.kind is PeriodKind.QUARTER else "H"
    return f"{letter}{period.index} {period.year.label}"
