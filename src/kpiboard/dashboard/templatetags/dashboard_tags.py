"""Template helpers for the dashboard's pages: ``{% load dashboard_tags %}``.

- ``{% chart_svg chart %}``: a report model ``Chart`` as inline SVG (``role="img"`` with the
  chart's alt text as its label)
- ``chart|chart_rows``: the chart's data as table rows, (x label, a value per series)
- ``value|chart_value:unit``: a number as the chart labels it
- ``{% kpi_rows rows %}``: the dashboard table's rows; ``{% direction_cell d brief=True %}``:
  an arrow with its words (drawn in Python: ``kpiboard.dashboard.rowhtml``)
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

from kpiboard.dashboard import rowhtml
from kpiboard.reports.charts import chart_svg as draw_svg
from kpiboard.reports.charts import value_text
from kpiboard.reports.model import Chart, DirectionView, KpiRow

register = template.Library()


@register.simple_tag
def chart_svg(chart: Chart | None) -> SafeString:
    if chart is None:
        return SafeString("")
    return mark_safe(draw_svg(chart))  # built from escaped text by reports.svgchart


@register.filter
def chart_value(value: Decimal | None, unit: str) -> str:
    return "No value" if value is None else value_text(value, unit)


@register.filter
def chart_rows(chart: Chart | None) -> list[tuple[str, list[str]]]:
    if chart is None:
        return []
    return [(x, [chart_value(dict(s.points).get(x), chart.unit) for s in chart.series])
            for x in chart.x_labels]


@register.filter
def year_slug(year: str) -> str:
    """A year label as written in addresses: ``2023/24`` → ``2023-24``."""
    return year.replace("/", "-")


@register.filter
def without_symbol(explanation: str, symbol: str) -> str:
    """An explanation without the symbol it starts with (``↑G: 100% is up…`` → ``100% is
    up…``), for where the symbol is shown beside it."""
    return rowhtml.without_symbol(explanation, symbol)


@register.simple_tag(takes_context=True)
def kpi_rows(context: template.Context, rows: tuple[KpiRow, ...]) -> SafeString:
    """The table rows of ``rows`` and their sub-measures (``kpiboard.dashboard.rowhtml``)."""
    return rowhtml.kpi_rows_html(rows, period_key=context["period"].key,
                                 year_slug=context["year_slug"])


@register.simple_tag
def direction_cell(direction: DirectionView | None, brief: bool = False) -> SafeString:
    """A direction of travel as a table cell shows it (``rowhtml.direction_html``)."""
    return rowhtml.direction_html(direction, brief=brief)
