"""Exporting stored period data in the long-table import format."""

from __future__ import annotations

from pathlib import Path

from kpiboard.data.models import Commentary, PeriodValue, PublishedFigure
from kpiboard.engine.aggregate import Observation
from kpiboard.engine.periods import FinancialYear, Period
from kpiboard.engine.types import ValueState
from kpiboard.imports.values import ValueRecord, write_period_data
from kpiboard.kpis.models import Organisation


def values_export(*, organisation: Organisation, path: Path, year: str | None = None) -> int:
    """Write the values (with commentary and published years to date) of ``organisation``
    to .csv or .xlsx."""
    values = PeriodValue.objects.filter(kpi__kpi_set__organisation=organisation)
    notes = Commentary.objects.filter(kpi__kpi_set__organisation=organisation)
    ytds = PublishedFigure.objects.filter(kpi__kpi_set__organisation=organisation,
                                          figure=PublishedFigure.YTD)
    if year:
        label = FinancialYear.parse(year).label
        values = values.filter(kpi__kpi_set__year=label)
        notes = notes.filter(kpi__kpi_set__year=label)
        ytds = ytds.filter(kpi__kpi_set__year=label)
    published = {(y.kpi_id, y.sub_measure, y.period): y for y in ytds}
    commentary = {(c.kpi_id, c.sub_measure, c.period): c.html for c in notes}
    records = [
        ValueRecord(ref=v.kpi.ref, sub_measure=v.sub_measure, period=Period.parse(v.period),
                    text=v.text, value=v.value, numerator=v.numerator,
                    denominator=v.denominator, state=ValueState(v.state),
                    commentary=commentary.get((v.kpi_id, v.sub_measure, v.period), ""), row=0,
                    ytd_text=_ytd_text(published.get((v.kpi_id, v.sub_measure, v.period))),
                    ytd=_ytd(published.get((v.kpi_id, v.sub_measure, v.period))))
        for v in values.select_related("kpi").order_by("kpi__kpi_set__year", "kpi__order",
                                                       "sub_measure", "period_start",
                                                       "period_end")
    ]
    write_period_data(records, path)
    return len(records)


def _ytd_text(found: PublishedFigure | None) -> str:
    return "" if found is None else found.text


def _ytd(found: PublishedFigure | None) -> Observation | None:
    if found is None:
        return None
    return Observation(found.value, ValueState(found.state), found.numerator, found.denominator)
