"""Excel renderer: a workbook with a key, a summary and one sheet per section.

Reads only the report model and computes nothing. Figures are stored as numbers with a number
format chosen by unit. Percentages are stored *as given* (46.43 means 46.43%) with the format
``0.00"%"``; they are never divided by 100, so the cell holds the figure printed in the paper.
Any words after the figure ("(1202 out of 1251)") are kept as a literal in the number format,
and a per-period status puts its symbol in front, so the cell reads as in the paper while
still holding a number. Figures that are not numbers ("N/A", "Data unavailable") are text.

``cell_content`` and ``plain_paragraphs`` are shared with the Word renderer.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import replace
from html import unescape
from io import BytesIO
from typing import Any

import xlsxwriter

from kpiboard.reports.model import (
    Chart,
    Column,
    KeyEntry,
    KpiRow,
    Report,
    SchemeKey,
    Section,
    StatusView,
    ValueCell,
)

ChartPng = Callable[[Chart], bytes]
Content = ValueCell | StatusView | Chart | str | None

UNIT_FORMATS = {"percent": '0.00"%"', "count": "#,##0", "money": '"£"#,##0.00',
                "days": '0.0" days"', "weeks": '0.0" weeks"', "rate": "#,##0.0",
                "ratio": "0.00", "number": "General"}
AXIS_FORMATS = {"percent": '0"%"', "money": '"£"#,##0', "count": "#,##0"}
WIDTHS = {"key_commitment": 16, "ref": 10, "description": 42, "chart": 30, "statutory": 16,
          "benchmark": 24, "direction": 10, "polarity": 13, "target": 16, "tolerance": 13,
          "status": 15, "commentary": 60}
TEXT_FIELDS = frozenset({"key_commitment", "directorate", "service", "statutory", "polarity",
                         "unit", "frequency", "benchmark", "target", "tolerance", "explanation",
                         "not_reported", "name"})
SERIES_COLOURS = ("#5694CA", "#003078", "#F47738", "#4C2C92")
_FIGURE = re.compile(r"\s*£?-?[\d,]*\.?\d+\s*(?:%|days?\b|weeks?\b)?\s*")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
HEADER_ROW = 2  # title, subtitle, then the header
CHARTS = "Charts"


_BLOCK = re.compile(r"<\s*(?:br|/?(?:p|div|li|tr|h[1-6]|ul|ol|table|blockquote))\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def plain_paragraphs(html: str) -> list[str]:
    """The paragraphs of sanitised commentary HTML as plain text, tags removed."""
    parts = _BLOCK.split(re.sub(r"<li\b[^>]*>", "<p>• ", html, flags=re.I))
    return [p for p in (" ".join(unescape(_TAG.sub("", part)).split()) for part in parts) if p]


_DIRECT: dict[str, Callable[[KpiRow], Content]] = {
    "ref": lambda r: f"{r.ref} {r.sub_measure}".strip(), "description": lambda r: r.name,
    "chart": lambda r: r.chart, "status": lambda r: r.status, "ytd": lambda r: r.ytd,
    "current": lambda r: None if r.current is None else replace(r.current, status=None),
    "direction": lambda r: r.direction.display if r.direction else "",
    "commentary": lambda r: "\n".join(plain_paragraphs(r.commentary_html))}


def cell_content(row: KpiRow, column: Column) -> Content:
    """What goes in ``column`` for ``row``: a figure, a status, a chart or text."""
    key = column.key
    if key in _DIRECT:
        return _DIRECT[key](row)
    match = re.fullmatch(r"(q|m|previous|comparator)(\d+)", key)
    if match:
        kind, n = match.group(1), int(match.group(2))
        if kind == "comparator":
            return row.comparators[n].text if n < len(row.comparators) else ""
        cells = {"q": row.quarters, "m": row.months, "previous": row.previous_years}[kind]
        for cell in cells:
            if cell.heading == column.heading:
                return cell
        n -= kind == "q"
        return cells[n] if 0 <= n < len(cells) else None
    return str(getattr(row, key, "")) if key in TEXT_FIELDS else ""


def key_schemes(report: Report) -> tuple[SchemeKey, ...]:
    """The rating, direction and terminology keys, in the order they are printed."""
    terms = SchemeKey("Performance terminology", "",
                      tuple(KeyEntry(term, meaning) for term, meaning in report.terminology))
    return (*report.rating_keys, *report.direction_keys, *((terms,) if terms.entries else ()))


def summary_statuses(report: Report) -> list[StatusView]:
    """Every status counted in the summary, in the order of the overall counts."""
    found: dict[str, StatusView] = {}
    for s in ([report.overall] if report.overall else []) + list(report.summary):
        for count in s.counts:
            found.setdefault(count.status.code, count.status)
    return list(found.values())


def sheet_name(title: str, taken: set[str]) -> str:
    """A legal, unique Excel sheet name (≤31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("-", title).strip().strip("'")[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)].rstrip() + suffix, n + 1
    taken.add(name.lower())
    return name


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG in pixels, from its IHDR chunk ((1, 1) if unreadable)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return max(int(width), 1), max(int(height), 1)
    return 1, 1


def _lines(text: str, width: float) -> int:
    """Roughly how many lines ``text`` wraps to in a column ``width`` characters wide."""
    per_line = max(int(width * 1.15), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _colour(value: str) -> str:
    return "#" + value.lstrip("#").upper()


class _Writer:
    def __init__(self, report: Report, chart_png: ChartPng | None, out: BytesIO) -> None:
        self.report, self.chart_png = report, chart_png
        self.wb = xlsxwriter.Workbook(out, {"in_memory": True})
        self.wb.set_properties({"title": report.title, "company": report.organisation,
                                "comments": f"{report.period_label}; {report.generated}"})
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.charts_ws: Any = None
        self.chart_row = 0
        self.row_px = 0  # the height a picture in the current row needs

    def fmt(self, **props: Any) -> Any:
        props = {"font_name": "Arial", "font_size": 9, "valign": "top", **props}
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def status_props(self, status: StatusView) -> dict[str, Any]:
        return {"bg_color": _colour(status.colour), "font_color": _colour(status.text_colour)}

    # -- cells ---------------------------------------------------------------------------
    def write(self, ws: Any, r: int, c: int, content: Content, *, sub: bool = False,
              key: str = "") -> None:
        base: dict[str, Any] = {"text_wrap": True, "border": 1, "border_color": "#B1B4B6"}
        if isinstance(content, ValueCell):
            self.value(ws, r, c, content, base)
        elif isinstance(content, StatusView):
            ws.write_string(r, c, content.display,
                            self.fmt(**base, bold=True, **self.status_props(content)))
        elif isinstance(content, Chart):
            self.chart(ws, r, c, content, base)
        else:
            if sub and key in ("ref", "description"):
                base["indent"] = 1
            if key == "direction":
                base["align"] = "center"
            ws.write_string(r, c, (content or "")[:32767], self.fmt(**base))

    def value(self, ws: Any, r: int, c: int, cell: ValueCell, base: dict[str, Any]) -> None:
        props = dict(base, align="right")
        if cell.status:
            props.update(self.status_props(cell.status))
        if cell.value is None or cell.note:  # a note is shown beside the figure, as text
            text = f"{cell.status.symbol} {cell.text}" if cell.status else cell.text
            text += f" ({cell.note})" if cell.note else ""
            ws.write_string(r, c, text, self.fmt(**props))
        else:
            num = UNIT_FORMATS.get(cell.unit, "General")
            figure = _FIGURE.match(cell.text)
            extra = cell.text[figure.end():].replace('"', "'").strip()[:100] if figure else ""
            if extra:
                num += f'" {extra}"'
            if cell.status:
                num = f'"{cell.status.symbol} "{num}'
            ws.write_number(r, c, float(cell.value), self.fmt(**props, num_format=num))
        if cell.revised:
            ws.write_comment(r, c, f"{cell.heading}: revised after it was first reported.")

    def chart(self, ws: Any, r: int, c: int, chart: Chart, base: dict[str, Any]) -> None:
        ws.write_blank(r, c, None, self.fmt(**base))
        if self.chart_png is not None:
            data = self.chart_png(chart)
            width, height = png_size(data)
            scale = min(200 / width, 100 / height)
            self.row_px = int(height * scale) + 8
            ws.insert_image(r, c, f"{chart.title or 'chart'}.png", {
                "image_data": BytesIO(data), "x_scale": scale, "y_scale": scale,
                "x_offset": 4, "y_offset": 4, "object_position": 1,
                "description": chart.alt_text or chart.title})
            return
        top = self.native_chart(chart)
        ws.write_url(r, c, f"internal:'{CHARTS}'!A{top + 1}",
                     self.fmt(**base, font_color="#1D70B8", underline=1),
                     f"Chart: {chart.title}", (chart.alt_text or chart.title)[:255])

    def native_chart(self, chart: Chart) -> int:
        """Write the chart's data and a line chart to the Charts sheet; return its top row."""
        ws, top, name = self.charts_ws, self.chart_row, CHARTS
        labels = chart.x_labels or tuple(x for s in chart.series[:1] for x, _ in s.points)
        n = len(labels)
        ws.write_string(top, 0, chart.title, self.fmt(bold=True, font_size=11))
        ws.write_string(top + 1, 0, "Period", self.fmt(bold=True))
        ws.write_string(top + 2 + n, 0, chart.alt_text[:32767], self.fmt(italic=True))
        number = self.fmt(num_format=UNIT_FORMATS.get(chart.unit, "General"))
        for i, label in enumerate(labels):
            ws.write_string(top + 2 + i, 0, label)
        self.chart_row = top + max(n + 4, 17)
        if not n:
            return top
        line = self.wb.add_chart({"type": "column" if chart.kind == "bar" else "line"})
        cats = [name, top + 2, 0, top + 1 + n, 0]
        columns: list[tuple[str, Sequence[Any], dict[str, Any]]] = [
            (s.label, [dict(s.points).get(x) for x in labels],
             {"color": SERIES_COLOURS[i % len(SERIES_COLOURS)]})
            for i, s in enumerate(chart.series)]
        if chart.target is not None:
            columns.append((chart.target_label or "Target", [chart.target] * n,
                            {"color": "#D4351C", "dash_type": "dash"}))
        for j, (label, values, style) in enumerate(columns, start=1):
            ws.write_string(top + 1, j, label, self.fmt(bold=True))
            for i, v in enumerate(values):
                if v is not None:
                    ws.write_number(top + 2 + i, j, float(v), number)
            line.add_series({"name": [name, top + 1, j], "categories": cats,
                             "values": [name, top + 2, j, top + 1 + n, j],
                             "line": {**style, "width": 2.25}, "marker": {"type": "none"}})
        line.set_title({"name": chart.title, "name_font": {"size": 11}})
        line.set_y_axis({"num_format": AXIS_FORMATS.get(chart.unit, "General"),
                         "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}}})
        line.set_legend({"position": "bottom"})
        line.show_blanks_as("gap")
        ws.insert_chart(top, len(columns) + 2, line,
                        {"description": chart.alt_text or chart.title, "x_scale": 1.1})
        return top

    # -- sheets --------------------------------------------------------------------------
    def titles(self, ws: Any, title: str, width: int) -> None:
        rep = self.report
        ws.write_string(0, 0, title, self.fmt(bold=True, font_size=14, valign="vcenter"))
        ws.write_string(1, 0, f"{rep.organisation} – {rep.title} – {rep.period_label}",
                        self.fmt(italic=True))
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        if rep.generated:
            ws.set_footer(f"&L{rep.organisation}&CPage &P of &N&RGenerated {rep.generated}")
        ws.set_column(0, max(width - 1, 0), 14)

    def header(self, ws: Any, r: int, headings: Sequence[str]) -> None:
        fmt = self.fmt(bold=True, text_wrap=True, bg_color="#DEE0E2", border=1,
                       border_color="#B1B4B6", valign="vcenter")
        for c, heading in enumerate(headings):
            ws.write_string(r, c, heading, fmt)

    def section(self, ws: Any, section: Section) -> None:
        cols = self.report.columns
        last = len(cols) - 1
        self.titles(ws, section.title, len(cols))
        self.header(ws, HEADER_ROW, [c.heading for c in cols])
        widths = [14 if c.key == "chart" and self.chart_png is None else WIDTHS.get(c.key, 13)
                  for c in cols]
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        group_fmt = self.fmt(bold=True, bg_color="#F3F2F1", font_size=10, border=1,
                             border_color="#B1B4B6")
        r = HEADER_ROW + 1
        for group in section.groups:
            ws.write_string(r, 0, group.title, group_fmt)
            for c in range(1, last + 1):
                ws.write_blank(r, c, None, group_fmt)
            r += 1
            for row in group.rows:
                for sub, line in ((False, row), *((True, child) for child in row.children)):
                    lines, self.row_px = 1, 0
                    for c, col in enumerate(cols):
                        content = cell_content(line, col)
                        self.write(ws, r, c, content, sub=sub, key=col.key)
                        if col.key == "status" and line.explanation:
                            ws.write_comment(r, c, line.explanation, {"x_scale": 2})
                        if isinstance(content, str):
                            lines = max(lines, _lines(content, widths[c]))
                    if self.row_px:  # a set height stops Excel fitting the text: allow for it
                        ws.set_row_pixels(r, max(self.row_px, lines * 12 + 6))
                    r += 1
        keys = [c.key for c in cols]
        ws.freeze_panes(HEADER_ROW + 1, keys.index("ref") + 1 if "ref" in keys else 0)
        ws.autofilter(HEADER_ROW, 0, max(r - 1, HEADER_ROW), max(last, 0))

    def key(self, ws: Any) -> None:
        self.titles(ws, "Key", 2)
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 90)
        r = HEADER_ROW
        for sk in key_schemes(self.report):
            ws.write_string(r, 0, sk.title, self.fmt(bold=True, font_size=11))
            if sk.description:
                r += 1
                ws.write_string(r, 0, sk.description, self.fmt(italic=True))
            for e in sk.entries:
                r += 1
                props: dict[str, Any] = {"bold": True, "align": "center", "border": 1}
                if e.colour:
                    props.update(bg_color=_colour(e.colour),
                                 font_color=_colour(e.text_colour or "0b0c0c"))
                ws.write_string(r, 0, e.symbol, self.fmt(**props))
                ws.write_string(r, 1, e.label, self.fmt(text_wrap=True))
            r += 2
        for note in self.report.notes:
            ws.write_string(r, 0, note, self.fmt(text_wrap=True))
            r += 1

    def summary(self, ws: Any) -> None:
        rep = self.report
        rows = [*rep.summary, *([rep.overall] if rep.overall else [])]
        statuses = summary_statuses(rep)
        self.titles(ws, "Summary of KPIs by status", len(statuses) + 2)
        ws.set_column(0, 0, 34)
        heads = ["Section", *(s.display for s in statuses), "Total"]
        self.header(ws, HEADER_ROW, heads)
        for c, status in enumerate(statuses, start=1):
            ws.write_string(HEADER_ROW, c, status.display, self.fmt(
                bold=True, text_wrap=True, border=1, **self.status_props(status)))
        for i, s in enumerate(rows):
            r, bold = HEADER_ROW + 1 + i, s is rep.overall
            counts = {c.status.code: c.count for c in s.counts}
            ws.write_string(r, 0, s.title, self.fmt(bold=bold, border=1))
            for c, status in enumerate(statuses, start=1):
                ws.write_number(r, c, counts.get(status.code, 0), self.fmt(bold=bold, border=1))
            ws.write_number(r, len(statuses) + 1, s.total, self.fmt(bold=True, border=1))
        ws.freeze_panes(HEADER_ROW + 1, 1)
        if rep.overall and statuses:
            r = HEADER_ROW + len(rows)
            chart = self.wb.add_chart({"type": "column"})
            chart.add_series({
                "name": rep.overall.title,
                "categories": [ws.name, HEADER_ROW, 1, HEADER_ROW, len(statuses)],
                "values": [ws.name, r, 1, r, len(statuses)],
                "points": [{"fill": {"color": _colour(s.colour)},
                            "border": {"color": "#0B0C0C"}} for s in statuses],
                "data_labels": {"value": True}})
            title = rep.summary_chart.title if rep.summary_chart else "KPIs by status"
            chart.set_title({"name": title})
            chart.set_legend({"none": True})
            alt = rep.summary_chart.alt_text if rep.summary_chart else title
            ws.insert_chart(r + 2, 0, chart, {"description": alt})

    def listing(self, ws: Any, title: str, heads: Sequence[tuple[str, int]],
                rows: Sequence[Sequence[Content]]) -> None:
        self.titles(ws, title, len(heads))
        self.header(ws, HEADER_ROW, [h for h, _ in heads])
        for c, (_, width) in enumerate(heads):
            ws.set_column(c, c, width)
        for i, row in enumerate(rows):
            for c, content in enumerate(row):
                self.write(ws, HEADER_ROW + 1 + i, c, content)
        ws.freeze_panes(HEADER_ROW + 1, 1)
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), len(heads) - 1)

    def run(self) -> None:
        rep, taken = self.report, {"key", "summary", "charts"}
        self.key(self.wb.add_worksheet("Key"))
        if rep.summary or rep.overall:
            self.summary(self.wb.add_worksheet("Summary"))
        sheets = [(self.wb.add_worksheet(sheet_name(s.title, taken)), s) for s in rep.sections]
        extras = [(self.wb.add_worksheet(sheet_name(a[0], taken)), a) for a in appendices(rep)]
        rows = [r for s in rep.sections for k in s.rows for r in (k, *k.children)]
        if self.chart_png is None and any(r.chart for r in rows):
            self.charts_ws = self.wb.add_worksheet(CHARTS)
            self.charts_ws.set_column(0, 0, 14)
        for ws, section in sheets:
            self.section(ws, section)
        for ws, (_, title, heads, table) in extras:
            self.listing(ws, title, heads, table)
        self.wb.close()


Appendix = tuple[str, str, tuple[tuple[str, int], ...], list[list[Content]]]


def appendices(report: Report) -> list[Appendix]:
    """(name, title, (heading, width)..., rows) for the exceptions, not-reported and projects."""
    out: list[Appendix] = []
    if report.exceptions:
        out.append(("Exceptions", "Exceptions: KPIs rated red", (
            ("Ref", 10), ("Indicator", 40), ("Status", 15), ("Value", 14), ("Target", 14),
            ("Direction", 10), ("Explanation", 45), ("Commentary", 60)), [
            [k.ref, k.name, k.status, k.current, k.target, k.direction.display if k.direction
             else "", k.explanation, "\n".join(plain_paragraphs(k.commentary_html))]
            for k in report.exceptions]))
    if report.not_reported:
        out.append(("Not reported", "KPIs not reported this period", (
            ("Ref", 10), ("Indicator", 45), ("Key commitment", 22), ("Reason", 70)),
            [[k.ref, k.name, k.key_commitment, k.not_reported] for k in report.not_reported]))
    if report.projects:
        out.append(("Projects", "Projects", (
            ("Project", 32), ("Key commitment", 22), ("Status", 15), ("Due", 16),
            ("Narrative", 70)),
            [[p.name, p.key_commitment, p.status, p.due, p.narrative] for p in report.projects]))
    return out


def render_xlsx(report: Report, *, chart_png: ChartPng | None = None) -> bytes:
    """The report as an Excel workbook (.xlsx bytes).

    With ``chart_png``, each KPI's chart is a small picture in its row; without it, each is a
    native Excel line chart on a "Charts" sheet, linked from the row.
    """
    out = BytesIO()
    _Writer(report, chart_png, out).run()
    return out.getvalue()
