"""Sense checks: bands that cover the line, thresholds in order, tolerances, profiles,
sub-measure target texts, columns the database holds; and KPI-set targets checked alike."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpiboard.engine.rating import Band, RatingScheme, Status, band_problems, rate
from kpiboard.engine.targets import Target
from kpiboard.engine.types import Polarity, ValueBasis
from kpiboard.framework import FrameworkError, load_framework_text
from kpiboard.framework import columns as L
from kpiboard.framework.checks import profile_problems, sub_measure_text_problem
from kpiboard.framework.dump import dump_framework_text
from tests.framework.test_strict_yaml import HEAD, one_kpi, problems

# -- bands -------------------------------------------------------------------------------------

gaps = st.one_of(st.none(), st.integers(-20, 20).map(Decimal))
bands_lists = st.lists(st.builds(Band, st.sampled_from(["a", "b", "c"]), gaps, st.booleans()),
                       min_size=1, max_size=5)


def first_band(bands: list[Band], gap: Decimal) -> int | None:
    return next((i for i, b in enumerate(bands) if b.admits(gap)), None)


def probe_gaps(bands: list[Band]) -> list[Decimal]:
    points = {Decimal(-10**6), Decimal(10**6)}
    for b in bands:
        if b.min_gap is not None:
            points |= {b.min_gap, b.min_gap - Decimal("0.5"), b.min_gap + Decimal("0.5")}
    return sorted(points)


@settings(max_examples=300, deadline=None)
@given(bands_lists)
def test_any_bands_scheme_is_refused_or_covers_the_line_with_every_band_reachable(
        bands: list[Band]) -> None:
    found = band_problems(bands)
    chosen = {first_band(bands, g) for g in probe_gaps(bands)}
    if found:
        unreachable = {i for i, m in found if "can never be reached" in m}
        uncovered = any("leave gaps" in m for _, m in found)
        assert unreachable or uncovered
        assert all(i not in chosen for i in unreachable)
        assert uncovered == (None in chosen)
        return
    assert None not in chosen and chosen == set(range(len(bands)))
    scheme = RatingScheme("s", "S", tuple(Status(c, c) for c in "abc"), {}, method="bands",
                          bands=tuple(bands), gap_measure="points")
    for value in (Decimal(-10**6), Decimal(0), Decimal("0.5"), Decimal(10**6)):
        assert rate(scheme, value=value, target=Decimal(0), polarity=Polarity.HIGHER).status


def test_a_band_hidden_by_an_earlier_one_is_named_with_it() -> None:
    bands = [Band("green", Decimal(0)), Band("amber", Decimal(-10)), Band("red", Decimal(-5)),
             Band("red")]
    assert band_problems(bands) == [(2, "band 3 ('red' from -5) can never be reached: band 2 "
                                        "('amber' from -10) comes before it and takes every "
                                        "gap it would; put the bands from the best gap down "
                                        "to the worst")]
    assert band_problems([Band("a", Decimal(0), inclusive=False), Band("b", Decimal(0)),
                          Band("c")]) == []
    assert band_problems([Band("a", Decimal(0)), Band("b", Decimal(0), inclusive=False),
                          Band("c")])[0][0] == 1


def test_every_preset_bands_scheme_passes() -> None:
    from kpiboard.framework.schemes import preset_data, preset_rating_scheme

    for name in preset_data("rating"):
        assert band_problems(preset_rating_scheme(name).bands) == []


# -- thresholds, tolerances ------------------------------------------------------------------

@pytest.mark.parametrize(("polarity", "green", "amber", "ok"), [
    ("higher", 99.5, 99, True), ("higher", 99, 99.5, False), ("higher", 99, 99, True),
    ("lower", 5, 6, True), ("lower", 5, 4, False)])
def test_thresholds_in_order_for_the_polarity(polarity: str, green: float, amber: float,
                                              ok: bool) -> None:
    text = one_kpi(f"ref: A1, name: a, polarity: {polarity}, target: 100, "
                   f"tolerance: {{thresholds: {{green: {green}, amber: {amber}}}}}")
    if ok:
        load_framework_text(text)
    else:
        assert "green threshold" in problems(text)[0]


def test_thresholds_are_checked_against_an_inherited_polarity() -> None:
    text = HEAD + """years:
  2023/24:
    kpis: [{ref: A1, name: a, polarity: lower}]
  2024/25:
    kpis: [{ref: A1, name: a, tolerance: {thresholds: {green: 5, amber: 4}}}]
"""
    assert problems(text) == ["<framework>:10: years.2024/25.kpis[0].tolerance: the amber "
                              "threshold (4) is below the green threshold (5), but lower is "
                              "better for this KPI: amber starts above green"]


def test_a_sub_measures_thresholds_follow_its_own_polarity() -> None:
    text = one_kpi("ref: A1, name: a, polarity: higher, sub_measures: [{code: P1, polarity: "
                   "lower, tolerance: {thresholds: {green: 99, amber: 99.5}}}]")
    load_framework_text(text)
    assert "sub_measures[0].tolerance" in problems(text.replace("lower", "higher"))[0]


def test_zero_tolerances_are_fine_and_negative_text_is_read_as_either_side() -> None:
    load_framework_text(one_kpi("ref: A1, name: a, polarity: higher, tolerance: {points: 0}"))
    fw = load_framework_text(one_kpi("ref: A1, name: a, polarity: higher, target: 90, "
                                     "tolerance: +/-5%"))
    assert fw.years["2024/25"].kpis["A1"].tolerance.amount == 5


# -- profiles -------------------------------------------------------------------------------

def test_profile_total_says_the_profile_is_not_the_annual_target() -> None:
    base = ("ref: A1, name: a, polarity: higher, basis: in_period, target: {annual: 240, "
            "profile: {2024/25-H1: 100, 2024/25-H2: 100}")
    assert "adds up to 200, but the annual target is 240" in problems(one_kpi(base + "}"))[0]
    fw = load_framework_text(one_kpi(base + ", profile_total: not the annual target}"))
    assert "profile_total: not the annual target" in dump_framework_text(fw)
    load_framework_text(dump_framework_text(fw))  # and it reads back


def test_profiles_that_add_up_or_cover_part_of_the_year_or_are_not_counts_are_fine() -> None:
    for target, basis in [("{annual: 240, profile: {2024/25-H1: 100, 2024/25-H2: 140}}",
                           "in_period"),
                          ("{annual: 240, profile: {2024/25-Q1: 100}}", "in_period"),
                          ("{annual: 95, profile: {2024/25-H1: 90, 2024/25-H2: 95}}", "ratio")]:
        load_framework_text(one_kpi(f"ref: A1, name: a, polarity: higher, basis: {basis}, "
                                    f"target: {target}"))


def test_profile_checks_for_another_years_target_use_that_year() -> None:
    text = one_kpi("ref: A1, name: a, polarity: higher, basis: cumulative, targets: "
                   "{2025/26: {annual: 9, cumulative: true, profile: {2024/25-Q1: 1}}}")
    assert problems(text) == ["<framework>:9: years.2024/25.kpis[0].targets.2025/26: the "
                              "profile's period 2024/25-Q1 is in 2024/25, not in 2025/26, the "
                              "year of this target"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=2, max_size=12))
def test_a_cumulative_profile_is_refused_exactly_when_it_goes_down(figures: list[int]) -> None:
    from kpiboard.engine.periods import FinancialYear

    months = FinancialYear(2024).months()[:len(figures)]
    target = Target(annual=Decimal(figures[-1]), cumulative_profile=True,
                    profile={m.key: Decimal(f) for m, f in zip(months, figures, strict=False)})
    found = profile_problems(target, "2024/25", ValueBasis.CUMULATIVE)
    assert bool(found) == any(b < a for a, b in pairwise(figures))


# -- sub-measure target texts ------------------------------------------------------------------

def test_the_p9_typo_names_p9_as_unknown_and_p4_as_not_given() -> None:
    text = one_kpi("ref: STP31, name: a, polarity: higher, target: P1 and P2 97.5% - P3 and "
                   "P9 90%, sub_measures: [P1, P2, P3, P4]")
    (message,) = problems(text)
    assert "names sub-measure 'P9', which STP31 does not have" in message
    assert "gives no target for P4" in message


def test_a_sub_measure_with_its_own_target_or_no_polarity_may_be_left_out() -> None:
    load_framework_text(one_kpi(
        "ref: S, name: a, polarity: higher, target: P1 and P2 97.5%, sub_measures: "
        "[P1, P2, {code: P3, target: 90%}, {code: P4, polarity: none}]"))


def test_sub_measure_text_problem_wording() -> None:
    assert sub_measure_text_problem("K", ["A", "B"], ["A", "B"]) is None
    assert sub_measure_text_problem("K", ["A"], []) == (
        "the target gives targets for sub-measures A, but K has no sub-measures: list them "
        "under sub_measures")


# -- what the database holds ---------------------------------------------------------------

def test_column_widths_are_the_models() -> None:
    from kpiboard.kpis import models as m

    def width(model: type, name: str) -> int:
        return model._meta.get_field(name).max_length  # type: ignore[attr-defined,no-any-return]

    assert width(m.Organisation, "name") == L.ORGANISATION
    assert width(m.Organisation, "short_name") == L.SHORT_NAME
    assert width(m.RatingScheme, "name") == width(m.DirectionScheme, "name") == L.SCHEME
    assert width(m.RatingScheme, "title") == width(m.DirectionScheme, "title") == L.SCHEME_TITLE
    assert width(m.KeyCommitment, "name") == width(m.Kpi, "key_commitment") == L.COMMITMENT
    assert width(m.KeyCommitment, "code") == L.COMMITMENT_CODE
    for model, name in [(m.Directorate, "name"), (m.Service, "name"), (m.Kpi, "directorate"),
                        (m.Kpi, "department"), (m.Kpi, "team"), (m.Kpi, "portfolio")]:
        assert width(model, name) == L.UNIT_NAME
    assert width(m.Kpi, "ref") == width(m.KpiChange, "ref") == L.REF
    assert width(m.Kpi, "priority") == L.PRIORITY
    assert width(m.Kpi, "theme") == L.THEME
    assert width(m.SubMeasure, "code") == L.SUB_CODE
    assert width(m.Benchmark, "period") == L.BENCHMARK_PERIOD
    assert width(m.Benchmark, "group") == L.BENCHMARK_GROUP


def test_texts_that_fit_their_columns_exactly_load() -> None:
    fw = load_framework_text(one_kpi(f"ref: {'R' * L.REF}, name: a, polarity: higher, "
                                     f"team: {'t' * L.UNIT_NAME}, decimals: 10, "
                                     "arrears_months: 24"))
    assert list(fw.years["2024/25"].kpis) == ["R" * L.REF]


def test_all_problems_are_listed_at_once() -> None:
    text = one_kpi("ref: A1, name: a, polarity: higher, decimals: -1, arrears_months: 99, "
                   "tolerance: {points: -1}")
    assert len(problems(text)) == 3
    with pytest.raises(FrameworkError):
        load_framework_text(text)
