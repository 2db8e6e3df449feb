"""Tests for kpiboard.engine.aggregate: quarters, years to date and rolling years by basis."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpiboard.engine.aggregate import (
    AggregationError,
    Observation,
    aggregate,
    quarter_from_months,
    rolling_12,
    span,
    year_to_date,
)
from kpiboard.engine.periods import Period
from kpiboard.engine.types import ValueBasis, ValueState

IN_PERIOD = ValueBasis.IN_PERIOD
SNAPSHOT = ValueBasis.SNAPSHOT
CUMULATIVE = ValueBasis.CUMULATIVE
RATIO = ValueBasis.RATIO
AVERAGE = ValueBasis.AVERAGE
ROLLING = ValueBasis.ROLLING_12
LATEST_BASES = [SNAPSHOT, CUMULATIVE, ROLLING]
SUMMING_BASES = [IN_PERIOD, RATIO, AVERAGE]

MISSING = Observation(None, ValueState.MISSING)
NA = Observation(None, ValueState.NOT_APPLICABLE)
ARREARS = Observation(None, ValueState.IN_ARREARS)
TBC = Observation(None, ValueState.TO_BE_CONFIRMED)


def m(i: int, year: int = 2023) -> Period:
    """Month ``i`` of financial year ``year`` (1 = April)."""
    return Period.month(year, i)


def q(i: int, year: int = 2023) -> Period:
    return Period.quarter(year, i)


def v(x: str | int | Decimal) -> Observation:
    return Observation(Decimal(x))


def r(num: str | int | Decimal, den: str | int | Decimal) -> Observation:
    n, d = Decimal(num), Decimal(den)
    if not d:
        return Observation(None, ValueState.NOT_APPLICABLE, n, d)
    return Observation(n * 100 / d, ValueState.VALUE, n, d)


def months(*obs: Observation, start: int = 1, year: int = 2023) -> dict[Period, Observation]:
    return {m(start + i, year): o for i, o in enumerate(obs)}


def parts(*obs: Observation) -> list[tuple[Period, Observation]]:
    return list(months(*obs).items())


# -- Observation ------------------------------------------------------------------------------


def test_observation_defaults_and_has_value() -> None:
    obs = Observation(Decimal(5))
    assert obs.state is ValueState.VALUE
    assert obs.numerator is None and obs.denominator is None
    assert obs.has_value


@pytest.mark.parametrize("obs", [MISSING, NA, ARREARS, TBC, Observation(None)])
def test_observation_without_value(obs: Observation) -> None:
    assert not obs.has_value


def test_observation_with_value_but_other_state_has_no_value() -> None:
    assert not Observation(Decimal(3), ValueState.MISSING).has_value


def test_observation_is_frozen_and_slotted() -> None:
    obs = v(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        obs.value = Decimal(2)  # type: ignore[misc]
    assert not hasattr(obs, "__dict__")


def test_aggregation_error_is_value_error() -> None:
    assert issubclass(AggregationError, ValueError)


# -- aggregate: general -----------------------------------------------------------------------


@pytest.mark.parametrize("basis", list(ValueBasis))
def test_empty_parts_are_missing(basis: ValueBasis) -> None:
    assert aggregate(basis, []) == MISSING


@pytest.mark.parametrize("basis", list(ValueBasis))
def test_overlapping_parts_raise(basis: ValueBasis) -> None:
    with pytest.raises(AggregationError, match="overlapping"):
        aggregate(basis, [(q(1), r(1, 2)), (m(2), r(1, 2))])


@pytest.mark.parametrize("basis", list(ValueBasis))
def test_duplicate_period_raises(basis: ValueBasis) -> None:
    with pytest.raises(AggregationError, match="2023-04"):
        aggregate(basis, [(m(1), r(1, 2)), (m(1), r(1, 2))])


@pytest.mark.parametrize("basis", list(ValueBasis))
def test_all_in_arrears_is_in_arrears(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(ARREARS, ARREARS)) == ARREARS


@pytest.mark.parametrize("basis", list(ValueBasis))
def test_all_not_applicable_is_not_applicable(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(NA, NA, NA)) == NA


@pytest.mark.parametrize("basis", list(ValueBasis))
def test_not_applicable_then_arrears_is_not_applicable(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(NA, ARREARS)) == NA


@pytest.mark.parametrize("basis", list(ValueBasis))
def test_single_missing_part_is_missing(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(MISSING)) == MISSING


def test_basis_given_as_text() -> None:
    assert aggregate("in_period", parts(v(1), v(2))) == v(3)  # type: ignore[arg-type]


# -- IN_PERIOD --------------------------------------------------------------------------------


def test_in_period_sums() -> None:
    assert aggregate(IN_PERIOD, parts(v(75), v(63), v(61))) == v(199)


def test_in_period_single_part() -> None:
    assert aggregate(IN_PERIOD, parts(v(7))) == v(7)


def test_in_period_is_exact_decimal() -> None:
    assert aggregate(IN_PERIOD, parts(v("0.1"), v("0.2"))).value == Decimal("0.3")


def test_in_period_with_negative_values() -> None:
    assert aggregate(IN_PERIOD, parts(v(10), v(-4), v("-0.5"))) == v("5.5")


def test_in_period_of_quarters() -> None:
    assert aggregate(IN_PERIOD, [(q(2), v(5)), (q(1), v(6))]) == v(11)


@pytest.mark.parametrize("gap", [MISSING, TBC, NA])
@pytest.mark.parametrize("basis", SUMMING_BASES)
def test_summing_bases_with_a_gap_are_missing(basis: ValueBasis, gap: Observation) -> None:
    assert aggregate(basis, parts(r(1, 2), gap, r(3, 4))) == MISSING


@pytest.mark.parametrize("basis", SUMMING_BASES)
def test_summing_bases_missing_last_part_is_missing(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(r(1, 2), r(3, 4), MISSING)) == MISSING


@pytest.mark.parametrize("basis", SUMMING_BASES)
def test_not_applicable_and_missing_is_missing(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(NA, MISSING, NA)) == MISSING


def test_in_period_skips_trailing_arrears() -> None:
    assert aggregate(IN_PERIOD, parts(v(1), v(2), ARREARS, ARREARS)) == v(3)


def test_in_period_arrears_in_the_middle_is_missing() -> None:
    assert aggregate(IN_PERIOD, parts(v(1), ARREARS, v(2))) == MISSING


def test_in_period_leading_arrears_is_missing() -> None:
    assert aggregate(IN_PERIOD, parts(ARREARS, v(2))) == MISSING


def test_in_period_trailing_arrears_after_a_gap_is_missing() -> None:
    assert aggregate(IN_PERIOD, parts(v(1), MISSING, ARREARS)) == MISSING


def test_in_period_arrears_trimmed_by_period_order_not_input_order() -> None:
    assert aggregate(IN_PERIOD, [(m(3), ARREARS), (m(1), v(1)), (m(2), v(2))]) == v(3)
    assert aggregate(IN_PERIOD, [(m(2), ARREARS), (m(1), v(1)), (m(3), v(2))]) == MISSING


# -- latest-value bases -----------------------------------------------------------------------


@pytest.mark.parametrize("basis", LATEST_BASES)
def test_latest_bases_take_the_latest_period(basis: ValueBasis) -> None:
    assert aggregate(basis, [(m(3), v(16)), (m(1), v(20)), (m(2), v(18))]) == v(16)


@pytest.mark.parametrize("basis", LATEST_BASES)
def test_latest_bases_across_years(basis: ValueBasis) -> None:
    assert aggregate(basis, [(m(1, 2024), v(1)), (m(12, 2023), v(2))]) == v(1)


@pytest.mark.parametrize("basis", LATEST_BASES)
def test_latest_bases_ignore_earlier_gaps(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(MISSING, NA, TBC, ARREARS, v(9))) == v(9)


@pytest.mark.parametrize("basis", LATEST_BASES)
def test_latest_bases_skip_trailing_arrears(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(v(5), v(7), ARREARS, ARREARS)) == v(7)


@pytest.mark.parametrize("gap", [MISSING, TBC, NA])
@pytest.mark.parametrize("basis", LATEST_BASES)
def test_latest_bases_gap_at_the_end_is_missing(basis: ValueBasis, gap: Observation) -> None:
    assert aggregate(basis, parts(v(5), v(7), gap)) == MISSING


@pytest.mark.parametrize("basis", LATEST_BASES)
def test_latest_bases_gap_before_arrears_is_missing(basis: ValueBasis) -> None:
    assert aggregate(basis, parts(v(5), MISSING, ARREARS)) == MISSING


@pytest.mark.parametrize("basis", LATEST_BASES)
def test_latest_bases_keep_the_whole_observation(basis: ValueBasis) -> None:
    latest = Observation(Decimal(50), ValueState.VALUE, Decimal(1), Decimal(2))
    assert aggregate(basis, parts(v(3), latest)) is latest


@pytest.mark.parametrize("basis", LATEST_BASES)
def test_latest_bases_with_quarters_and_months(basis: ValueBasis) -> None:
    assert aggregate(basis, [(m(4), v(4)), (q(1), v(1)), (m(5), v(5))]) == v(5)


# -- RATIO ------------------------------------------------------------------------------------


def test_ratio_sums_terms() -> None:
    result = aggregate(RATIO, parts(r(1, 4), r(3, 4)))
    assert result == Observation(Decimal(50), ValueState.VALUE, Decimal(4), Decimal(8))


def test_ratio_is_not_mean_of_ratios() -> None:
    result = aggregate(RATIO, parts(r(1, 1), r(0, 9)))
    assert result.value == Decimal(10)


def test_ratio_scale() -> None:
    result = aggregate(RATIO, parts(r(1, 4), r(1, 4)), scale=Decimal(1))
    assert result.value == Decimal("0.25")
    per_thousand = aggregate(RATIO, parts(r(3, 2000)), scale=Decimal(1000))
    assert per_thousand.value == Decimal("1.5")


def test_ratio_zero_denominator_is_not_applicable() -> None:
    result = aggregate(RATIO, parts(r(0, 0), r(0, 0)))
    assert result == Observation(None, ValueState.NOT_APPLICABLE, Decimal(0), Decimal(0))
    assert not result.has_value


def test_ratio_zero_denominator_part_with_nonzero_total() -> None:
    result = aggregate(RATIO, parts(r(0, 0), r(1, 2)))
    assert result.value == Decimal(50)


def test_ratio_part_without_terms_raises_naming_the_period() -> None:
    with pytest.raises(AggregationError, match="2023-05"):
        aggregate(RATIO, parts(r(1, 2), v(50)))


def test_ratio_part_without_denominator_raises() -> None:
    bad = Observation(Decimal(50), ValueState.VALUE, Decimal(1), None)
    with pytest.raises(AggregationError, match="2023-04"):
        aggregate(RATIO, parts(bad, r(1, 2)))


def test_ratio_part_without_terms_raises_even_when_result_would_be_missing() -> None:
    with pytest.raises(AggregationError):
        aggregate(RATIO, parts(v(50), MISSING))


def test_ratio_gaps_need_no_terms() -> None:
    assert aggregate(RATIO, parts(r(1, 2), ARREARS)).value == Decimal(50)


def test_ratio_skips_trailing_arrears() -> None:
    result = aggregate(RATIO, parts(r(1, 2), r(2, 2), ARREARS))
    assert result == Observation(Decimal(75), ValueState.VALUE, Decimal(3), Decimal(4))


def test_ratio_value_is_recomputed_from_terms() -> None:
    stale = Observation(Decimal(99), ValueState.VALUE, Decimal(1), Decimal(4))
    assert aggregate(RATIO, parts(stale)).value == Decimal(25)


# -- AVERAGE ----------------------------------------------------------------------------------


def test_average_is_mean() -> None:
    assert aggregate(AVERAGE, parts(v(10), v(20), v(60))) == v(30)


def test_average_of_non_terminating_division() -> None:
    assert aggregate(AVERAGE, parts(v(1), v(0), v(0))).value == Decimal(1) / Decimal(3)


def test_average_skips_trailing_arrears() -> None:
    assert aggregate(AVERAGE, parts(v(10), v(20), ARREARS)) == v(15)


def test_average_weights_quarters_by_months() -> None:
    assert aggregate(AVERAGE, [(q(1), v(10)), (m(4), v(20))]) == v("12.5")


# -- year_to_date: the council's examples -----------------------------------------------------


def test_stp38_rent_collection_ratio() -> None:
    nums = [Decimal("11000000.00")] * 11 + [Decimal("11487583.04")]
    dens = [Decimal("11400000.00")] * 11 + [Decimal("11995604.79")]
    series = months(*(r(n, d) for n, d in zip(nums, dens, strict=True)))
    result = year_to_date(RATIO, series, m(12))
    assert result.numerator == Decimal("132487583.04")
    assert result.denominator == Decimal("137395604.79")
    assert result.value == Decimal("132487583.04") * 100 / Decimal("137395604.79")
    assert result.value is not None and round(result.value, 2) == Decimal("96.43")


def test_afl13_homelessness_in_period_ytd() -> None:
    series = months(v(75), v(63), v(61), v(19), v(11))
    assert year_to_date(IN_PERIOD, series, m(5)) == v(229)


def test_afl12_snapshot_ytd_is_latest() -> None:
    series = months(v(21), v(19), v(24), v(18), v(16))
    assert year_to_date(SNAPSHOT, series, m(5)) == v(16)


def test_afl04_february_in_arrears() -> None:
    values = [v(i) for i in range(10, 20)]  # April to January
    series = months(*values, ARREARS)
    assert year_to_date(IN_PERIOD, series, m(11)) == v(sum(range(10, 20)))


# -- year_to_date: months and quarters --------------------------------------------------------


def test_ytd_to_april_is_april() -> None:
    assert year_to_date(IN_PERIOD, months(v(4), v(5)), m(1)) == v(4)


def test_ytd_ignores_later_months_and_other_years() -> None:
    series = {**months(v(1), v(2), v(3)), **months(v(100), v(100), year=2022)}
    assert year_to_date(IN_PERIOD, series, m(2)) == v(3)


def test_ytd_to_a_quarter_uses_its_months() -> None:
    series = months(*(v(i) for i in range(1, 7)))
    assert year_to_date(IN_PERIOD, series, q(2)) == v(21)
    assert year_to_date(IN_PERIOD, series, q(1)) == v(6)


def test_ytd_absent_month_is_missing() -> None:
    series = months(v(1), v(2))
    assert year_to_date(IN_PERIOD, series, m(3)) == MISSING


def test_ytd_from_quarters_only() -> None:
    series = {q(1): v(10), q(2): v(20), q(3): v(30)}
    assert year_to_date(IN_PERIOD, series, q(3)) == v(60)
    assert year_to_date(IN_PERIOD, series, m(6)) == v(30)
    assert year_to_date(SNAPSHOT, series, q(2)) == v(20)


def test_ytd_from_quarters_mid_quarter_is_missing() -> None:
    series = {q(1): v(10), q(2): v(20)}
    assert year_to_date(IN_PERIOD, series, m(5)) == MISSING


def test_ytd_quarters_then_months() -> None:
    series = {q(1): v(10), q(2): v(20), m(7): v(1), m(8): v(2)}
    assert year_to_date(IN_PERIOD, series, m(8)) == v(33)
    assert year_to_date(SNAPSHOT, series, m(8)) == v(2)


def test_ytd_quarters_then_months_ratio() -> None:
    series = {q(1): r(3, 10), m(4): r(1, 5), m(5): r(1, 5)}
    result = year_to_date(RATIO, series, m(5))
    assert result == Observation(Decimal(25), ValueState.VALUE, Decimal(5), Decimal(20))


def test_ytd_prefers_complete_months_over_the_quarter() -> None:
    series = {**months(v(1), v(2), v(3)), q(1): v(999)}
    assert year_to_date(IN_PERIOD, series, q(1)) == v(6)


def test_ytd_uses_quarter_when_months_incomplete() -> None:
    series = {**months(v(1), MISSING, v(3)), q(1): v(6), m(4): v(4)}
    assert year_to_date(IN_PERIOD, series, m(4)) == v(10)


def test_ytd_uses_months_when_quarter_has_no_value_but_months_do() -> None:
    series = {**months(v(1), v(2), MISSING), q(1): MISSING}
    assert year_to_date(IN_PERIOD, series, q(1)) == MISSING
    series = {**months(v(1), v(2), ARREARS), q(1): ARREARS}
    assert year_to_date(IN_PERIOD, series, q(1)) == v(3)


def test_ytd_quarter_in_arrears_is_skipped() -> None:
    series = {q(1): v(10), q(2): v(20), q(3): ARREARS}
    assert year_to_date(IN_PERIOD, series, q(3)) == v(30)


def test_ytd_months_and_quarter_both_without_values_use_quarter_state() -> None:
    series = {q(1): v(10), q(2): ARREARS, **months(ARREARS, ARREARS, ARREARS, start=4)}
    assert year_to_date(IN_PERIOD, series, q(2)) == v(10)


def test_ytd_average_mixes_quarters_and_months_by_weight() -> None:
    series = {q(1): v(10), m(4): v(20)}
    assert year_to_date(AVERAGE, series, m(4)) == v("12.5")


# -- span and quarter_from_months -------------------------------------------------------------


def test_quarter_from_months() -> None:
    series = months(*(v(i) for i in range(1, 7)))
    assert quarter_from_months(IN_PERIOD, series, q(2)) == v(15)
    assert quarter_from_months(SNAPSHOT, series, q(2)) == v(6)
    assert quarter_from_months(AVERAGE, series, q(1)) == v(2)


def test_quarter_from_months_uses_months_only() -> None:
    assert quarter_from_months(IN_PERIOD, {q(1): v(6)}, q(1)) == MISSING


def test_quarter_from_months_ratio_scale() -> None:
    series = months(r(1, 4), r(1, 4), r(2, 4))
    assert quarter_from_months(RATIO, series, q(1), scale=Decimal(1)).value == Decimal("1") / 3


def test_quarter_from_months_rejects_other_kinds() -> None:
    with pytest.raises(AggregationError, match="not a quarter"):
        quarter_from_months(IN_PERIOD, {}, m(1))


def test_span_of_month_is_its_observation() -> None:
    assert span(IN_PERIOD, months(v(3)), m(1)) == v(3)
    assert span(IN_PERIOD, {}, m(1)) == MISSING


def test_span_of_quarter_half_and_year() -> None:
    series = months(*(v(i) for i in range(1, 13)))
    assert span(IN_PERIOD, series, q(4)) == v(10 + 11 + 12)
    assert span(IN_PERIOD, series, Period.half(2023, 2)) == v(sum(range(7, 13)))
    assert span(IN_PERIOD, series, Period.full_year(2023)) == v(78)
    assert span(SNAPSHOT, series, Period.half(2023, 1)) == v(6)


def test_span_of_half_from_quarters() -> None:
    series = {q(3): v(5), q(4): v(6)}
    assert span(IN_PERIOD, series, Period.half(2023, 2)) == v(11)
    assert span(IN_PERIOD, series, Period.half(2023, 1)) == MISSING


def test_span_of_quarter_from_its_own_entry() -> None:
    assert span(SNAPSHOT, {q(2): v(7)}, q(2)) == v(7)


def test_span_of_year_from_mixed() -> None:
    series = {q(1): v(1), q(2): v(2), q(3): v(3), **months(v(4), v(5), v(6), start=10)}
    assert span(IN_PERIOD, series, Period.full_year(2023)) == v(21)


# -- rolling_12 -------------------------------------------------------------------------------


def test_rolling_12_sums_across_financial_years() -> None:
    series = {
        **months(*(v(1000) for _ in range(12)), year=2022),
        **months(*(v(i) for i in range(1, 7))),
    }
    # 12 months to September 2023: October 2022 to September 2023
    assert rolling_12(series, m(6)) == v(6 * 1000 + 21)


def test_rolling_12_default_basis_is_in_period() -> None:
    series = months(*(v(1) for _ in range(12)))
    assert rolling_12(series, m(12)) == rolling_12(series, m(12), IN_PERIOD) == v(12)


def test_rolling_12_missing_month_is_missing() -> None:
    series = months(*(v(1) for _ in range(11)))
    assert rolling_12(series, m(12)) == MISSING


def test_rolling_12_skips_trailing_arrears() -> None:
    series = {**months(v(1), year=2024), **months(*(v(2) for _ in range(12)))}
    series[m(2, 2024)] = ARREARS
    # June 2023 to May 2024: ten months of 2, April 2024 is 1, May 2024 is in arrears
    assert rolling_12(series, m(2, 2024)) == v(10 * 2 + 1)
    del series[m(3, 2023)]
    assert rolling_12(series, m(2, 2024)) == MISSING


@pytest.mark.parametrize("basis", LATEST_BASES)
def test_rolling_12_latest_bases(basis: ValueBasis) -> None:
    series = months(*(v(i) for i in range(1, 13)))
    assert rolling_12(series, m(8), basis) == v(8)


def test_rolling_12_ratio_and_average() -> None:
    series = months(*(r(1, 4) for _ in range(6)), *(r(3, 4) for _ in range(6)))
    result = rolling_12(series, q(4), RATIO)
    assert result == Observation(Decimal(50), ValueState.VALUE, Decimal(24), Decimal(48))
    values = months(*(v(i) for i in range(1, 13)))
    assert rolling_12(values, m(12), AVERAGE) == v("6.5")


def test_rolling_12_from_quarters() -> None:
    series = {q(i): v(i) for i in range(1, 5)}
    assert rolling_12(series, q(4)) == v(10)
    assert rolling_12(series, Period.full_year(2023)) == v(10)
    assert rolling_12(series, m(11)) == MISSING  # window not aligned to quarters


# -- properties -------------------------------------------------------------------------------

amounts = st.decimals(
    min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)
positive = st.decimals(
    min_value=Decimal("0.01"), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)
values = amounts.map(Observation)
gaps = st.sampled_from([MISSING, NA, TBC])
denominators = st.one_of(st.just(Decimal(0)), positive, positive)
ratios = st.tuples(amounts, denominators).map(lambda t: r(t[0], t[1]))


@st.composite
def year_series(draw: st.DrawFn, items: st.SearchStrategy[Observation]) -> list[Observation]:
    """Twelve months of observations; arrears, if any, only at the end."""
    obs = draw(st.lists(st.one_of(items, items, gaps), min_size=12, max_size=12))
    reported = draw(st.integers(0, 12))
    return obs[:reported] + [ARREARS] * (12 - reported)


def quarter_aggregates(
    basis: ValueBasis, series: dict[Period, Observation], through: int
) -> list[tuple[Period, Observation]]:
    return [(q(i), quarter_from_months(basis, series, q(i))) for i in range(1, through + 1)]


@given(year_series(values), st.integers(1, 4))
def test_in_period_ytd_equals_sum_of_quarter_aggregates(obs: list[Observation], n: int) -> None:
    series = months(*obs)
    expected = aggregate(IN_PERIOD, quarter_aggregates(IN_PERIOD, series, n))
    assert year_to_date(IN_PERIOD, series, q(n)) == expected


@given(year_series(ratios), st.integers(1, 4))
def test_ratio_ytd_equals_aggregate_of_quarter_aggregates(obs: list[Observation], n: int) -> None:
    series = months(*obs)
    expected = aggregate(RATIO, quarter_aggregates(RATIO, series, n))
    assert year_to_date(RATIO, series, q(n)) == expected


@given(st.lists(amounts, min_size=12, max_size=12), st.integers(1, 12))
def test_in_period_ytd_is_the_sum(amounts_: list[Decimal], n: int) -> None:
    series = months(*(Observation(a) for a in amounts_))
    assert year_to_date(IN_PERIOD, series, m(n)) == Observation(sum(amounts_[:n], Decimal(0)))


@given(st.lists(amounts, min_size=12, max_size=12), st.integers(1, 12), st.integers(0, 4))
def test_ytd_from_published_quarters_equals_ytd_from_months(
    amounts_: list[Decimal], n: int, quarters: int
) -> None:
    quarters = min(quarters, n // 3)
    monthly = months(*(Observation(a) for a in amounts_))
    mixed = {p: o for p, o in monthly.items() if p.index > 3 * quarters}
    mixed.update(quarter_aggregates(IN_PERIOD, monthly, quarters))
    assert year_to_date(IN_PERIOD, mixed, m(n)) == year_to_date(IN_PERIOD, monthly, m(n))


@pytest.mark.parametrize("basis", list(ValueBasis))
@given(data=st.data())
def test_order_of_parts_does_not_matter(basis: ValueBasis, data: st.DataObject) -> None:
    items = ratios if basis == RATIO else values
    obs = data.draw(st.lists(st.one_of(items, items, gaps, st.just(ARREARS)), max_size=12))
    ordered = parts(*obs)
    shuffled = data.draw(st.permutations(ordered))
    assert aggregate(basis, shuffled) == aggregate(basis, ordered)
