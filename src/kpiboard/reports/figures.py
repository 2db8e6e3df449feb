"""Figures as the council published them: a published figure beside the one worked out, and
targets with both their yearly and profiled figures.

Nothing here reads the database; the report builder gives it what was stored.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.assess import Assessment
from kpiboard.engine.explain import num
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.periods import Period
from kpiboard.engine.types import ValueBasis, ValueState
from kpiboard.engine.values import format_value

NOT_WORKED_OUT = {
    ValueBasis.RATIO: "cannot be worked out: the periods' numerators and denominators were "
                      "not given",
}


def value_text(kpi: KpiDefinition, obs: Observation) -> str:
    """A figure the report worked out, as it prints it."""
    if obs.state is not ValueState.VALUE or obs.value is None:
        return {ValueState.MISSING: "Data unavailable", ValueState.NOT_APPLICABLE: "N/A",
                ValueState.IN_ARREARS: "N/A reported in arrears",
                ValueState.TO_BE_CONFIRMED: "TBC"}.get(obs.state, "n/a")
    decimals = kpi.decimals
    if decimals is None and -int(obs.value.as_tuple().exponent) > 2:
        decimals = 2  # a derived figure (a ratio of sums) is shown to 2 places
    text = format_value(obs.value, unit=kpi.unit, decimals=decimals)
    if obs.numerator is not None and obs.denominator is not None:
        text += f" ({format_value(obs.numerator, unit=None)} out of " \
                f"{format_value(obs.denominator, unit=None)})"
    return text


def agrees(published: Observation, computed: Observation) -> bool:
    """Whether a published figure is the computed one as the council would have written it:
    the computed value rounded (half up) to the published figure's decimal places, or within
    one unit of its last place (a figure truncated, or rounded from other terms). Two
    non-values agree; a figure and a non-value do not."""
    if not published.has_value or not computed.has_value:
        return published.has_value == computed.has_value
    assert published.value is not None and computed.value is not None
    exponent = published.value.as_tuple().exponent
    assert isinstance(exponent, int)
    step = Decimal(1).scaleb(exponent)
    if computed.value.quantize(step, rounding=ROUND_HALF_UP) == published.value:
        return True
    return abs(computed.value - published.value) < step


def compare(kpi: KpiDefinition, published: tuple[str, Observation] | None,
            computed: Observation | None) -> tuple[str, Observation | None, str, str, str]:
    """The figure to show for a year to date, quarter or outturn that may have been both
    published and worked out: (text, observation, note, computed text, flag).

    A published figure is always shown as given. When it cannot be worked out, it stands
    alone (flag ``published``); when the worked-out one disagrees, both are shown (flag
    ``differs``); a figure worked out and not published is shown with no flag."""
    if published is None:
        if computed is None:
            return "n/a", None, NOT_WORKED_OUT.get(kpi.basis, ""), "", ""
        return value_text(kpi, computed), computed, "", "", ""
    text, obs = published
    if computed is None or (not computed.has_value and obs.has_value):
        return text, obs, "", "", "published"
    if agrees(obs, computed):
        return text, obs, "", "", ""
    worked = value_text(kpi, computed)
    return (text, obs, f"as published; worked out from the periods it is {worked}", worked,
            "differs")


def target_display(a: Assessment, period: Period) -> str:
    """The target as the council writes it, with the figure applied to ``period`` when that
    is a profile of a yearly target: ``Year-end target: 564 Monthly target: 47; 517
    profiled to February 2023/24``, ``98% (Annual target); 96% profiled to February
    2023/24``, ``252 (21 per month)``."""
    spec, target, unit = a.target_spec, a.target, a.kpi.unit
    if target is None:
        if spec is None:
            return ""
        if spec.none is not None:
            return spec.text or spec.none.label  # "TBD" as written, else the reason
        if spec.band is not None:
            return f"{num(spec.band[0], unit)}–{num(spec.band[1], unit)}"
        return spec.text
    if spec is None:
        return num(target, unit)
    if spec.annual is None or spec.annual == target:
        if spec.text and (spec.annual == target or spec.per_month == target):
            return spec.text
        return num(target, unit)
    if spec.text and spec.per_month == target:
        return spec.text  # "252 (21 per month)" for a month: the text says it all
    base = spec.text or (f"{num(spec.annual, unit)} for the year" + (
        f"; {num(spec.per_month, unit)} a month" if spec.per_month is not None else ""))
    word = "to" if a.kpi.basis is ValueBasis.CUMULATIVE else "for"
    return f"{base}; {num(target, unit)} profiled {word} {period.label}"
