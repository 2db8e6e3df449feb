"""One plain sentence, with the numbers, for every status and arrow."""

from __future__ import annotations

from decimal import Context, Decimal

from kpiboard.engine.rating import Outcome, Rating
from kpiboard.engine.tolerance import ToleranceKind
from kpiboard.engine.travel import Movement, Travel, TravelBasis
from kpiboard.engine.types import Polarity, Unit

# Wide enough to round any figure from stored numbers (20 + 10 digits) and their ratios: the
# default context's 28 digits cannot quantize a gap of 1E+32 % (a 1E+20 value against a
# 1E-10 target), which raised InvalidOperation while rating.
_ROUNDING = Context(prec=80)


def num(d: Decimal | None, unit: Unit | None = None, places: int = 2) -> str:
    """A number as a report prints it: ``46.43%``, ``1,197``, ``£1,200.50``, ``60.9 days``.

    More than ``places`` decimals are rounded to ``places``; a non-zero figure that would
    round to zero keeps two significant digits, so a small gap never reads as ``0``."""
    if d is None:
        return "no value"
    if not d.is_finite():
        return str(d)
    step = Decimal(1).scaleb(-places)
    q = d.quantize(step, context=_ROUNDING) if (
        d.as_tuple().exponent < -places) else d  # type: ignore[operator]
    if q == 0 and d != 0:
        q = d.quantize(Decimal(1).scaleb(d.adjusted() - 1), context=_ROUNDING).normalize()
    if q == q.to_integral_value():
        q = q.quantize(Decimal(1), context=_ROUNDING)
    text = f"{q:,f}"
    if unit is Unit.PERCENT:
        return f"{text}%"
    if unit is Unit.MONEY:
        return f"£{text}" if q >= 0 else f"-£{text[1:]}"
    if unit is Unit.DAYS:
        return f"{text} days"
    if unit is Unit.WEEKS:
        return f"{text} weeks"
    return text


def places_to_tell_apart(value: Decimal, others: list[Decimal | None], most: int = 8) -> int:
    """Decimal places (at least 2) at which ``value`` does not round to the same number as any
    of ``others`` that differs from it: ``84.999`` beside an ``85`` target needs 3."""

    def rounded(d: Decimal, places: int) -> Decimal:
        step = Decimal(1).scaleb(-places)
        return d.quantize(step) if d.as_tuple().exponent < -places else d  # type: ignore[operator]

    places = 2
    while places < most and any(
        o is not None and o != value and o.is_finite()
        and rounded(o, places) == rounded(value, places) for o in others):
        places += 1
    return places


def gap(d: Decimal, unit: Unit | None, places: int = 2) -> str:
    """A difference: ``38.57 points`` for percentages, ``3`` for counts."""
    d = abs(d)
    if unit is Unit.PERCENT:
        return f"{num(d, places=places)} point{'' if d == 1 else 's'}"
    return num(d, unit, places)


def _rel(value: Decimal, target: Decimal) -> str:
    if target == 0:
        return ""
    return f" ({num(abs(value - target) / abs(target) * 100)}%)"


def band_rule(label: str, low: Decimal | None, low_inclusive: bool, high: Decimal | None,
              high_inclusive: bool, measure: str, unit: Unit | None) -> str:
    """The gap to target that gives a ``bands`` status, e.g. ``Green is from 5% worse to 10%
    better than target``; ``low``/``high`` bound the gap (positive = better than target)."""

    def amount(x: Decimal) -> str:
        return f"{num(abs(x))}%" if measure == "relative" else gap(x, unit)

    def at_least(inclusive: bool) -> str:
        return "at least" if inclusive else "more than"

    def up_to(inclusive: bool) -> str:
        return "up to" if inclusive else "less than"

    if low is None and high is None:
        return ""
    if high is None:
        assert low is not None
        if low == 0:
            text = "on target or better" if low_inclusive else "better than target"
        elif low > 0:
            text = f"{at_least(low_inclusive)} {amount(low)} better than target"
        else:
            text = f"{up_to(low_inclusive)} {amount(low)} worse than target, or better"
    elif low is None:
        if high == 0:
            text = "on target or worse" if high_inclusive else "worse than target"
        elif high < 0:
            text = f"{at_least(high_inclusive)} {amount(high)} worse than target"
        else:
            text = f"{up_to(high_inclusive)} {amount(high)} better than target, or worse"
    elif low >= 0:
        text = (f"{at_least(low_inclusive)} {amount(low)} and {up_to(high_inclusive)} "
                f"{amount(high)} better than target")
    elif high <= 0:
        text = (f"{at_least(high_inclusive)} {amount(high)} and {up_to(low_inclusive)} "
                f"{amount(low)} worse than target")
    else:
        text = (f"from {amount(low)} worse{'' if low_inclusive else ' (exclusive)'} to "
                f"{amount(high)} better{'' if high_inclusive else ' (exclusive)'} than target")
    return f"{label} is {text}"


def explain_rating(r: Rating) -> str:
    label = r.status.label
    u = r.unit
    o = r.outcome
    head = f"{label}: "
    if r.override_of is not None:
        return (f"{label} (set by hand, overriding the computed {r.override_of.label}): "
                f"{r.override_reason}")
    if o in (Outcome.MISSING, Outcome.IN_ARREARS, Outcome.NOT_APPLICABLE,
             Outcome.TO_BE_CONFIRMED):
        text = {
            Outcome.MISSING: "no value was provided for this period",
            Outcome.IN_ARREARS: "the value is reported in arrears and is not yet due",
            Outcome.NOT_APPLICABLE: "a value does not apply for this period",
            Outcome.TO_BE_CONFIRMED: "the value is still to be confirmed",
        }[o]
        return head + text + (f" ({r.note})" if r.note else "") + "."
    if o is Outcome.NO_POLARITY:
        return head + f"{num(r.value, u)} is shown for context; neither higher nor lower is better."
    if o in (Outcome.TRACKING, Outcome.MONITORING_DEMAND):
        return head + f"{num(r.value, u)}; tracking indicator only, with no target."
    if o is Outcome.UNDER_REVIEW:
        return head + f"{num(r.value, u)}; the target is under review."
    if o is Outcome.TO_BE_DECIDED:
        return head + f"{num(r.value, u)}; the target is still to be decided."
    if o is Outcome.NO_TARGET:
        return head + f"{num(r.value, u)}; no target is set."
    if r.target is None and r.target_band is None:
        return head + (r.note or f"{num(r.value, u)}; no target applies") + "."
    assert r.value is not None
    v = r.value
    tol_k = None if r.tolerance is None else r.tolerance.kind
    edges: list[Decimal | None] = [r.target, r.amber_limit]
    if r.target_band is not None:
        edges += list(r.target_band)
    if r.tolerance is not None and tol_k is ToleranceKind.THRESHOLDS:
        edges += [r.tolerance.green, r.tolerance.amber]
    p = places_to_tell_apart(v, edges)

    def n(d: Decimal | None) -> str:
        return num(d, u, p)

    banded = r.softened_from or r.override_of or r.status  # the status the band gave
    rule = "" if r.band_gap is None else band_rule(banded.label, *r.band_gap, r.unit)
    band_tail = f"; {rule}" if rule else ""
    if r.polarity is Polarity.TARGET and r.target_band is not None:
        lo, hi = r.target_band
        band = n(lo) if lo == hi else f"{n(lo)}–{n(hi)}"
        if lo <= v <= hi:
            where = f"{n(v)} is within the target of {band}"
        else:
            edge = lo if v < lo else hi
            side = "below" if v < lo else "above"
            where = f"{n(v)} is {gap(v - edge, u, p)} {side} the target of {band}"
        tol = ""
        if band_tail:
            tol = band_tail
        elif r.tolerance is not None and not (lo <= v <= hi):
            tol = ("; there is no tolerance" if tol_k is ToleranceKind.NONE
                   else f"; tolerance {r.tolerance.describe(_suffix(u))}")
        return head + where + tol + "."
    t = r.target
    assert t is not None
    if v == t:
        if r.qualifier in (">", "<") and o is not Outcome.ON_TARGET:
            more = "more" if r.qualifier == ">" else "less"
            where = f"{n(v)} equals but does not meet the target of {more} than {n(t)}"
        else:
            where = f"{n(v)} is exactly the {n(t)} target"
    else:
        side = "above" if v > t else "below"
        where = f"{n(v)} is {gap(v - t, u, p)}{'' if u is Unit.PERCENT else _rel(v, t)} " \
                f"{side} the {n(t)} target"
    pol = {Polarity.HIGHER: "higher is better", Polarity.LOWER: "lower is better"}.get(
        r.polarity, "")
    tail = band_tail
    if r.tolerance is not None and r.amber_limit is not None:
        if tol_k is ToleranceKind.THRESHOLDS:
            tail = f"; green from {n(r.tolerance.green)}, amber from {n(r.tolerance.amber)}"
        elif r.amber_limit != t:
            lo, hi = sorted((r.amber_limit, t))
            tail = f"; the amber band is {n(lo)}–{n(hi)}"
        elif o is not Outcome.ON_TARGET and o is not Outcome.BAND:
            tail = "; there is no tolerance"
    sentence = f"{head}{where} ({pol}){tail}." if pol else f"{head}{where}{tail}."
    if r.softened_from is not None:
        sentence += (f" It would be {r.softened_from.label}, but it improved on the same period "
                     f"last year ({n(r.last_year)}).")
    return sentence


def _suffix(unit: Unit | None) -> str:
    return {Unit.PERCENT: "%", Unit.DAYS: " days", Unit.WEEKS: " weeks"}.get(
        unit, "") if unit is not None else ""


def explain_travel(t: Travel) -> str:
    u = Unit.PERCENT if t.basis is TravelBasis.PERCENT_OF_TARGET else t.unit
    what = {
        TravelBasis.VALUE: "",
        TravelBasis.INCREMENT: " (the change in the period, for a cumulative KPI)",
        TravelBasis.PERCENT_OF_TARGET: " of the profiled target achieved",
    }[t.basis]
    sym = f"{t.symbol}: " if t.symbol else ""
    since = f" in {t.previous_label}" if t.previous_label else " last time"
    if t.movement is Movement.NOT_COMPARABLE:
        return f"{sym}not comparable: {t.reason}."
    p = 2 if t.current is None else places_to_tell_apart(t.current, [t.previous])
    cur, prev = num(t.current, u, p) + what, num(t.previous, u, p)
    if t.change == 0:
        return f"{sym}{cur} is the same as{since}."
    assert t.change is not None
    rel = "" if t.relative_change is None else f" ({num(t.relative_change)}%)"
    moved = f"{cur} is {'up' if t.change > 0 else 'down'} {gap(t.change, u, p)}{rel} from {prev}" \
            f"{since}"
    m = t.movement
    if m is Movement.SAME:
        return f"{sym}{moved}, within {num(t.scheme.same_within)}%, so about the same."
    if m is Movement.IMPROVED:
        return f"{sym}{moved}: an improvement."
    if m in (Movement.INCREASED, Movement.DECREASED, Movement.UNCHANGED):
        return f"{sym}{moved}; neither higher nor lower is better."
    if m is Movement.DETERIORATED_ACCEPTABLE:
        why = ("still on target" if t.on_target and t.scheme.acceptable_when_on_target
               else f"within the acceptable range of {num(t.scheme.acceptable_within)}%")
        return f"{sym}{moved}: worse, but {why}."
    rng = ("" if t.scheme.acceptable_within is None
           else f", beyond the acceptable range of {num(t.scheme.acceptable_within)}%")
    target = " and not on target" if t.scheme.acceptable_when_on_target and t.on_target is \
        False else ""
    return f"{sym}{moved}: a deterioration{rng}{target}."
