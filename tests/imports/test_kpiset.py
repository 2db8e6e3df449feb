"""The KPI set spreadsheet (NNC's Appendix B) and the table reader under it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from kpiboard.engine.kpi import KpiStatus
from kpiboard.engine.targets import NoTargetReason, Target
from kpiboard.engine.types import Frequency, Polarity, Unit
from kpiboard.imports.kpiset import (
    KpiSetImport,
    _change,
    read_kpi_set,
    target_text,
    write_kpi_set,
)
from kpiboard.imports.tabular import (
    Problem,
    TableImportError,
    cell_text,
    iter_table,
    normalise,
    number_text,
    read_table,
)

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "examples" / "nnc" / "kpi_set_2024-25.csv"
FILES = Path(__file__).parent / "files" / "kpiset"
Y, PREV = "2024/25", "2023/24"


def real_rows() -> list[list[str]]:
    with REAL.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], title: str = "KPIs") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def problems_of(path: Path, **kw: Any) -> list[Problem]:
    with pytest.raises(TableImportError) as exc:
        read_kpi_set(path, **kw)
    return exc.value.problems


def messages(path: Path, **kw: Any) -> list[str]:
    return [str(p) for p in problems_of(path, **kw)]


@pytest.fixture(scope="module")
def real() -> KpiSetImport:
    return read_kpi_set(REAL)


def by_ref(result: KpiSetImport) -> dict[str, Any]:
    return {k.ref: k for k in result.kpis}


# -- the real KPI set ----------------------------------------------------------------------
def test_real_set_has_35_kpis_for_2024_25_in_file_order(real: KpiSetImport) -> None:
    assert real.year == Y and real.previous_year == PREV
    assert len(real.kpis) == 35
    assert [k.ref for k in real.kpis] == [r[5] for r in real_rows()[1:]]
    assert real.problems == []
    assert real.rows["AFL26"] == 2 and real.rows["STP16/17"] == 36


def test_real_set_new_kpis(real: KpiSetImport) -> None:
    new = [k.ref for k in real.kpis if k.status is KpiStatus.NEW]
    assert new == ["AFL26", "BBF47", "BBF48", "BBF50"]
    # STP09, STP10 and STP44 were in the council's 2023/24 list but not in the stored set
    # (their Previous ref is 'none'): new to it, though the council calls them Existing.
    assert [c.ref for c in real.changes if c.kind == "new"] == [
        "AFL26", "BBF47", "BBF48", "BBF50", "STP09", "STP10", "STP44"]
    assert next(c for c in real.changes if c.ref == "AFL26").note == "NEW KPI"


def test_real_set_fields(real: KpiSetImport) -> None:
    k = by_ref(real)["AFL13"]
    assert k.name == "Number of households whose homelessness was prevented"
    assert k.key_commitment == "Active, fulfilled lives"
    assert k.priority == "Tackle the causes of complex problems such as poverty and homelessness"
    assert (k.directorate, k.department, k.team) == (
        "Adults, Health Partnerships & Housing", "Housing", "Housing")
    assert k.portfolio == "Housing, Communities & Levelling-up"
    assert k.rationale == "Previous data"
    assert k.description == "The number of positive homelessness preventions within the month"
    assert k.status is KpiStatus.EXISTING
    assert k.frequency is Frequency.MONTHLY


def test_real_set_monthly_target_and_previous_year(real: KpiSetImport) -> None:
    k = by_ref(real)["AFL13"]
    t = k.targets[Y]
    assert (t.annual, t.per_month, t.text) == (Decimal(264), Decimal(22), "264 (22 per month)")
    before = real.previous_targets["AFL13"]
    assert (before.annual, before.per_month, before.text) == (
        Decimal(252), Decimal(21), "252 (21 per month)")
    assert list(k.targets) == [Y]  # last year's target is kept apart


def test_real_set_stp31_targets_per_sub_measure(real: KpiSetImport) -> None:
    k = by_ref(real)["STP31"]
    assert k.targets[Y].text == "P1 and P2 97.5% - P3 and P4 90%"
    assert [s.code for s in k.sub_measures] == ["P1", "P2", "P3", "P4"]
    assert [k.target_for(Y, c).annual for c in ("P1", "P2", "P3", "P4")] == [
        Decimal("97.5"), Decimal("97.5"), Decimal(90), Decimal(90)]
    assert real.previous_targets["STP31"].text == "P1 and P2 97.5% - P3 and P4 90%"


def test_real_set_qualifier_and_other_forms(real: KpiSetImport) -> None:
    k = by_ref(real)
    stp44 = k["STP44"].targets[Y]
    assert (stp44.qualifier, stp44.annual) == (">", Decimal(99))
    assert k["MPS04 OFLOG"].targets[Y].annual == Decimal(98)
    assert k["STP37"].targets[Y].annual == Decimal(56)
    assert k["AFL26"].targets[Y].annual == Decimal(95)
    assert k["BBF22"].targets[Y].annual == Decimal(0)
    assert k["BBF22"].targets[Y].is_set


@pytest.mark.parametrize(("ref", "now", "before"), [
    ("AFL15", NoTargetReason.TRACKING, NoTargetReason.MONITORING_DEMAND),
    ("STP09", NoTargetReason.TRACKING, NoTargetReason.TRACKING),
    ("STP29", NoTargetReason.TRACKING, NoTargetReason.NOT_SET),
    ("BBF47", NoTargetReason.NOT_SET, NoTargetReason.NOT_SET),
    ("AFL26", None, NoTargetReason.NOT_SET),  # N/A last year
])
def test_real_set_no_target_reasons(real: KpiSetImport, ref: str, now: Any, before: Any) -> None:
    assert by_ref(real)[ref].targets[Y].none is now
    assert real.previous_targets[ref].none is before


def test_real_set_changes_and_notes(real: KpiSetImport) -> None:
    kinds = {c.ref: c.kind for c in real.changes}
    for ref in ("BBF22", "BBF33", "STP15"):
        assert kinds[ref] == "changed", ref  # renamed
    # the example's Previous ref column links the renumbered and merged KPIs
    for ref in ("AFL08 OFLOG", "MPS04 OFLOG", "MPS05 OFLOG", "BBF05", "STP37"):
        assert kinds[ref] == "renumbered", ref
    links = {c.ref: c.previous_refs for c in real.changes if c.previous_refs}
    assert links["AFL08 OFLOG"] == ("AFL08",) and links["STP37"] == ("STP37a",)
    assert links["STP16/17"] == ("STP16", "STP17") and kinds["STP16/17"] == "merged"
    assert len(links) == 11
    k = by_ref(real)
    assert k["AFL07"].notes == "Target updated."  # a new target is not a definition change
    assert "AFL07" not in kinds
    assert k["STP44"].notes == "Changed from MPI to KPI"
    assert k["AFL08 OFLOG"].notes == ""
    assert next(c for c in real.changes if c.ref == "AFL08 OFLOG").note.startswith(
        "Changed to match OFLOG name. Previous name: Number of people")


def test_real_set_childrens_trust_rows(real: KpiSetImport) -> None:
    trust = [k for k in real.kpis if k.department == "Children's Trust"]
    assert [k.ref for k in trust] == ["BBF47", "BBF48", "BBF50", "BBF05", "BBF06", "BBF27",
                                      "BBF07", "BBF28", "BBF29", "BBF08", "BBF09"]
    for k in trust:  # the published page had no Changes column: nothing shifted into it
        assert k.notes == ""
        assert k.rationale == "Previous data and benchmarks"
        assert k.portfolio == "Children, Families, Education & Skills"
    assert by_ref(real)["BBF05"].targets[Y].annual == Decimal(29)


def test_real_set_nameless_kpi_is_a_warning(real: KpiSetImport) -> None:
    k = by_ref(real)["STP16/17"]
    assert k.name == k.description and k.description.startswith("Non-major applications")
    assert [str(w) for w in real.warnings] == [
        "kpi_set_2024-25.csv, row 36, column 'Performance Indicator Name': STP16/17 has no "
        "name; its description is used as its name"]


def test_polarity_is_never_guessed(real: KpiSetImport) -> None:
    assert real.unknown_polarity == [k.ref for k in real.kpis]


def test_polarity_and_other_defaults(tmp_path: Path) -> None:
    result = read_kpi_set(REAL, defaults={
        "polarity": {"AFL13": "Higher is better", "STP37": "lower", "AFL15": "no polarity"},
        "frequency": "monthly", "unit": {"STP37": "days"}})
    k = by_ref(result)
    assert k["AFL13"].polarity is Polarity.HIGHER
    assert k["STP37"].polarity is Polarity.LOWER and k["STP37"].unit.value == "days"
    assert k["AFL15"].polarity is Polarity.NONE
    assert "STP37" not in result.unknown_polarity and "AFL26" in result.unknown_polarity
    assert len(result.unknown_polarity) == 32


def test_bad_polarity_default_is_a_problem_at_the_row() -> None:
    msgs = messages(REAL, defaults={"polarity": {"AFL13": "upwards"}})
    assert len(msgs) == 1
    assert msgs[0].startswith("kpi_set_2024-25.csv, row 7: defaults for AFL13: polarity "
                              "'upwards' is not one of")


def test_year_picks_the_target_column() -> None:
    result = read_kpi_set(REAL, year="2023-24")
    assert result.year == PREV and result.previous_year is None
    assert by_ref(result)["AFL13"].targets[PREV].annual == Decimal(252)
    assert result.previous_targets == {}
    msgs = messages(REAL, year="2025/26")
    assert msgs == ["kpi_set_2024-25.csv, row 1: no 'Target for 2025/26' column; the target "
                    "columns are 'Target for 2023-24', 'Target for 2024-25'"]


# -- the same content as xlsx, and header variants -------------------------------------------
def test_real_set_as_xlsx(tmp_path: Path, real: KpiSetImport) -> None:
    path = write_xlsx(tmp_path / "kpis.xlsx", [list(r) for r in real_rows()])
    result = read_kpi_set(path)
    assert result.kpis == real.kpis and result.changes == real.changes
    assert result.previous_targets == real.previous_targets


def test_xlsx_as_a_person_keeps_it(tmp_path: Path, real: KpiSetImport) -> None:
    """A title above the header, numbers as numbers, percentages formatted as such, and each
    key commitment merged down its rows."""
    rows = real_rows()
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Appendix B"
    ws.append(["Appendix B - KPIs to be reported monthly"])
    ws.append([])
    ws.append(rows[0])
    for r in rows[1:]:
        cells: list[Any] = list(r)
        for i in (9, 10):
            text = r[i]
            if text.isdigit():
                cells[i] = int(text)
            elif text.endswith("%") and text[:-1].replace(".", "").isdigit():
                cells[i] = float(Decimal(text[:-1]) / 100)
        ws.append(cells)
        for i in (9, 10):
            if isinstance(cells[i], float):
                ws.cell(ws.max_row, i + 1).number_format = "0%"
    start = 4
    for n in range(4, ws.max_row + 2):
        if n > ws.max_row or ws.cell(n, 1).value != ws.cell(start, 1).value:
            for m in range(start + 1, n):
                ws.cell(m, 1).value = None
            if n - 1 > start:
                ws.merge_cells(start_row=start, end_row=n - 1, start_column=1, end_column=1)
            start = n
    path = tmp_path / "appendix_b.xlsx"
    book.save(path)
    result = read_kpi_set(path)
    assert result.kpis == real.kpis
    assert result.previous_targets == real.previous_targets
    assert result.rows["AFL26"] == 4


@pytest.mark.parametrize("change", [
    lambda h: h.upper(),
    lambda h: "  " + h.lower().replace(" ", "   ") + " ",
    lambda h: h.replace(" ", "_"),
])
def test_header_case_and_spacing(tmp_path: Path, real: KpiSetImport, change: Any) -> None:
    rows = real_rows()
    rows[0] = [change(h) for h in rows[0]]
    result = read_kpi_set(write_csv(tmp_path / "kpis.csv", rows))
    assert result.kpis == real.kpis and result.changes == real.changes


def test_published_header_texts() -> None:
    result = read_kpi_set(FILES / "published_headers.csv")
    assert result.year == Y and result.previous_year == PREV
    k = by_ref(result)
    assert list(k) == ["AFL26", "AFL13", "BBF47", "STP44", "STP31"]
    assert k["AFL26"].status is KpiStatus.NEW
    assert k["AFL13"].key_commitment == "Active, fulfilled lives"
    assert k["AFL13"].priority.startswith("Tackle the causes")
    assert k["AFL13"].targets[Y].per_month == Decimal(22)
    assert k["STP44"].notes == "Changed from MPI to KPI"  # from the "from 2022-24 to 2024" column
    assert k["STP31"].description.startswith("This relates to carriageway")


def test_page_without_changes_column(real: KpiSetImport) -> None:
    result = read_kpi_set(FILES / "no_changes_column.csv")
    # the example's Polarity and Unit columns (for its new KPIs) are not on this page
    trust = [dataclasses.replace(k, polarity=Polarity.HIGHER, unit=Unit.NUMBER)
             for k in real.kpis if k.department == "Children's Trust"]
    assert result.kpis == trust
    assert [c.ref for c in result.changes] == ["BBF47", "BBF48", "BBF50"]


def test_target_and_notes_header_run_together(tmp_path: Path) -> None:
    """The published page 2 header: 'Target for 2024-25 (...) Notes on changes from ...'."""
    rows = [list(r[:11]) + list(r[12:]) for r in real_rows()[:4]]
    rows[0][10] = ("Target for 2024-25 (or explanation if not possible to set target) Notes on "
                   "changes from 2023-24 to 2024- 25")
    result = read_kpi_set(write_csv(tmp_path / "p2.csv", rows))
    assert result.year == Y
    assert by_ref(result)["AFL07"].targets[Y].annual == Decimal(480)


def test_repeated_header_and_heading_rows_are_skipped(tmp_path: Path, real: KpiSetImport) -> None:
    rows = real_rows()
    body = [rows[0], ["Active, fulfilled lives"], *rows[1:10], [], rows[0], *rows[10:]]
    result = read_kpi_set(write_csv(tmp_path / "pages.csv", body))
    assert result.kpis == real.kpis


def test_only_one_target_column(tmp_path: Path) -> None:
    rows = [[c for i, c in enumerate(r) if i != 9] for r in real_rows()]
    result = read_kpi_set(write_csv(tmp_path / "one.csv", rows))
    assert result.year == Y and result.previous_year is None and result.previous_targets == {}
    assert len(result.kpis) == 35


# -- problems, each at its place ---------------------------------------------------------
def test_missing_ref_column(tmp_path: Path) -> None:
    rows = [[c for i, c in enumerate(r) if i != 5] for r in real_rows()]
    msgs = messages(write_csv(tmp_path / "kpis.csv", rows))
    assert len(msgs) == 1
    assert msgs[0].startswith("kpis.csv, row 1: missing required column: 'ref' or 'reference' "
                              "or 'kpi ref' or 'kpi reference'; the columns found are: "
                              "'Key Commitment', 'Priority',")


def test_missing_target_columns(tmp_path: Path) -> None:
    rows = [[c for i, c in enumerate(r) if i not in (9, 10)] for r in real_rows()]
    msgs = messages(write_csv(tmp_path / "kpis.csv", rows))
    assert msgs[0].startswith("kpis.csv, row 1: no target column: expected a header such as "
                              "'Target for 2024-25'; the columns found are: 'Key Commitment'")


def test_duplicate_empty_ref_and_empty_name(tmp_path: Path) -> None:
    rows = real_rows()
    rows[5][5] = "AFL26"  # row 6 repeats row 2's ref
    rows[8][5] = ""  # row 9 has no ref
    rows[9][7] = rows[9][8] = ""  # row 10 (AFL12): no name and no description
    msgs = messages(write_csv(tmp_path / "kpis.csv", rows))
    assert msgs == [
        "kpis.csv, row 6, column 'Ref': Ref 'AFL26' is also on row 2",
        "kpis.csv, row 9, column 'Ref': no Ref: every KPI needs a reference such as 'STP15'",
        "kpis.csv, row 10, column 'Performance Indicator Name': AFL12 has no name",
    ]


def test_unreadable_targets_all_reported(tmp_path: Path) -> None:
    rows = real_rows()
    rows[0][10] = "Target for 2024-25 (or explanation if not possible to set target)"
    rows[3][10] = "about forty or so"  # row 4
    rows[20][9] = "see note 3"  # row 21, last year's column
    rows[7][6] = "Maybe"  # row 8 status
    problems = problems_of(write_csv(tmp_path / "kpis.csv", rows))
    assert [(p.row, p.column) for p in problems] == [
        (4, "Target for 2024-25 (or explanation if not possible to set target)"),
        (8, "New or Existing"), (21, "Target for 2023-24")]
    assert str(problems[0]).startswith(
        "kpis.csv, row 4, column 'Target for 2024-25 (or explanation if not possible to set "
        "target)': cannot read target 'about forty or so': expected a number")
    assert str(problems[1]) == ("kpis.csv, row 8, column 'New or Existing': expected New or "
                                "Existing, found 'Maybe'")


def test_formula_cell(tmp_path: Path) -> None:
    rows: list[list[Any]] = [list(r) for r in real_rows()[:6]]
    rows[3][10] = "=SUM(B2:B4)"  # row 4, column K
    msgs = messages(write_xlsx(tmp_path / "kpis.xlsx", rows))
    assert msgs == ["kpis.xlsx, sheet 'KPIs', row 4, column 'Target for 2024-25': a formula "
                    "with no saved result (=SUM(B2:B4)): open the file in Excel and save it, or "
                    "paste values"]


def test_formula_in_a_column_without_header(tmp_path: Path) -> None:
    rows: list[list[Any]] = [list(r) for r in real_rows()[:3]]
    rows[2].append("=1+1")
    msgs = messages(write_xlsx(tmp_path / "kpis.xlsx", rows))
    assert msgs == ["kpis.xlsx, sheet 'KPIs', row 3, column 'R': a formula with no saved "
                    "result (=1+1): open the file in Excel and save it, or paste values"]


def test_merged_header_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "kpis.xlsx", [list(r) for r in real_rows()[:4]])
    book = load_workbook(path)
    ws = book.active
    assert ws is not None
    ws.merge_cells("J1:K1")
    book.save(path)
    msgs = messages(path)
    assert "kpis.xlsx, sheet 'KPIs', row 1: header cells J1:K1 are merged; unmerge them so " \
           "each column has its name" in msgs


def test_non_utf8_csv() -> None:
    path = FILES / "windows_1252.csv"
    at = path.read_bytes().index(b"\xa3")
    msgs = messages(path)
    assert msgs == [f"windows_1252.csv: the file is not UTF-8 text: byte 0xA3 at byte offset "
                    f"{at} (line 2) cannot be read; save it as 'CSV UTF-8 (Comma delimited)' "
                    "and import it again"]


def test_utf8_with_bom(tmp_path: Path, real: KpiSetImport) -> None:
    path = write_csv(tmp_path / "bom.csv", real_rows(), encoding="utf-8-sig")
    assert read_kpi_set(path).kpis == real.kpis


def test_empty_sheet_and_empty_file(tmp_path: Path) -> None:
    assert messages(write_xlsx(tmp_path / "empty.xlsx", [])) == [
        "empty.xlsx, sheet 'KPIs': the sheet is empty"]
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    assert messages(tmp_path / "empty.csv") == ["empty.csv: the file is empty"]


def test_sheet_choice(tmp_path: Path, real: KpiSetImport) -> None:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    cover.append(["North Northamptonshire Council", "KPI set"])
    ws = book.create_sheet("Appendix B")
    for r in real_rows():
        ws.append(r)
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert read_kpi_set(path).kpis == real.kpis  # the first sheet with the header
    assert read_kpi_set(path, sheet="Appendix B").kpis == real.kpis
    assert messages(path, sheet="Cover")[0].startswith(
        "book.xlsx, sheet 'Cover', row 1: missing required columns:")
    assert messages(path, sheet="Nope") == [
        "book.xlsx, sheet 'Nope': no such sheet; the sheets are 'Cover', 'Appendix B'"]


def test_not_a_table_file(tmp_path: Path) -> None:
    (tmp_path / "kpis.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert messages(tmp_path / "kpis.xls") == [
        "kpis.xls: expected a .csv or .xlsx file, found .xls; save it as .xlsx"]
    (tmp_path / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    assert messages(tmp_path / "broken.xlsx") == [
        "broken.xlsx: not a valid .xlsx file (it is not a zip archive: corrupt, or another "
        "format renamed)"]
    assert messages(tmp_path / "missing.csv") == ["missing.csv: the file does not exist"]


def test_all_problems_in_one_error(tmp_path: Path) -> None:
    rows = real_rows()
    rows[2][10] = "lots"
    rows[4][5] = "AFL26"
    with pytest.raises(TableImportError) as exc:
        read_kpi_set(write_csv(tmp_path / "kpis.csv", rows))
    text = str(exc.value)
    assert text.startswith("2 problems importing the file:\n  - kpis.csv, row 3, column "
                           "'Target for 2024-25': cannot read target 'lots'")
    assert "\n  - kpis.csv, row 5, column 'Ref': Ref 'AFL26' is also on row 2" in text


def test_not_strict_returns_the_problems(tmp_path: Path) -> None:
    rows = real_rows()
    rows[2][10] = "lots"
    result = read_kpi_set(write_csv(tmp_path / "kpis.csv", rows), strict=False)
    assert [p.row for p in result.problems] == [3]
    assert len(result.kpis) == 35


# -- change notes ------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "kind", "previous"), [
    ("NEW KPI", "new", ()),
    ("Target updated.", None, ()),
    ("Changed from MPI to KPI", None, ()),
    ("Changed to match OFLOG name. Previous name: Number of people", "changed", ()),
    ("(previously named 'Number of children without a school place')", "changed", ()),
    ("Name has been aligned to match the Oflog wording.", "changed", ()),
    ("Definition changed to include Corby", "changed", ()),
    ("Reference changed from STP12", "renumbered", ("STP12",)),
    ("Renumbered (was AFL 09)", "renumbered", ("AFL 09",)),
    ("Moved from Housing to Adult Social Care", "moved", ()),
    ("Split from STP16/17", "split", ("STP16/17",)),
    ("Merged STP16 and STP17", "merged", ("STP16", "STP17")),
    ("Removed - now reported to Scrutiny", "removed", ()),
    ("", None, ()),
])
def test_change_kinds(text: str, kind: str | None, previous: tuple[str, ...]) -> None:
    change = _change("XYZ01", text, KpiStatus.EXISTING)
    assert (change.kind if change else None) == kind
    if change is not None:
        assert change.previous_refs == previous and change.note == text


def test_removed_row_is_not_a_kpi(tmp_path: Path) -> None:
    rows = real_rows()
    rows[2][11] = "Removed from the set"
    result = read_kpi_set(write_csv(tmp_path / "kpis.csv", rows))
    assert len(result.kpis) == 34 and "AFL07" not in by_ref(result)
    assert [c.ref for c in result.changes if c.kind == "removed"] == ["AFL07"]


# -- writing -----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip(tmp_path: Path, real: KpiSetImport, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    write_kpi_set(real.kpis, path, year=Y, previous_year=PREV,
                  previous_targets=real.previous_targets, changes=real.changes)
    again = read_kpi_set(path)
    assert again.year == Y and again.previous_year == PREV
    assert again.kpis == real.kpis
    assert again.changes == real.changes
    assert again.previous_targets == real.previous_targets


def test_round_trip_without_changes(tmp_path: Path, real: KpiSetImport) -> None:
    path = tmp_path / "out.csv"
    write_kpi_set(real.kpis, path, year=Y)
    again = read_kpi_set(path)
    assert again.previous_year is None
    plain = [k for k in real.kpis if k.ref not in {c.ref for c in real.changes}]
    assert [k for k in again.kpis if k.ref in {p.ref for p in plain}] == plain


def test_written_xlsx_layout(tmp_path: Path, real: KpiSetImport) -> None:
    path = tmp_path / "out.xlsx"
    write_kpi_set(real.kpis, path, year=Y, previous_year=PREV,
                  previous_targets=real.previous_targets, changes=real.changes)
    ws = load_workbook(path).active
    assert ws is not None
    assert [c.value for c in ws[1]] == real_rows()[0]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws["J2"].value == "N/A" and ws["K2"].value == "95%"


def test_target_text_renders_targets_without_text() -> None:
    cases = [
        (Target(annual=Decimal(264), per_month=Decimal(22)), "264 (22 per month)"),
        (Target(annual=Decimal(99), qualifier=">"), ">99"),
        (Target(annual=Decimal("97.50")), "97.5"),
        (Target(band=(Decimal(85), Decimal(90))), "85 - 90"),
        (Target(none=NoTargetReason.TRACKING), "No target - tracking indicator only"),
        (Target(none=NoTargetReason.TO_BE_DECIDED), "TBD"),
        (Target(none=NoTargetReason.UNDER_REVIEW), "Target under review"),
        (None, ""),
    ]
    from kpiboard.engine.targets import parse_target

    for target, text in cases:
        assert target_text(target) == text
        if target is not None:
            back = parse_target(text).target
            assert (back.annual, back.per_month, back.qualifier, back.band, back.none) == (
                target.annual, target.per_month, target.qualifier, target.band, target.none)


# -- the table reader --------------------------------------------------------------------
def test_cell_text() -> None:
    assert cell_text(12.0) == "12"
    assert cell_text(0.1 + 0.2) == "0.3"  # a calculated double, kept to the 10 places stored
    assert cell_text(1e-12) == "0.000000000001"  # typed so: left for the importer to refuse
    assert cell_text(408.4) == "408.4"
    assert cell_text(0.806, "0.0%") == "80.6%"
    assert cell_text(0.975, "0%") == "97.5%"
    assert cell_text(1, "0%") == "100%"
    assert cell_text(1e-7) == "0.0000001"
    assert cell_text(dt.datetime(2024, 4, 1)) == "2024-04-01"
    assert cell_text(dt.datetime(2024, 4, 1, 9, 30)) == "2024-04-01T09:30:00"
    assert cell_text(dt.date(2024, 3, 31)) == "2024-03-31"
    assert cell_text(True) == "TRUE"
    assert cell_text(None) == "" and cell_text("  x ") == "x"
    assert number_text(Decimal("71233944.18")) == "71233944.18"


def test_normalise() -> None:
    assert normalise(" Target for 2024-25 (or explanation)") == "target for 2024 25 or explanation"
    assert normalise("New_or  EXISTING") == "new or existing"


def test_table_rows_and_unmatched_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [
        ["Ref", "Value", "Notes"], ["A1", "12", "x"], ["", "", ""], ["A2", "", ""]])
    table = read_table(path, required={"ref": ("ref",)}, optional={"value": ("value", "val")})
    assert table.header == ["Ref", "Value", "Notes"]
    assert table.columns == {"ref": "Ref", "value": "Value"}
    assert table.rows == [(2, {"ref": "A1", "value": "12", "Notes": "x"}),
                          (4, {"ref": "A2", "value": "", "Notes": ""})]
    assert str(table.problem(4, "value", "expected a number")) == (
        "t.csv, row 4, column 'Value': expected a number")


def test_table_read_row_by_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [
        ["Title"], [], [" Ref", "Value ", "Notes"], [" A1 ", "12", "x = y"], ["", " ", ""],
        ["A2"], ["A3", "=1+1", "", " =2"], ["A4", "=", "", ""]])
    table = iter_table(path, required={"ref": ("ref",)}, optional={"value": ("value", "val")})
    assert (table.header, table.header_row) == (["Ref", "Value", "Notes"], 3)
    assert table.index == {"ref": 0, "value": 1, "Notes": 2}
    assert table.problems == []
    # cells as written (not stripped), at least one per column; empty rows left out
    assert list(table.rows) == [(4, [" A1 ", "12", "x = y"]), (6, ["A2", "", ""]),
                                (7, ["A3", "=1+1", "", " =2"]), (8, ["A4", "=", "", ""])]
    assert [str(p) for p in table.problems] == [
        "t.csv, row 7, column 'Value': a formula, not a value: =1+1; paste values instead",
        "t.csv, row 7, column 'D': a formula, not a value: =2; paste values instead"]
    with pytest.raises(TableImportError) as exc:  # read whole, the same problems
        read_table(path, required={"ref": ("ref",)}, optional={"value": ("value", "val")})
    assert exc.value.problems == table.problems


def test_table_without_formulas_read_row_by_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [["Ref", "Value"], ["A1", " 1 "], ["A2"]])
    table = read_table(path, required={"ref": ("ref",)}, optional={"value": ("value",)})
    assert table.rows == [(2, {"ref": "A1", "value": "1"}), (3, {"ref": "A2", "value": ""})]
    rows = iter_table(path, required={"ref": ("ref",)}, optional={"value": ("value",)}).rows
    assert list(rows) == [(2, ["A1", " 1 "]), (3, ["A2", ""])]


def test_duplicate_columns_for_one_key(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [["Ref", "Reference", "Value"], ["A1", "A1", "1"]])
    with pytest.raises(TableImportError) as exc:
        read_table(path, required={"ref": ("ref", "reference")}, optional={})
    assert [str(p) for p in exc.value.problems] == [
        "t.csv, row 1, column 'Reference': this column and 'Ref' are the same column (ref)"]


def test_problem_text() -> None:
    assert str(Problem("kpis.xlsx", "KPIs", 12, "Target for 2024-25", "expected a number, "
                       "found 'lots'")) == ("kpis.xlsx, sheet 'KPIs', row 12, column 'Target "
                                            "for 2024-25': expected a number, found 'lots'")
    assert str(Problem("a.csv", None, None, None, "empty")) == "a.csv: empty"


def test_200k_rows(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Ref", "Period", "Value", "Commentary"])
        for i in range(200_000):
            w.writerow([f"K{i % 500}", f"2024-{(i % 12) + 1:02d}", str(i), "" if i % 3 else "ok"])
    started = time.perf_counter()
    table = read_table(path, required={"ref": ("ref",), "value": ("value",)},
                       optional={"period": ("period",)})
    assert len(table.rows) == 200_000
    assert table.rows[-1] == (200_001, {"ref": "K499", "period": "2024-08", "value": "199999",
                                        "Commentary": ""})
    assert time.perf_counter() - started < 30
