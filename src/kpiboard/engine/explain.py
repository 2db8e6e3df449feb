"""One plain sentence, with the numbers, for every status and arrow."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from kpiboard.engine.types import Polarity, Unit

if TYPE_CHECKING:
    from kpiboard.engine.rating import Rating
    from kpiboard.engine.travel import Travel

_TWO = Decimal("0.01")


def num(d: Decimal | None, unit: Unit | None = None) -> str:
    """A number as a report prints it: ``46.43%``, ``1,197``, ``£1,200.50``, ``60.9 days``."""
    if d is None:
        return "no value"
    q = d.quantize(_TWO) if d.as_tuple().exponent < -2 else d  # type: ignore[operator]
    if q == q.to_integral_value():
        q = q.quantize(Decimal(1))
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


def gap(d: Decimal, unit: Unit | None) -> str:
    """A difference: ``38.57 points`` for percentages, ``3`` for counts."""
    d = abs(d)
    if unit is Unit.PERCENT:
        return f"{num(d)} point{'' if d == 1 else 's'}"
    return num(d, unit)


def _rel(value: Decimal, target: Decimal) -> str:
    if target == 0:
        return ""
    return f" ({num(abs(value - target) / abs(target) * 100)}%)"


def explain_rating(r: Rating) -> str:
    from kpiboard.engine.rating import Outcome

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
    if r.polarity is Polarity.TARGET and r.target_band is not None:
        lo, hi = r.target_band
        band = num(lo, u) if lo == hi else f"{num(lo, u)}–{num(hi, u)}"
        if lo <= v <= hi:
            where = f"{num(v, u)} is within the target of {band}"
        else:
            edge = lo if v < lo else hi
            side = "below" if v < lo else "above"
            where = f"{num(v, u)} is {gap(v - edge, u)} {side} the target of {band}"
        tol = "" if r.tolerance is None else f"; tolerance {r.tolerance.describe()}"
        return head + where + tol + "."
    t = r.target
    assert t is not None
    if v == t:
        where = f"{num(v, u)} is exactly the {num(t, u)} target"
    else:
        side = "above" if v > t else "below"
        where = f"{num(v, u)} is {gap(v - t, u)}{'' if u is Unit.PERCENT else _rel(v, t)} " \
                f"{side} the {num(t, u)} target"
    pol = {Polarity.HIGHER: "higher is better", Polarity.LOWER: "lower is better"}.get(
        r.polarity, "")
    tail = ""
    if r.tolerance is not None and r.amber_limit is not None:
        from kpiboard.engine.tolerance import ToleranceKind

        if r.tolerance.kind is ToleranceKind.THRESHOLDS:
            tail = (f"; green from {num(r.tolerance.green, u)}, amber from "
                    f"{num(r.tolerance.amber, u)}")
        elif r.amber_limit != t:
            lo, hi = sorted((r.amber_limit, t))
            tail = f"; the amber band is {num(lo, u)}–{num(hi, u)}"
        elif o is not Outcome.ON_TARGET and o is not Outcome.BAND:
            tail = "; there is no tolerance"
    sentence = f"{head}{where} ({pol}){tail}." if pol else f"{head}{where}{tail}."
    if r.softened_from is not None:
        sentence += (f" It would be {r.softened_from.label}, but it improved on the same period "
                     f"last year ({num(r.last_year, u)}).")
    return sentence


def explain_travel(t: Travel) -> str:
    from kpiboard.engine.travel import Movement, TravelBasis

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
    cur, prev = num(t.current, u) + what, num(t.previous, u)
    if t.change == 0:
        return f"{sym}{cur} is the same as{since}."
    assert t.change is not None
    rel = "" if t.relative_change is None else f" ({num(t.relative_change)}%)"
    moved = f"{cur} is {'up' if t.change > 0 else 'down'} {gap(t.change, u)}{rel} from {prev}" \
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
