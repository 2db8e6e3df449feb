"""Workbooks as councils use them: date cells in the period column, formulas with their saved
results, percent formats, hidden sheets chosen with --sheet, merged cells; each read and
stored (the refusals are in the corpus, tests/corpus/cases/readers.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from kpiboard.cli import main
from kpiboard.data.models import PeriodValue
from kpiboard.example import demo_load
from kpiboard.framework import Framework, load_framework
from kpiboard.imports.numformat import DATE, GENERAL, PERCENT, TIME, date_text, is_percent, kind
from kpiboard.imports.tabular import cell_text, read_table
from kpiboard.imports.values import read_period_data
from kpiboard.kpis.models import Organisation
from tests.corpus.xlsxbuild import cell, row, sheet_xml, workbook
from tests.store.conftest import NNC

MARCH_2024 = 45352  # the serial of 2024-03-01
HEADER = ["ref", "period", "value", "commentary"]


@pytest.fixture(scope="module")
def nnc() -> Framework:
    return load_framework(NNC / "framework.yaml")


def dated_workbook(path: Path, style: int) -> Path:
    """STP15 and STP16 for March 2024, the period a date cell under number format ``style``
    (see xlsxbuild.STYLES); a date in the commentary too."""
    rows = [row(1, *HEADER),
            '<row r="2">' + cell("A2", "STP15") + cell("B2", MARCH_2024, style=style)
            + cell("C2", 0.8571, style=1) + cell("D2", MARCH_2024 + 14, style=4) + "</row>",
            '<row r="3">' + cell("A3", "STP16") + cell("B3", MARCH_2024 + 30, style=style)
            + cell("C3", "78.13%") + "</row>"]
    return workbook(path, [("Values", "visible", sheet_xml(rows))])


@pytest.mark.parametrize("style", [2, 3, 4], ids=["mmm-yy", "dd/mm/yyyy", "d mmmm yyyy"])
def test_date_cells_in_the_period_column_are_their_month(
        nnc: Framework, tmp_path: Path, style: int) -> None:
    records = read_period_data(dated_workbook(tmp_path / "march.xlsx", style), nnc)
    assert [(r.ref, r.period.key, r.text) for r in records] == [
        ("STP15", "2024-03", "85.71%"), ("STP16", "2024-03", "78.13%")]
    assert records[0].commentary == "15 March 2024"  # a date elsewhere: as a person sees it


def test_dates_shown_as_their_format_shows_them(tmp_path: Path) -> None:
    rows = [row(1, "ref", "name", "when", "d", "e", "f"),
            '<row r="2">' + cell("A2", "X1") + cell("B2", "a") + cell("C2", MARCH_2024, style=2)
            + cell("D2", MARCH_2024, style=3) + cell("E2", 0.395833333, style=5)
            + cell("F2", "2024-03-05T00:00:00", kind="d") + "</row>"]
    path = workbook(tmp_path / "d.xlsx", [("S", "visible", sheet_xml(rows))])
    table = read_table(path, required={"ref": ("ref",)}, optional={"when": ("when",)})
    assert [table.rows[0][1][k] for k in ("when", "d", "e", "f")] == [
        "Mar-24", "01/03/2024", "9:30", "2024-03-05"]


def test_date1904_workbooks(nnc: Framework, tmp_path: Path) -> None:
    rows = [row(1, *HEADER),
            '<row r="2">' + cell("A2", "STP15") + cell("B2", MARCH_2024 - 1462, style=2)
            + cell("C2", "80%") + "</row>"]
    path = workbook(tmp_path / "mac.xlsx", [("V", "visible", sheet_xml(rows))], date1904=True)
    assert read_period_data(path, nnc)[0].period.key == "2024-03"


def test_percent_formats() -> None:
    assert cell_text(0.85, "0%") == "85%"
    assert cell_text(0.85, "0.00%") == "85%"
    assert cell_text(0.8571, "0.0%;[Red]-0.0%") == "85.71%"
    assert cell_text(85, '0.0"%"') == "85"  # a quoted % is text: the number is not scaled
    assert cell_text(85, "0.0\\%") == "85"
    assert cell_text(0.85) == "0.85"
    assert is_percent("0%") and not is_percent('#,##0" (%)"')
    assert [kind(c) for c in ("General", "0.00%", "mmm-yy", "dd/mm/yyyy hh:mm", "h:mm",
                              "[h]:mm:ss", '#,##0;[Red]-#,##0', '"Day "0')] == [
        GENERAL, PERCENT, DATE, DATE, TIME, TIME, GENERAL, GENERAL]


def test_date_text() -> None:
    when = dt.datetime(2024, 3, 5, 14, 7, 9)
    assert date_text(when, "mmm-yy") == "Mar-24"
    assert date_text(when, "mmmm yyyy") == "March 2024"
    assert date_text(when, "dd/mm/yyyy") == "05/03/2024"
    assert date_text(when, "[$-809]dd mmmm yyyy;@") == "05 March 2024"
    assert date_text(when, "ddd d mmm") == "Tue 5 Mar"
    assert date_text(when, "hh:mm:ss") == "14:07:09"
    assert date_text(when, "h:mm AM/PM") == "2:07 PM"
    assert date_text(when, 'yyyy"-Q"m') == "2024-Q3"
    assert date_text(when, "mmm\\-yy") == "Mar-24"


def test_saved_formula_results_are_read(nnc: Framework, tmp_path: Path) -> None:
    """A workbook from a program that calculates (XlsxWriter here, as Excel does) keeps each
    formula's result: the value is read as the result, formatted."""
    path = tmp_path / "calculated.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("Values")
    percent = book.add_format({"num_format": "0.00%"})
    month = book.add_format({"num_format": "mmm-yy"})
    ws.write_row(0, 0, [*HEADER, "numerator", "denominator"])
    ws.write_string(1, 0, "STP15")
    ws.write_formula(1, 1, "=DATE(2024,3,1)", month, MARCH_2024)
    ws.write_formula(1, 2, "=E2/F2", percent, 12 / 14)
    ws.write_formula(1, 3, '="checked by "&"AB"', None, "checked by AB")
    ws.write_number(1, 4, 12)
    ws.write_number(1, 5, 14)
    book.close()
    [record] = read_period_data(path, nnc)
    assert (record.ref, record.period.key, record.value, record.commentary) == (
        "STP15", "2024-03", Decimal("85.7142857143"), "checked by AB")
    assert (record.numerator, record.denominator) == (12, 14)


def test_hidden_sheet_chosen_with_sheet(nnc: Framework, tmp_path: Path) -> None:
    old = sheet_xml([row(1, *HEADER), row(2, "STP15", "2024-02", "50%")])
    new = sheet_xml([row(1, *HEADER), row(2, "STP15", "2024-03", "60%")])
    path = workbook(tmp_path / "b.xlsx", [("Old", "hidden", old), ("March", "visible", new)])
    assert read_period_data(path, nnc, sheet="Old")[0].text == "50%"
    assert read_period_data(path, nnc, sheet="March")[0].text == "60%"


def test_hidden_sheets_without_the_columns_do_not_matter(nnc: Framework, tmp_path: Path) -> None:
    lookups = sheet_xml([row(1, "ref", "name"), row(2, "STP15", "Planning")])
    values = sheet_xml([row(1, *HEADER), row(2, "STP15", "2024-03", "60%")])
    path = workbook(tmp_path / "b.xlsx", [("Lookups", "hidden", lookups),
                                          ("Values", "visible", values)])
    assert read_period_data(path, nnc)[0].text == "60%"


def test_merged_ref_fills_its_rows_and_shared_strings(nnc: Framework, tmp_path: Path) -> None:
    rows = [row(1, "ref", "sub_measure", "period", "value"),
            '<row r="2"><c r="A2" t="s"><v>0</v></c>' + cell("B2", "P1") + cell("C2", "2024-03")
            + cell("D2", 5) + "</row>",
            '<row r="3">' + cell("B3", "P2") + cell("C3", "2024-03") + cell("D3", 7) + "</row>"]
    path = workbook(tmp_path / "m.xlsx", [("V", "visible", sheet_xml(
        rows, after='<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>'))],
        strings=["STP29"])
    records = read_period_data(path, nnc)
    assert [(r.ref, r.sub_measure, r.text) for r in records] == [("STP29", "P1", "5"),
                                                                 ("STP29", "P2", "7")]


def test_escaped_underscores_are_text(nnc: Framework, tmp_path: Path) -> None:
    rows = [row(1, *HEADER), row(2, "STP15", "2024-03", "60%", "file_x005F_x0041_.csv")]
    path = workbook(tmp_path / "u.xlsx", [("V", "visible", sheet_xml(rows))])
    assert read_period_data(path, nnc)[0].commentary == "file_x0041_.csv"


@pytest.mark.django_db
def test_dates_formulas_and_percentages_are_stored(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    demo_load(NNC)
    org = Organisation.objects.get()
    rows = [row(1, *HEADER),
            '<row r="2">' + cell("A2", "STP15") + cell("B2", MARCH_2024, style=2)
            + cell("C2", 0.85, style=1, formula="17/20") + "</row>",
            '<row r="3">' + cell("A3", "STP16") + cell("B3", MARCH_2024, style=3)
            + cell("C3", 0.5, style=1) + "</row>"]
    path = workbook(tmp_path / "march.xlsx", [("Old", "hidden", sheet_xml([row(1, *HEADER)])),
                                              ("March", "visible", sheet_xml(rows))])
    assert main(["import", "values", str(path), "--sheet", "March"]) == 0, capsys.readouterr()
    stored = {v.kpi.ref: v for v in PeriodValue.objects.filter(
        period="2024-03", kpi__ref__in=["STP15", "STP16"], sub_measure="")}
    assert org is not None
    assert {ref: (v.text, v.value) for ref, v in stored.items()} == {
        "STP15": ("85%", Decimal(85)), "STP16": ("50%", Decimal(50))}
