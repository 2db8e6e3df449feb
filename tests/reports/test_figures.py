"""Published figures against worked-out ones, and targets with their profile (no database)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.assess import assess
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.periods import Period
from kpiboard.engine.targets import parse_target
from kpiboard.engine.types import Unit, ValueBasis, ValueState
from kpiboard.framework.schemes import preset_direction_scheme, preset_rating_scheme
from kpiboard.reports.figures import agrees, compare, target_display

exact = st.decimals(min_value=0, max_value=10_000, places=6, allow_nan=False,
                    allow_infinity=False)


@given(exact, st.integers(0, 3))
def test_a_figure_agrees_with_itself_rounded_to_any_places(value: Decimal, places: int) -> None:
    published = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert agrees(Observation(published), Observation(value))


@given(exact, st.integers(0, 3), st.integers(2, 50))
def test_a_figure_two_or_more_units_away_disagrees(value: Decimal, places: int,
                                                   units: int) -> None:
    step = Decimal(1).scaleb(-places)
    published = value.quantize(step, rounding=ROUND_HALF_UP) + units * step
    assert not agrees(Observation(published), Observation(value))


def test_non_values() -> None:
    na = Observation(None, ValueState.NOT_APPLICABLE)
    assert agrees(na, Observation(None, ValueState.MISSING))
    assert not agrees(na, Observation(Decimal("53.4")))
    assert not agrees(Observation(Decimal(1)), na)


KPI = KpiDefinition(ref="AFL14", name="Households prevented", unit=Unit.COUNT,
                    basis=ValueBasis.IN_PERIOD)


def test_compare_shows_the_published_figure_and_flags_a_difference() -> None:
    assert compare(KPI, ("304", Observation(Decimal(304))), Observation(Decimal(305))) == (
        "304", Observation(Decimal(304)), "as published; worked out from the periods it is 305",
        "305", "differs")
    assert compare(KPI, ("305", Observation(Decimal(305))), Observation(Decimal(305)))[4] == ""
    assert compare(KPI, ("80.60%", Observation(Decimal("80.60"))), None)[::4] == (
        "80.60%", "published")
    assert compare(KPI, None, Observation(Decimal(1197)))[0] == "1,197"
    ratio = KpiDefinition(ref="X", name="x", unit=Unit.PERCENT, basis=ValueBasis.RATIO)
    assert compare(ratio, None, None)[:3] == ("n/a", None, "cannot be worked out: the "
                                              "periods' numerators and denominators were not "
                                              "given")


def shown(target: str, basis: ValueBasis, period: str = "2024-02") -> str:
    kpi = KpiDefinition(ref="T", name="t", unit=Unit.COUNT, basis=basis,
                        targets={"2023/24": parse_target(target, year_start=2023).target})
    p = Period.parse(period)
    a = assess(kpi, p, {}, rating_scheme=preset_rating_scheme("nnc"),
               direction_scheme=preset_direction_scheme("nnc"))
    return target_display(a, p)


def test_targets_show_the_year_and_the_profile() -> None:
    assert shown("Year-end target: 564 Monthly target: 47", ValueBasis.CUMULATIVE) == (
        "Year-end target: 564 Monthly target: 47; 517 profiled to February 2023/24")
    assert shown("252 (21 per month)", ValueBasis.IN_PERIOD) == "252 (21 per month)"
    assert shown("240", ValueBasis.IN_PERIOD, "2023/24-Q1") == (
        "240; 60 profiled for Quarter 1 2023/24")
    assert shown("90%", ValueBasis.RATIO) == "90%"
    assert shown("1,688 / 3,377 / 5,065 / 6,755", ValueBasis.CUMULATIVE, "2023/24-Q2") == (
        "1,688 / 3,377 / 5,065 / 6,755; 3,377 profiled to Quarter 2 2023/24")
    assert shown("TBD", ValueBasis.SNAPSHOT) == "TBD"
