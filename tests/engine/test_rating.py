"""Tests for kpiboard.engine.rating: RAG status under every preset rating scheme."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpiboard.engine.explain import explain_rating
from kpiboard.engine.rating import (
    UNRATED,
    Band,
    Outcome,
    Rating,
    RatingError,
    RatingScheme,
    Status,
    amber_limit_for,
    override,
    rate,
)
from kpiboard.engine.targets import NoTargetReason
from kpiboard.engine.tolerance import (
    DEFAULT_TOLERANCE,
    NO_TOLERANCE,
    Tolerance,
    parse_tolerance,
)
from kpiboard.engine.types import Polarity, Unit, ValueState
from kpiboard.framework.schemes import preset_rating_scheme

D = Decimal
H, L, T, N = Polarity.HIGHER, Polarity.LOWER, Polarity.TARGET, Polarity.NONE
PRESETS = ["nnc", "childrens_trust", "four_band", "floor_standard", "met_not_met", "trend_aware"]


def code(scheme: str, value: str | None, target: str | None, polarity: Polarity = H,
         tolerance: Tolerance | None = DEFAULT_TOLERANCE, **kw: object) -> str:
    return rated(scheme, value, target, polarity, tolerance, **kw).status.code


def rated(scheme: str, value: str | None, target: str | None, polarity: Polarity = H,
          tolerance: Tolerance | None = DEFAULT_TOLERANCE, **kw: object) -> Rating:
    return rate(preset_rating_scheme(scheme), value=None if value is None else D(value),
                target=None if target is None else D(target), polarity=polarity,
                tolerance=tolerance, **kw)  # type: ignore[arg-type]


REL5 = Tolerance.relative(5)
PTS5 = Tolerance.points(5)


# --- nnc: green / amber / red by tolerance ---------------------------------------------------

@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "expected"),
    [
        # the corporate default: 5% relative to target (97 -> amber down to 92.15)
        ("97", "97", H, DEFAULT_TOLERANCE, "green"),
        ("98", "97", H, DEFAULT_TOLERANCE, "green"),
        ("96.99", "97", H, DEFAULT_TOLERANCE, "amber"),
        ("92.15", "97", H, DEFAULT_TOLERANCE, "amber"),
        ("92.14", "97", H, DEFAULT_TOLERANCE, "red"),
        (None, "97", H, None, "dark_grey"),
        ("92.15", "97", H, None, "amber"),  # no tolerance given at all: the default too
        ("92.15", "97", H, parse_tolerance("TBD - for now applied standard 5%"), "amber"),
        ("92.15", "97", H, parse_tolerance(""), "amber"),
        # the KPI's own relative tolerance
        ("95", "100", H, Tolerance.relative(10), "amber"),
        ("90", "100", H, Tolerance.relative(10), "amber"),
        ("89.9", "100", H, Tolerance.relative(10), "red"),
        # percentage points (AFL08: 80% target, 5% points)
        ("74.1", "80", H, PTS5, "red"),
        ("75", "80", H, PTS5, "amber"),
        ("80", "80", H, PTS5, "green"),
        # an explicit amber band (STP16: 85%, 80% - 85%)
        ("46.43", "85", H, parse_tolerance("80% - 85%"), "red"),
        ("80", "85", H, parse_tolerance("80% - 85%"), "amber"),
        ("79.99", "85", H, parse_tolerance("80% - 85%"), "red"),
        ("85", "85", H, parse_tolerance("80% - 85%"), "green"),
        # lower is better mirrors: AFL12 (9, 9 to 12) and STP12 (10, 10 to 15)
        ("16", "9", L, parse_tolerance("9 to 12"), "red"),
        ("12", "9", L, parse_tolerance("9 to 12"), "amber"),
        ("12.01", "9", L, parse_tolerance("9 to 12"), "red"),
        ("9", "9", L, parse_tolerance("9 to 12"), "green"),
        ("7", "10", L, parse_tolerance("10 to 15"), "green"),
        ("58", "56", L, parse_tolerance("56 to 60 days"), "amber"),
        ("60", "56", L, parse_tolerance("56 to 60 days"), "amber"),
        ("61", "56", L, parse_tolerance("56 to 60 days"), "red"),
        ("101.85", "97", L, DEFAULT_TOLERANCE, "amber"),
        ("101.86", "97", L, DEFAULT_TOLERANCE, "red"),
        ("82", "80", L, PTS5, "amber"),
        ("85.01", "80", L, PTS5, "red"),
        # no tolerance: anything short of target is red
        ("96.99", "97", H, NO_TOLERANCE, "red"),
        ("97.01", "97", L, parse_tolerance("No tolerance"), "red"),
        ("97", "97", L, parse_tolerance("No Tolerance"), "green"),
        # a limit (floor) below the target
        ("52", "55", H, parse_tolerance("50%", target=D(55)), "amber"),
        ("49", "55", H, parse_tolerance("50%", target=D(55)), "red"),
        # a target of zero: relative tolerance gives no amber band
        ("0", "0", L, DEFAULT_TOLERANCE, "green"),
        ("1", "0", L, DEFAULT_TOLERANCE, "red"),
    ],
)
def test_nnc_tolerance(value: str | None, target: str, polarity: Polarity,
                       tolerance: Tolerance | None, expected: str) -> None:
    assert code("nnc", value, target, polarity, tolerance) == expected


def test_exact_decimals() -> None:
    """84.999 is not 85: values and targets are compared exactly."""
    r = rated("nnc", "84.999", "85", H, NO_TOLERANCE, unit=Unit.PERCENT)
    assert r.status.code == "red" and r.outcome is Outcome.OUTSIDE_TOLERANCE
    assert code("nnc", "84.999", "85") == "amber"
    assert code("met_not_met", "84.999", "85") == "not_met"
    assert code("nnc", "85.001", "85", L, NO_TOLERANCE) == "red"
    assert code("nnc", "85.000", "85", H, NO_TOLERANCE) == "green"
    # the explanation never prints the value as if it were the target
    assert explain_rating(r) == (
        "Red: 84.999% is 0.001 points below the 85% target (higher is better); "
        "there is no tolerance.")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("100", "green"), ("99.8", "green"), ("99.5", "green"), ("99.49", "amber"),
     ("99", "amber"), ("98.99", "red")],
)
def test_thresholds_stp08(value: str, expected: str) -> None:
    """STP08: target 100%, 99.5% and above is green, 99% and above is amber."""
    tol = parse_tolerance("99.5% and above is green, 99% and above is amber")
    r = rated("nnc", value, "100", H, tol, unit=Unit.PERCENT)
    assert r.status.code == expected
    if value == "99.8":
        assert explain_rating(r) == ("Green: 99.8% is 0.2 points below the 100% target (higher is "
                                 "better); green from 99.5%, amber from 99%.")


def test_thresholds_lower_is_better() -> None:
    tol = Tolerance.thresholds(2, 4)
    assert [code("nnc", v, "0", L, tol) for v in ("1", "2", "3", "4", "5")] == [
        "green", "green", "amber", "amber", "red"]


@pytest.mark.parametrize(
    ("state", "outcome"),
    [(ValueState.MISSING, Outcome.MISSING), (ValueState.IN_ARREARS, Outcome.IN_ARREARS),
     (ValueState.NOT_APPLICABLE, Outcome.NOT_APPLICABLE),
     (ValueState.TO_BE_CONFIRMED, Outcome.TO_BE_CONFIRMED)],
)
def test_nnc_dark_grey_when_no_value(state: ValueState, outcome: Outcome) -> None:
    r = rated("nnc", None, "90", H, state=state)
    assert (r.status.code, r.outcome) == ("dark_grey", outcome)
    assert not r.status.judged
    # a value given with a non-value state is still not rated on it
    assert code("nnc", "95", "90", H, state=state) == "dark_grey"


# status per preset for each reason there is no judgement
NO_JUDGEMENT = [
    # (polarity, no_target, target) -> nnc, childrens_trust, four_band, floor, met, trend
    (H, NoTargetReason.UNDER_REVIEW, None,
     ["grey", "grey", "not_rated", "grey", "not_rated", "grey"]),
    (H, NoTargetReason.TO_BE_DECIDED, None,
     ["grey", "grey", "not_rated", "grey", "not_rated", "grey"]),
    (H, NoTargetReason.NOT_SET, None, ["grey", "grey", "not_rated", "grey", "not_rated", "grey"]),
    (H, None, None, ["grey", "grey", "not_rated", "grey", "not_rated", "grey"]),
    (L, NoTargetReason.TRACKING, None,
     ["turquoise", "grey", "not_rated", "grey", "not_rated", "grey"]),
    (L, NoTargetReason.MONITORING_DEMAND, None,
     ["turquoise", "grey", "not_rated", "grey", "not_rated", "grey"]),
    (N, None, "90", ["turquoise", "grey", "not_rated", "grey", "not_rated", "grey"]),
    (N, NoTargetReason.TRACKING, None,
     ["turquoise", "grey", "not_rated", "grey", "not_rated", "grey"]),
    (N, NoTargetReason.UNDER_REVIEW, None,
     ["grey", "grey", "not_rated", "grey", "not_rated", "grey"]),
]


@pytest.mark.parametrize(("polarity", "reason", "target", "codes"), NO_JUDGEMENT)
def test_no_judgement_statuses(polarity: Polarity, reason: NoTargetReason | None,
                               target: str | None, codes: list[str]) -> None:
    for scheme, expected in zip(PRESETS, codes, strict=True):
        r = rated(scheme, "5", target, polarity, no_target=reason)
        assert r.status.code == expected, scheme
        assert not r.status.judged


@pytest.mark.parametrize("scheme", PRESETS)
def test_missing_value_is_never_judged(scheme: str) -> None:
    for state in ValueState:
        if state is not ValueState.VALUE:
            r = rated(scheme, None, "90", H, state=state)
            assert not r.status.judged and r.status.code not in ("green", "red", "met")


# --- Children's Trust: tolerance only when the KPI states one --------------------------------

@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "expected"),
    [
        ("97", "97", H, DEFAULT_TOLERANCE, "green"),
        ("96.9", "97", H, DEFAULT_TOLERANCE, "red"),  # default: no tolerance
        ("95", "97", H, REL5, "amber"),
        ("92.14", "97", H, REL5, "red"),
        ("12", "10", L, parse_tolerance("10 to 15"), "amber"),
        ("16", "10", L, parse_tolerance("10 to 15"), "red"),
        ("8", "10", L, PTS5, "green"),
        (None, "10", L, PTS5, "grey"),
    ],
)
def test_childrens_trust(value: str | None, target: str, polarity: Polarity,
                         tolerance: Tolerance, expected: str) -> None:
    assert code("childrens_trust", value, target, polarity, tolerance) == expected


# --- four bands relative to target -------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "higher", "lower"),
    [
        # Green+ MORE than 10% better: exactly 10% better is Green
        ("110.01", "green_plus", "red"),
        ("110", "green", "amber"),
        ("109.99", "green", "amber"),
        # Green from 5% under (inclusive) to 10% better
        ("100", "green", "green"),
        ("95", "green", "green"),
        # Amber 5% to 10% under: just over 5% under, and exactly 10% under
        ("94.99", "amber", "green"),
        ("90", "amber", "green"),
        # Red MORE than 10% under
        ("89.99", "red", "green_plus"),
        ("105", "green", "green"),
        ("105.01", "green", "amber"),
        ("120", "green_plus", "red"),
        ("0", "red", "green_plus"),
    ],
)
def test_four_band_boundaries(value: str, higher: str, lower: str) -> None:
    assert code("four_band", value, "100", H) == higher
    assert code("four_band", value, "100", L) == lower


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [("5.5", "5", "green"), ("5.51", "5", "green_plus"), ("4.75", "5", "green"),
     ("4.74", "5", "amber"), ("4.5", "5", "amber"), ("4.49", "5", "red"),
     ("-90", "-100", "green"), ("-89.99", "-100", "green_plus"), ("-110", "-100", "amber"),
     ("-110.01", "-100", "red"), ("0", "0", "green"), ("1", "0", "green_plus"),
     ("-1", "0", "red")],
)
def test_four_band_other_targets(value: str, target: str, expected: str) -> None:
    assert code("four_band", value, target, H) == expected


def test_four_band_ignores_tolerance_and_explains_the_band() -> None:
    r = rated("four_band", "110", "100", H, NO_TOLERANCE)
    assert r.outcome is Outcome.BAND and r.status.code == "green"
    assert explain_rating(r) == ("Green: 110 is 10 (10%) above the 100 target (higher is better); "
                             "Green is from 5% worse to 10% better than target.")
    assert explain_rating(rated("four_band", "89.99", "100", H)).endswith(
        "; Red is more than 10% worse than target.")
    assert explain_rating(rated("four_band", "94", "100", H)).endswith(
        "; Amber is more than 5% and up to 10% worse than target.")
    assert explain_rating(rated("four_band", "89", "100", L)).endswith(
        "; Green+ is more than 10% better than target.")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("90", "green"), ("85", "green"), ("95", "green"), ("80.75", "green"),
     ("80.74", "amber"), ("76.5", "amber"), ("76.49", "red"), ("104.5", "amber"),
     ("104.51", "red")],
)
def test_four_band_close_to_target(value: str, expected: str) -> None:
    """A close-to-target KPI: the gap is the distance outside the range, as worse."""
    r = rated("four_band", value, None, T, target_band=(D(85), D(95)), unit=Unit.PERCENT)
    assert r.status.code == expected


# --- floor standard and met / not met ----------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "expected"),
    [
        ("55", "55", H, parse_tolerance("50%", target=D(55)), "green"),
        ("50", "55", H, parse_tolerance("50%", target=D(55)), "amber"),
        ("49.99", "55", H, parse_tolerance("50%", target=D(55)), "red"),
        ("50", "55", H, DEFAULT_TOLERANCE, "red"),  # no floor stated: none
        ("12", "10", L, Tolerance.limit(15), "amber"),
        ("15.5", "10", L, Tolerance.limit(15), "red"),
        ("52", "55", H, Tolerance.limit(60), "red"),  # a "floor" above target gives no amber
        ("52", "55", H, parse_tolerance("50% - 55%"), "amber"),
    ],
)
def test_floor_standard(value: str, target: str, polarity: Polarity, tolerance: Tolerance,
                        expected: str) -> None:
    assert code("floor_standard", value, target, polarity, tolerance) == expected


@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "expected"),
    [
        ("97", "97", H, REL5, "met"),
        ("96.99", "97", H, REL5, "not_met"),
        ("50", "55", H, Tolerance.limit(50), "not_met"),
        ("99.8", "100", H, Tolerance.thresholds("99.5", 99), "not_met"),
        ("9", "9", L, parse_tolerance("9 to 12"), "met"),
        ("10", "9", L, parse_tolerance("9 to 12"), "not_met"),
        ("90", None, T, REL5, "met"),
    ],
)
def test_met_not_met_ignores_tolerance(value: str, target: str | None, polarity: Polarity,
                                       tolerance: Tolerance, expected: str) -> None:
    band = (D(85), D(95)) if polarity is T else None
    assert code("met_not_met", value, target, polarity, tolerance,
                target_band=band) == expected


# --- trend aware: red softened when better than last year -------------------------------------

@pytest.mark.parametrize(
    ("value", "last_year", "polarity", "expected", "softened"),
    [
        ("80", "75", H, "amber", True),
        ("80", "80", H, "red", False),  # the same is not better
        ("80", "85", H, "red", False),
        ("80", None, H, "red", False),
        ("95", "90", H, "amber", False),  # already amber: nothing to soften
        ("97", "99", H, "green", False),
        ("120", "125", L, "amber", True),
        ("120", "110", L, "red", False),
    ],
)
def test_trend_aware(value: str, last_year: str | None, polarity: Polarity, expected: str,
                     softened: bool) -> None:
    r = rated("trend_aware", value, "97" if polarity is H else "100", polarity,
              last_year=None if last_year is None else D(last_year), unit=Unit.PERCENT)
    assert r.status.code == expected
    assert (r.softened_from is not None) == softened
    if softened:
        assert r.softened_from is not None and r.softened_from.code == "red"
        assert r.outcome is Outcome.OUTSIDE_TOLERANCE
        assert explain_rating(r).endswith(
            f"It would be Red, but it improved on the same period last year ({last_year}%).")


def test_trend_aware_explanation() -> None:
    r = rated("trend_aware", "80", "97", H, last_year=D(75), unit=Unit.PERCENT)
    assert explain_rating(r) == (
        "Amber: 80% is 17 points below the 97% target (higher is better); the amber band is "
        "92.15%–97%. It would be Red, but it improved on the same period last year (75%).")


def test_trend_aware_close_to_target() -> None:
    r = rated("trend_aware", "70", None, T, target_band=(D(85), D(95)), last_year=D(60))
    assert (r.status.code, r.softened_from is not None) == ("amber", True)


# --- close to target (a target band) -----------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "tolerance", "expected"),
    [
        ("85", DEFAULT_TOLERANCE, "green"),
        ("90", DEFAULT_TOLERANCE, "green"),
        ("95", DEFAULT_TOLERANCE, "green"),
        ("80.75", DEFAULT_TOLERANCE, "amber"),  # 5% of 85 below
        ("80.74", DEFAULT_TOLERANCE, "red"),
        ("99.75", DEFAULT_TOLERANCE, "amber"),  # 5% of 95 above
        ("99.76", DEFAULT_TOLERANCE, "red"),
        ("82", PTS5, "amber"),
        ("100.01", PTS5, "red"),
        ("84.99", NO_TOLERANCE, "red"),
        ("83", Tolerance.band(80, 100), "amber"),
        ("79", Tolerance.band(80, 100), "red"),
    ],
)
def test_close_to_target(value: str, tolerance: Tolerance, expected: str) -> None:
    r = rated("nnc", value, None, T, tolerance, target_band=(D(85), D(95)), unit=Unit.PERCENT)
    assert r.status.code == expected
    assert r.target_band == (D(85), D(95)) and r.target == D(90)


def test_close_to_a_single_target() -> None:
    assert code("nnc", "100", "100", T) == "green"
    assert code("nnc", "104", "100", T) == "amber"
    assert code("nnc", "96", "100", T) == "amber"
    assert code("nnc", "94", "100", T) == "red"


@pytest.mark.parametrize(
    ("value", "polarity", "expected"),
    [("85", H, "green"), ("99", H, "green"), ("84", H, "amber"), ("80", H, "red"),
     ("95", L, "green"), ("70", L, "green"), ("96", L, "amber"), ("100", L, "red")],
)
def test_target_range_for_higher_or_lower_is_better(value: str, polarity: Polarity,
                                                    expected: str) -> None:
    """A range target ("85% - 95%") on a directional KPI: reaching the range is on target."""
    r = rated("nnc", value, None, polarity, target_band=(D(85), D(95)))
    assert r.status.code == expected


# --- qualifier: ">99" is not met by 99 ---------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "qualifier", "polarity", "expected"),
    [("99", ">", H, "amber"), ("99.01", ">", H, "green"), ("99", ">=", H, "green"),
     ("99", None, H, "green"), ("99", "<", L, "amber"), ("98.99", "<", L, "green"),
     ("99", "≥", H, "green")],
)
def test_qualifier(value: str, qualifier: str | None, polarity: Polarity,
                   expected: str) -> None:
    assert code("nnc", value, "99", polarity, qualifier=qualifier) == expected


def test_qualifier_explanation() -> None:
    r = rated("met_not_met", "99", "99", H, qualifier=">", unit=Unit.PERCENT)
    assert r.status.code == "not_met"
    assert explain_rating(r) == (
        "Not met: 99% equals but does not meet the target of more than 99% "
        "(higher is better); there is no tolerance.")


# --- overrides --------------------------------------------------------------------------------

def test_override_is_recorded_and_shown() -> None:
    scheme = preset_rating_scheme("nnc")
    r = rated("nnc", "46.43", "85", H, parse_tolerance("80% - 85%"), unit=Unit.PERCENT)
    o = override(r, scheme.status("amber"), "Backlog clearance agreed with the Executive")
    assert o.is_override and not r.is_override
    assert o.status.code == "amber" and o.override_of is not None
    assert o.override_of.code == "red"
    assert o.override_reason == "Backlog clearance agreed with the Executive"
    assert o.value == D("46.43") and o.outcome is r.outcome  # the computed facts are kept
    assert explain_rating(o) == ("Amber (set by hand, overriding the computed Red): Backlog "
                             "clearance agreed with the Executive")
    again = override(o, scheme.status("green"), "Second thoughts")
    assert again.override_of is not None and again.override_of.code == "red"


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_override_needs_a_reason(reason: str) -> None:
    r = rated("nnc", "46.43", "85")
    with pytest.raises(RatingError, match="reason"):
        override(r, preset_rating_scheme("nnc").status("green"), reason)


# --- the seed example, explained --------------------------------------------------------------

def test_stp16_explanation() -> None:
    r = rated("nnc", "46.43", "85", H, parse_tolerance("80% - 85%"), unit=Unit.PERCENT)
    assert r.status.code == "red" and r.amber_limit == D(80)
    assert explain_rating(r) == ("Red: 46.43% is 38.57 points below the 85% target (higher is "
                             "better); the amber band is 80%–85%.")


# --- amber limits and scheme checks ------------------------------------------------------------

@pytest.mark.parametrize(
    ("target", "tolerance", "higher", "limit"),
    [
        ("97", REL5, True, "92.15"), ("97", REL5, False, "101.85"),
        ("80", PTS5, True, "75"), ("80", PTS5, False, "85"),
        ("85", Tolerance.band(80, 85), True, "80"), ("9", Tolerance.band(9, 12), False, "12"),
        ("9", Tolerance.band(9, 12), True, "9"),  # a band on the better side: no amber
        ("55", Tolerance.limit(50), True, "50"), ("55", Tolerance.limit(50), False, "55"),
        ("55", NO_TOLERANCE, True, "55"), ("-100", REL5, True, "-105"),
    ],
)
def test_amber_limit_for(target: str, tolerance: Tolerance, higher: bool, limit: str) -> None:
    assert amber_limit_for(D(target), tolerance, higher) == D(limit)


def test_presets_are_consistent() -> None:
    for name in PRESETS:
        scheme = preset_rating_scheme(name)
        assert scheme.judged_order, name
        assert all(scheme.status(c).judged for c in scheme.judged_order)
        for outcome in Outcome:
            status = scheme.status_for(outcome)
            assert status is None or status.code in scheme.by_code


def test_judged_order() -> None:
    assert preset_rating_scheme("nnc").judged_order == ("green", "amber", "red")
    assert preset_rating_scheme("four_band").judged_order == ("green_plus", "green", "amber",
                                                              "red")
    assert preset_rating_scheme("met_not_met").judged_order == ("met", "not_met")


def _scheme(**kw: object) -> RatingScheme:
    base: dict[str, object] = {
        "name": "x", "title": "X", "statuses": (Status("g", "G"), Status("r", "R")),
        "outcomes": {"on_target": "g", "outside_tolerance": "r"}}
    base.update(kw)
    return RatingScheme(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"statuses": (Status("g", "G"), Status("g", "G2"))}, "unique"),
        ({"outcomes": {"on_taget": "g"}}, "unknown outcome"),
        ({"outcomes": {"on_target": "blue"}}, "not one of its statuses"),
        ({"method": "bands", "bands": (Band("g", D(0)),)}, "last band"),
        ({"method": "bands", "bands": (Band("x", D(0)), Band("r"))}, "band status"),
        ({"method": "magic"}, "method"),
        ({"soften_when_improved": {"r": "amber"}}, "softening"),
    ],
)
def test_inconsistent_schemes(kw: dict[str, object], message: str) -> None:
    with pytest.raises(RatingError, match=message):
        _scheme(**kw)


def test_unmapped_outcome_is_unrated() -> None:
    scheme = _scheme()
    r = rate(scheme, value=None, target=D(1), polarity=H)
    assert r.status is UNRATED and not r.status.judged
    r = rate(scheme, value=D(1), target=D(2), polarity=H)
    assert r.status.code == "r"


def test_points_gap_bands() -> None:
    scheme = _scheme(method="bands", gap_measure="points", outcomes={},
                     bands=(Band("g", D(-2)), Band("r")))
    assert rate(scheme, value=D(78), target=D(80), polarity=H).status.code == "g"
    assert rate(scheme, value=D("77.99"), target=D(80), polarity=H).status.code == "r"
    assert rate(scheme, value=D(82), target=D(80), polarity=L).status.code == "g"
