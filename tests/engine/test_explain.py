"""Tests for kpiboard.engine.explain: one plain sentence, with the numbers, per status."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpiboard.engine.explain import band_rule, explain_rating, gap, num, places_to_tell_apart
from kpiboard.engine.rating import rate
from kpiboard.engine.targets import NoTargetReason
from kpiboard.engine.tolerance import NO_TOLERANCE, Tolerance, parse_tolerance
from kpiboard.engine.types import Polarity, Unit, ValueState
from kpiboard.framework.schemes import preset_rating_scheme

D = Decimal
H, L, T, N = Polarity.HIGHER, Polarity.LOWER, Polarity.TARGET, Polarity.NONE
P = Unit.PERCENT


@pytest.mark.parametrize(
    ("value", "unit", "places", "text"),
    [
        (D("46.43"), P, 2, "46.43%"),
        (D("80.60"), P, 2, "80.60%"),  # as given
        (D("85.00"), P, 2, "85%"),  # whole numbers print whole
        (D("84.999"), P, 2, "85%"),
        (D("84.999"), P, 3, "84.999%"),
        (D("2.0618556701"), None, 2, "2.06"),
        (D(1197), Unit.COUNT, 2, "1,197"),
        (D("71233944.18"), Unit.MONEY, 2, "£71,233,944.18"),
        (D("-1200.5"), Unit.MONEY, 2, "-£1,200.5"),
        (D("60.9"), Unit.DAYS, 2, "60.9 days"),
        (D(3), Unit.WEEKS, 2, "3 weeks"),
        (D("0.001"), None, 2, "0.001"),  # a small non-zero figure never reads as 0
        (D("0.0012345"), None, 2, "0.0012"),
        (D(0), None, 2, "0"),
        (None, P, 2, "no value"),
    ],
)
def test_num(value: Decimal | None, unit: Unit | None, places: int, text: str) -> None:
    assert num(value, unit, places) == text


@pytest.mark.parametrize(
    ("d", "unit", "text"),
    [(D("-38.57"), P, "38.57 points"), (D(1), P, "1 point"), (D(-3), Unit.COUNT, "3"),
     (D("4"), Unit.DAYS, "4 days"), (D("-0.001"), P, "0.001 points")],
)
def test_gap(d: Decimal, unit: Unit | None, text: str) -> None:
    assert gap(d, unit) == text


@pytest.mark.parametrize(
    ("value", "others", "places"),
    [(D("84.999"), [D(85)], 3), (D("46.43"), [D(85), D(80)], 2), (D(85), [D(85)], 2),
     (D("92.1499"), [D("92.15"), D(97)], 4), (D("1.23456789123"), [D("1.2345678912")], 8),
     (D("74.104"), [D("74.1")], 3), (D(5), [None], 2)],
)
def test_places_to_tell_apart(value: Decimal, others: list[Decimal | None],
                              places: int) -> None:
    assert places_to_tell_apart(value, others) == places


@pytest.mark.parametrize(
    ("low", "low_incl", "high", "high_incl", "text"),
    [
        (D(10), False, None, False, "G is more than 10% better than target"),
        (D(10), True, None, False, "G is at least 10% better than target"),
        (D(0), True, None, False, "G is on target or better"),
        (D(0), False, None, False, "G is better than target"),
        (D(-5), True, None, False, "G is up to 5% worse than target, or better"),
        (None, False, D(-10), False, "G is more than 10% worse than target"),
        (None, False, D(-10), True, "G is at least 10% worse than target"),
        (None, False, D(0), False, "G is worse than target"),
        (None, False, D(0), True, "G is on target or worse"),
        (None, False, D(5), True, "G is up to 5% better than target, or worse"),
        (D(-5), True, D(10), True, "G is from 5% worse to 10% better than target"),
        (D(-5), False, D(10), False,
         "G is from 5% worse (exclusive) to 10% better (exclusive) than target"),
        (D(-10), True, D(-5), False, "G is more than 5% and up to 10% worse than target"),
        (D(5), False, D(10), True, "G is more than 5% and up to 10% better than target"),
        (None, False, None, False, ""),
    ],
)
def test_band_rule(low: Decimal | None, low_incl: bool, high: Decimal | None, high_incl: bool,
                   text: str) -> None:
    assert band_rule("G", low, low_incl, high, high_incl, "relative", None) == text


def test_band_rule_points() -> None:
    assert band_rule("G", D(-2), True, None, False, "points", P) == (
        "G is up to 2 points worse than target, or better")
    assert band_rule("G", None, False, D(-2), False, "points", Unit.COUNT) == (
        "G is more than 2 worse than target")


def explain(scheme: str, value: str | None, target: str | None, polarity: Polarity = H,
            tolerance: Tolerance | None = None, unit: Unit | None = P, **kw: object) -> str:
    return explain_rating(rate(
        preset_rating_scheme(scheme), value=None if value is None else D(value),
        target=None if target is None else D(target), polarity=polarity,
        tolerance=tolerance, unit=unit, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kw", "text"),
    [
        # the seed example, word for word
        (("nnc", "46.43", "85", H, parse_tolerance("80% - 85%")), {},
         "Red: 46.43% is 38.57 points below the 85% target (higher is better); the amber band "
         "is 80%–85%."),
        (("nnc", "92.2", "97"), {},
         "Amber: 92.2% is 4.8 points below the 97% target (higher is better); the amber band "
         "is 92.15%–97%."),
        (("nnc", "97", "97"), {}, "Green: 97% is exactly the 97% target (higher is better); the "
         "amber band is 92.15%–97%."),
        (("nnc", "16", "9", L, parse_tolerance("9 to 12"), Unit.COUNT), {},
         "Red: 16 is 7 (77.78%) above the 9 target (lower is better); the amber band is 9–12."),
        (("nnc", "58", "56", L, parse_tolerance("56 to 60 days"), Unit.DAYS), {},
         "Amber: 58 days is 2 days (3.57%) above the 56 days target (lower is better); the "
         "amber band is 56 days–60 days."),
        (("nnc", "74.1", "80", H, parse_tolerance("5% points")), {},
         "Red: 74.1% is 5.9 points below the 80% target (higher is better); the amber band is "
         "75%–80%."),
        (("childrens_trust", "96", "97"), {},
         "Red: 96% is 1 point below the 97% target (higher is better); there is no tolerance."),
        (("nnc", "92.1499", "97"), {},
         "Red: 92.1499% is 4.8501 points below the 97% target (higher is better); the amber "
         "band is 92.15%–97%."),
        # close to target
        (("nnc", "90", None, T), {"target_band": (D(85), D(95))},
         "Green: 90% is within the target of 85%–95%."),
        (("nnc", "83", None, T), {"target_band": (D(85), D(95))},
         "Amber: 83% is 2 points below the target of 85%–95%; tolerance 5% of target."),
        (("childrens_trust", "97", None, T), {"target_band": (D(85), D(95))},
         "Red: 97% is 2 points above the target of 85%–95%; there is no tolerance."),
        (("nnc", "97", None, T, Tolerance.points(3)), {"target_band": (D(85), D(95))},
         "Amber: 97% is 2 points above the target of 85%–95%; tolerance 3 points."),
        (("four_band", "81", None, T), {"target_band": (D(85), D(95))},
         "Green: 81% is 4 points below the target of 85%–95%; Green is from 5% worse to 10% "
         "better than target."),
        (("four_band", "80", None, T), {"target_band": (D(85), D(95))},  # 5 is 5.88% of 85
         "Amber: 80% is 5 points below the target of 85%–95%; Amber is more than 5% and up to "
         "10% worse than target."),
        # qualifier
        (("nnc", "99", "99", H, NO_TOLERANCE), {"qualifier": ">"},
         "Red: 99% equals but does not meet the target of more than 99% (higher is better); "
         "there is no tolerance."),
        (("nnc", "99", "99", H, NO_TOLERANCE), {"qualifier": ">="},
         "Green: 99% is exactly the 99% target (higher is better)."),
        # no judgement
        (("nnc", None, "90"), {}, "Dark grey: no value was provided for this period."),
        (("nnc", None, "90"), {"state": ValueState.IN_ARREARS,
                               "note": "reported one month in arrears"},
         "Dark grey: the value is reported in arrears and is not yet due (reported one month in "
         "arrears)."),
        (("nnc", None, "90"), {"state": ValueState.NOT_APPLICABLE},
         "Dark grey: a value does not apply for this period."),
        (("nnc", None, "90"), {"state": ValueState.TO_BE_CONFIRMED},
         "Dark grey: the value is still to be confirmed."),
        (("nnc", "355", None, N, None, Unit.COUNT), {},
         "Turquoise: 355 is shown for context; neither higher nor lower is better."),
        (("nnc", "3735", None, L, None, Unit.COUNT), {"no_target": NoTargetReason.TRACKING},
         "Turquoise: 3,735; tracking indicator only, with no target."),
        (("nnc", "40", None), {"no_target": NoTargetReason.UNDER_REVIEW},
         "Grey: 40%; the target is under review."),
        (("nnc", "40", None), {"no_target": NoTargetReason.TO_BE_DECIDED},
         "Grey: 40%; the target is still to be decided."),
        (("nnc", "40", None), {}, "Grey: 40%; no target is set."),
    ],
)
def test_rating_explanations(args: tuple[object, ...], kw: dict[str, object],
                             text: str) -> None:
    assert explain(*args, **kw) == text  # type: ignore[arg-type]


def test_every_explanation_is_one_sentence_with_the_value() -> None:
    schemes = ["nnc", "childrens_trust", "four_band", "floor_standard", "met_not_met",
               "trend_aware"]
    for scheme in schemes:
        for value in ("50", "79.5", "80", "84.999", "85", "85.001", "95", "120"):
            for polarity in (H, L):
                text = explain(scheme, value, "85", polarity, parse_tolerance("80% - 85%"))
                assert text.endswith(".") and "\n" not in text
                assert f"{value}%" in text, (scheme, value, text)  # 84.999 not as 85
                assert text.split(":")[0] == rate(
                    preset_rating_scheme(scheme), value=D(value), target=D(85),
                    polarity=polarity, tolerance=parse_tolerance("80% - 85%")).status.label
