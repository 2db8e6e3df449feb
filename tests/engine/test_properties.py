"""Properties of rating and direction of travel that hold for every preset scheme.

Values, targets and tolerances are decimals with at most two places and modest size, so every
sum, product and mirror image the properties form is exact in the default decimal context.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from kpiboard.engine.explain import explain_rating
from kpiboard.engine.periods import Period
from kpiboard.engine.rating import Outcome, Rating, RatingScheme, rate
from kpiboard.engine.targets import Target, parse_target
from kpiboard.engine.tolerance import (
    DEFAULT_TOLERANCE,
    NO_TOLERANCE,
    Tolerance,
    ToleranceKind,
)
from kpiboard.engine.travel import DirectionScheme, Movement, travel
from kpiboard.engine.types import Polarity, ValueBasis
from kpiboard.framework.schemes import preset_direction_scheme, preset_rating_scheme

H, L, T = Polarity.HIGHER, Polarity.LOWER, Polarity.TARGET
RATING_PRESETS = ["nnc", "childrens_trust", "four_band", "floor_standard", "met_not_met",
                  "trend_aware"]
DIRECTION_PRESETS = ["nnc", "childrens_trust", "two_percent", "two_percent_annual"]
SCHEMES: dict[str, RatingScheme] = {n: preset_rating_scheme(n) for n in RATING_PRESETS}
DIRECTIONS: dict[str, DirectionScheme] = {n: preset_direction_scheme(n)
                                          for n in DIRECTION_PRESETS}

values = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False,
                     allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2, allow_nan=False,
                       allow_infinity=False)
amounts = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False,
                      allow_infinity=False)
schemes = st.sampled_from(RATING_PRESETS)
qualifiers = st.sampled_from([None, ">", "<", ">=", "<="])


@st.composite
def tolerances(draw: st.DrawFn) -> Tolerance:
    """Any tolerance a KPI can state, with its figures anywhere (even on the better side)."""
    kind = draw(st.sampled_from(list(ToleranceKind)))
    if kind is ToleranceKind.RELATIVE:
        return Tolerance.relative(draw(amounts))
    if kind is ToleranceKind.POINTS:
        return Tolerance.points(draw(amounts))
    if kind is ToleranceKind.BAND:
        return Tolerance.band(draw(values), draw(values))
    if kind is ToleranceKind.LIMIT:
        return Tolerance.limit(draw(values))
    if kind is ToleranceKind.THRESHOLDS:
        return Tolerance.thresholds(draw(values), draw(values))
    return NO_TOLERANCE if kind is ToleranceKind.NONE else DEFAULT_TOLERANCE


def rank(scheme: RatingScheme, r: Rating) -> int:
    """Position in the scheme's judged order: 0 is best."""
    assert r.status.judged, (scheme.name, r)
    return scheme.judged_order.index(r.status.code)


def rated(name: str, value: Decimal, target: Decimal, polarity: Polarity, tol: Tolerance,
          qualifier: str | None = None, last_year: Decimal | None = None) -> Rating:
    return rate(SCHEMES[name], value=value, target=target, polarity=polarity, tolerance=tol,
                qualifier=qualifier, last_year=last_year)


# --- (a) a better value never gets a worse status ---------------------------------------------

@given(schemes, values, values, values, tolerances(), qualifiers, st.none() | values)
def test_better_value_never_worse_status(name: str, v1: Decimal, v2: Decimal, target: Decimal,
                                         tol: Tolerance, qualifier: str | None,
                                         last_year: Decimal | None) -> None:
    """HIGHER: v2 >= v1 gives a status no worse (in ``judged_order``) than v1's; LOWER: the
    same for v2 <= v1. Holds with every tolerance kind, qualifier and last-year figure."""
    scheme = SCHEMES[name]
    lo, hi = sorted((v1, v2))
    for polarity, worse, better in ((H, lo, hi), (L, hi, lo)):
        r_worse = rated(name, worse, target, polarity, tol, qualifier, last_year)
        r_better = rated(name, better, target, polarity, tol, qualifier, last_year)
        assert rank(scheme, r_better) <= rank(scheme, r_worse), (polarity, r_better, r_worse)


@given(schemes, values, positive, amounts, amounts, tolerances(), st.booleans())
def test_further_from_a_target_range_never_better(name: str, low: Decimal, width: Decimal,
                                                  d1: Decimal, d2: Decimal, tol: Tolerance,
                                                  above: bool) -> None:
    """Close to target: moving further outside the range (on one side) never improves the
    status, and anywhere inside the range is the best status the value can get."""
    scheme = SCHEMES[name]
    band = (low, low + width)
    near, far = sorted((d1, d2))
    edge, sign = (band[1], 1) if above else (band[0], -1)
    r_near = rate(scheme, value=edge + sign * near, target=None, polarity=T, tolerance=tol,
                  target_band=band)
    r_far = rate(scheme, value=edge + sign * far, target=None, polarity=T, tolerance=tol,
                 target_band=band)
    r_in = rate(scheme, value=low + width / 2, target=None, polarity=T, tolerance=tol,
                target_band=band)
    assert rank(scheme, r_in) <= rank(scheme, r_near) <= rank(scheme, r_far)


# --- (b) swapping polarity mirrors the result -------------------------------------------------

def mirror(tol: Tolerance, t: Decimal) -> Tolerance:
    """The tolerance reflected in the target: explicit figures x become 2t - x."""
    if tol.kind is ToleranceKind.BAND:
        assert tol.low is not None and tol.high is not None
        return Tolerance.band(2 * t - tol.high, 2 * t - tol.low)
    if tol.kind is ToleranceKind.LIMIT:
        assert tol.low is not None
        return Tolerance.limit(2 * t - tol.low)
    if tol.kind is ToleranceKind.THRESHOLDS:
        assert tol.green is not None and tol.amber is not None
        return Tolerance.thresholds(2 * t - tol.green, 2 * t - tol.amber)
    return tol  # relative, points, none, default: defined by distance from the target


@given(schemes, values, values, tolerances(), qualifiers, st.none() | values)
def test_swapping_polarity_mirrors_the_result(name: str, v: Decimal, t: Decimal,
                                              tol: Tolerance, qualifier: str | None,
                                              last_year: Decimal | None) -> None:
    """Rating v against t with HIGHER equals rating 2t - v against t with LOWER.

    The mirror keeps the gap to target: (v - t) for HIGHER is (t - (2t - v)) for LOWER, with
    the same size relative to |t|. So points, none and relative tolerances (a relative
    tolerance is a share of the *target*, which the mirror leaves fixed) give the same status
    unchanged, as do the four bands of the relative gap; explicit figures (an amber band, a
    limit, thresholds) and last year's value must be mirrored as well, and ``>`` becomes
    ``<``. (It would not hold for a tolerance relative to the *value*: |v| changes.)
    """
    flip = {">": "<", "<": ">", ">=": "<=", "<=": ">="}
    up = rated(name, v, t, H, tol, qualifier, last_year)
    down = rated(name, 2 * t - v, t, L, mirror(tol, t), None if qualifier is None else
                 flip[qualifier], None if last_year is None else 2 * t - last_year)
    assert (up.status.code, up.outcome) == (down.status.code, down.outcome)
    assert (up.softened_from is None) == (down.softened_from is None)
    if up.amber_limit is not None and down.amber_limit is not None:
        assert up.amber_limit == 2 * t - down.amber_limit


# --- (c) scaling a count KPI and its target together ------------------------------------------

SCALE_FREE = [ToleranceKind.RELATIVE, ToleranceKind.NONE, ToleranceKind.DEFAULT]


@given(schemes, values, values, positive, st.sampled_from(SCALE_FREE), amounts,
       st.none() | values)
def test_scaling_value_and_target_keeps_the_status(name: str, v: Decimal, t: Decimal,
                                                   k: Decimal, kind: ToleranceKind,
                                                   amount: Decimal,
                                                   last_year: Decimal | None) -> None:
    """Multiplying a count and its target (and last year's count) by any k > 0 leaves the
    status unchanged under a relative tolerance, no tolerance or the scheme's default (every
    preset's default is relative or none), for the four bands of the relative gap, and for
    met / not met."""
    tol = {ToleranceKind.RELATIVE: Tolerance.relative(amount), ToleranceKind.NONE: NO_TOLERANCE,
           ToleranceKind.DEFAULT: DEFAULT_TOLERANCE}[kind]
    for polarity in (H, L):
        base = rated(name, v, t, polarity, tol, None, last_year)
        scaled = rated(name, k * v, k * t, polarity, tol, None,
                       None if last_year is None else k * last_year)
        assert (base.status.code, base.outcome) == (scaled.status.code, scaled.outcome)


@given(schemes, values, values, positive, tolerances())
def test_scaling_with_absolute_tolerance_figures_scaled_too(name: str, v: Decimal,
                                                            t: Decimal, k: Decimal,
                                                            tol: Tolerance) -> None:
    """Absolute figures (points, an amber band, a limit, thresholds) scale with the count."""
    def scale(x: Decimal | None) -> Decimal:
        assert x is not None
        return k * x

    scaled_tol = {
        ToleranceKind.POINTS: lambda: Tolerance.points(scale(tol.amount)),
        ToleranceKind.BAND: lambda: Tolerance.band(scale(tol.low), scale(tol.high)),
        ToleranceKind.LIMIT: lambda: Tolerance.limit(scale(tol.low)),
        ToleranceKind.THRESHOLDS: lambda: Tolerance.thresholds(scale(tol.green),
                                                               scale(tol.amber)),
    }.get(tol.kind, lambda: tol)()
    for polarity in (H, L):
        base = rated(name, v, t, polarity, tol)
        scaled = rated(name, k * v, k * t, polarity, scaled_tol)
        assert base.status.code == scaled.status.code


@given(schemes, values, values, positive)
def test_exactly_on_target_is_the_best_status_short_of_better(name: str, t: Decimal,
                                                              v: Decimal, k: Decimal) -> None:
    """On target is never worse than any value short of it, and never judged below target."""
    scheme = SCHEMES[name]
    on = rated(name, t, t, H, DEFAULT_TOLERANCE)
    assert on.outcome in (Outcome.ON_TARGET, Outcome.BAND)
    short = rated(name, min(v, t), t, H, DEFAULT_TOLERANCE)
    assert rank(scheme, on) <= rank(scheme, short)


# --- (d) direction of travel: swapping polarity swaps improved and deteriorated ---------------

DETERIORATED = {Movement.DETERIORATED, Movement.DETERIORATED_ACCEPTABLE}


@given(st.sampled_from(DIRECTION_PRESETS), values, values, st.none() | st.booleans())
def test_swapping_polarity_swaps_improved_and_deteriorated(name: str, current: Decimal,
                                                           previous: Decimal,
                                                           on_target: bool | None) -> None:
    """What improved when higher is better deteriorated when lower is better (acceptably or
    not), and the reverse; "the same" stays the same; the value moved the same way."""
    scheme = DIRECTIONS[name]
    up = travel(scheme, current=current, previous=previous, polarity=H, on_target=on_target)
    down = travel(scheme, current=current, previous=previous, polarity=L, on_target=on_target)
    assert up.way == down.way
    if up.movement is Movement.IMPROVED:
        assert down.movement in DETERIORATED
    elif up.movement in DETERIORATED:
        assert down.movement is Movement.IMPROVED
    else:
        assert up.movement is down.movement is Movement.SAME
    if up.movement is Movement.DETERIORATED and down.movement is Movement.IMPROVED:
        assert not (scheme.acceptable_when_on_target and on_target)


@given(st.sampled_from(DIRECTION_PRESETS), values, values, positive, st.sampled_from([H, L]))
def test_travel_is_scale_free(name: str, current: Decimal, previous: Decimal, k: Decimal,
                              polarity: Polarity) -> None:
    """Every threshold in the presets is a percentage of the previous value."""
    scheme = DIRECTIONS[name]
    a = travel(scheme, current=current, previous=previous, polarity=polarity)
    b = travel(scheme, current=k * current, previous=k * previous, polarity=polarity)
    assert (a.movement, a.symbol) == (b.movement, b.symbol)


@given(st.sampled_from(DIRECTION_PRESETS), values, values)
def test_no_polarity_only_describes_the_change(name: str, current: Decimal,
                                               previous: Decimal) -> None:
    t = travel(DIRECTIONS[name], current=current, previous=previous, polarity=Polarity.NONE)
    assert t.movement in (Movement.INCREASED, Movement.DECREASED, Movement.UNCHANGED)
    assert (t.movement is Movement.INCREASED) <= (current > previous)
    assert (t.movement is Movement.DECREASED) <= (current < previous)


# --- explanations and targets never fail ------------------------------------------------------

@given(schemes, values, st.none() | values, st.sampled_from(list(Polarity)), tolerances(),
       qualifiers, st.none() | values)
def test_every_rating_explains_itself(name: str, v: Decimal, t: Decimal | None,
                                      polarity: Polarity, tol: Tolerance,
                                      qualifier: str | None, last_year: Decimal | None) -> None:
    band = None if t is None or polarity is not T else (t, t + 10)
    r = rate(SCHEMES[name], value=v, target=t, polarity=polarity, tolerance=tol,
             target_band=band, qualifier=qualifier, last_year=last_year)
    text = explain_rating(r)
    assert text.startswith(f"{r.status.label}:") and text.endswith(".")


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=12))
def test_in_period_months_add_up_to_quarters_and_the_year(per_month: int, q_month: int) -> None:
    target = parse_target(f"{per_month * 12} ({per_month} per month)").target
    annual_only = Target(annual=Decimal(per_month * 12))
    for t in (target, annual_only):
        q = Period.month(2024, q_month).quarter_of()
        months = sum((t.for_period(m, ValueBasis.IN_PERIOD) or Decimal(0)) for m in q.months())
        assert t.for_period(q, ValueBasis.IN_PERIOD) == months
        year = sum((t.for_period(m, ValueBasis.IN_PERIOD) or Decimal(0))
                   for m in Period.full_year(2024).months())
        assert year == Decimal(per_month * 12)


@given(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False,
                   allow_infinity=False), st.sampled_from(["", "%", " days"]))
def test_a_plain_number_reads_as_the_annual_target(n: Decimal, suffix: str) -> None:
    assume(n == n)  # not NaN
    assert parse_target(f"{n}{suffix}").target.annual == n


def test_a_sub_measure_without_a_target_follows_its_kpi() -> None:
    """STP29's P1–P4 have no targets of their own: the KPI is tracking only, so are they."""
    from kpiboard.engine.kpi import KpiDefinition, SubMeasure
    from kpiboard.engine.targets import NoTargetReason, parse_target

    tracking = parse_target("No target - tracking indicator only").target
    kpi = KpiDefinition(ref="STP29", name="Defects", sub_measures=(SubMeasure("P1"),),
                        targets={"2023/24": tracking})
    found = kpi.target_for("2023/24", "P1")
    assert found is not None and found.none is NoTargetReason.TRACKING
    by_sub = parse_target("P1 and P2 97.5% P3 and P4 90%")
    per_sub = KpiDefinition(ref="STP31", name="Defects", sub_measures=(SubMeasure("P9"),),
                            targets={"2023/24": by_sub.target})
    assert per_sub.target_for("2023/24", "P9") is None
