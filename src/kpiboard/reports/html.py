"""The HTML renderer: an accessible web page in the GOV.UK style; the PDF is printed from it.

It reads only the report model (``kpiboard.reports.model``) and decides nothing about figures:
it maps each column key to a row attribute, lays the page out and escapes the text. Templates
are rendered with a standalone Django template engine, so no settings or app are needed.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from itertools import count
from pathlib import Path

from django.template import Context, Engine, Origin
from django.template.loaders import filesystem
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kpiboard.reports.charts import value_text
from kpiboard.reports.model import (
    Chart,
    Column,
    KpiRow,
    Report,
    SectionSummary,
    StatusView,
    ValueCell,
)

ChartRenderer = Callable[[Chart], str]

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "reports" / "report.css"

TEXT_KEYS = ("key_commitment", "statutory", "benchmark", "polarity", "target", "tolerance")
_INDEXED = re.compile(r"(q|m|comparator|previous)(\d+)")

# Relative widths of the main table's columns, so that 18 of them fit A4 landscape.
WIDTHS = {"key_commitment": 7.5, "ref": 5, "description": 10, "chart": 10, "statutory": 6.5,
          "benchmark": 7.5, "value": 5.5, "comparator": 6.5, "direction": 6, "polarity": 5.5,
          "target": 6, "tolerance": 6, "status": 9, "commentary": 25}
# In print the commentary has a row of its own: its width goes to the text columns.
PRINT_WIDTHS = {**WIDTHS, "description": 12, "chart": 6.5, "statutory": 8.5, "benchmark": 9.5}


def column_kind(key: str) -> str:
    """What a column shows, by its key (see ``model.Column``); unknown keys are an error."""
    if key in TEXT_KEYS:
        return key
    if key in ("ref", "description", "chart", "direction", "status", "commentary", "ytd",
               "current"):
        return "value" if key in ("ytd", "current") else key
    match = _INDEXED.fullmatch(key)
    if match:
        prefix, n = match.group(1), int(match.group(2))
        if prefix == "q" and not 1 <= n <= 4:
            raise ValueError(f"column {key!r}: quarter columns are q1 to q4")
        return "comparator" if prefix == "comparator" else "value"
    raise ValueError(f"unknown report column {key!r}")


@dataclass(frozen=True, slots=True)
class ChartView:
    """A chart as shown: SVG (when a chart renderer was given) and always its data table."""

    chart: Chart
    ident: str
    svg: SafeString | None
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # x label, then a value per series
    target: str


@dataclass(frozen=True, slots=True)
class Cell:
    kind: str  # a column kind: ref, description, value, chart, direction, status, ...
    key: str
    text: str = ""
    value: ValueCell | None = None
    chart: ChartView | None = None
    html: SafeString | None = None


@dataclass(frozen=True, slots=True)
class RowView:
    row: KpiRow
    sub: bool  # a sub-measure, shown beneath its KPI
    parent_ref: str
    cells: tuple[Cell, ...]
    comments: SafeString | None = None  # print: the commentary, in a full-width row beneath


@dataclass(frozen=True, slots=True)
class CommentsRow:
    """In print, the commentary is a full-width row under its KPI's row, not a narrow column:
    it reads as prose and WeasyPrint lays it out in a fraction of the time. Its label (the
    column's heading) spans the table's first ``label_span`` columns, the text the rest."""

    heading: str
    label_span: int
    text_span: int


@dataclass(frozen=True, slots=True)
class GroupView:
    title: str
    ident: str
    caption: str  # the rest of the table's caption, after the group's title
    rows: tuple[RowView, ...]


@dataclass(frozen=True, slots=True)
class SummaryRow:
    title: str
    counts: tuple[str, ...]  # one per status column, "–" when the section has none counted
    total: str


@dataclass
class _Builder:
    report: Report
    charts: ChartRenderer | None
    for_print: bool = False
    ids: Iterator[int] = field(default_factory=lambda: count(1))

    def ident(self, prefix: str) -> str:
        return f"{prefix}-{next(self.ids)}"

    def chart(self, chart: Chart | None) -> ChartView | None:
        if chart is None:
            return None
        svg = None
        if self.charts is not None:
            markup = self.charts(chart)
            svg = mark_safe(_svg_image(markup, chart.alt_text or chart.title) if self.for_print
                            else markup)
        rows = () if svg and self.for_print else tuple(  # in print, a drawn chart hides its data
            (x, tuple(_number(dict(s.points).get(x), chart.unit) for s in chart.series))
            for x in chart.x_labels)
        target = ""
        if chart.target is not None:
            target = f"{chart.target_label or 'Target'}: {_number(chart.target, chart.unit)}"
        return ChartView(chart, self.ident("chart"), svg, rows, target)

    def cell(self, row: KpiRow, column: Column) -> Cell:
        key, kind = column.key, column_kind(column.key)
        if kind in TEXT_KEYS:
            return Cell(kind, key, text=getattr(row, key))
        if kind == "value":
            return Cell(kind, key, value=_value(row, key))
        if kind == "comparator":
            n = int(key.removeprefix("comparator"))
            return Cell(kind, key, text=row.comparators[n].text if n < len(row.comparators)
                        else "")
        if kind == "chart":
            return Cell(kind, key, chart=self.chart(row.sparkline or row.chart))
        if kind == "commentary":
            return Cell(kind, key, html=mark_safe(row.commentary_html))
        return Cell(kind, key)  # ref, description, direction, status: read from the row

    def rows(self, rows: tuple[KpiRow, ...]) -> tuple[RowView, ...]:
        out: list[RowView] = []
        columns = table_columns(self.report, for_print=self.for_print)
        comments = self.for_print and len(columns) < len(self.report.columns)

        def add(row: KpiRow, parent: KpiRow | None) -> None:
            cells = tuple(self.cell(row, c) for c in columns)
            text = mark_safe(row.commentary_html) if comments and row.commentary_html.strip() \
                else None
            out.append(RowView(row, parent is not None, parent.ref if parent else "", cells,
                               text))
            for child in row.children:
                add(child, row)

        for row in rows:
            add(row, None)
        return tuple(out)


def table_columns(report: Report, *, for_print: bool) -> tuple[Column, ...]:
    """The main table's columns: in print, all but the commentary (a row of its own)."""
    rest = tuple(c for c in report.columns if column_kind(c.key) != "commentary")
    return rest if for_print and rest else report.columns


def _comments_row(report: Report, columns: tuple[Column, ...]) -> CommentsRow | None:
    commentary = [c for c in report.columns if column_kind(c.key) == "commentary"]
    if not commentary or len(columns) == len(report.columns):
        return None
    keys = [c.key for c in columns]
    # The label sits under the columns that name the KPI (key commitment, ref), so the text
    # starts under its description: a shorter line is easier to read, too.
    span = keys.index("ref") + 1 if "ref" in keys[:3] else 1
    span = span if span < len(columns) else 0  # a one-column table: the text alone
    return CommentsRow(commentary[0].heading, span, len(columns) - span)


def _value(row: KpiRow, key: str) -> ValueCell | None:
    if key == "current":  # its status has a column of its own
        return None if row.current is None else replace(row.current, status=None)
    if key == "ytd":
        return row.ytd
    match = _INDEXED.fullmatch(key)
    assert match is not None
    prefix, n = match.group(1), int(match.group(2))
    cells = {"q": row.quarters, "m": row.months, "previous": row.previous_years}[prefix]
    i = n - 1 if prefix == "q" else n
    return cells[i] if i < len(cells) else None


def _number(value: Decimal | None, unit: str) -> str:
    """A chart point for the chart's data table, written as the chart labels it."""
    return "No value" if value is None else value_text(value, unit)


def _svg_image(svg: str, alt: str) -> str:
    """SVG as an ``<img>`` for WeasyPrint: its alt text goes into the tagged PDF, and its marks
    skip the HTML style cascade (a third of the layout time of a report full of charts)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return format_html('<img alt="{}" src="data:image/svg+xml;base64,{}">', alt, data)


def _summary(report: Report) -> tuple[tuple[StatusView, ...], tuple[SummaryRow, ...],
                                      SummaryRow | None]:
    statuses: dict[str, StatusView] = {}
    for summary in (report.overall, *report.summary):
        for c in summary.counts if summary else ():
            statuses.setdefault(c.status.code, c.status)

    def row(s: SectionSummary) -> SummaryRow:
        counts = {c.status.code: str(c.count) for c in s.counts}
        return SummaryRow(s.title, tuple(counts.get(code, "–") for code in statuses),
                          str(s.total))

    return (tuple(statuses.values()), tuple(row(s) for s in report.summary),
            row(report.overall) if report.overall else None)


def _widths(columns: tuple[Column, ...], *, for_print: bool) -> tuple[str, ...]:
    widths = PRINT_WIDTHS if for_print else WIDTHS
    weights = [widths.get(column_kind(c.key), 5.0) for c in columns]
    total = sum(weights)
    return tuple(f"{100 * w / total:.2f}%" for w in weights)


class PartialsLoader(filesystem.Loader):
    """The report's templates, less the newline that ends each partial's (``_*.html``) file:
    a partial fills a table cell, where that newline would be a text box of its own in each of
    the thousand cells that WeasyPrint lays out for the PDF."""

    def get_contents(self, origin: Origin) -> str:
        text = super().get_contents(origin)
        return text.removesuffix("\n") if Path(origin.name).name.startswith("_") else text


@cache
def _engine() -> Engine:
    loader = f"{PartialsLoader.__module__}.{PartialsLoader.__qualname__}"
    return Engine(dirs=[str(TEMPLATES)], autoescape=True,
                  loaders=[("django.template.loaders.cached.Loader", [loader])])


@cache
def stylesheet() -> str:
    """The report's CSS (screen and print), for pages that embed ``standalone=False`` HTML."""
    return STYLESHEET.read_text(encoding="utf-8")


def render_html(report: Report, *, charts: ChartRenderer | None = None,
                standalone: bool = True) -> str:
    """The report as HTML: a whole document with its CSS inline when ``standalone``, else a
    ``<div class="kpi-report">`` fragment to place inside a page's ``<main>``.

    ``charts`` draws a chart as inline SVG; without it each chart is shown as its data table.
    """
    return _render(report, charts, standalone=standalone, for_print=False)


def print_html(report: Report, *, charts: ChartRenderer | None = None,
               inline_css: bool = True) -> str:
    """The standalone HTML that the PDF is printed from: charts as images with alt text, none
    of the disclosures (chart data, why a status) that print hides anyway, and each KPI's
    commentary in a full-width row beneath its row rather than in a column.

    ``inline_css=False`` leaves out the ``<style>`` element, for a caller that hands the
    stylesheet to WeasyPrint already parsed (``reports.pdf``).
    """
    return _render(report, charts, standalone=True, for_print=True, inline_css=inline_css)


def _render(report: Report, charts: ChartRenderer | None, *, standalone: bool,
            for_print: bool, inline_css: bool = True) -> str:
    for column in report.columns:
        column_kind(column.key)  # fail early on a column no renderer knows
    b = _Builder(report, charts, for_print)
    columns = table_columns(report, for_print=for_print)
    sections = []
    for section in report.sections:
        groups = tuple(GroupView(g.title, b.ident("group"),
                                 f"{section.title}, {report.period_label}", b.rows(g.rows))
                       for g in section.groups)
        sections.append((section, b.ident("section"), groups))
    statuses, summary_rows, overall = _summary(report)
    exceptions = [(row, b.ident("spotlight"), b.chart(row.chart or row.sparkline))
                  for row in report.exceptions]
    revised = any(v is not None and v.revised for r in report.rows
                  for row in (r, *r.children)
                  for v in (row.ytd, *row.quarters, *row.months, *row.previous_years))
    context = {
        "report": report, "standalone": standalone, "for_print": for_print,
        "css": mark_safe(stylesheet()) if standalone and inline_css else "",
        "columns": tuple(zip(columns, _widths(columns, for_print=for_print), strict=True)),
        "comments": _comments_row(report, columns),
        "sections": sections, "statuses": statuses, "summary_rows": summary_rows,
        "overall": overall, "summary_chart": b.chart(report.summary_chart),
        "exceptions": exceptions, "revised": revised,
    }
    return _engine().get_template("reports/report.html").render(Context(context))
