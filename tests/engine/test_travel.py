"""Tests for kpiboard.engine.travel: direction of travel under every preset scheme."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpiboard.engine.explain import explain_travel
from kpiboard.engine.travel import (
    CompareWith,
    DirectionScheme,
    Movement,
    Travel,
    TravelBasis,
    TravelError,
    percent_of_target,
    travel,
)
from kpiboard.engine.types import Polarity, Unit
from kpiboard.framework.schemes import preset_direction_scheme

D = Decimal
H, L, T, N = Polarity.HIGHER, Polarity.LOWER, Polarity.TARGET, Polarity.NONE
M = Movement


def moved(scheme: str, current: str | None, previous: str | None, polarity: Polarity,
          **kw: object) -> Travel:
    return travel(preset_direction_scheme(scheme),
                  current=None if current is None else D(current),
                  previous=None if previous is None else D(previous), polarity=polarity,
                  **kw)  # type: ignore[arg-type]


# --- NNC: arrow is the way the value moved; G / bare / R say whether that is good --------------

@pytest.mark.parametrize(
    ("current", "previous", "polarity", "on_target", "movement", "symbol"),
    [
        # seed cases
        ("46.43", "78.13", H, False, M.DETERIORATED, "↓R"),  # STP16
        ("74.1", "74.5", H, False, M.DETERIORATED_ACCEPTABLE, "↓"),  # AFL08: 0.54% down
        ("7", "3", L, True, M.DETERIORATED_ACCEPTABLE, "↑"),  # STP12: worse but on target
        ("16", "15", L, False, M.DETERIORATED, "↑R"),  # AFL12: 6.67% > 5%
        ("91.67", "99.53", H, True, M.DETERIORATED_ACCEPTABLE, "↓"),  # STP31 P4 on target 90
        ("99.8", "99.8", H, True, M.SAME, "→"),  # STP08
        # improved either way
        ("80", "70", H, None, M.IMPROVED, "↑G"),
        ("60", "70", L, None, M.IMPROVED, "↓G"),
        ("80", "70", H, False, M.IMPROVED, "↑G"),
        # deteriorated within 5% of the last value (inclusive), or beyond it
        ("95", "100", H, False, M.DETERIORATED_ACCEPTABLE, "↓"),
        ("94.99", "100", H, False, M.DETERIORATED, "↓R"),
        ("105", "100", L, False, M.DETERIORATED_ACCEPTABLE, "↑"),
        ("105.01", "100", L, None, M.DETERIORATED, "↑R"),
        ("50", "100", H, True, M.DETERIORATED_ACCEPTABLE, "↓"),
        ("50", "100", H, None, M.DETERIORATED, "↓R"),
        ("5", "0", L, False, M.DETERIORATED, "↑R"),  # no % change from zero
        ("5", "0", L, True, M.DETERIORATED_ACCEPTABLE, "↑"),
        ("-11", "-10", H, False, M.DETERIORATED, "↓R"),
        # unchanged
        ("70", "70", H, None, M.SAME, "→"),
        ("70", "70.00", L, None, M.SAME, "→"),
        # no polarity: the change only
        ("71", "70", N, None, M.INCREASED, "↑"),
        ("70", "70", N, None, M.UNCHANGED, "⇔"),
        ("69", "70", N, None, M.DECREASED, "↓"),
        ("69", "70", N, True, M.DECREASED, "↓"),
    ],
)
def test_nnc(current: str, previous: str, polarity: Polarity, on_target: bool | None,
             movement: Movement, symbol: str) -> None:
    t = moved("nnc", current, previous, polarity, on_target=on_target)
    assert (t.movement, t.symbol) == (movement, symbol)
    assert t.change == D(current) - D(previous)
    assert t.way == ("up" if t.change > 0 else "down" if t.change < 0 else "flat")
    assert t.label  # every NNC arrow has its key text


@pytest.mark.parametrize(
    ("current", "previous", "comparable", "reason", "expected_reason"),
    [
        (None, "70", True, "", "no value for this period"),
        ("70", None, True, "", "no value to compare with"),
        (None, None, True, "", "no value for this period"),
        ("70", "60", False, "the definition changed", "the definition changed"),
        ("70", "70", False, "", "no value to compare with"),
    ],
)
@pytest.mark.parametrize("scheme", ["nnc", "childrens_trust", "two_percent",
                                    "two_percent_annual"])
def test_not_comparable(scheme: str, current: str | None, previous: str | None,
                        comparable: bool, reason: str, expected_reason: str) -> None:
    t = moved(scheme, current, previous, H, comparable=comparable, reason=reason)
    assert t.movement is M.NOT_COMPARABLE and t.way == "flat" and t.change is None
    assert t.symbol == {"nnc": "n/a", "childrens_trust": "n/a"}.get(scheme, "NC")
    assert t.reason == expected_reason
    assert explain_travel(t) == f"{t.symbol}: not comparable: {expected_reason}."


# --- Children's Trust: the arrow is improvement ----------------------------------------------

@pytest.mark.parametrize(
    ("current", "previous", "polarity", "movement", "symbol"),
    [
        ("80", "70", H, M.IMPROVED, "↑G"),
        ("60", "70", L, M.IMPROVED, "↑G"),  # fewer is better: still the up-green arrow
        ("70", "70", H, M.SAME, "→"),
        ("69.9", "70", H, M.DETERIORATED, "↓A"),  # no acceptable range
        ("80", "70", L, M.DETERIORATED, "↓A"),
        ("71", "70", N, M.INCREASED, "↑"),
        ("70", "70", N, M.UNCHANGED, "→"),
        ("69", "70", N, M.DECREASED, "↓"),
    ],
)
def test_childrens_trust(current: str, previous: str, polarity: Polarity, movement: Movement,
                         symbol: str) -> None:
    t = moved("childrens_trust", current, previous, polarity, on_target=True)
    assert (t.movement, t.symbol) == (movement, symbol)


# --- 2%: within 2% either way is the same ------------------------------------------------------

@pytest.mark.parametrize(
    ("current", "previous", "polarity", "movement", "symbol"),
    [
        ("102", "100", H, M.SAME, "►"),  # exactly 2%: within
        ("98", "100", H, M.SAME, "►"),
        ("102.01", "100", H, M.IMPROVED, "▲"),
        ("97.99", "100", H, M.DETERIORATED, "▼"),
        ("97.99", "100", L, M.IMPROVED, "▲"),
        ("102.01", "100", L, M.DETERIORATED, "▼"),
        ("100", "100", H, M.SAME, "►"),
        ("-102", "-100", H, M.SAME, "►"),  # 2% of |previous|
        ("-103", "-100", H, M.DETERIORATED, "▼"),
        # from zero there is no percentage: any change counts
        ("0.01", "0", H, M.IMPROVED, "▲"),
        ("-1", "0", L, M.IMPROVED, "▲"),
        ("0", "0", H, M.SAME, "►"),
        ("1", "0", N, M.INCREASED, "▲"),
        ("101", "100", N, M.UNCHANGED, "►"),
        ("103", "100", N, M.INCREASED, "▲"),
    ],
)
def test_two_percent(current: str, previous: str, polarity: Polarity, movement: Movement,
                     symbol: str) -> None:
    t = moved("two_percent", current, previous, polarity)
    assert (t.movement, t.symbol) == (movement, symbol)


def test_two_percent_annual_compares_with_last_year() -> None:
    scheme = preset_direction_scheme("two_percent_annual")
    assert scheme.compare_with is CompareWith.SAME_PERIOD_LAST_YEAR
    assert preset_direction_scheme("nnc").compare_with is CompareWith.PREVIOUS


def test_relative_change() -> None:
    t = moved("nnc", "16", "15", L)
    assert t.relative_change is not None
    assert round(t.relative_change, 2) == D("6.67")
    assert moved("nnc", "5", "0", L).relative_change is None


@pytest.mark.parametrize(
    ("on_target", "movement"),
    [(True, M.IMPROVED), (False, M.DETERIORATED), (None, M.DETERIORATED)],
)
def test_close_to_target_takes_the_callers_judgement(on_target: bool | None,
                                                     movement: Movement) -> None:
    """For a close-to-target KPI ``on_target`` says whether it moved closer."""
    assert moved("nnc", "92", "80", T, on_target=on_target).movement is movement


def test_percent_of_target() -> None:
    assert percent_of_target(D(48), D(50)) == D(96)
    assert percent_of_target(None, D(50)) is None
    assert percent_of_target(D(48), None) is None
    assert percent_of_target(D(48), D(0)) is None


# --- explanations ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("scheme", "current", "previous", "polarity", "kw", "text"),
    [
        ("nnc", "46.43", "78.13", H,
         {"on_target": False, "unit": Unit.PERCENT, "previous_label": "Quarter 1 2023/24"},
         "↓R: 46.43% is down 31.70 points (40.57%) from 78.13% in Quarter 1 2023/24: a "
         "deterioration, beyond the acceptable range of 5% and not on target."),
        ("nnc", "74.1", "74.5", H, {"on_target": False, "unit": Unit.PERCENT},
         "↓: 74.1% is down 0.4 points (0.54%) from 74.5% last time: worse, but within the "
         "acceptable range of 5%."),
        ("nnc", "7", "3", L, {"on_target": True},
         "↑: 7 is up 4 (133.33%) from 3 last time: worse, but still on target."),
        ("nnc", "16", "15", L, {"on_target": False, "previous_label": "January 2023/24"},
         "↑R: 16 is up 1 (6.67%) from 15 in January 2023/24: a deterioration, beyond the "
         "acceptable range of 5% and not on target."),
        ("nnc", "60", "70", L, {}, "↓G: 60 is down 10 (14.29%) from 70 last time: an "
         "improvement."),
        ("nnc", "70", "70", H, {}, "→: 70 is the same as last time."),
        ("nnc", "71", "70", N, {}, "↑: 71 is up 1 (1.43%) from 70 last time; neither higher "
         "nor lower is better."),
        ("two_percent", "102", "100", H, {}, "►: 102 is up 2 (2%) from 100 last time, within "
         "2%, so about the same."),
        ("nnc", "96", "90", H, {"basis": TravelBasis.PERCENT_OF_TARGET},
         "↑G: 96% of the profiled target achieved is up 6 points (6.67%) from 90% last time: "
         "an improvement."),
        ("nnc", "74.104", "74.1", H, {"unit": Unit.PERCENT},
         "↑G: 74.104% is up 0.004 points (0.01%) from 74.1% last time: an improvement."),
        ("childrens_trust", "80", "70", L, {},
         "↓A: 80 is up 10 (14.29%) from 70 last time: a deterioration."),
    ],
)
def test_explanations(scheme: str, current: str, previous: str, polarity: Polarity,
                      kw: dict[str, object], text: str) -> None:
    assert explain_travel(moved(scheme, current, previous, polarity, **kw)) == text


# --- scheme checks ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("symbols", "message"),
    [
        ({"improved": "+", "same": "=", "deteriorated": "-", "better": "!"}, "unknown symbol"),
        ({"improved.sideways": "+", "same": "=", "deteriorated": "-"}, "unknown symbol"),
        ({"improved": "+", "deteriorated": "-"}, "no symbol for 'same'"),
        ({"same": "=", "deteriorated": "-"}, "no symbol for 'improved'"),
    ],
)
def test_inconsistent_schemes(symbols: dict[str, str], message: str) -> None:
    with pytest.raises(TravelError, match=message):
        DirectionScheme("x", "X", symbols)


def test_symbol_fallbacks() -> None:
    scheme = DirectionScheme("x", "X", {"improved": "+", "same": "=", "deteriorated": "-"},
                             acceptable_within=D(5))
    t = travel(scheme, current=D(99), previous=D(100), polarity=H)
    assert (t.movement, t.symbol) == (M.DETERIORATED_ACCEPTABLE, "-")
    t = travel(scheme, current=D(100), previous=D(100), polarity=N)
    assert (t.movement, t.symbol) == (M.UNCHANGED, "=")
    t = travel(scheme, current=None, previous=D(100), polarity=H)
    assert t.symbol == "–"
