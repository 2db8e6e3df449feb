"""Word renderer: the report as a committee paper (.docx), landscape A4.

Reads only the report model and computes nothing. Layout: title, keys, summary, then per
section a Heading 1 and per group a Heading 2 with a table (header row repeated on every page),
a spotlight page for each exception, and tables of KPIs not reported and of projects.
Status is never shown by colour alone: shaded cells also hold the symbol and the label.
Charts are PNG pictures (from ``chart_png``) with the alt text as the picture's description
and as a caption; without ``chart_png`` each chart is given as a small table of its data.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.run import Run

from kpiboard.reports.model import Chart, KpiRow, Report, StatusView, ValueCell
from kpiboard.reports.xlsx import (
    ChartPng,
    Content,
    appendices,
    cell_content,
    key_schemes,
    plain_paragraphs,
    summary_statuses,
)

MARGIN_MM = 12
TEXT_WIDTH_MM = 297 - 2 * MARGIN_MM
WEIGHTS = {"key_commitment": 1.3, "description": 2.6, "chart": 2.4, "statutory": 1.2,
           "benchmark": 1.6, "polarity": 1.1, "target": 1.2, "tolerance": 1.1, "status": 1.2,
           "commentary": 4.2, "ref": 0.9, "direction": 0.8}
HEADER_FILL = "DEE0E2"
TABLE_PT = 7


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def shade(cell: _Cell, colour: str) -> None:
    """Fill a table cell with a background colour (``w:shd``)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), _hex(colour))
    cell._tc.get_or_add_tcPr().append(shd)


def repeat_header(table: Table) -> None:
    """Mark the first row as a header row, repeated at the top of each page (``w:tblHeader``)."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        tr_pr.append(OxmlElement(tag))


def _cells(table: Table) -> list[_Cell]:
    """The cells of a new last row."""
    return list(table.add_row().cells)  # type: ignore[no-untyped-call]


def _number(value: Decimal, unit: str) -> str:
    text = f"{value.normalize():,f}"
    return f"{text}%" if unit == "percent" else f"£{text}" if unit == "money" else text


class _Paper:
    def __init__(self, report: Report, chart_png: ChartPng | None) -> None:
        self.report, self.chart_png = report, chart_png
        self.doc = Document()
        self.chart_tables: list[Chart] = []
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(MARGIN_MM))
        normal = self.doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        footer = section.footer.paragraphs[0]
        footer.text = f"{report.organisation} – {report.title}" + (
            f" – generated {report.generated}" if report.generated else "")
        footer.runs[0].font.size = Pt(8)
        props = self.doc.core_properties
        props.title, props.author = report.title, report.organisation
        props.subject = report.period_label

    # -- cells ---------------------------------------------------------------------------
    def text(self, cell: _Cell, text: str, *, bold: bool = False, italic: bool = False,
             colour: str = "", indent: bool = False, new: bool = False) -> None:
        para = cell.add_paragraph() if new else cell.paragraphs[-1]
        run = para.add_run(text)
        run.font.size = Pt(TABLE_PT)
        run.bold, run.italic = bold or None, italic or None
        if colour:
            run.font.color.rgb = RGBColor.from_string(_hex(colour))
        if indent:
            para.paragraph_format.left_indent = Mm(3)

    def status(self, cell: _Cell, status: StatusView, text: str = "") -> None:
        shade(cell, status.colour)
        self.text(cell, text or status.display, bold=True, colour=status.text_colour)

    def content(self, cell: _Cell, content: Content, *, sub: bool = False,
                key: str = "", chart_mm: float = 25) -> None:
        if isinstance(content, ValueCell):
            text = content.text + (" (revised)" if content.revised else "")
            if content.status:
                self.status(cell, content.status, f"{content.status.symbol} {text}")
            else:
                self.text(cell, text)
        elif isinstance(content, StatusView):
            self.status(cell, content)
        elif isinstance(content, Chart):
            self.chart(cell, content, Mm(chart_mm))
        else:
            for i, para in enumerate((content or "").split("\n")):
                self.text(cell, para, indent=sub and key in ("ref", "description"),
                          new=i > 0)

    def chart(self, cell: _Cell, chart: Chart, width: Mm) -> None:
        """A picture with its alt text as description and caption, or a pointer to its data."""
        if self.chart_png is None:
            self.text(cell, f"{chart.alt_text or chart.title} (data below)", italic=True)
            self.chart_tables.append(chart)
            return
        self.draw(cell.paragraphs[-1].add_run(), chart, width)
        caption = cell.add_paragraph(chart.alt_text or chart.title, style="Caption")
        for r in caption.runs:
            r.font.size = Pt(6)

    def draw(self, run: Run, chart: Chart, width: Mm) -> None:
        """The chart as a PNG picture, described by its alt text (``wp:docPr/@descr``)."""
        assert self.chart_png is not None
        shape = run.add_picture(BytesIO(self.chart_png(chart)), width=width)
        shape._inline.docPr.set("descr", chart.alt_text or chart.title)
        shape._inline.docPr.set("title", chart.title)

    # -- blocks --------------------------------------------------------------------------
    def table(self, headings: Sequence[str],
              header_fills: Sequence[StatusView | None] = ()) -> Table:
        table: Table = self.doc.add_table(rows=1, cols=len(headings))
        table.style = "Table Grid"
        table.autofit = False
        fills = list(header_fills) or [None] * len(headings)
        for cell, heading, fill in zip(table.rows[0].cells, headings, fills, strict=False):
            if fill:
                self.status(cell, fill, heading)
            else:
                shade(cell, HEADER_FILL)
                self.text(cell, heading, bold=True)
        repeat_header(table)
        return table

    @staticmethod
    def fit(table: Table, weights: Sequence[float]) -> None:
        unit = TEXT_WIDTH_MM / sum(weights)
        widths = [Mm(w * unit) for w in weights]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width

    def picture(self, chart: Chart, width_mm: float) -> None:
        if self.chart_png is None:
            self.chart_tables.append(chart)
            self.data_tables()
            return
        self.draw(self.doc.add_paragraph().add_run(), chart, Mm(width_mm))
        self.doc.add_paragraph(chart.alt_text or chart.title, style="Caption")

    def data_tables(self) -> None:
        """Each pending chart as a caption (its alt text) and a small table of its data."""
        for chart in self.chart_tables:
            self.doc.add_paragraph(chart.alt_text or chart.title, style="Caption")
            labels = list(chart.x_labels)
            table = self.table(["", *labels])
            rows = [(s.label, dict(s.points)) for s in chart.series]
            if chart.target is not None:
                rows.append((chart.target_label or "Target", dict.fromkeys(labels, chart.target)))
            for label, points in rows:
                cells = _cells(table)
                self.text(cells[0], label, bold=True)
                for cell, x in zip(cells[1:], labels, strict=True):
                    value = points.get(x)
                    self.text(cell, "" if value is None else _number(value, chart.unit))
            self.fit(table, [2.0] + [1.0] * len(labels))
        self.chart_tables = []

    def keys(self) -> None:
        rep = self.report
        self.doc.add_heading(rep.title, 0)
        self.doc.add_paragraph(f"{rep.organisation} – {rep.period_label}").runs[0].bold = True
        for note in rep.notes:
            self.doc.add_paragraph(note)
        schemes = key_schemes(rep)
        if schemes:
            self.doc.add_heading("Key to status, direction of travel and terms", 1)
        for scheme in schemes:
            self.doc.add_heading(scheme.title, 2)
            if scheme.description:
                self.doc.add_paragraph(scheme.description)
            table = self.table(["Symbol", "Meaning"])
            for entry in scheme.entries:
                symbol, meaning = _cells(table)
                if entry.colour:
                    shade(symbol, entry.colour)
                self.text(symbol, entry.symbol, bold=True, colour=entry.text_colour)
                self.text(meaning, entry.label)
            self.fit(table, [1.0, 9.0])

    def summary(self) -> None:
        rep = self.report
        statuses = summary_statuses(rep)
        heading = self.doc.add_heading("Summary of KPIs by status", 1)
        heading.paragraph_format.page_break_before = True
        table = self.table(["Section", *(s.display for s in statuses), "Total"],
                           [None, *statuses, None])
        for s in [*rep.summary, *([rep.overall] if rep.overall else [])]:
            counts = {c.status.code: c.count for c in s.counts}
            cells = _cells(table)
            bold = s is rep.overall
            self.text(cells[0], s.title, bold=bold)
            for cell, status in zip(cells[1:], statuses, strict=False):
                self.text(cell, str(counts.get(status.code, 0)), bold=bold)
            self.text(cells[-1], str(s.total), bold=True)
        self.fit(table, [4.0, *[1.0] * len(statuses), 1.0])
        if rep.summary_chart and self.chart_png:
            self.picture(rep.summary_chart, 150)
        elif rep.summary_chart:
            self.doc.add_paragraph(rep.summary_chart.alt_text, style="Caption")

    def sections(self) -> None:
        cols = self.report.columns
        weights = [WEIGHTS.get(c.key, 1.0) for c in cols]
        chart_mm = WEIGHTS["chart"] * TEXT_WIDTH_MM / (sum(weights) or 1) - 3
        for section in self.report.sections:
            heading = self.doc.add_heading(section.title, 1)
            heading.paragraph_format.page_break_before = True
            for group in section.groups if cols else ():
                self.doc.add_heading(group.title, 2)
                table = self.table([c.heading for c in cols])
                for row in group.rows:
                    for sub, line in ((False, row), *((True, k) for k in row.children)):
                        for cell, col in zip(_cells(table), cols, strict=True):
                            self.content(cell, cell_content(line, col), sub=sub, key=col.key,
                                         chart_mm=chart_mm)
                self.fit(table, weights)
                self.data_tables()

    def spotlight(self, row: KpiRow, first: bool) -> None:
        heading = self.doc.add_heading(f"Spotlight: {row.ref} – {row.name}", 2)
        heading.paragraph_format.page_break_before = not first
        facts = [("Status", row.status), ("Value", row.current), ("Target", row.target),
                 ("Tolerance", row.tolerance), ("Polarity", row.polarity),
                 ("Direction of travel", f"{row.direction.symbol} {row.direction.label}"
                  if row.direction else ""), ("Benchmark", row.benchmark)]
        table = self.table(["", row.ref])
        for label, content in facts:
            if content:
                name, value = _cells(table)
                self.text(name, label, bold=True)
                self.content(value, content)
        self.fit(table, [1.0, 4.0])
        for lead, paragraphs in (("Why it is red", [row.explanation] if row.explanation
                                  else []),
                                 ("What is being done", plain_paragraphs(row.commentary_html))):
            if paragraphs:
                self.doc.add_heading(lead, 3)
                for text in paragraphs:
                    self.doc.add_paragraph(text)
        if row.chart:
            self.picture(row.chart, 160)

    def appendices(self) -> None:
        rep = self.report
        if rep.exceptions:
            heading = self.doc.add_heading("Exceptions: KPIs rated red", 1)
            heading.paragraph_format.page_break_before = True
            for i, row in enumerate(rep.exceptions):
                self.spotlight(row, i == 0)
        for name, title, heads, rows in appendices(rep):
            if name == "Exceptions":
                continue
            heading = self.doc.add_heading(title, 1)
            heading.paragraph_format.page_break_before = True
            table = self.table([h for h, _ in heads])
            for values in rows:
                for cell, content in zip(_cells(table), values, strict=True):
                    self.content(cell, content)
            self.fit(table, [float(w) for _, w in heads])

    def render(self) -> bytes:
        self.keys()
        if self.report.summary or self.report.overall:
            self.summary()
        self.sections()
        self.appendices()
        out = BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_docx(report: Report, *, chart_png: ChartPng | None = None) -> bytes:
    """The report as a Word committee paper (.docx bytes), landscape A4."""
    return _Paper(report, chart_png).render()
