"""Reading and writing period data as a long table (``kpiboard.imports.values``)."""

from __future__ import annotations

import csv
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpiboard.engine.kpi import KpiDefinition, SubMeasure
from kpiboard.engine.periods import FinancialYear, Period
from kpiboard.engine.types import Unit, ValueState
from kpiboard.engine.values import ParsedValue, ValueParseError, parse_value
from kpiboard.framework import Framework, load_framework
from kpiboard.framework.model import KpiSet
from kpiboard.imports import values as values_module
from kpiboard.imports.tabular import Problem, TableImportError, TableRows
from kpiboard.imports.values import (
    COLUMNS,
    ValueRecord,
    _Reader,
    read_period_data,
    read_value,
    write_period_data,
)

ROOT = Path(__file__).resolve().parents[2]
NNC = ROOT / "examples" / "nnc"
FILES = Path(__file__).resolve().parent / "files" / "values"
HEADER = ["ref", "sub_measure", "period", "value", "numerator", "denominator", "commentary"]
PERIOD_HINT = "expected a period such as '2024-02', 'Jan-24', '2023/24-Q1' or '2023/24'"
PERCENT_HINT = ("expected a percentage such as '92.31%' or '91.96% (1396 out of 1518)', or N/A, "
                "TBC or Data unavailable")
NUMBER_HINT = "expected a number (such as 1,197 or 408.4) or an empty cell"


@pytest.fixture(scope="module")
def nnc() -> Framework:
    return load_framework(NNC / "framework.yaml")


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def problems(path: Path, framework: Framework) -> list[Problem]:
    with pytest.raises(TableImportError) as info:
        read_period_data(path, framework)
    return info.value.problems


def without_rows(records: list[ValueRecord]) -> list[ValueRecord]:
    return [r._replace(row=0) for r in records]


def by_key(records: list[ValueRecord]) -> dict[tuple[str, str, str], ValueRecord]:
    return {(r.ref, r.sub_measure, r.period.key): r for r in records}


# -- the example council -------------------------------------------------------------------------


def test_example_values_csv(nnc: Framework) -> None:
    records = read_period_data(NNC / "values.csv", nnc)
    assert len(records) == 288
    assert [r.row for r in records] == list(range(2, 290))
    assert Counter(r.state for r in records) == {
        ValueState.VALUE: 255, ValueState.NOT_APPLICABLE: 24, ValueState.MISSING: 6,
        ValueState.IN_ARREARS: 3}
    assert all((r.value is None) == (r.state is not ValueState.VALUE) for r in records)
    got = by_key(records)
    first = records[0]
    assert first == ValueRecord("STP15", "", Period.quarter(2023, 1), "92.31%", Decimal("92.31"),
                                None, None, ValueState.VALUE, "", 2)
    # terms given in the value text
    stp31 = got[("STP31", "P4", "2024-02")]
    assert (stp31.text, stp31.value, stp31.numerator, stp31.denominator) == (
        "91.67% (319 out of 348)", Decimal("91.67"), Decimal(319), Decimal(348))
    # ... and in their own columns
    stp38 = got[("STP38", "", "2024-02")]
    assert (stp38.value, stp38.numerator, stp38.denominator) == (
        Decimal("96.43"), Decimal("132487583.04"), Decimal("137395604.79"))
    # a cohort size after a percentage is the denominator
    assert got[("BBF07 (KPI 8)", "", "2024-02")].denominator == Decimal(1197)
    # non-values keep their state (and terms), never a value
    na = got[("STP31", "P1", "2024-02")]
    assert (na.text, na.state, na.value, na.numerator, na.denominator) == (
        "N/A (0 out of 0)", ValueState.NOT_APPLICABLE, None, Decimal(0), Decimal(0))
    arrears = [r for r in records if r.state is ValueState.IN_ARREARS]
    assert {r.text for r in arrears} == {"N/A Reporting one month in arrears",
                                         "N/A reported one month in arrears"}
    assert got[("STP37a", "", "2024-02")].value == Decimal("53.4")
    # "100% (0 out of 0)" is kept as written: a zero denominator is not checked
    assert got[("STP31", "P1", "2023/24-Q2")].value == Decimal(100)


def example_as_xlsx(path: Path) -> Path:
    """The example's values.csv as a council might keep it in Excel: a title above the header,
    numbers as numbers and percentages as percentage-formatted numbers."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Feb 2024"
    ws.append(["Performance data, February 2024"])
    ws.append([])
    with (NNC / "values.csv").open(encoding="utf-8") as f:
        for i, row in enumerate(csv.reader(f)):
            ws.append(row if i == 0 else [_excel(cell) for cell in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float) and row[cell.column - 1].endswith("%"):
                    cell.number_format = "0.00%"
    book.save(path)
    return path


def _excel(text: str) -> object:
    plain = text.removesuffix("%")
    try:
        number = Decimal(plain)
    except ArithmeticError:
        return text
    if plain != text:
        return float(number / 100)
    return int(number) if number == number.to_integral_value() and "." not in text else float(text)


def test_example_values_xlsx(nnc: Framework, tmp_path: Path) -> None:
    from_csv = read_period_data(NNC / "values.csv", nnc)
    from_xlsx = read_period_data(example_as_xlsx(tmp_path / "values.xlsx"), nnc)
    assert len(from_xlsx) == 288

    def essentials(r: ValueRecord) -> tuple[object, ...]:
        return r.ref, r.sub_measure, r.period, r.value, r.numerator, r.denominator, r.state

    assert [essentials(r) for r in from_xlsx] == [essentials(r) for r in from_csv]
    assert [r.row for r in from_xlsx] == [r.row + 2 for r in from_csv]  # the title and a gap
    assert from_xlsx[0].text == "92.31%"  # shown as in Excel


def test_example_xlsx_problem_names_sheet_and_row(nnc: Framework, tmp_path: Path) -> None:
    path = example_as_xlsx(tmp_path / "values.xlsx")
    book = openpyxl.load_workbook(path)
    book["Feb 2024"]["D40"] = "twelve"
    book.save(path)
    assert problems(path, nnc) == [Problem(
        "values.xlsx", "Feb 2024", 40, "value",
        "cannot read value 'twelve': not a number or a known non-value (N/A, TBC, Data "
        "unavailable, ...); expected a count such as '1,197', or N/A, TBC or Data unavailable")]


def test_aliases_title_row_sub_measure_names_and_computed_values(nnc: Framework) -> None:
    records = read_period_data(FILES / "aliases.csv", nnc)
    got = by_key(records)
    assert [r.row for r in records] == list(range(3, 10))
    assert got[("STP15", "", "2024-02")].commentary == (
        "All 3 complaints answered on time, well done")
    # a sub-measure may be named; the record holds its code
    p1 = got[("STP31", "P1", "2024-02")]
    assert (p1.text, p1.state, p1.value, p1.numerator, p1.denominator) == (
        "", ValueState.NOT_APPLICABLE, None, Decimal(0), Decimal(0))
    # an empty value with both terms is computed, rounded as parse_value rounds "97 out of 98"
    p2 = got[("STP31", "P2", "2024-02")]
    assert (p2.text, p2.state, p2.value) == ("", ValueState.VALUE, Decimal("98.98"))
    assert p2.value == parse_value("97 out of 98").value
    assert got[("STP36", "Corby", "2023/24-Q3")].state is ValueState.MISSING
    assert got[("AFL04", "", "2024-02")].state is ValueState.IN_ARREARS
    assert got[("STP37a", "", "2023/24-Q3")].value == Decimal("53.4")
    assert got[("STP38", "", "2023/24")].numerator == Decimal("132487583.04")


# -- problems, one at a time ---------------------------------------------------------------------

CASES: list[tuple[str, list[list[str]], str, str]] = [
    ("impossible period", [["STP15", "", "2024-13", "90%", "", "", ""]], "period",
     "cannot read period '2024-13': not a financial year or a month (month must be 1 to 12); "
     + PERIOD_HINT),
    ("empty period", [["STP15", "", "", "90%", "", "", ""]], "period", "empty: " + PERIOD_HINT),
    ("year without a KPI set", [["STP15", "", "Jan-25", "90%", "", "", ""]], "period",
     "'Jan-25' is in 2024/25, but the framework has no KPI set for 2024/25; expected a period "
     "in a year it has a set for (2023/24)"),
    ("unknown ref, a close one suggested", [["SPT15", "", "2024-01", "90%", "", "", ""]], "ref",
     "'SPT15' is not a KPI in the 2023/24 set; did you mean 'STP15'?"),
    ("ref in the wrong case", [["stp15", "", "2024-01", "90%", "", "", ""]], "ref",
     "'stp15' is not a KPI in the 2023/24 set; did you mean 'STP15'?"),
    ("ref without its suffix", [["BBF05", "", "2024-01", "90%", "", "", ""]], "ref",
     "'BBF05' is not a KPI in the 2023/24 set; did you mean 'BBF05 (KPI 2)'?"),
    ("unknown ref, nothing close", [["XYZ", "", "2024-01", "90%", "", "", ""]], "ref",
     "'XYZ' is not a KPI in the 2023/24 set"),
    ("empty ref", [["", "", "2024-01", "90%", "", "", ""]], "ref",
     "empty: expected the reference of a KPI in the framework"),
    ("unknown sub-measure", [["STP31", "P9", "2024-01", "90%", "", "", ""]], "sub_measure",
     "'P9' is not a sub-measure of STP31 in 2023/24; expected one of: P1, P2, P3, P4"),
    ("sub-measure of a KPI without any", [["STP15", "P1", "2024-01", "90%", "", "", ""]],
     "sub_measure", "STP15 has no sub-measures in 2023/24, found 'P1'; expected an empty cell"),
    ("text in a number", [["STP15", "", "2024-01", "12O", "", "", ""]], "value",
     "cannot read value '12O': not a well-formed number; " + PERCENT_HINT),
    ("words", [["STP15", "", "2024-01", "about ninety", "", "", ""]], "value",
     "cannot read value 'about ninety': not a number or a known non-value (N/A, TBC, Data "
     "unavailable, ...); " + PERCENT_HINT),
    ("percentage for a count", [["AFL13", "", "2024-01", "45%", "", "", ""]], "value",
     "cannot read value '45%': the text gives percent but count was expected"),
    ("numerator not a number", [["STP15", "", "2024-01", "90%", "nine", "10", ""]], "numerator",
     NUMBER_HINT + ", found 'nine'"),
    ("denominator not a number", [["STP15", "", "2024-01", "N/A", "", "n/a", ""]],
     "denominator", NUMBER_HINT + ", found 'n/a'"),
    ("numerator above denominator", [["STP15", "", "2024-01", "", "14", "13", ""]], "numerator",
     "the numerator (14) is greater than the denominator (13); STP15 is a percentage, so "
     "expected at most 13"),
    ("numerator above denominator in the text",
     [["STP15", "", "2024-01", "107.69% (14 out of 13)", "", "", ""]], "value",
     "the numerator (14) is greater than the denominator (13); STP15 is a percentage, so "
     "expected at most 13"),
    ("negative numerator of a percentage", [["STP15", "", "2024-01", "", "-3", "10", ""]],
     "numerator", "the numerator must not be negative for a percentage KPI, found -3"),
    ("negative denominator", [["AFL13", "", "2024-01", "5", "3", "-5", ""]], "denominator",
     "the denominator must not be negative, found -5"),
    ("value disagrees with its terms", [["STP15", "", "2024-01", "80%", "12", "13", ""]],
     "value", "'80%' does not agree with the numerator and denominator: 12 out of 13 is "
     "92.31%; expected that value (or the numerator and denominator corrected)"),
    ("value disagrees with the terms in its text",
     [["STP15", "", "2024-01", "80% (12 out of 13)", "", "", ""]], "value",
     "'80% (12 out of 13)' does not agree with the numerator and denominator: 12 out of 13 is "
     "92.31%; expected that value (or the numerator and denominator corrected)"),
    ("value disagrees by more than rounding", [["STP15", "", "2024-01", "92.2%", "12", "13", ""]],
     "value", "'92.2%' does not agree with the numerator and denominator: 12 out of 13 is "
     "92.31%; expected that value (or the numerator and denominator corrected)"),
    ("column and text give different terms",
     [["STP31", "P3", "2024-01", "91.96% (1396 out of 1518)", "1397", "", ""]], "numerator",
     "1397 does not agree with the value '91.96% (1396 out of 1518)', which gives the numerator "
     "as 1396; expected the same numerator or an empty cell"),
    ("empty value with terms, not a percentage", [["AFL13", "", "2024-01", "", "12", "13", ""]],
     "value", "empty: expected a value (AFL13 is measured in count, so it cannot be computed "
     "from the numerator and denominator)"),
]


@pytest.mark.parametrize(("rows", "column", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_one_problem(nnc: Framework, tmp_path: Path, rows: list[list[str]], column: str,
                     message: str) -> None:
    good = ["STP16", "", "2024-01", "90%", "", "", ""]
    path = write_csv(tmp_path / "bad.csv", [good, *rows, [*good[:2], "2024-02", *good[3:]]])
    assert problems(path, nnc) == [Problem("bad.csv", None, 3, column, message)]


def test_duplicate_names_the_first_row(nnc: Framework, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", [
        ["STP16", "", "2024-01", "90%", "", "", ""],
        ["STP31", "P1", "2024-01", "100%", "", "", ""],
        ["STP16", "", "Jan-24", "91%", "", "", ""],  # the same month, written another way
        ["STP31", "P1 (Target response time within 24 hours)", "January 2023/24", "1", "", "", ""],
        ["STP31", "", "2024-01", "90%", "", "", ""],  # the KPI itself: not a duplicate
    ])
    assert problems(path, nnc) == [
        Problem("dup.csv", None, 4, "period", "STP16 2024-01 is already given on row 2; expected "
                "one row per ref, sub-measure and period"),
        Problem("dup.csv", None, 5, "period", "STP31 sub-measure P1 2024-01 is already given on "
                "row 3; expected one row per ref, sub-measure and period"),
    ]


def test_headers_as_written_name_the_column(nnc: Framework, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "aliases.csv", [["STP15", "", "2024-01", "12O", ""]],
                     header=["KPI", "Sub-measure", "Period", "Actual", "Comments"])
    (problem,) = problems(path, nnc)
    assert (problem.row, problem.column) == (2, "Actual")


def test_missing_column_is_reported_by_the_table_reader(nnc: Framework, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cols.csv", [["STP15", "2024-01"]], header=["ref", "period"])
    (problem,) = problems(path, nnc)
    assert (problem.file, problem.row) == ("cols.csv", 1)
    assert "missing required column" in problem.message and "'value'" in problem.message


def test_every_problem_in_a_file_is_reported(nnc: Framework) -> None:
    found = problems(FILES / "problems.csv", nnc)
    assert [(p.file, p.row, p.column) for p in found] == [
        ("problems.csv", 2, "period"),
        ("problems.csv", 3, "ref"),
        ("problems.csv", 4, "sub_measure"),
        ("problems.csv", 5, "value"),
        ("problems.csv", 6, "numerator"),
        ("problems.csv", 7, "value"),
        ("problems.csv", 8, "numerator"),
        ("problems.csv", 10, "period"),
        ("problems.csv", 11, "ref"),
        ("problems.csv", 11, "period"),
    ]
    assert str(TableImportError(found)).startswith("10 problems importing the file:\n"
                                                   "  - problems.csv, row 2, column 'period': ")


# -- accepted as written -------------------------------------------------------------------------

ACCEPTED: list[tuple[str, list[str], tuple[object, ...]]] = [
    ("rounded half up", ["92.31%", "12", "13"], (ValueState.VALUE, Decimal("92.31"))),
    ("rounded to a whole number", ["92%", "12", "13"], (ValueState.VALUE, Decimal(92))),
    ("rounded up", ["93%", "12", "13"], (ValueState.VALUE, Decimal(93))),
    ("truncated", ["92.3%", "12", "13"], (ValueState.VALUE, Decimal("92.3"))),
    ("computed", ["", "12", "13"], (ValueState.VALUE, Decimal("92.31"))),
    ("computed, zero denominator", ["", "0", "0"], (ValueState.NOT_APPLICABLE, None)),
    ("non-value with terms", ["Data unavailable", "12", "13"], (ValueState.MISSING, None)),
    ("N/A with terms", ["N/A", "0", "0"], (ValueState.NOT_APPLICABLE, None)),
    ("arrears with terms", ["N/A Reporting one month in arrears", "5", "9"],
     (ValueState.IN_ARREARS, None)),
    ("empty value, one term", ["", "", "13"], (ValueState.MISSING, None)),
    ("terms in both places, agreeing", ["92.31% (12 out of 13)", "12", "13"],
     (ValueState.VALUE, Decimal("92.31"))),
    ("money terms", ["96.43%", "£132,487,583.04", "137,395,604.79"],
     (ValueState.VALUE, Decimal("96.43"))),
    ("qualified value, not compared", ["<5%", "12", "13"], (ValueState.VALUE, Decimal(5))),
]


@pytest.mark.parametrize(("cells", "expected"), [c[1:] for c in ACCEPTED],
                         ids=[c[0] for c in ACCEPTED])
def test_accepted(nnc: Framework, tmp_path: Path, cells: list[str],
                  expected: tuple[object, ...]) -> None:
    path = write_csv(tmp_path / "ok.csv", [["STP15", "", "2024-01", *cells, "a note"]])
    (record,) = read_period_data(path, nnc)
    assert (record.state, record.value) == expected
    assert record.text == cells[0] and record.commentary == "a note" and record.row == 2


def test_terms_are_not_checked_for_other_units(nnc: Framework, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "rate.csv", [["AFL07", "", "2024-01", "517", "1034", "2", ""]])
    (record,) = read_period_data(path, nnc)
    assert (record.value, record.numerator, record.denominator) == (
        Decimal(517), Decimal(1034), Decimal(2))


# -- 200,000 rows --------------------------------------------------------------------------------


def big_framework(kpis: int, years: list[FinancialYear]) -> Framework:
    def kpi(i: int) -> KpiDefinition:
        subs = (SubMeasure("North"), SubMeasure("South")) if i % 10 == 0 else ()
        unit = Unit.PERCENT if i % 2 else Unit.COUNT
        return KpiDefinition(f"K{i:04d}", f"KPI {i}", unit=unit, sub_measures=subs)

    return Framework("Big Council", years={fy.label: KpiSet(fy.label, {
        k.ref: k for k in map(kpi, range(kpis))}) for fy in years})


@pytest.mark.slow
def test_200000_rows_with_one_bad_cell_near_the_end(tmp_path: Path) -> None:
    years = [FinancialYear(y) for y in range(2014, 2025)]
    framework = big_framework(1000, years)
    path, bad_row, rows = tmp_path / "big.csv", 199_990, 200_000
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        line = 1
        for fy in years:
            for period in (*fy.months(), *fy.quarters(), Period.half(fy, 1), Period.half(fy, 2),
                           Period.full_year(fy)):
                for i in range(1000):
                    line += 1
                    if line > rows + 1:
                        break
                    ref = f"K{i:04d}"
                    if i % 2:
                        den = 100 + line % 900
                        num = line % den
                        cells = [f"{num * 100 / den:.2f}%", str(num), str(den)]
                    elif line % 97 == 0:
                        cells = ["N/A", "", ""]
                    else:
                        cells = [f"{line:,}", "", ""]
                    if line == bad_row:
                        cells[0] = "12O"
                    writer.writerow([ref, "", period.key, *cells, "note" if i == 4 else ""])
    start = time.perf_counter()
    found = problems(path, framework)
    elapsed = time.perf_counter() - start
    print(f"\n200,000-row CSV read and checked in {elapsed:.2f} s")
    assert found == [Problem(
        "big.csv", None, bad_row, "value",
        "cannot read value '12O': not a well-formed number; expected a count such as '1,197', "
        "or N/A, TBC or Data unavailable")]
    assert elapsed < 20


# -- writing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_example(nnc: Framework, tmp_path: Path, suffix: str) -> None:
    # with values computed from their terms (moved to March, not to repeat February's)
    computed = [r._replace(period=Period.parse("2024-03"))
                for r in read_period_data(FILES / "aliases.csv", nnc)[1:3]]
    records = read_period_data(NNC / "values.csv", nnc) + computed
    path = tmp_path / f"out{suffix}"
    write_period_data(records, path)
    back = read_period_data(path, nnc)
    assert without_rows(back) == without_rows(records)
    assert [r.row for r in back] == list(range(2, len(records) + 2))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_awkward_text(nnc: Framework, tmp_path: Path, suffix: str) -> None:
    rows = [
        ["STP15", "", "2023/24-Q1", "", "12", "13", 'says "computed", with a comma'],
        ["STP15", "", "2023/24-Q2", "93.4% (12938 out of 13852)", "", "", "line one\nline two"],
        ["STP15", "", "2023/24-Q3", "TBC", "", "", "£ – “quotes” ✓"],
        ["STP15", "", "2023/24", "", "0", "0", ""],
        ["STP38", "", "2024-01", "96.51%", "110785845.69", "114789310.02", ""],
        ["STP38", "", "2024-02", "0096.43%", "132487583.04", "137395604.79", "  padded  "],
        ["AFL13", "", "2024-01", "0", "", "", "not a formula"],
        ["AFL13", "", "2024-02", "1,197", "", "", ""],
        ["AFL07", "", "2024-02", "408.40", "", "", ""],
        ["STP37a", "", "2024-02", "53.4 days", "", "", ""],
        ["STP36", "Corby", "2024-02", "-", "", "", ""],
        ["STP29", "P2", "2024-02", "", "", "", ""],
    ]
    records = read_period_data(write_csv(tmp_path / "in.csv", rows), nnc)
    path = tmp_path / f"out{suffix}"
    write_period_data(records, path)
    back = read_period_data(path, nnc)
    assert without_rows(back) == without_rows(records)
    assert back[0].text == "" and back[0].value == Decimal("92.31")
    assert back[5].text == "0096.43%"


def test_written_csv_has_the_documented_columns(nnc: Framework, tmp_path: Path) -> None:
    records = read_period_data(NNC / "values.csv", nnc)[:2]
    path = tmp_path / "out.csv"
    write_period_data(records, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    lines = data.decode("utf-8-sig").splitlines()
    assert tuple(lines[0].split(",")) == COLUMNS
    assert lines[1:] == ["STP15,,2023/24-Q1,92.31%,,,,", "STP15,,2023/24-Q2,82.35%,,,,"]


def test_written_xlsx_keeps_text_as_text(nnc: Framework, tmp_path: Path) -> None:
    records = [
        ValueRecord("AFL13", "", Period.parse("2024-02"), "1,197", Decimal(1197), None, None,
                    ValueState.VALUE, "=SUM(A1:A2)", 0),
        ValueRecord("AFL13", "", Period.parse("2024-01"), "55", Decimal(55), Decimal(5),
                    Decimal("11.50"), ValueState.VALUE, "", 0),
    ]
    path = tmp_path / "out.xlsx"
    write_period_data(records, path)
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws["D2"].value == "1,197" and ws["G2"].value == "=SUM(A1:A2)"
    assert ws["G2"].data_type == "s"  # a formula-looking comment stays text
    assert (ws["D3"].value, ws["E3"].value, ws["F3"].value) == (55, 5, 11.5)
    assert without_rows(read_period_data(path, nnc)) == records


def test_records_without_text_keep_their_value_and_state(nnc: Framework, tmp_path: Path) -> None:
    """Records built elsewhere (e.g. exported from the database) may have no text."""
    month = Period.parse("2024-02")
    records = [
        ValueRecord("STP15", "", month, "", Decimal("80.6"), None, None, ValueState.VALUE, "", 0),
        ValueRecord("STP16", "", month, "", None, None, None, ValueState.NOT_APPLICABLE, "", 0),
        ValueRecord("STP17", "", month, "", None, None, None, ValueState.TO_BE_CONFIRMED, "", 0),
        ValueRecord("AFL13", "", month, "", None, None, None, ValueState.IN_ARREARS, "", 0),
        ValueRecord("AFL14", "", month, "", None, None, None, ValueState.MISSING, "", 0),
    ]
    path = tmp_path / "out.csv"
    write_period_data(records, path)
    back = read_period_data(path, nnc)
    assert [(r.ref, r.value, r.state) for r in back] == [
        (r.ref, r.value, r.state) for r in records]


def test_write_needs_csv_or_xlsx(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"expected a \.csv or \.xlsx file name"):
        write_period_data([], tmp_path / "out.xls")


# -- the fast path for simple cells matches parse_value --------------------------------------------


SIMPLE_CELLS = (
    st.from_regex(r"[0-9]{0,5}(,[0-9]{0,4})?(\.[0-9]{0,3})?%?", fullmatch=True)
    | st.from_regex(r"[0-9]{1,4}(\.[0-9]{0,3})?%? ?\(?[0-9]{1,2}(,[0-9]{1,4})?(\.[0-9]{0,2})? "
                    r"(out of|OUT OF|/) ?[0-9]{1,3}(,[0-9]{3})?(\.[0-9]{1,2})?\)?", fullmatch=True)
    | st.text(alphabet="0123456789,.%- ()outf", max_size=14))


@given(SIMPLE_CELLS, st.sampled_from([None, *Unit]))
def test_read_value_is_parse_value(text: str, unit: Unit | None) -> None:
    try:
        expected: object = parse_value(text, unit=unit)
    except ValueParseError as exc:
        expected = str(exc)
    try:
        got: object = read_value(text, unit)
    except ValueParseError as exc:
        got = str(exc)
    assert got == expected


def test_ref_from_another_years_set(tmp_path: Path) -> None:
    framework = big_framework(3, [FinancialYear(2023), FinancialYear(2024)])
    framework.years["2024/25"].kpis["K0003"] = KpiDefinition("K0003", "New in 2024/25")
    path = write_csv(tmp_path / "years.csv", [
        ["K0003", "", "2024-01", "5", "", "", ""],
        ["K0003", "", "2024-04", "5", "", "", ""],
    ])
    assert problems(path, framework) == [Problem(
        "years.csv", None, 2, "ref", "'K0003' is not a KPI in the 2023/24 set (it is in the "
        "2024/25 set)")]


@st.composite
def near_terms(draw: st.DrawFn) -> str:
    """A percentage and its terms, written to 0 to 11 places, at or near agreement."""
    den = draw(st.integers(0, 20_000))
    num = draw(st.integers(0, den + 2))
    places = draw(st.integers(0, 11))
    exact = Decimal(num * 100) / Decimal(den) if den else Decimal(100)
    shown = exact.quantize(Decimal(1).scaleb(-places)) + draw(st.integers(-2, 2)) * Decimal(
        1).scaleb(-places)
    num_text = f"{num:,}" if draw(st.booleans()) else str(num)
    return f"{abs(shown):f}% ({num_text} out of {den})"


@given(SIMPLE_CELLS | near_terms(), st.sampled_from(list(Unit)))
def test_quick_check_is_the_full_check(text: str, unit: Unit) -> None:
    """A value cell the reader checks without building a ParsedValue is checked the same."""
    framework = big_framework(1, [FinancialYear(2023)])
    kpi = KpiDefinition("K0000", "KPI", unit=unit)
    reader = _Reader(TableRows("t.csv", None, [], {}, 1, [], iter(()), []), framework)
    quick = values_module._quick_checked(text, unit)
    try:
        parsed: ParsedValue | None = read_value(text, unit)
    except ValueParseError:
        parsed = None
    full = None if parsed is None else reader._terms(2, kpi, parsed, None, None)
    if full is None or reader.problems:
        assert quick is None
    else:
        assert quick is None or quick == full


# -- the fast path for rows gives what the full checks give ----------------------------------------

MUTATIONS = [
    lambda c: f" {c}", lambda c: f"{c} ", lambda c: "", lambda c: c.lower(), lambda c: "=1+1",
    lambda c: "N/A", lambda c: "12O", lambda c: "-3", lambda c: "1,197", lambda c: f"\t{c} ",
    lambda c: "50% (1 out of 2)", lambda c: "80% (12 out of 13)", lambda c: "92.31% (12 out of 13)",
    lambda c: "P1", lambda c: "Jan-24", lambda c: "2024-13", lambda c: "TBC", lambda c: "  ",
    lambda c: "14", lambda c: "13", lambda c: "a = b",
]


def read_both_ways(path: Path, framework: Framework, monkeypatch: pytest.MonkeyPatch
                   ) -> list[object]:
    got = []
    for fast in (True, False):
        monkeypatch.setattr(_Reader, "fast", fast)
        try:
            got.append(read_period_data(path, framework))
        except TableImportError as exc:
            got.append(exc.problems)
    return got


@pytest.mark.parametrize("seed", range(6))
def test_fast_path_and_full_checks_agree(nnc: Framework, tmp_path: Path, seed: int,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of the example, some cells changed (spaces, problems, formulas, duplicates, rows
    cut short or empty): the fast path gives the same records, or the same problems, as
    checking every row in full."""
    import random

    with (NNC / "values.csv").open(encoding="utf-8") as f:
        header, *body = list(csv.reader(f))
    rnd = random.Random(seed)
    outcomes = Counter()
    for n in range(40):
        rows = [["a title"], [], header] if rnd.random() < 0.2 else [header]
        changes = [0] * rnd.choice([2, 12, 200]) + [1, 1, 2]
        for row in rnd.sample(body, rnd.randint(1, 80)):
            row = list(row)
            for _ in range(rnd.choice(changes)):
                i = rnd.randrange(len(row))
                row[i] = rnd.choice(MUTATIONS)(row[i])
            if rnd.random() < 0.04:
                row = row[:rnd.randint(0, len(row))]
            if rnd.random() < 0.03:
                row = [""] * len(row)
            rows.append(row)
            if rnd.random() < 0.01:
                rows.append(list(row))  # a duplicate
        path = tmp_path / f"values{n}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        fast, full = read_both_ways(path, nnc, monkeypatch)
        assert fast == full
        outcomes["records" if isinstance(fast, list) and fast and isinstance(
            fast[0], ValueRecord) else "problems"] += 1
    assert outcomes["records"] and outcomes["problems"]


def test_fast_path_on_the_example_files(nnc: Framework, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in (NNC / "values.csv", FILES / "aliases.csv", FILES / "problems.csv"):
        fast, full = read_both_ways(path, nnc, monkeypatch)
        assert fast == full


def test_a_value_seen_before_is_checked_again_against_its_row(nnc: Framework,
                                                              tmp_path: Path) -> None:
    """The fast path remembers a cell's text as fine; the same text in a row with its terms in
    their own columns, with spaces around it, or for a KPI of another unit, is checked again."""
    path = write_csv(tmp_path / "again.csv", [
        ["STP15", "", "2024-01", "92.31%", "", "", ""],
        ["STP16", "", "2024-01", "92.31%", "12", "13", ""],  # agrees
        ["STP17", "", "2024-01", "92.31%", "1", "13", ""],  # does not
        ["STP15", "", "2024-02", " 92.31% ", "", "", "  a note "],
        ["AFL13", "", "2024-01", "92.31%", "", "", ""],  # a count
        ["STP15", "", " 2024-01", "92.31%", "", "", ""],  # the same period again
    ])
    assert problems(path, nnc) == [
        Problem("again.csv", None, 4, "value", "'92.31%' does not agree with the numerator and "
                "denominator: 1 out of 13 is 7.69%; expected that value (or the numerator and "
                "denominator corrected)"),
        Problem("again.csv", None, 6, "value", "cannot read value '92.31%': the text gives "
                "percent but count was expected"),
        Problem("again.csv", None, 7, "period", "STP15 2024-01 is already given on row 2; "
                "expected one row per ref, sub-measure and period"),
    ]
    path = write_csv(tmp_path / "fine.csv", [
        ["STP15", "", "2024-01", "92.31%", "", "", ""],
        ["STP15", "", "2024-02", " 92.31% ", "", "", "  a note "],
    ])
    second = read_period_data(path, nnc)[1]
    assert (second.text, second.value, second.commentary) == ("92.31%", Decimal("92.31"),
                                                              "a note")
