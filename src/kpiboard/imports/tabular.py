"""Reading a table (CSV or XLSX) safely, with every problem reported at its cell.

Shared by every importer: ``read_table`` finds the header row, maps the columns to canonical
keys by their names (case, spacing and punctuation ignored; a header matches an alias when
it starts with it), and gives each cell as the text a person sees in Excel. ``iter_table``
does the same one row at a time, for files too long to hold as a table of dicts (a CSV file
is then read as it is parsed, never whole).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

HEADER_SEARCH_ROWS = 20  # the header may sit below a title; look this far down for it


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an imported file, with where it is (parts left None are unknown)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return f"{', '.join(parts)}: {self.message}"


class TableImportError(Exception):
    """A file that could not be imported; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} importing the file:\n{lines}")


@dataclass
class Table:
    """The rows of a table: ``rows`` holds (row number as the user sees it, cells), where
    cells maps each canonical key (and each unmatched column's header text) to its text."""

    file: str
    sheet: str | None
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    columns: dict[str, str] = field(default_factory=dict)  # canonical key -> header text
    header_row: int = 1

    def problem(self, row: int | None, key: str | None, message: str) -> Problem:
        """A problem at a row and a column given by its canonical key (or header text)."""
        column = self.columns.get(key, key) if key is not None else None
        return Problem(self.file, self.sheet, row, column, message)


@dataclass
class TableRows:
    """A table read one row at a time (see ``iter_table``).

    ``rows`` yields (row number as the user sees it, cells) for each row under the header that
    is not entirely empty, once. The cells are the texts as the file holds them, *not*
    stripped of surrounding spaces, and there are at least as many as the header has columns.
    ``keys`` gives (column index, key) for each column with a header: its canonical key, or
    its header text if it matched none; ``index`` maps a key to its column index.
    ``problems`` lists the problems found so far: the header's from the start, then those of
    the rows (formulas) as they are read; once ``rows`` is used up it holds every problem
    ``read_table`` would have raised."""

    file: str
    sheet: str | None
    header: list[str]
    columns: dict[str, str]  # canonical key -> header text
    header_row: int
    keys: list[tuple[int, str]]
    rows: Iterator[tuple[int, list[str]]]
    problems: list[Problem]
    index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {key: i for i, key in self.keys}

    def problem(self, row: int | None, key: str | None, message: str) -> Problem:
        """A problem at a row and a column given by its canonical key (or header text)."""
        column = self.columns.get(key, key) if key is not None else None
        return Problem(self.file, self.sheet, row, column, message)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk import builds a million objects
    that all stay alive: collecting would only walk them again and again (it can double the
    time taken) and find nothing. Objects are still freed as usual; collection resumes (if it
    was on) when the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def normalise(text: str) -> str:
    """Header text compared loosely: lower case, punctuation and spacing collapsed."""
    return " ".join(re.sub(r"[\W_]+", " ", str(text).lower()).split())


def number_text(value: int | float | Decimal, *, percent: bool = False) -> str:
    """A number as a person reads it: no float noise, ``0.806`` as ``80.6%`` if percent."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if percent:
        number *= 100
    if number == number.to_integral_value():
        text = str(int(number))
    else:
        text = format(number.normalize(), "f")
    return text + ("%" if percent else "")


def cell_text(value: Any, number_format: str = "General") -> str:
    """An openpyxl cell value as text (dates as ISO, percentages as ``80.6%``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return number_text(value, percent="%" in (number_format or ""))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def read_table(path: str | Path, *, required: Mapping[str, tuple[str, ...]],
               optional: Mapping[str, tuple[str, ...]] | None = None,
               sheet: str | None = None) -> Table:
    """Read a CSV or XLSX table; raise ``TableImportError`` listing every problem found.

    ``required``/``optional`` map canonical keys to header aliases. For a workbook, the first
    sheet with all required columns is read unless ``sheet`` is given (ignored for CSV)."""
    table = iter_table(path, required=required, optional=optional, sheet=sheet)
    keys = table.keys
    rows = [(number, {k: cells[i].strip() for i, k in keys}) for number, cells in table.rows]
    if table.problems:
        raise TableImportError(table.problems)
    return Table(table.file, table.sheet, table.header, rows, table.columns, table.header_row)


def iter_table(path: str | Path, *, required: Mapping[str, tuple[str, ...]],
               optional: Mapping[str, tuple[str, ...]] | None = None,
               sheet: str | None = None) -> TableRows:
    """``read_table`` one row at a time: the header is found (and a file that cannot be read
    at all raises ``TableImportError``) before this returns; the rows are read as
    ``rows`` is iterated, and their problems added to ``problems`` (see ``TableRows``)."""
    path = Path(path)
    name = path.name
    aliases = {**(optional or {}), **required}
    if not path.is_file():
        raise TableImportError([Problem(name, None, None, None, "the file does not exist"
                                        if not path.exists() else "this is not a file")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _open(name, None, _csv_rows(path), required, aliases)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, required, aliases, sheet)
    hint = "; save it as .xlsx" if suffix == ".xls" else ""
    raise TableImportError([Problem(name, None, None, None, f"expected a .csv or .xlsx file, "
                                    f"found {suffix or 'a file with no extension'}{hint}")])


# -- internals ---------------------------------------------------------------------------------
_Row = tuple[int, list[str], list[Problem]]  # row number, cell texts, problems in that row
_NO_PROBLEMS: list[Problem] = []  # shared by every row without any: never appended to
_CHUNK = 1 << 20


def _csv_rows(path: Path) -> Iterator[_Row]:
    """The records of a CSV file, cells as written (not stripped). The whole file is checked to
    be UTF-8 first, so that a bad byte is reported before anything else, at its byte offset."""
    name = path.name
    has_formula_sign = _check_utf8(path, name)
    with path.open(encoding="utf-8-sig", newline="") as f:
        if not has_formula_sign:  # no formula anywhere: every row as it comes, quickly
            yield from zip(itertools.count(1), csv.reader(f), itertools.repeat(_NO_PROBLEMS))
            return
        for number, cells in enumerate(csv.reader(f), start=1):
            # "=" is rare in a file; only a row that has one can hold a formula
            if "=" in "\0".join(cells):
                yield number, cells, _formulas(name, number, cells)
            else:
                yield number, cells, _NO_PROBLEMS


def _check_utf8(path: Path, name: str) -> bool:
    """Raise ``TableImportError`` unless the file is UTF-8 text; return whether it holds an "="
    anywhere (read in chunks: the file is not held in memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    has_formula_sign = False
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                has_formula_sign = has_formula_sign or b"=" in chunk
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return has_formula_sign
    except OSError as exc:
        raise TableImportError([Problem(name, None, None, None,
                                        f"cannot read the file: {exc.strerror or exc}")]) from exc
    except UnicodeDecodeError:
        data = path.read_bytes()
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start + bom
        line = data[:at].count(b"\n") + 1
        raise TableImportError([Problem(
            name, None, None, None,
            f"the file is not UTF-8 text: byte 0x{data[at]:02X} at byte offset {at} (line {line})"
            " cannot be read; save it as 'CSV UTF-8 (Comma delimited)' and import it again")]
        ) from exc
    raise AssertionError("unreachable: the file decoded in one piece but not in chunks")


def _formulas(name: str, number: int, cells: list[str]) -> list[Problem]:
    from openpyxl.utils import get_column_letter

    texts = [c.strip() for c in cells]
    return [Problem(name, None, number, get_column_letter(i + 1), _formula(t))
            for i, t in enumerate(texts) if t.startswith("=") and len(t) > 1]


def _formula(formula: str) -> str:
    return f"a formula, not a value: {formula}; paste values instead"


def _read_xlsx(path: Path, required: Mapping[str, tuple[str, ...]],
               aliases: Mapping[str, tuple[str, ...]], sheet: str | None) -> TableRows:
    import openpyxl

    name = path.name
    if not zipfile.is_zipfile(path):
        raise TableImportError([Problem(name, None, None, None, "not a valid .xlsx file (it is "
                                        "not a zip archive: corrupt, or another format renamed)")])
    try:
        book = openpyxl.load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise TableImportError([Problem(name, None, None, None,
                                        f"cannot open the workbook: {exc}")]) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise TableImportError([Problem(name, sheet, None, None, "no such sheet; the sheets are "
                                        + ", ".join(repr(s) for s in book.sheetnames))])
    sheets = [book[sheet]] if sheet is not None else book.worksheets
    chosen = next((ws for ws in sheets if _has_header(ws, required, aliases)), None)
    if chosen is None:  # report against the first sheet with anything in it
        chosen = next((ws for ws in sheets if ws.max_row > 1 or ws["A1"].value is not None),
                      sheets[0])
    return _open(name, chosen.title, _xlsx_rows(name, chosen), required, aliases, chosen)


def _has_header(ws: Any, required: Mapping[str, tuple[str, ...]],
                aliases: Mapping[str, tuple[str, ...]]) -> bool:
    for row in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
        if required.keys() <= set(_match([cell_text(v) for v in row], aliases).values()):
            return True
    return False


def _xlsx_rows(name: str, ws: Any) -> Iterator[_Row]:
    from openpyxl.utils import get_column_letter

    merged: dict[tuple[int, int], Any] = {}
    for rng in ws.merged_cells.ranges:  # a merged range shows its top-left value in every cell
        top = ws.cell(rng.min_row, rng.min_col)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = top
    for row in ws.iter_rows():
        texts: list[str] = []
        problems: list[Problem] = []
        number = 0
        for cell in row:
            number = number or getattr(cell, "row", 0)
            source = merged.get((cell.row, cell.column), cell)
            value = source.value
            if source.data_type == "f":
                formula = getattr(value, "text", value)
                problems.append(Problem(name, ws.title, cell.row, get_column_letter(cell.column),
                                        _formula(str(formula))))
                texts.append("")
            else:
                texts.append(cell_text(value, source.number_format))
        yield number, texts, problems


def _match(header: list[str], aliases: Mapping[str, tuple[str, ...]]) -> dict[int, str]:
    """Column index -> canonical key; the longest matching alias wins."""
    found: dict[int, str] = {}
    for i, text in enumerate(header):
        norm = normalise(text)
        best = max(((len(normalise(a)), key) for key, names in aliases.items() for a in names
                    if norm and normalise(a) and norm.startswith(normalise(a))), default=None)
        if best:
            found[i] = best[1]
    return found


def _blank(cells: list[str]) -> bool:
    """Whether every cell is empty or only spaces."""
    return all(not c or c.isspace() for c in cells)


def _open(name: str, sheet: str | None, rows: Iterable[_Row],
          required: Mapping[str, tuple[str, ...]], aliases: Mapping[str, tuple[str, ...]],
          ws: Any = None) -> TableRows:
    it = iter(rows)
    problems: list[Problem] = []
    head: list[_Row] = []
    best: tuple[int, int, list[str], dict[int, str]] | None = None  # score, row, header, map
    for number, cells, row_problems in it:
        if _blank(cells):
            continue
        head.append((number, cells, row_problems))
        matched = _match([c.strip() for c in cells], aliases)
        score = len({k for k in matched.values() if k in required}) * 1000 + len(matched)
        if best is None or score > best[0]:
            best = (score, number, cells, matched)
        if len(head) >= HEADER_SEARCH_ROWS or required.keys() <= set(matched.values()):
            break
    if best is None:
        what = "sheet" if sheet else "file"
        raise TableImportError([Problem(name, sheet, None, None, f"the {what} is empty")])
    _, header_row, header, matched = best
    header = [h.strip() for h in header]
    for number, _t, row_problems in head:
        if number <= header_row:
            problems.extend(row_problems)
    if ws is not None:
        for rng in ws.merged_cells.ranges:
            if rng.min_row <= header_row <= rng.max_row:
                problems.append(Problem(name, sheet, header_row, None, f"header cells {rng.coord}"
                                        " are merged; unmerge them so each column has its name"))
    columns: dict[str, str] = {}
    for i, key in matched.items():
        if key in columns:
            problems.append(Problem(name, sheet, header_row, header[i], f"this column and "
                                    f"{columns[key]!r} are the same column ({key})"))
        else:
            columns[key] = header[i]
    missing = [k for k in required if k not in columns]
    if missing:
        names = "; ".join(" or ".join(repr(a) for a in required[k]) for k in missing)
        found = ", ".join(repr(h) for h in header if h) or "none"
        problems.append(Problem(name, sheet, header_row, None, f"missing required column"
                                f"{'s' if len(missing) > 1 else ''}: {names}; the columns found "
                                f"are: {found}"))
    keys = [(i, matched.get(i, h)) for i, h in enumerate(header) if h]
    width = len(header)

    after = [row for row in head if row[0] > header_row]  # read while finding the header
    body = itertools.chain(_rows(after, header, width, problems),
                           _rows(it, header, width, problems))
    return TableRows(name, sheet, header, columns, header_row, keys, body, problems)


def _rows(rows: Iterable[_Row], header: list[str], width: int, problems: list[Problem]
          ) -> Iterator[tuple[int, list[str]]]:
    """The rows that are not empty, at least ``width`` cells each; their problems (formulas)
    are added to ``problems``, each column named by its header where it has one."""
    for number, cells, row_problems in rows:
        if row_problems:
            for p in row_problems:
                i = _index(p.column)
                col = header[i] if i is not None and i < len(header) and header[i] else p.column
                problems.append(Problem(p.file, p.sheet, p.row, col, p.message))
        elif (not cells or not cells[0] or cells[0].isspace()) and _blank(cells):
            continue  # an empty row (the first cell is enough to tell for most rows)
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        yield number, cells


def _index(column: str | None) -> int | None:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(column) - 1 if column and column.isalpha() else None
