"""Reading period data, and judging a period from what is stored."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from kpiboard.data.models import PeriodValue, StatusOverride
from kpiboard.engine.aggregate import Observation
from kpiboard.engine.periods import Period
from kpiboard.engine.types import ValueState
from kpiboard.framework.model import Framework
from kpiboard.framework.rate import RatedRow, ValueRow, rate_rows
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.selectors import framework_get


def tidy(d: Decimal | None) -> Decimal | None:
    """A stored decimal without the column's trailing zeros: 73.9100000000 → 73.91."""
    if d is None:
        return None
    n = d.normalize()
    return n.quantize(Decimal(1)) if n.as_tuple().exponent > 0 else n  # type: ignore[operator]


def value_rows_get(*, organisation: Organisation, years: list[str],
                   visibility: str = "all", refs: Collection[str] | None = None,
                   through: date | None = None) -> list[ValueRow]:
    """Every stored value of those years (of the KPIs ``refs`` only, if given) as rows for
    the engine, with any override; ``visibility`` (all, approved, public) hides what that
    audience may not see yet (``through``: the public's published-through date, if the
    caller has read it already)."""
    from kpiboard.workflow.selectors import visible_filter

    scope: dict[str, Any] = {"kpi__kpi_set__organisation": organisation,
                             "kpi__kpi_set__year__in": years}
    if refs is not None:
        scope["kpi__ref__in"] = list(refs)
    overrides = {
        (o.kpi.ref, o.sub_measure, o.period): o
        for o in StatusOverride.objects.filter(**scope).select_related("kpi")
    }
    rows = []
    values = visible_filter(PeriodValue.objects.filter(**scope),
                            organisation=organisation, visibility=visibility, through=through)
    for ref, sub, period, text, value, num, den, state in (
        values
        .order_by("kpi__kpi_set__year", "kpi__order", "sub_measure", "period_start",
                  "period_end")
        .values_list("kpi__ref", "sub_measure", "period", "text", "value", "numerator",
                     "denominator", "state")
    ):
        o = overrides.get((ref, sub, period))
        rows.append(ValueRow(ref, sub, Period.parse(period), text,
                             Observation(tidy(value), ValueState(state), tidy(num), tidy(den)),
                             o.status if o else "", o.reason if o else ""))
    return rows


def period_assess(*, organisation: Organisation, period: Period,
                  framework: Framework | None = None) -> list[RatedRow]:
    """Status and direction of travel of every KPI and sub-measure with a value for
    ``period``, from the stored framework and data (this year and last)."""
    years = [period.year.previous().label, period.year.label]
    fw = framework or framework_get(organisation=organisation, years=years)
    return rate_rows(fw, value_rows_get(organisation=organisation, years=years), period)
