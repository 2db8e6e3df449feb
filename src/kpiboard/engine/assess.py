"""Judge one KPI (or sub-measure) for one period: target, status and direction of travel.

This is the single place where the engine's pieces meet; the ``rate`` command, the store and
the reports all call :func:`assess`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.explain import explain_rating, explain_travel
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.periods import Period, PeriodKind
from kpiboard.engine.rating import Outcome, Rating, RatingScheme, rate
from kpiboard.engine.targets import Target
from kpiboard.engine.travel import (
    CompareWith,
    DirectionScheme,
    Travel,
    TravelBasis,
    percent_of_target,
    travel,
)
from kpiboard.engine.types import Polarity, ValueBasis, ValueState

Series = Mapping[Period, Observation]
_LATEST_BASES = (ValueBasis.SNAPSHOT, ValueBasis.CUMULATIVE, ValueBasis.ROLLING_12)
_JUDGED = (Outcome.ON_TARGET, Outcome.WITHIN_TOLERANCE, Outcome.OUTSIDE_TOLERANCE, Outcome.BAND)


@dataclass(frozen=True, slots=True)
class Assessment:
    kpi: KpiDefinition
    period: Period
    sub_measure: str | None
    observation: Observation | None
    target: Decimal | None
    target_spec: Target | None
    rating: Rating
    travel: Travel

    @property
    def explanation(self) -> str:
        return f"{explain_rating(self.rating)} {explain_travel(self.travel)}"


def observation_at(series: Series, period: Period, basis: ValueBasis) -> Observation | None:
    """The observation for ``period``; for a month at a quarter's (or half's) end, a KPI whose
    value is a position at the period end may take the quarter's published figure."""
    found = series.get(period)
    if found is not None or period.kind is not PeriodKind.MONTH or basis not in _LATEST_BASES:
        return found
    for container in (period.quarter_of(), period.half_of(), Period.full_year(period.year)):
        if container.months()[-1] == period and container in series:
            return series[container]
    return None


def target_at(kpi: KpiDefinition, period: Period, sub_measure: str | None) -> tuple[
        Target | None, Decimal | None]:
    spec = kpi.target_for(period.year.label, sub_measure)
    return spec, (None if spec is None else spec.for_period(period, kpi.basis))


def assess(
    kpi: KpiDefinition,
    period: Period,
    series: Series,
    *,
    rating_scheme: RatingScheme,
    direction_scheme: DirectionScheme,
    sub_measure: str | None = None,
    comparable: bool = True,
    changes: Callable[[Period, Period], str] | None = None,
) -> Assessment:
    """Rate ``kpi`` for ``period`` from its ``series`` of observations (one KPI or one
    sub-measure, keyed by period) and give its direction of travel.

    ``changes(earlier, later)`` names a change of definition between two periods (or returns
    ""); the direction of travel across such a change is "not comparable".
    """
    basis = kpi.basis
    polarity = kpi.polarity_for(sub_measure)
    obs = observation_at(series, period, basis)
    spec, target = target_at(kpi, period, sub_measure)
    last_year_obs = observation_at(series, period.same_period_last_year(), basis)
    rating = _rate(kpi, rating_scheme, obs, spec, target, polarity, sub_measure, last_year_obs)
    own = obs

    # Direction of travel is "since the previous period reported": a value in arrears moves
    # the comparison back to the latest reported period.
    current_period = period
    if obs is not None and obs.state is ValueState.IN_ARREARS and period.kind is PeriodKind.MONTH:
        for _ in range(max(kpi.arrears_months, 1)):
            current_period = current_period.previous()
        obs = observation_at(series, current_period, basis)
    before = (current_period.previous() if direction_scheme.compare_with is CompareWith.PREVIOUS
              else current_period.same_period_last_year())
    prev_obs = observation_at(series, before, basis)
    cur_v = _figure(kpi, series, current_period, obs, sub_measure)
    prev_v = _figure(kpi, series, before, prev_obs, sub_measure)
    judged = rating if current_period == period else _rate(
        kpi, rating_scheme, obs, *target_at(kpi, current_period, sub_measure), polarity,
        sub_measure, None)
    on_target = (judged.outcome is Outcome.ON_TARGET) if judged.outcome in _JUDGED else None
    if polarity is Polarity.TARGET and cur_v is not None and prev_v is not None and target:
        on_target = abs(cur_v - target) < abs(prev_v - target)
    reason = ""
    if cur_v is None:
        reason = f"no value for {current_period.label}"
    elif prev_v is None:
        reason = f"no value for {before.label} to compare with"
    changed = changes(before, current_period) if changes is not None else ""
    if changed:
        comparable, reason = False, changed
    elif not comparable:
        reason = "the definition changed between the two periods"
    tr = travel(
        direction_scheme, current=cur_v, previous=prev_v, polarity=polarity, on_target=on_target,
        comparable=comparable, reason=reason, previous_label=before.label,
        basis=kpi.travel_basis, unit=kpi.unit,
    )
    return Assessment(kpi, period, sub_measure, own, target, spec, rating, tr)


def _rate(
    kpi: KpiDefinition, scheme: RatingScheme, obs: Observation | None, spec: Target | None,
    target: Decimal | None, polarity: Polarity, sub_measure: str | None,
    last_year: Observation | None,
) -> Rating:
    return rate(
        scheme,
        value=None if obs is None else obs.value,
        state=ValueState.MISSING if obs is None else obs.state,
        target=target,
        polarity=polarity,
        tolerance=kpi.tolerance_for(sub_measure),
        no_target=None if spec is None else spec.none,
        target_band=None if spec is None else spec.band,
        qualifier=None if spec is None else spec.qualifier,
        last_year=None if last_year is None else last_year.value,
        unit=kpi.unit,
    )


def _figure(kpi: KpiDefinition, series: Series, period: Period, obs: Observation | None,
            sub_measure: str | None) -> Decimal | None:
    """The figure compared for direction of travel, by the KPI's travel basis."""
    if obs is None or obs.value is None or obs.state is not ValueState.VALUE:
        return None
    if kpi.travel_basis is TravelBasis.PERCENT_OF_TARGET:
        _spec, target = target_at(kpi, period, sub_measure)
        return percent_of_target(obs.value, target)
    if kpi.travel_basis is TravelBasis.INCREMENT:
        if period.kind is PeriodKind.MONTH and period.index == 1:
            return obs.value  # cumulative KPIs reset each April
        before = observation_at(series, period.previous(), kpi.basis)
        if before is None or before.value is None:
            return None
        return obs.value - before.value
    return obs.value


def roll_up(parent: Assessment, children: list[Assessment], scheme: RatingScheme) -> Assessment:
    """A KPI whose targets are set per sub-measure takes the worst sub-measure status."""
    judged = [c for c in children if c.rating.status.judged and c.rating.status.code in
              scheme.judged_order]
    if parent.target is not None or not judged:
        return parent
    order = scheme.judged_order
    worst = max(judged, key=lambda c: order.index(c.rating.status.code))
    status = worst.rating.status
    names = ", ".join(f"{c.sub_measure} {c.rating.status.label}" for c in judged)
    note = f"worst of its sub-measures with targets ({names})"
    rating = replace(worst.rating, status=status, outcome=Outcome.BAND, value=parent.rating.value,
                     target=None, note=note, unit=parent.kpi.unit)
    return replace(parent, rating=rating)
