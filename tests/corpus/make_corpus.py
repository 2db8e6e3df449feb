"""(Re)create the corpus fixtures that are binary or large, so that none is committed.

    .venv/bin/python tests/corpus/make_corpus.py OUT_DIR

writes, under OUT_DIR, the workbooks (``values/*.xlsx``, ``kpiset/*.xlsx``), the files that
only pretend to be workbooks, and the 200,000-row values CSV with the framework of the council
it belongs to (``framework/big_council.yaml``). The test session calls ``make_corpus`` once,
into a temporary directory (``tests/corpus/conftest.py``). The small text fixtures live in
``tests/corpus/files/`` and are committed as they are.
"""

from __future__ import annotations

import argparse
import csv
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

VALUES_HEADER = ["ref", "sub_measure", "period", "value", "numerator", "denominator",
                 "commentary"]
KPI_SET_HEADER = ["Key Commitment", "Priority", "Directorate", "Department", "Team", "Ref",
                  "New or Existing", "Performance Indicator Name",
                  "Further detail (description)", "Target for 2023-24", "Target for 2024-25",
                  "Changes from 2023-24 to 2024-25", "Rationale for target",
                  "Exec Member Portfolio"]

# The 200,000-row file: a council of its own (so that every row is a different KPI, sub-measure
# and period), with one unreadable value near the end.
BIG_COUNCIL = "Corpus Borough Council"
BIG_ROWS = 200_000
BIG_BAD_ROW = 199_990  # the row number a person sees (the header is row 1)
BIG_BAD_TEXT = "12O"  # a letter O for a zero
_BIG_KPIS, _BIG_SUBS = 500, 21  # 500 KPIs x (itself + 21 sub-measures) x 19 periods > 200,000


def _values_rows() -> list[list[str]]:
    return [["STP15", "", "2024-01", "71.43%", "", "", ""],
            ["STP16", "", "2024-01", "78.13%", "", "", ""],
            ["STP29", "P2", "2024-01", "14", "", "", ""]]


def _kpi_set_rows() -> list[list[str]]:
    common = ["Active, fulfilled lives",
              "Tackle the causes of complex problems such as poverty and homelessness",
              "Adults, Health Partnerships & Housing", "Housing", "Housing"]
    tail = ["Previous data", "Housing, Communities & Levelling-up"]
    return [
        [*common, "AFL13", "Existing", "Number of households whose homelessness was prevented",
         "The number of positive homelessness preventions within the month",
         "252 (21 per month)", "264 (22 per month)", "", *tail],
        [*common, "AFL14", "Existing", "Number of households whose homelessness was relieved",
         "The number of positive homelessness reliefs within the month",
         "300 (25 per month)", "300 (25 per month)", "", *tail],
    ]


def _book(path: Path, rows: list[list[str]], *, title: str = "Values",
          edit: Callable[[Worksheet], None] | None = None) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)
    ws.title = title
    for row in rows:
        ws.append(row)
    if edit is not None:
        edit(ws)
    book.save(path)
    return path


# -- values workbooks --------------------------------------------------------------------------


def values_formula(path: Path) -> None:
    """A value typed as a formula by a program that does not calculate (openpyxl): the
    workbook holds '=SUM(A1:A2)' and no saved result."""
    rows = [VALUES_HEADER, *_values_rows()]
    rows[2][3] = "=SUM(A1:A2)"
    _book(path, rows)


def values_merged_header(path: Path) -> None:
    """'numerator' and 'denominator' under one merged heading cell E1:F1."""
    rows = [VALUES_HEADER, *_values_rows()]
    _book(path, rows, edit=lambda ws: ws.merge_cells("E1:F1"))


def values_header_only(path: Path) -> None:
    """The column names and no data (the figures were never pasted in)."""
    _book(path, [VALUES_HEADER])


def values_empty_sheet(path: Path) -> None:
    """A workbook whose only sheet has nothing in it: no header, no data."""
    _book(path, [])


def values_no_header(path: Path) -> None:
    """The data without its header row."""
    _book(path, _values_rows())


def values_second_sheet(path: Path) -> None:
    """A notes sheet first, then the table on sheet 'March 2024' with text in a number cell."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Figures for the March 2024 performance report"])
    ws = book.create_sheet("March 2024")
    ws.append(VALUES_HEADER)
    for row in _values_rows():
        ws.append(row)
    ws.append(["STP17", "", "2024-01", "about 80%", "", "", ""])
    book.save(path)


def values_not_a_zip(path: Path) -> None:
    """A CSV saved with an .xlsx name."""
    lines = [VALUES_HEADER, *_values_rows()]
    path.write_text("".join(",".join(r) + "\r\n" for r in lines), encoding="utf-8")


def values_zip_not_workbook(path: Path) -> None:
    """A zip archive (of a text file) with an .xlsx name."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("values.csv", "ref,period,value\r\nSTP15,2024-02,100%\r\n")


# -- KPI set workbooks -------------------------------------------------------------------------


def kpi_set_merged_header(path: Path) -> None:
    """The name and description headings merged into one cell H1:I1."""
    _book(path, [KPI_SET_HEADER, *_kpi_set_rows()], title="Appendix B",
          edit=lambda ws: ws.merge_cells("H1:I1"))


def kpi_set_formula(path: Path) -> None:
    """A 2024-25 target worked out by a formula from the 2023-24 target, written by a program
    that does not calculate (openpyxl): no saved result."""
    rows = [KPI_SET_HEADER, *_kpi_set_rows()]
    rows[2][10] = "=J3*1.1"
    _book(path, rows, title="Appendix B")


# -- the 200,000-row file ----------------------------------------------------------------------


def big_framework(path: Path) -> None:
    """The framework of the council the 200,000 rows belong to: 500 KPIs of 21 sub-measures."""
    subs = ", ".join(f"S{j:02d}" for j in range(_BIG_SUBS))
    lines = ["kpiboard: 1", f"organisation: {{name: {BIG_COUNCIL}}}",
             "rating_schemes: {standard: {preset: nnc}}",
             "direction_schemes: {standard: {preset: nnc}}",
             "defaults: {rating_scheme: standard, direction_scheme: standard}",
             "years:", "  2024/25:", "    kpis:"]
    for i in range(_BIG_KPIS):
        unit = "percent" if i % 2 else "count"
        lines.append(f"    - {{ref: K{i:04d}, name: KPI {i}, polarity: higher, unit: {unit}, "
                     f"target: {'90%' if i % 2 else '100'}, sub_measures: [{subs}]}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def big_values(path: Path) -> None:
    """200,000 good rows in the forms councils write, and BIG_BAD_TEXT at row BIG_BAD_ROW."""
    from kpiboard.engine.periods import FinancialYear, Period

    fy = FinancialYear(2024)
    periods = [p.key for p in (*fy.months(), *fy.quarters(), Period.half(fy, 1),
                               Period.half(fy, 2), Period.full_year(fy))]
    subs = ["", *(f"S{j:02d}" for j in range(_BIG_SUBS))]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(VALUES_HEADER)
        row = 1
        for i in range(_BIG_KPIS):
            for sub in subs:
                for period in periods:
                    row += 1
                    if row > BIG_ROWS + 1:
                        return
                    if i % 2:  # a percentage: as text, with its terms, or from its terms
                        den = 100 + row % 900
                        num = row % (den + 1)
                        pc = f"{num * 100 / den:.2f}%"
                        cells = [[pc, "", ""], [f"{pc} ({num} out of {den})", "", ""],
                                 ["", str(num), str(den)], ["N/A", "", ""]][row % 4]
                    else:
                        cells = [f"{row:,}", "", ""] if row % 7 else ["Data unavailable", "", ""]
                    if row == BIG_BAD_ROW:
                        cells = [BIG_BAD_TEXT, "", ""]
                    note = "Reported a month in arrears" if row % 1000 == 0 else ""
                    writer.writerow([f"K{i:04d}", sub, period, *cells, note])


MAKERS: dict[str, Callable[[Path], None]] = {
    "values/formula.xlsx": values_formula,
    "values/merged_header.xlsx": values_merged_header,
    "values/header_only.xlsx": values_header_only,
    "values/empty_sheet.xlsx": values_empty_sheet,
    "values/no_header.xlsx": values_no_header,
    "values/bad_cell_on_second_sheet.xlsx": values_second_sheet,
    "values/not_a_zip.xlsx": values_not_a_zip,
    "values/zip_not_a_workbook.xlsx": values_zip_not_workbook,
    "kpiset/merged_header.xlsx": kpi_set_merged_header,
    "kpiset/formula.xlsx": kpi_set_formula,
    "framework/big_council.yaml": big_framework,
    "values/big_200000_rows.csv": big_values,
}


def all_makers() -> dict[str, Callable[[Path], None]]:
    """These makers and those of the case modules (``tests/corpus/cases/*.py``)."""
    from tests.corpus.cases import all_makers as case_makers

    makers = dict(MAKERS)
    for name, make in case_makers().items():
        assert name not in makers, f"two makers for {name}"
        makers[name] = make
    return makers


GENERATED = frozenset(all_makers())


def make_corpus(out: Path) -> Path:
    """Write every generated fixture under ``out``; return ``out``."""
    for name, make in all_makers().items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        make(path)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, help="the directory to write the fixtures into")
    args = p.parse_args()
    make_corpus(args.out)
    for name in sorted(GENERATED):
        print(args.out / name)


if __name__ == "__main__":
    main()
