"""The table readers within the import limits: each limit set by its variable and refused at
its place; control characters; what a file is, whatever its name; and hostile files under
1 MB read in a subprocess under a 1 GB address-space cap, each within seconds and 200 MB."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kpiboard.framework import Framework, load_framework
from kpiboard.imports.controls import CONTROL, control_problem
from kpiboard.imports.fileformat import ole2_names
from kpiboard.imports.tabular import TableImportError, read_table
from kpiboard.imports.values import read_period_data
from tests.corpus.xlsxbuild import NS, cell, ole2, row, sheet_xml, workbook
from tests.store.conftest import NNC

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["ref", "period", "value", "commentary"]
GOOD = [["STP15", "2024-01", "71.43%", ""], ["STP16", "2024-01", "78.13%", ""]]
MB = 1024 * 1024


@pytest.fixture(scope="module")
def nnc() -> Framework:
    return load_framework(NNC / "framework.yaml")


def messages(path: Path, framework: Framework, sheet: str | None = None) -> list[str]:
    with pytest.raises(TableImportError) as info:
        read_period_data(path, framework, sheet=sheet)
    return [str(p) for p in info.value.problems]


def csv_file(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join(",".join(r) + "\r\n" for r in rows), encoding="utf-8")
    return path


def xlsx_file(path: Path, rows: list[list[str]], *more: str) -> Path:
    xml = sheet_xml([row(i + 1, *r) for i, r in enumerate(rows)] + list(more))
    return workbook(path, [("Values", "visible", xml)])


# -- each limit, set by its variable -----------------------------------------------------------


def test_row_limit(nnc: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_ROWS", "3")
    rows = [HEADER, *GOOD, ["STP17", "2024-01", "1", ""]]
    expected = ("there is data beyond row 3: a table has at most 3 rows, the header included "
                "(the limit KPIBOARD_IMPORT_MAX_ROWS); import it in parts")
    assert messages(xlsx_file(tmp_path / "v.xlsx", rows), nnc) == [
        f"v.xlsx, sheet 'Values', row 4, column 'ref': {expected}"]
    assert messages(csv_file(tmp_path / "v.csv", rows), nnc) == [
        "v.csv, row 4: the file has more than 3 rows (the limit KPIBOARD_IMPORT_MAX_ROWS); "
        "import it in parts"]
    # empty rows beyond the limit are no data
    assert len(read_period_data(csv_file(tmp_path / "w.csv", [*rows[:3], [""], [","]]),
                                nnc)) == 2


def test_column_limit(nnc: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_COLUMNS", "4")
    rows = [HEADER, GOOD[0], [*GOOD[1], "", "late"]]
    expected = ("column 'F': there is data beyond column D: a table has at most 4 columns (the "
                "limit KPIBOARD_IMPORT_MAX_COLUMNS)")
    assert messages(csv_file(tmp_path / "v.csv", rows), nnc) == [f"v.csv, row 3, {expected}"]
    assert messages(xlsx_file(tmp_path / "v.xlsx", rows), nnc) == [
        f"v.xlsx, sheet 'Values', row 3, {expected}"]
    # empty cells beyond the limit (an Excel CSV's trailing commas) are no data
    padded = [[*r, "", " "] for r in [HEADER, *GOOD]]
    assert len(read_period_data(csv_file(tmp_path / "p.csv", padded), nnc)) == 2


def test_cell_limit(nnc: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_CELL_CHARS", "20")
    rows = [HEADER, GOOD[0], [*GOOD[1][:3], "a comment of 31 characters long"]]
    expected = ("column 'commentary': the cell holds more than 20 characters (the limit "
                "KPIBOARD_IMPORT_MAX_CELL_CHARS)")
    assert messages(csv_file(tmp_path / "v.csv", rows), nnc) == [f"v.csv, row 3, {expected}"]
    assert messages(xlsx_file(tmp_path / "v.xlsx", rows), nnc) == [
        f"v.xlsx, sheet 'Values', row 3, {expected}"]
    # the csv module's own limit is restored
    import csv

    assert csv.field_size_limit() == 131072


def test_file_limit(nnc: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_FILE_BYTES", "40")
    path = csv_file(tmp_path / "v.csv", [HEADER, *GOOD])
    assert messages(path, nnc) == [f"v.csv: the file is {path.stat().st_size} bytes, more than "
                                   "40 (the limit KPIBOARD_IMPORT_MAX_FILE_BYTES)"]


def test_sheet_and_zip_limits(nnc: Framework, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = [(n, "visible", sheet_xml([row(1, *HEADER), row(2, *GOOD[0])])) for n in "ABC"]
    path = workbook(tmp_path / "v.xlsx", sheets)
    assert len(read_period_data(path, nnc)) == 1
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_SHEETS", "2")
    assert messages(path, nnc) == ["v.xlsx: the workbook has more than 2 sheets (the limit "
                                   "KPIBOARD_IMPORT_MAX_SHEETS)"]
    monkeypatch.delenv("KPIBOARD_IMPORT_MAX_SHEETS")
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_UNZIPPED_BYTES", "1000")
    [message] = messages(path, nnc)
    assert message.startswith("v.xlsx: the workbook unzips to ")
    assert message.endswith("bytes, more than 1,000 (the limit "
                            "KPIBOARD_IMPORT_MAX_UNZIPPED_BYTES)")
    monkeypatch.delenv("KPIBOARD_IMPORT_MAX_UNZIPPED_BYTES")
    rnd = random.Random(2)
    filler = "".join(f"<!--{''.join(rnd.choices('ab', k=100))}-->" for _ in range(20_000))
    path = xlsx_file(tmp_path / "f.xlsx", [HEADER, *GOOD], filler)  # about 7 times smaller
    assert len(read_period_data(path, nnc)) == 2
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_ZIP_RATIO", "5")
    [message] = messages(path, nnc)
    assert "times its compressed size, more than 5 times (the limit " \
           "KPIBOARD_IMPORT_MAX_ZIP_RATIO): the file may be a zip bomb" in message


def test_a_limit_set_wrong(nnc: Framework, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_ROWS", "lots")
    assert messages(csv_file(tmp_path / "v.csv", [HEADER, *GOOD]), nnc) == [
        "v.csv: KPIBOARD_IMPORT_MAX_ROWS must be a whole number of 1 or more, found 'lots'"]


# -- control characters ------------------------------------------------------------------------


def test_control_characters() -> None:
    allowed = "\t\n\r" + "".join(chr(c) for c in range(0x20, 0x7F)) + "\xa0£é—\u2028"
    assert CONTROL.search(allowed) is None
    refused = [chr(c) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F,
                                                                                      0xA0)]]
    assert all(CONTROL.fullmatch(c) for c in refused)
    assert control_problem("ok\ttext\n") is None
    assert control_problem("a\x00b\x00") == ("contains a control character (U+0000 NUL) at "
                                              "position 2 (and 1 more); remove it")
    assert control_problem("\x9f") == ("contains a control character (U+009F APC) at position "
                                       "1; remove it")


def test_controls_anywhere_in_the_table(nnc: Framework, tmp_path: Path) -> None:
    """In a title row above the header, and in a column with no header, too."""
    rows = [["Figures\x07"], HEADER, [*GOOD[0], "x\x1f"]]
    assert messages(csv_file(tmp_path / "v.csv", rows), nnc) == [
        "v.csv, row 1, column 'A': contains a control character (U+0007 BEL) at position 8; "
        "remove it",
        "v.csv, row 3, column 'E': contains a control character (U+001F US) at position 2; "
        "remove it"]


# -- what a file is ----------------------------------------------------------------------------


def test_ole2_directories(tmp_path: Path) -> None:
    names = ["EncryptionInfo", "EncryptedPackage"] + [f"Stream {i}" for i in range(9)]
    assert ole2_names(ole2(tmp_path / "a.xlsx", names)) == {n.lower() for n in names}
    (tmp_path / "cut.xls").write_bytes((tmp_path / "a.xlsx").read_bytes()[:600])
    with pytest.raises(ValueError):
        ole2_names(tmp_path / "cut.xls")


def test_a_workbook_under_another_name_is_read(nnc: Framework, tmp_path: Path) -> None:
    xlsx_file(tmp_path / "v.xlsx", [HEADER, *GOOD])
    for name in ("v.xls", "v.csv"):
        (tmp_path / name).write_bytes((tmp_path / "v.xlsx").read_bytes())
        assert len(read_period_data(tmp_path / name, nnc)) == 2


def test_strict_ooxml_namespace(tmp_path: Path) -> None:
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    xml = sheet_xml([row(1, "ref", "name"), row(2, "X1", "A KPI")]).replace(NS, strict)
    path = workbook(tmp_path / "s.xlsx", [("S", "visible", xml)])
    table = read_table(path, required={"ref": ("ref",)})
    assert table.rows == [(2, {"ref": "X1", "name": "A KPI"})]


# -- hostile files under 1 MB: memory and time -------------------------------------------------


def _hostile(out: Path) -> list[Path]:
    """Files under 1 MB made to cost as much as they can."""
    rnd = random.Random(3)
    files = []
    files.append(workbook(out / "a1048576.xlsx", [("V", "visible", sheet_xml(
        [row(1_048_576, "x")], dimension="A1:XFD1048576"))]))
    files.append(workbook(out / "bomb.xlsx", [("V", "visible", sheet_xml(
        "<!--" + " " * (300 * MB) + "-->"))]))
    # just under the ratio limit: 8 million shared strings, most of them empty
    strings = "".join("<si><t/></si>" if rnd.random() < 0.997 else f"<si><t>{rnd.random()}</t>"
                      "</si>" for _ in range(8_000_000))
    cells = "".join(f'<row r="{r}">' + "".join(
        f'<c r="{c}{r}" t="s"><v>{rnd.randrange(8_000_000)}</v></c>' for c in "ABCDEFGH")
        + "</row>" for r in range(1, 4000))
    files.append(workbook(out / "strings.xlsx", [("V", "visible", sheet_xml(cells))],
                          extra={"xl/sharedStrings.xml": f'<sst xmlns="{NS}">{strings}</sst>'},
                          strings=[]))
    sheets = [(f"S{i}", "visible", sheet_xml([row(r, *(f"c{r}x{c}" for c in range(20)))
                                              for r in range(1, 100)])) for i in range(50)]
    files.append(workbook(out / "sheets.xlsx", sheets))
    big = "".join(f'<row r="{r}">' + "".join(cell(f"{c}{r}", "x") for c in "ABCDEFGH") + "</row>"
                  for r in range(1, 40_000))
    files.append(workbook(out / "rows.xlsx", [("V", "visible", sheet_xml(big))]))
    (out / "cell.csv").write_text("ref,period,value\r\n" + '"' + "x" * (MB - 100) + '"\r\n',
                                  encoding="utf-8")
    (out / "columns.csv").write_text("," * (MB - 10) + "\r\n", encoding="utf-8")
    (out / "blank_rows.csv").write_text("ref,period,value\r\n" + "\r\n" * (MB // 2 - 20),
                                        encoding="utf-8")
    (out / "quote.csv").write_text('ref,period,value\r\n"' + "a,\r\n" * (MB // 4 - 10),
                                   encoding="utf-8")
    files += [out / "cell.csv", out / "columns.csv", out / "blank_rows.csv", out / "quote.csv"]
    for path in files:
        assert path.stat().st_size < MB, path
        with path.open("rb") as f:
            assert f.read(2) in (b"PK", b"re", b'"x', b",,")
    with zipfile.ZipFile(out / "strings.xlsx") as z:
        info = z.getinfo("xl/sharedStrings.xml")
        assert 100 < info.file_size / info.compress_size < 200, info  # not refused as a bomb
    return files


_PROBE = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpiboard.settings")
django.setup()
from kpiboard.framework import load_framework
from kpiboard.imports.tabular import TableImportError
from kpiboard.imports.values import read_period_data
framework = load_framework(sys.argv[1])
def peak_mb():  # VmHWM: ru_maxrss would count the parent's peak (kept across exec)
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) // 1024 for l in f if l.startswith("VmHWM"))
before = peak_mb()
out = {"baseline_mb": before, "files": {}}
for name in sys.argv[2:]:
    started = time.perf_counter()
    try:
        read_period_data(name, framework)
        result = "read"
    except TableImportError as exc:
        result = str(exc.problems[0])
    out["files"][name] = [result, round(time.perf_counter() - started, 2), peak_mb()]
print(json.dumps(out))
"""


@pytest.mark.slow
def test_hostile_files_under_1_mb_stay_small_and_quick(tmp_path: Path) -> None:
    files = _hostile(tmp_path)
    done = subprocess.run([sys.executable, "-c", _PROBE, str(NNC / "framework.yaml"),
                           *map(str, files)], capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    for name, (result, seconds, peak_mb) in report["files"].items():
        assert result != "read", name
        assert seconds < 30, (name, seconds, result)
        assert peak_mb < 200, (name, peak_mb, result)
