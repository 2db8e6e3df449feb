"""The Word renderer, read back with python-docx."""

from __future__ import annotations

import base64
from dataclasses import replace
from io import BytesIO

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.table import Table, _Cell

from kpiboard.reports.model import Chart, Group, Section
from kpiboard.reports.sample import sample_report
from kpiboard.reports.word import render_docx

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAW"
                       "jR9awAAAABJRU5ErkJggg==")
STP16_ALT = "STP16: this year against last year by month, with the target of 85."


def _png(chart: Chart) -> bytes:
    return PNG


@pytest.fixture(scope="module")
def paper() -> Document:
    return docx.Document(BytesIO(render_docx(sample_report(), chart_png=_png)))


@pytest.fixture(scope="module")
def plain() -> Document:
    return docx.Document(BytesIO(render_docx(sample_report())))


def _headings(doc: Document, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.name == style]


def _fill(cell: _Cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def _table_with(doc: Document, text: str) -> Table:
    for table in doc.tables:
        if any(c.text == text for row in table.rows for c in row.cells):
            return table
    raise AssertionError(f"no table holds {text!r}")


def _table_headed(doc: Document, *headings: str) -> Table:
    for table in doc.tables:
        if [c.text for c in table.rows[0].cells][:len(headings)] == list(headings):
            return table
    raise AssertionError(f"no table headed {headings!r}")


def _row_of(table: Table, text: str) -> list[_Cell]:
    for row in table.rows:
        if any(c.text == text for c in row.cells):
            return list(row.cells)
    raise AssertionError(f"no row holds {text!r}")


def test_title_and_headings(paper: Document) -> None:
    assert _headings(paper, "Title") == ["Performance Report - February 2024"]
    assert "North Northamptonshire Council – February 2023/24" in [p.text for p in
                                                                  paper.paragraphs]
    assert _headings(paper, "Heading 1") == [
        "Key to status, direction of travel and terms", "Summary of KPIs by status",
        "Place & Economy", "Adults & Housing", "Exceptions: KPIs rated red",
        "KPIs not reported this period", "Projects"]
    assert _headings(paper, "Heading 2") == [
        "Progress Status Key", "Direction of Travel Key", "Performance terminology",
        "Growth & Regeneration", "Highways & Waste", "Housing Services",
        "Spotlight: STP16 – Percentage of minor planning applications determined within "
        "8 weeks"]


def test_tables(paper: Document, plain: Document) -> None:
    # 3 keys, summary, 3 groups, spotlight facts, not reported, projects
    assert len(paper.tables) == 10
    # without pictures, two charts (STP16 in its group and on its spotlight) become tables
    assert len(plain.tables) == 12
    for table in paper.tables:
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def test_kpi_table(paper: Document) -> None:
    table = _table_with(paper, "STP16")
    assert [c.text for c in table.rows[0].cells] == [c.heading for c in sample_report().columns]
    cells = _row_of(table, "STP16")
    status = next(c for c in cells if c.text == "✖ Red")
    assert _fill(status) == "D4351C"
    assert status.paragraphs[0].runs[0].font.color.rgb == docx.shared.RGBColor(255, 255, 255)
    assert "▲ 78.13%" in [c.text for c in cells]
    assert "✖ 46.43% (revised)" in [c.text for c in cells]
    comments = cells[-1]
    assert [p.text for p in comments.paragraphs] == ["Performance this month has dropped.",
                                                     "Recruitment continues."]


def test_sub_measures_are_indented(paper: Document) -> None:
    table = _table_with(paper, "STP31")
    refs = [row.cells[1].text for row in table.rows]
    assert refs[refs.index("STP31") + 1:] == ["STP31 P1", "STP31 P4"]
    p1 = _row_of(table, "STP31 P1")
    assert p1[2].paragraphs[0].paragraph_format.left_indent is not None
    assert "N/A (0 out of 0)" in [c.text for c in p1]


def test_landscape_a4(paper: Document) -> None:
    section = paper.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)


def test_pictures_with_descriptions(paper: Document) -> None:
    shapes = list(paper.inline_shapes)
    assert len(shapes) == 3  # STP16 in its row, the summary chart, STP16's spotlight
    descriptions = [s._inline.docPr.get("descr") for s in shapes]
    assert descriptions.count(STP16_ALT) == 2
    assert "1 Green, 0 Amber, 1 Red, 1 Dark grey, 1 Turquoise." in descriptions
    cell = _row_of(_table_with(paper, "STP16"), "STP16")[3]
    assert [p.text for p in cell.paragraphs] == ["", STP16_ALT]
    assert cell.paragraphs[1].style is not None and cell.paragraphs[1].style.name == "Caption"


def test_picture_ids_are_unique(paper: Document) -> None:
    """Each picture's id (``wp:docPr/@id``) is its own, as python-docx would number them."""
    ids = [s._inline.docPr.get("id") for s in paper.inline_shapes]
    assert ids == ["1", "2", "3"]


def test_every_cell_is_as_wide_as_its_column(paper: Document) -> None:
    """Rows are copies of one sized row: each cell has its column's width, set in the grid."""
    for table in paper.tables:
        grid = [col.width for col in table.columns]
        assert None not in grid
        for row in table.rows:
            assert [c.width for c in row.cells] == grid
    kpis = _table_with(paper, "STP16")
    widths = [col.width.mm for col in kpis.columns]
    assert widths[-1] > 3 * widths[1]  # the comments column, much wider than the ref's
    assert abs(sum(widths) - (297 - 2 * 12)) < 1


def test_runs_are_7pt_and_styled(paper: Document) -> None:
    cells = _row_of(_table_with(paper, "STP16"), "STP16")
    status = next(c for c in cells if c.text == "✖ Red")
    run = status.paragraphs[0].runs[0]
    assert run.font.size == docx.shared.Pt(7) and run.bold
    ref = next(c for c in cells if c.text == "STP16").paragraphs[0].runs[0]
    assert ref.font.size == docx.shared.Pt(7) and ref.bold is None


def test_chart_data_without_pictures(plain: Document) -> None:
    assert len(plain.inline_shapes) == 0
    data = _table_with(plain, "2023/24")
    assert [c.text for c in data.rows[0].cells][:3] == ["", "Apr", "May"]
    assert [c.text for c in _row_of(data, "2023/24")][-2:] == ["46.43%", ""]
    assert _row_of(data, "Target")[1].text == "85%"
    assert STP16_ALT in _headings(plain, "Caption")


def test_spotlight(paper: Document) -> None:
    texts = [p.text for p in paper.paragraphs]
    start = texts.index("Spotlight: STP16 – Percentage of minor planning applications "
                        "determined within 8 weeks")
    assert texts[start + 1:start + 6] == [
        "Why it is red",
        "Red: 46.43% is 38.57 points below the 85% target (higher is better); "
        "the amber band is 80%–85%.",
        "What is being done", "Performance this month has dropped.", "Recruitment continues."]
    facts = _table_headed(paper, "", "STP16")
    assert _fill(_row_of(facts, "Status")[1]) == "D4351C"
    assert _row_of(facts, "Value")[1].text == "✖ 46.43%"


def test_keys_summary_and_appendices(paper: Document) -> None:
    key = _table_with(paper, "✖")
    assert _fill(_row_of(key, "✖")[0]) == "D4351C"
    assert _row_of(key, "✖")[1].text == "Red - Outside tolerance"
    summary = _table_with(paper, "All KPIs")
    assert [c.text for c in _row_of(summary, "All KPIs")] == ["All KPIs", "1", "0", "1", "1",
                                                             "1", "4"]
    assert _fill(summary.rows[0].cells[3]) == "D4351C"
    not_reported = _table_headed(paper, "Ref", "Indicator", "Key commitment", "Reason")
    assert _row_of(not_reported, "STP39")[3].text.startswith("Data unavailable: the 2023-24")
    projects = _table_headed(paper, "Project")
    assert _fill(_row_of(projects, "Local Plan review")[2]) == "FFDD00"
    assert _row_of(projects, "Local Plan review")[2].text == "▲ Amber"


def test_minimal_report() -> None:
    report = replace(sample_report(), summary=(), overall=None, summary_chart=None,
                     exceptions=(), not_reported=(), projects=(), rating_keys=(),
                     direction_keys=(), terminology=())
    doc = docx.Document(BytesIO(render_docx(report)))
    assert _headings(doc, "Heading 1") == ["Place & Economy", "Adults & Housing"]


def test_empty_chart_and_no_columns() -> None:
    report = sample_report()
    stp16 = report.sections[0].groups[0].rows[0]
    empty = replace(stp16, chart=Chart("Empty", "line", (), (), alt_text="No data yet."))
    sections = (Section("Place", (Group("G", (empty,)),)),)
    doc = docx.Document(BytesIO(render_docx(replace(report, sections=sections,
                                                    exceptions=()))))
    assert "No data yet." in _headings(doc, "Caption")
    doc = docx.Document(BytesIO(render_docx(replace(report, columns=()))))
    assert "Growth & Regeneration" not in _headings(doc, "Heading 2")
