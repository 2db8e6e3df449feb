"""The Excel renderer, read back with openpyxl."""

from __future__ import annotations

import base64
import re
import zipfile
from dataclasses import replace
from io import BytesIO

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from kpiboard.reports.model import Chart, Group, Section
from kpiboard.reports.sample import sample_report
from kpiboard.reports.xlsx import plain_paragraphs, png_size, render_xlsx, sheet_name

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAW"
                       "jR9awAAAABJRU5ErkJggg==")
HEADER = 3  # the header is the third row: title, subtitle, header


def _png(chart: Chart) -> bytes:
    return PNG


@pytest.fixture(scope="module")
def data() -> bytes:
    return render_xlsx(sample_report())


@pytest.fixture(scope="module")
def book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(BytesIO(data))


def _row(ws: Worksheet, ref: str) -> int:
    for (cell,) in ws.iter_rows(min_col=2, max_col=2):
        if cell.value == ref:
            return int(cell.row)
    raise AssertionError(f"{ref} not found")


def _col(ws: Worksheet, heading: str) -> int:
    for cell in ws[HEADER]:
        if cell.value == heading:
            return int(cell.column)
    raise AssertionError(f"{heading} not found")


def test_sheets(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["Key", "Summary", "Place & Economy", "Adults & Housing",
                               "Exceptions", "Not reported", "Projects", "Charts"]


def test_header_frozen_and_filtered(book: openpyxl.Workbook) -> None:
    ws = book["Place & Economy"]
    report = sample_report()
    assert [c.value for c in ws[HEADER]] == [c.heading for c in report.columns]
    assert all(c.font.b and c.alignment.wrap_text for c in ws[HEADER])
    assert ws.freeze_panes == "C4"  # below the header, right of the ref column
    assert ws.auto_filter.ref == "A3:R9"
    assert ws["A4"].value == "Growth & Regeneration"


def test_figures_are_numbers_with_unit_formats(book: openpyxl.Workbook) -> None:
    ws = book["Place & Economy"]
    feb = ws.cell(_row(ws, "STP16"), _col(ws, "February 2023/24"))
    assert feb.value == pytest.approx(46.43) and isinstance(feb.value, float)
    assert '0.00"%"' in feb.number_format
    assert feb.number_format.startswith('"✖ "')  # its period status, not by colour alone
    assert feb.fill.fgColor.rgb == "FFD4351C"
    assert feb.comment is not None and "revised" in feb.comment.text
    ytd = ws.cell(_row(ws, "STP16"), _col(ws, "Year to Date 2023-24"))
    assert ytd.value == pytest.approx(75.91) and ytd.number_format == '0.00"%"'
    jan = ws.cell(_row(ws, "STP31"), _col(ws, "January 2023/24"))
    assert jan.value == pytest.approx(96.08)
    assert jan.number_format == '0.00"%"" (1202 out of 1251)"'
    housing = book["Adults & Housing"]
    afl15 = housing.cell(_row(housing, "AFL15"), _col(housing, "February 2023/24"))
    assert (afl15.value, afl15.number_format) == (498, "#,##0")
    stp39 = housing.cell(_row(housing, "STP39"), _col(housing, "February 2023/24"))
    assert stp39.value == "Data unavailable"


def test_status_cell(book: openpyxl.Workbook) -> None:
    ws = book["Place & Economy"]
    status = ws.cell(_row(ws, "STP16"), _col(ws, "Status"))
    assert status.value == "✖ Red"
    assert status.fill.fgColor.rgb == "FFD4351C"
    assert status.font.color.rgb == "FFFFFFFF"
    assert status.comment is not None and status.comment.text.startswith("Red: 46.43%")
    assert ws.cell(_row(ws, "STP16"), _col(ws, "Direction of Travel (since previous period "
                                                "reported)")).value == "↓R"


def test_sub_measures_follow_their_kpi(book: openpyxl.Workbook) -> None:
    ws = book["Place & Economy"]
    r = _row(ws, "STP31")
    assert [ws.cell(r + i, 2).value for i in (1, 2)] == ["STP31 P1", "STP31 P4"]
    name = ws.cell(r + 1, 3)
    assert name.value == "P1 (Target response time within 24 hours)"
    assert name.alignment.indent == 1
    assert ws.cell(r + 1, _col(ws, "February 2023/24")).value == "N/A (0 out of 0)"
    assert ws.cell(r + 2, _col(ws, "Status")).value == "✔ Green"


def test_commentary_is_plain_text(book: openpyxl.Workbook) -> None:
    ws = book["Place & Economy"]
    text = ws.cell(_row(ws, "STP16"), _col(ws, "Comments")).value
    assert text == "Performance this month has dropped.\nRecruitment continues."


def test_key_sheet(book: openpyxl.Workbook) -> None:
    ws = book["Key"]
    values = {c.value: c for row in ws.iter_rows() for c in row if c.value}
    assert {"Progress Status Key", "Direction of Travel Key", "Performance terminology",
            "↓R", "TBC", "Red - Outside tolerance"} <= set(values)
    assert values["✖"].fill.fgColor.rgb == "FFD4351C"
    assert values["✔"].fill.fgColor.rgb == "FF00703C"


def test_summary_sheet_and_chart(book: openpyxl.Workbook, data: bytes) -> None:
    ws = book["Summary"]
    assert [c.value for c in ws[HEADER]] == ["Section", "✔ Green", "▲ Amber", "✖ Red",
                                             "? Dark grey", "◆ Turquoise", "Total"]
    assert [c.value for c in ws[HEADER + 3]] == ["All KPIs", 1, 0, 1, 1, 1, 4]
    assert [c.value for c in ws[HEADER + 1]][:4] == ["Place & Economy", 1, 0, 1]
    charts = _charts(data)
    assert any("<c:barChart>" in xml and "Summary!$B$3:$F$3" in xml for xml in charts)


def test_appendix_sheets(book: openpyxl.Workbook) -> None:
    exceptions = book["Exceptions"]
    assert exceptions["A4"].value == "STP16" and exceptions["C4"].value == "✖ Red"
    assert exceptions["D4"].value == pytest.approx(46.43)
    assert book["Not reported"]["D4"].value.startswith("Data unavailable")
    assert book["Projects"]["C4"].value == "▲ Amber"


def _charts(data: bytes) -> list[str]:
    with zipfile.ZipFile(BytesIO(data)) as z:
        return [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]


def test_native_line_charts(book: openpyxl.Workbook, data: bytes) -> None:
    ws = book["Place & Economy"]
    link = ws.cell(_row(ws, "STP16"), _col(ws, "Infographic / Chart"))
    assert link.value == "Chart: STP16"
    assert link.hyperlink is not None and link.hyperlink.location == "'Charts'!A1"
    charts = book["Charts"]
    assert charts["A1"].value == "STP16"
    assert [c.value for c in charts[2]][:4] == ["Period", "2022/23", "2023/24", "Target"]
    assert charts["C13"].value == pytest.approx(46.43) and charts["C14"].value is None
    lines = [xml for xml in _charts(data) if "<c:lineChart>" in xml]
    assert len(lines) == 1 and lines[0].count("<c:ser>") == 3


def test_png_charts_are_pictures() -> None:
    data = render_xlsx(sample_report(), chart_png=_png)
    book = openpyxl.load_workbook(BytesIO(data))
    assert "Charts" not in book.sheetnames
    with zipfile.ZipFile(BytesIO(data)) as z:
        names = z.namelist()
        drawing = z.read("xl/drawings/drawing2.xml").decode()
    assert any(re.fullmatch(r"xl/media/image\d+\.png", n) for n in names)
    assert 'descr="STP16: this year against last year by month' in drawing


def test_sheet_names_are_legal_and_unique() -> None:
    taken = {"key"}
    assert sheet_name("Key", taken) == "Key (2)"
    assert sheet_name("Place/Economy: [all]?", taken) == "Place-Economy- -all--"
    long = "Children's Services and Education and Skills Directorate"
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == len(second) == 31 and first != second
    report = sample_report()
    sections = tuple(Section(title, (Group("G", report.sections[0].groups[0].rows),))
                     for title in ("Summary", "A*B", "A?B", long, long))
    book = openpyxl.load_workbook(BytesIO(render_xlsx(replace(report, sections=sections))))
    assert book.sheetnames[2:7] == ["Summary (2)", "A-B", "A-B (2)", long[:31],
                                    long[:27] + " (2)"]


def test_plain_paragraphs_and_png_size() -> None:
    assert plain_paragraphs("<p>A &amp; B</p><ul><li>one</li><li><b>two</b></li></ul>x<br>y") \
        == ["A & B", "• one", "• two", "x", "y"]
    assert png_size(PNG) == (1, 1)
    assert png_size(b"not a png") == (1, 1)


def test_report_without_summary_or_extras() -> None:
    report = replace(sample_report(), summary=(), overall=None, exceptions=(), not_reported=(),
                     projects=(), rating_keys=(), direction_keys=(), terminology=())
    book = openpyxl.load_workbook(BytesIO(render_xlsx(report)))
    assert book.sheetnames == ["Key", "Place & Economy", "Adults & Housing", "Charts"]


def test_picture_rows_are_tall_enough_for_their_text() -> None:
    report = sample_report()
    stp16 = report.sections[0].groups[0].rows[0]
    long = replace(stp16, commentary_html="<p>" + "Recruitment continues. " * 60 + "</p>")
    sections = (Section("Place", (Group("G", (stp16, long)),)),)
    book = openpyxl.load_workbook(BytesIO(render_xlsx(replace(report, sections=sections),
                                                      chart_png=_png)))
    heights = [book["Place"].row_dimensions[r].height for r in (5, 6)]
    assert heights[0] is not None and heights[1] is not None
    assert heights[0] >= 75 and heights[1] > heights[0]


def test_empty_chart_and_no_columns() -> None:
    report = sample_report()
    stp16 = report.sections[0].groups[0].rows[0]
    empty = replace(stp16, chart=Chart("Empty", "line", (), ()))
    sections = (Section("Place", (Group("G", (empty,)),)),)
    book = openpyxl.load_workbook(BytesIO(render_xlsx(replace(report, sections=sections))))
    assert book["Charts"]["A1"].value == "Empty"
    book = openpyxl.load_workbook(BytesIO(render_xlsx(replace(report, columns=()))))
    assert book["Place & Economy"]["A4"].value == "Growth & Regeneration"
