"""Word renderer: the report as a committee paper (.docx), landscape A4.

Reads only the report model and computes nothing. Layout: title, keys, summary, then per
section a Heading 1 and per group a Heading 2 with a table (header row repeated on every page),
a spotlight page for each exception, and tables of KPIs not reported and of projects.
Status is never shown by colour alone: shaded cells also hold the symbol and the label.
Charts are PNG pictures (from ``chart_png``) with the alt text as the picture's description
and as a caption; without ``chart_png`` each chart is given as a small table of its data.

Speed: a report has a thousand table cells, so the hot paths skip python-docx's conveniences
that cost most and give the same XML: styles are looked up by name once (python-docx does an
XPath query of styles.xml for every styled paragraph), each run's properties are a copy of one
made once, text goes in as one ``w:t`` (not character by character), a table's rows are copies
of one empty row that python-docx made with the columns' widths, and picture ids are counted
rather than found by searching the whole document for the highest.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from decimal import Decimal
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

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


def _number(value: Decimal, unit: str) -> str:
    text = f"{value.normalize():,f}"
    return f"{text}%" if unit == "percent" else f"£{text}" if unit == "money" else text


class _Paper:
    def __init__(self, report: Report, chart_png: ChartPng | None) -> None:
        self.report, self.chart_png = report, chart_png
        self.doc = Document()
        self.chart_tables: list[Chart] = []
        self._style_ids: dict[str, str] = {}
        self._run_props: dict[tuple[bool, bool, str], Any] = {}
        self._shape_id = 0  # the last picture's id (0: none yet)
        self._empty_rows: dict[Any, Any] = {}  # w:tbl -> an empty w:tr to copy
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

    # -- paragraphs and runs -------------------------------------------------------------
    def style_id(self, name: str) -> str:
        """The id of the style called ``name``, looked up once."""
        style_id = self._style_ids.get(name)
        if style_id is None:
            style_id = self._style_ids[name] = self.doc.styles[name].style_id
        return style_id

    def paragraph(self, text: str = "", style: str = "", into: Any = None) -> Paragraph:
        """A new paragraph at the end of the document (or of the cell ``into``)."""
        para: Paragraph = (into if into is not None else self.doc).add_paragraph(text)
        if style:
            para._p.style = self.style_id(style)
        return para

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def run_props(self, bold: bool, italic: bool, colour: str) -> Any:
        """A table run's ``w:rPr``: a copy of the one made, by python-docx, for these values."""
        key = (bold, italic, colour)
        props = self._run_props.get(key)
        if props is None:
            run = Paragraph(OxmlElement("w:p"), None).add_run()  # type: ignore[arg-type]
            run.font.size = Pt(TABLE_PT)
            run.bold, run.italic = bold or None, italic or None
            if colour:
                run.font.color.rgb = RGBColor.from_string(_hex(colour))
            props = self._run_props[key] = run._r.rPr
        return deepcopy(props)

    def cells(self, table: Table) -> list[_Cell]:
        """The cells of a new last row of ``table`` (made by ``table``, so already sized)."""
        tbl = table._tbl
        empty = self._empty_rows.get(tbl)
        if empty is None:
            tr = table.add_row()._tr  # type: ignore[no-untyped-call]
            self._empty_rows[tbl] = deepcopy(tr)
        else:
            tr = deepcopy(empty)
            tbl.append(tr)  # a w:tbl ends with its rows
        return [_Cell(tc, table) for tc in tr.tc_lst]

    # -- cells ---------------------------------------------------------------------------
    def text(self, cell: _Cell, text: str, *, bold: bool = False, italic: bool = False,
             colour: str = "", indent: bool = False, new: bool = False) -> None:
        p = cell._tc.add_p() if new else cell._tc.p_lst[-1]
        r = p.add_r()
        r.append(self.run_props(bold, italic, colour))
        if any(c in text for c in "\t\n\r"):
            r.text = text  # python-docx writes tabs and line breaks as w:tab and w:br
        elif text:
            r.add_t(text)
        if indent:
            p.get_or_add_pPr().ind_left = Mm(3)

    def status(self, cell: _Cell, status: StatusView, text: str = "") -> None:
        shade(cell, status.colour)
        self.text(cell, text or status.display, bold=True, colour=status.text_colour)

    def content(self, cell: _Cell, content: Content, *, sub: bool = False,
                key: str = "", chart_mm: float = 25) -> None:
        if isinstance(content, ValueCell):
            text = content.text + (" (revised)" if content.revised else "") + (
                f" ({content.note})" if content.note else "")
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
        self.draw(cell._tc.p_lst[-1], chart, width)
        caption = self.paragraph(chart.alt_text or chart.title, "Caption", into=cell)
        for r in caption.runs:
            r.font.size = Pt(6)

    def draw(self, p: Any, chart: Chart, width: Mm) -> None:
        """The chart as a PNG picture at the end of paragraph ``p`` (a ``w:p``), described by
        its alt text (``wp:docPr/@descr``); as python-docx's ``Run.add_picture`` does it."""
        assert self.chart_png is not None
        part = self.doc.part
        rel_id, image = part.get_or_add_image(BytesIO(self.chart_png(chart)))
        cx, cy = image.scaled_dimensions(width, None)
        self._shape_id = (self._shape_id or part.next_id - 1) + 1
        inline = CT_Inline.new_pic_inline(self._shape_id, rel_id, image.filename, cx, cy)
        p.add_r().add_drawing(inline)
        inline.docPr.set("descr", chart.alt_text or chart.title)
        inline.docPr.set("title", chart.title)

    # -- blocks --------------------------------------------------------------------------
    def table(self, headings: Sequence[str], weights: Sequence[float],
              header_fills: Sequence[StatusView | None] = ()) -> Table:
        """A table with its header row, its columns' widths in proportion to ``weights``."""
        table: Table = self.doc.add_table(rows=1, cols=len(headings))
        table._tbl.tblStyle_val = self.style_id("Table Grid")
        table.autofit = False
        self.fit(table, weights)  # before the rows: each new row's cells take these widths
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
        self.draw(self.paragraph()._p, chart, Mm(width_mm))
        self.paragraph(chart.alt_text or chart.title, "Caption")

    def data_tables(self) -> None:
        """Each pending chart as a caption (its alt text) and a small table of its data."""
        for chart in self.chart_tables:
            self.paragraph(chart.alt_text or chart.title, "Caption")
            labels = list(chart.x_labels)
            table = self.table(["", *labels], [2.0] + [1.0] * len(labels))
            rows = [(s.label, dict(s.points)) for s in chart.series]
            if chart.target is not None:
                rows.append((chart.target_label or "Target", dict.fromkeys(labels, chart.target)))
            for label, points in rows:
                cells = self.cells(table)
                self.text(cells[0], label, bold=True)
                for cell, x in zip(cells[1:], labels, strict=True):
                    value = points.get(x)
                    self.text(cell, "" if value is None else _number(value, chart.unit))
        self.chart_tables = []

    def keys(self) -> None:
        rep = self.report
        self.heading(rep.title, 0)
        self.paragraph(f"{rep.organisation} – {rep.period_label}").runs[0].bold = True
        for note in rep.notes:
            self.paragraph(note)
        schemes = key_schemes(rep)
        if schemes:
            self.heading("Key to status, direction of travel and terms", 1)
        for scheme in schemes:
            self.heading(scheme.title, 2)
            if scheme.description:
                self.paragraph(scheme.description)
            table = self.table(["Symbol", "Meaning"], [1.0, 9.0])
            for entry in scheme.entries:
                symbol, meaning = self.cells(table)
                if entry.colour:
                    shade(symbol, entry.colour)
                self.text(symbol, entry.symbol, bold=True, colour=entry.text_colour)
                self.text(meaning, entry.label)

    def summary(self) -> None:
        rep = self.report
        statuses = summary_statuses(rep)
        heading = self.heading("Summary of KPIs by status", 1)
        heading.paragraph_format.page_break_before = True
        table = self.table(["Section", *(s.display for s in statuses), "Total"],
                           [4.0, *[1.0] * len(statuses), 1.0], [None, *statuses, None])
        for s in [*rep.summary, *([rep.overall] if rep.overall else [])]:
            counts = {c.status.code: c.count for c in s.counts}
            cells = self.cells(table)
            bold = s is rep.overall
            self.text(cells[0], s.title, bold=bold)
            for cell, status in zip(cells[1:], statuses, strict=False):
                self.text(cell, str(counts.get(status.code, 0)), bold=bold)
            self.text(cells[-1], str(s.total), bold=True)
        if rep.summary_chart and self.chart_png:
            self.picture(rep.summary_chart, 150)
        elif rep.summary_chart:
            self.paragraph(rep.summary_chart.alt_text, "Caption")

    def sections(self) -> None:
        cols = self.report.columns
        weights = [WEIGHTS.get(c.key, 1.0) for c in cols]
        chart_mm = WEIGHTS["chart"] * TEXT_WIDTH_MM / (sum(weights) or 1) - 3
        for section in self.report.sections:
            heading = self.heading(section.title, 1)
            heading.paragraph_format.page_break_before = True
            for group in section.groups if cols else ():
                self.heading(group.title, 2)
                table = self.table([c.heading for c in cols], weights)
                for row in group.rows:
                    for sub, line in ((False, row), *((True, k) for k in row.children)):
                        for cell, col in zip(self.cells(table), cols, strict=True):
                            self.content(cell, cell_content(line, col), sub=sub, key=col.key,
                                         chart_mm=chart_mm)
                self.data_tables()

    def spotlight(self, row: KpiRow, first: bool) -> None:
        heading = self.heading(f"Spotlight: {row.ref} – {row.name}", 2)
        heading.paragraph_format.page_break_before = not first
        facts = [("Status", row.status), ("Value", row.current), ("Target", row.target),
                 ("Tolerance", row.tolerance), ("Polarity", row.polarity),
                 ("Direction of travel", f"{row.direction.display} {row.direction.label}"
                  if row.direction else ""), ("Benchmark", row.benchmark)]
        table = self.table(["", row.ref], [1.0, 4.0])
        for label, content in facts:
            if content:
                name, value = self.cells(table)
                self.text(name, label, bold=True)
                self.content(value, content)
        for lead, paragraphs in (("Why it is red", [row.explanation] if row.explanation
                                  else []),
                                 ("What is being done", plain_paragraphs(row.commentary_html))):
            if paragraphs:
                self.heading(lead, 3)
                for text in paragraphs:
                    self.paragraph(text)
        if row.chart:
            self.picture(row.chart, 160)

    def appendices(self) -> None:
        rep = self.report
        if rep.exceptions:
            heading = self.heading("Exceptions: KPIs rated red", 1)
            heading.paragraph_format.page_break_before = True
            for i, row in enumerate(rep.exceptions):
                self.spotlight(row, i == 0)
        for name, title, heads, rows in appendices(rep):
            if name == "Exceptions":
                continue
            heading = self.heading(title, 1)
            heading.paragraph_format.page_break_before = True
            table = self.table([h for h, _ in heads], [float(w) for _, w in heads])
            for values in rows:
                for cell, content in zip(self.cells(table), values, strict=True):
                    self.content(cell, content)

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
