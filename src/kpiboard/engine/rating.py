"""RAG rating: a KPI-period's status under an organisation's own rating scheme.

A scheme is data (see ``docs/framework.md``): its statuses with labels, colours and symbols;
its method (``tolerance``: on target / within tolerance / outside tolerance, or ``bands``:
ordered bands of the gap to target); what each outcome shows as; and optional softening when
performance improved on the same period last year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum

from kpiboard.engine.targets import NoTargetReason
from kpiboard.engine.tolerance import NO_TOLERANCE, Tolerance, ToleranceKind
from kpiboard.engine.types import Polarity, Unit, ValueState

HUNDRED = Decimal(100)


class RatingError(ValueError):
    """A rating scheme that is not self-consistent."""


class Outcome(str, Enum):
    """What the engine found, before the scheme says how it is shown."""

    ON_TARGET = "on_target"
    WITHIN_TOLERANCE = "within_tolerance"
    OUTSIDE_TOLERANCE = "outside_tolerance"
    BAND = "band"  # the ``bands`` method: the band's status is the result
    MISSING = "missing"
    IN_ARREARS = "in_arrears"
    NOT_APPLICABLE = "not_applicable"
    TO_BE_CONFIRMED = "to_be_confirmed"
    TRACKING = "tracking"
    MONITORING_DEMAND = "monitoring_demand"
    UNDER_REVIEW = "under_review"
    TO_BE_DECIDED = "to_be_decided"
    NO_TARGET = "no_target"
    NO_POLARITY = "no_polarity"


_STATE_OUTCOME = {
    ValueState.MISSING: Outcome.MISSING,
    ValueState.IN_ARREARS: Outcome.IN_ARREARS,
    ValueState.NOT_APPLICABLE: Outcome.NOT_APPLICABLE,
    ValueState.TO_BE_CONFIRMED: Outcome.TO_BE_CONFIRMED,
}
_REASON_OUTCOME = {
    NoTargetReason.TRACKING: Outcome.TRACKING,
    NoTargetReason.MONITORING_DEMAND: Outcome.MONITORING_DEMAND,
    NoTargetReason.UNDER_REVIEW: Outcome.UNDER_REVIEW,
    NoTargetReason.TO_BE_DECIDED: Outcome.TO_BE_DECIDED,
    NoTargetReason.NOT_SET: Outcome.NO_TARGET,
}
# When a scheme does not map an outcome, the first of these that it maps is used.
OUTCOME_FALLBACKS: dict[Outcome, tuple[Outcome, ...]] = {
    Outcome.IN_ARREARS: (Outcome.MISSING,),
    Outcome.TO_BE_CONFIRMED: (Outcome.MISSING,),
    Outcome.NOT_APPLICABLE: (Outcome.MISSING,),
    Outcome.MONITORING_DEMAND: (Outcome.TRACKING, Outcome.NO_TARGET),
    Outcome.TRACKING: (Outcome.NO_TARGET,),
    Outcome.UNDER_REVIEW: (Outcome.NO_TARGET,),
    Outcome.TO_BE_DECIDED: (Outcome.UNDER_REVIEW, Outcome.NO_TARGET),
    Outcome.NO_POLARITY: (Outcome.TRACKING, Outcome.NO_TARGET),
    Outcome.WITHIN_TOLERANCE: (Outcome.OUTSIDE_TOLERANCE,),
}


@dataclass(frozen=True, slots=True)
class Status:
    """One status a scheme can give: ``Green``, ``Dark grey``, ``Met``..."""

    code: str
    label: str
    colour: str = "#505a5f"
    text_colour: str = "#ffffff"
    symbol: str = ""
    description: str = ""
    judged: bool = True  # a judgement on performance (vs. a reason there is none)

    @property
    def display(self) -> str:
        """Text and symbol together, so status never relies on colour alone."""
        return f"{self.symbol} {self.label}".strip()


@dataclass(frozen=True, slots=True)
class Band:
    """A ``bands`` scheme's band: reached when the gap to target (positive = better) is more
    than (or, when ``inclusive``, at least) ``min_gap``; ``None`` catches everything."""

    status: str
    min_gap: Decimal | None = None
    inclusive: bool = True

    def admits(self, gap: Decimal) -> bool:
        if self.min_gap is None:
            return True
        return gap >= self.min_gap if self.inclusive else gap > self.min_gap


@dataclass(frozen=True, slots=True)
class RatingScheme:
    name: str
    title: str
    statuses: tuple[Status, ...]
    outcomes: Mapping[str, str]  # Outcome value -> status code
    method: str = "tolerance"  # "tolerance" | "bands"
    default_tolerance: Tolerance = NO_TOLERANCE
    use_kpi_tolerance: bool = True
    bands: tuple[Band, ...] = ()
    gap_measure: str = "relative"  # for bands: "relative" (% of target) or "points"
    soften_when_improved: Mapping[str, str] = field(default_factory=dict)  # e.g. red -> amber
    description: str = ""
    by_code: Mapping[str, Status] = field(init=False, repr=False, compare=False)
    by_outcome: Mapping[Outcome, Status | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = {s.code for s in self.statuses}
        if len(codes) != len(self.statuses):
            raise RatingError(f"rating scheme {self.name!r}: status codes must be unique")
        for outcome, code in self.outcomes.items():
            if outcome not in Outcome._value2member_map_:
                raise RatingError(f"rating scheme {self.name!r}: unknown outcome {outcome!r}")
            if code not in codes:
                raise RatingError(
                    f"rating scheme {self.name!r}: outcome {outcome!r} shows as status "
                    f"{code!r}, which is not one of its statuses {sorted(codes)}"
                )
        for band in self.bands:
            if band.status not in codes:
                raise RatingError(f"rating scheme {self.name!r}: band status {band.status!r} "
                                  f"is not one of its statuses {sorted(codes)}")
        for a, b in self.soften_when_improved.items():
            if a not in codes or b not in codes:
                raise RatingError(f"rating scheme {self.name!r}: softening {a!r} -> {b!r} "
                                  "names a status it does not have")
        if self.method not in ("tolerance", "bands"):
            raise RatingError(f"rating scheme {self.name!r}: method must be 'tolerance' or "
                              f"'bands', not {self.method!r}")
        if self.method == "bands" and (not self.bands or self.bands[-1].min_gap is not None):
            raise RatingError(f"rating scheme {self.name!r}: the last band must have no "
                              "min_gap so that every value falls in a band")
        object.__setattr__(self, "by_code", {s.code: s for s in self.statuses})
        object.__setattr__(self, "by_outcome", {o: self._lookup(o) for o in Outcome})

    def status(self, code: str) -> Status:
        return self.by_code[code]

    def status_for(self, outcome: Outcome) -> Status | None:
        """The status an outcome shows as (following the fallbacks); None if unmapped."""
        return self.by_outcome[outcome]

    def _lookup(self, outcome: Outcome) -> Status | None:
        code = self.outcomes.get(outcome.value)
        if code is None:
            for fallback in OUTCOME_FALLBACKS.get(outcome, ()):
                code = self.outcomes.get(fallback.value)
                if code is not None:
                    break
        return None if code is None else self.status(code)

    @property
    def judged_order(self) -> tuple[str, ...]:
        """Judged status codes from best to worst, as declared."""
        return tuple(s.code for s in self.statuses if s.judged)


UNRATED = Status("unrated", "Not rated", "#b1b4b6", "#0b0c0c", "", "No status applies", False)


@dataclass(slots=True)
class Rating:
    """A KPI-period's status with everything needed to explain it.

    Not frozen: a frozen dataclass's constructor costs a third of the rating time. Treat it as
    a value; :func:`override` returns a new one.
    """

    status: Status
    outcome: Outcome
    value: Decimal | None = None
    target: Decimal | None = None
    polarity: Polarity = Polarity.HIGHER
    tolerance: Tolerance | None = None
    amber_limit: Decimal | None = None
    target_band: tuple[Decimal, Decimal] | None = None
    unit: Unit | None = None
    softened_from: Status | None = None
    last_year: Decimal | None = None
    note: str = ""
    override_of: Status | None = None
    override_reason: str = ""
    qualifier: str | None = None  # ">" or "<": the target is not met on equality
    # For the ``bands`` method, the gap to target that gives this status: its lower and upper
    # bounds (positive = better than target; None = open), whether each is included, and
    # whether the gap is "relative" (%) or in "points" (explain.band_rule words it).
    band_gap: tuple[Decimal | None, bool, Decimal | None, bool, str] | None = None

    @property
    def is_override(self) -> bool:
        return self.override_of is not None


def override(rating: Rating, status: Status, reason: str) -> Rating:
    """A status set by hand. It keeps the computed one and is always shown as an override;
    overriding an override still keeps the computed status, not the earlier hand-set one."""
    if not reason.strip():
        raise RatingError("an override needs a reason")
    computed = rating.override_of if rating.override_of is not None else rating.status
    return replace(rating, status=status, override_of=computed, override_reason=reason.strip())


def _better_or_equal(v: Decimal, limit: Decimal, higher: bool) -> bool:
    return v >= limit if higher else v <= limit


def rate(
    scheme: RatingScheme,
    *,
    value: Decimal | None,
    state: ValueState = ValueState.VALUE,
    target: Decimal | None,
    polarity: Polarity,
    tolerance: Tolerance | None = None,
    no_target: NoTargetReason | None = None,
    target_band: tuple[Decimal, Decimal] | None = None,
    qualifier: str | None = None,
    last_year: Decimal | None = None,
    unit: Unit | None = None,
    note: str = "",
) -> Rating:
    """Rate one value against its target under ``scheme``."""
    special: Outcome | None = None
    if state is not ValueState.VALUE or value is None:
        special = _STATE_OUTCOME.get(state, Outcome.MISSING)
    elif polarity is Polarity.NONE:
        reason = _REASON_OUTCOME[no_target] if no_target is not None else Outcome.NO_POLARITY
        special = reason if reason is not Outcome.NO_TARGET else Outcome.NO_POLARITY
    elif no_target is not None:
        special = _REASON_OUTCOME[no_target]
    elif target is None and target_band is None:
        special = Outcome.NO_TARGET
    if special is not None:
        return Rating(scheme.by_outcome[special] or UNRATED, special, value, target, polarity,
                      unit=unit, note=note)
    assert value is not None
    if target is None and target_band is not None and polarity is not Polarity.TARGET:
        # a target range ("85% - 95%") for a higher (lower) is better KPI: reaching the range
        # is on target, so its worse end is the target
        target = min(target_band) if polarity is Polarity.HIGHER else max(target_band)

    tol = tolerance if (tolerance is not None and scheme.use_kpi_tolerance) else None
    if tol is None or tol.kind is ToleranceKind.DEFAULT:
        tol = scheme.default_tolerance

    if polarity is Polarity.TARGET:
        if scheme.method == "bands":
            return _rate_bands_to_band(scheme, value, target, target_band, tol, unit, note,
                                       last_year)
        return _rate_to_band(scheme, value, target, target_band, tol, unit, note, last_year)

    assert target is not None
    higher = polarity is Polarity.HIGHER
    if scheme.method == "bands":
        sign = 1 if higher else -1
        return _rate_bands(scheme, value, target, polarity, tol, unit, note, last_year,
                           (value - target) * sign, target)

    amber_limit: Decimal | None
    strict = qualifier is not None and (qualifier == ">" or qualifier == "<")
    shown_qualifier = qualifier if strict else None
    if tol.kind is ToleranceKind.THRESHOLDS and tol.green is not None and tol.amber is not None:
        shown_qualifier = None  # the thresholds decide, not the target
        if _better_or_equal(value, tol.green, higher):
            outcome = Outcome.ON_TARGET
        elif _better_or_equal(value, tol.amber, higher):
            outcome = Outcome.WITHIN_TOLERANCE
        else:
            outcome = Outcome.OUTSIDE_TOLERANCE
        amber_limit = tol.amber
    else:
        on_target = (value > target if higher else value < target) if strict else (
            _better_or_equal(value, target, higher))
        amber_limit = amber_limit_for(target, tol, higher)
        if on_target:
            outcome = Outcome.ON_TARGET
        elif amber_limit != target and _better_or_equal(value, amber_limit, higher):
            outcome = Outcome.WITHIN_TOLERANCE
        else:
            outcome = Outcome.OUTSIDE_TOLERANCE
    rating = _finish(scheme, outcome, value, target, polarity, tol, amber_limit, None, unit, note,
                     last_year)
    return replace(rating, qualifier=shown_qualifier) if shown_qualifier else rating


def amber_limit_for(target: Decimal, tol: Tolerance, higher: bool) -> Decimal:
    """The worst value that is still within tolerance (equal to ``target``: no amber)."""
    sign = 1 if higher else -1
    kind = tol.kind
    if kind is ToleranceKind.RELATIVE and tol.amount is not None:
        return target - sign * abs(target) * tol.amount / HUNDRED
    if kind is ToleranceKind.POINTS and tol.amount is not None:
        return target - sign * tol.amount
    if kind is ToleranceKind.BAND and tol.low is not None and tol.high is not None:
        limit = tol.low if higher else tol.high
        return limit if (limit < target if higher else limit > target) else target
    if kind is ToleranceKind.LIMIT and tol.low is not None:
        return tol.low if (tol.low < target if higher else tol.low > target) else target
    return target


def _finish(
    scheme: RatingScheme,
    outcome: Outcome,
    value: Decimal,
    target: Decimal | None,
    polarity: Polarity,
    tol: Tolerance,
    amber_limit: Decimal | None,
    band: tuple[Decimal, Decimal] | None,
    unit: Unit | None,
    note: str,
    last_year: Decimal | None,
    status: Status | None = None,
) -> Rating:
    status = status or scheme.by_outcome[outcome] or UNRATED
    softened_from = None
    if last_year is not None and scheme.soften_when_improved and (
            status.code in scheme.soften_when_improved):
        improved = (
            value > last_year if polarity is Polarity.HIGHER
            else value < last_year if polarity is Polarity.LOWER
            else target is not None and abs(value - target) < abs(last_year - target)
        )
        if improved:
            softened_from = status
            status = scheme.status(scheme.soften_when_improved[status.code])
    return Rating(status, outcome, value, target, polarity, tol, amber_limit, band, unit,
                  softened_from, last_year, note)


def _rate_bands(
    scheme: RatingScheme, value: Decimal, target: Decimal, polarity: Polarity, tol: Tolerance,
    unit: Unit | None, note: str, last_year: Decimal | None, diff: Decimal, base: Decimal,
    target_band: tuple[Decimal, Decimal] | None = None,
) -> Rating:
    """Rate by the scheme's bands of the gap to target: ``diff`` is how far the value is
    better than target (negative: worse), ``base`` what a relative gap is a percentage of."""
    if scheme.gap_measure == "points":
        gap = diff
    elif base == 0:
        gap = Decimal(0) if diff == 0 else (Decimal("Infinity") if diff > 0 else -Decimal(
            "Infinity"))
    else:
        gap = diff / abs(base) * HUNDRED
    upper: Band | None = None  # the most permissive earlier band: this band's upper bound
    for band in scheme.bands:
        if band.admits(gap):
            status = scheme.status(band.status)
            bounds = (band.min_gap, band.inclusive, None if upper is None else upper.min_gap,
                      upper is not None and not upper.inclusive, scheme.gap_measure)
            rating = _finish(scheme, Outcome.BAND, value, target, polarity, tol, None,
                             target_band, unit, note, last_year, status)
            return replace(rating, band_gap=bounds)
        if band.min_gap is not None and (
            upper is None or upper.min_gap is None or band.min_gap < upper.min_gap
            or (band.min_gap == upper.min_gap and band.inclusive)
        ):
            upper = band
    raise AssertionError("unreachable: the last band admits every gap")


def _rate_bands_to_band(
    scheme: RatingScheme, value: Decimal, target: Decimal | None,
    target_band: tuple[Decimal, Decimal] | None, tol: Tolerance, unit: Unit | None, note: str,
    last_year: Decimal | None,
) -> Rating:
    """The ``bands`` method for a close-to-target KPI: within the target range is a gap of
    zero; outside it the gap is the distance to the nearer end, as worse than target."""
    lo, hi = target_band if target_band is not None else (target, target)
    assert lo is not None and hi is not None
    edge = lo if value < lo else hi if value > hi else value
    mid = target if target is not None else (lo + hi) / 2
    return _rate_bands(scheme, value, mid, Polarity.TARGET, tol, unit, note, last_year,
                       -abs(value - edge), edge, (lo, hi))


def _rate_to_band(
    scheme: RatingScheme, value: Decimal, target: Decimal | None,
    target_band: tuple[Decimal, Decimal] | None, tol: Tolerance, unit: Unit | None, note: str,
    last_year: Decimal | None,
) -> Rating:
    lo, hi = target_band if target_band is not None else (target, target)
    assert lo is not None and hi is not None
    if lo <= value <= hi:
        outcome = Outcome.ON_TARGET
    else:
        if tol.kind is ToleranceKind.RELATIVE and tol.amount is not None:
            a_lo, a_hi = lo - abs(lo) * tol.amount / HUNDRED, hi + abs(hi) * tol.amount / HUNDRED
        elif tol.kind is ToleranceKind.POINTS and tol.amount is not None:
            a_lo, a_hi = lo - tol.amount, hi + tol.amount
        elif tol.kind is ToleranceKind.BAND and tol.low is not None and tol.high is not None:
            a_lo, a_hi = min(tol.low, lo), max(tol.high, hi)
        else:
            a_lo, a_hi = lo, hi
        within = a_lo <= value <= a_hi
        outcome = Outcome.WITHIN_TOLERANCE if within else Outcome.OUTSIDE_TOLERANCE
    mid = target if target is not None else (lo + hi) / 2
    return _finish(scheme, outcome, value, mid, Polarity.TARGET, tol, None, (lo, hi), unit, note,
                   last_year)


def _band_words(band: Band) -> str:
    if band.min_gap is None:
        return f"'{band.status}' for every other gap"
    return f"'{band.status}' from {'more than ' if not band.inclusive else ''}{band.min_gap}"


def band_problems(bands: tuple[Band, ...] | list[Band]) -> list[tuple[int, str]]:
    """Why a ``bands`` scheme's bands do not work, as (band index, message): a band that can
    never be reached (an earlier band takes every gap it would), or bands that leave gaps
    below the lowest band without a status (the last band must take every other gap).
    Bands are tried in order; the first that admits the gap gives the status."""
    problems: list[tuple[int, str]] = []
    widest: Band | None = None  # the earlier band reaching furthest down
    for i, band in enumerate(bands):
        if widest is not None:
            hidden = widest.min_gap is None or (band.min_gap is not None and (
                band.min_gap > widest.min_gap or (band.min_gap == widest.min_gap and (
                    widest.inclusive or not band.inclusive))))
            if hidden:
                j = bands.index(widest)
                problems.append((i, f"band {i + 1} ({_band_words(band)}) can never be reached: "
                                    f"band {j + 1} ({_band_words(widest)}) comes before it and "
                                    "takes every gap it would; put the bands from the best "
                                    "gap down to the worst"))
                continue
        if widest is None or widest.min_gap is None or band.min_gap is None or (
                band.min_gap < widest.min_gap) or (
                band.min_gap == widest.min_gap and band.inclusive):
            widest = band
    if bands and (widest is None or widest.min_gap is not None):
        problems.append((len(bands) - 1, "the bands leave gaps below the last band without a "
                         "status: end with a band that has neither more_than nor at_least, "
                         "for every other gap"))
    return problems
