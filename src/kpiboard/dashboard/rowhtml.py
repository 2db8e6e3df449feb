"""The dashboard's table rows and direction cells drawn in Python (``format_html``), not by
a template each: a county's dashboard has hundreds of rows, and Django's template engine cost
more than everything else on the page (issue 16). The markup is the one the templates drew;
``tests/web/test_dashboard.py`` checks what the pages say."""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from kpiboard.reports.charts import chart_svg
from kpiboard.reports.model import DirectionView, KpiRow
from kpiboard.web.templatetags.govuk import status_tag

EMPTY = SafeString("")


def without_symbol(explanation: str, symbol: str) -> str:
    """An explanation without the symbol it starts with (``↑G: 100% is up…`` → ``100% is
    up…``), for where the symbol is shown beside it."""
    prefix = f"{symbol}:"
    if symbol and explanation.startswith(prefix):
        return explanation[len(prefix):].strip()
    return explanation


def direction_html(d: DirectionView | None, *, brief: bool = False) -> SafeString:
    """The arrow with its words for a screen reader, the period it is for and any note, and
    (unless ``brief``) the explanation without the symbol."""
    if d is None or not d.symbol:
        return EMPTY
    parts = [format_html('<span class="kb-direction" aria-hidden="true"{}>{}</span>',
                         format_html(' title="{}"', d.label) if d.label else "", d.symbol)]
    if d.label:
        parts.append(format_html('<span class="govuk-visually-hidden">{}.</span>', d.label))
    if d.period or d.note:
        parts.append(format_html(' <span class="kb-small">{}{}{}</span>',
                                 format_html("for {}", d.period) if d.period else "",
                                 "; " if d.period and d.note else "", d.note))
    if d.explanation and not brief:
        parts.append(format_html(' <span class="kb-small">{}</span>',
                                 without_symbol(d.explanation, d.symbol)))
    return mark_safe("".join(parts))  # each part escaped by format_html


def _current(row: KpiRow, period_key: str) -> SafeString:
    out = []
    c = row.current
    if c is not None:
        out.append(format_html("{}", c.text))
        if c.revised:
            out.append(mark_safe('<span class="kb-revised">revised<span class="'
                                 'govuk-visually-hidden"> after it was first published</span>'
                                 '</span>'))
        if c.period != period_key:
            out.append(format_html(' <span class="kb-small">{}</span>',
                                   row.reported_period or c.heading))
    if row.stale:
        out.append(format_html(' <strong class="kb-stale">Stale</strong> '
                               '<span class="kb-small">{}</span>', row.stale))
    return mark_safe("".join(out))


def kpi_row_html(row: KpiRow, *, parent: KpiRow | None, period_key: str,
                 year_slug: str) -> SafeString:
    """One KPI's (or, under ``parent``, one sub-measure's) row of the dashboard's table."""
    if parent is not None:
        header = format_html(
            '<span class="kb-sub-ref"><span aria-hidden="true">↳ </span><span class="'
            'govuk-visually-hidden">{} sub-measure </span>{}</span>', parent.ref,
            row.sub_measure)
        name = format_html("{}", row.name)
        who = f"{parent.ref} {row.sub_measure}"
    else:
        header = format_html("{}", row.ref)
        url = reverse("dashboard:kpi", args=[year_slug, row.ref]) + "?period=" + quote(
            period_key, safe="/")
        name = format_html('<a class="govuk-link" href="{}">{}</a>{}', url, row.name,
                           format_html('<span class="kb-small">{}</span>', row.service)
                           if row.service else "")
        who = row.ref
    status = [status_tag(row.status)]
    if row.status is not None and row.status.period:
        status.append(format_html(' <span class="kb-small">for {}</span>', row.status.period))
    if row.explanation:
        status.append(format_html(
            '\n    <details class="kb-why"><summary>Why<span class="govuk-visually-hidden"> '
            '{} is {}</span>?</summary><p>{}</p></details>', who,
            row.status.label if row.status is not None else "", row.explanation))
    spark = (format_html('<span class="kb-sparkline">{}</span>', mark_safe(chart_svg(
        row.sparkline))) if row.sparkline else "")  # the SVG is built from escaped text
    return format_html(
        '<tr class="govuk-table__row{}">\n'
        '  <th scope="row" class="govuk-table__header">{}</th>\n'
        '  <td class="govuk-table__cell">{}</td>\n'
        '  <td class="govuk-table__cell">{}</td>\n'
        '  <td class="govuk-table__cell">{}</td>\n'
        '  <td class="govuk-table__cell">{}</td>\n'
        '  <td class="govuk-table__cell">{}</td>\n'
        '  <td class="govuk-table__cell">{}</td>\n'
        '</tr>\n',
        " kb-sub-row" if parent is not None else "", header, name,
        _current(row, period_key), row.target or "No target", mark_safe("".join(status)),
        direction_html(row.direction) + SafeString("\n"), spark)


def kpi_rows_html(rows: tuple[KpiRow, ...] | list[KpiRow], *, period_key: str,
                  year_slug: str) -> SafeString:
    """Each KPI's row followed by its sub-measures' rows."""
    return format_html_join("", "{}", (
        (kpi_row_html(r, parent=p, period_key=period_key, year_slug=year_slug),)
        for row in rows for r, p in ((row, None), *((c, row) for c in row.children))))
