"""Reading a table (CSV or XLSX) safely, with every problem reported at its cell.

Shared by every importer: ``read_table`` finds the header row, maps the columns to canonical
keys by their names (case, spacing and punctuation ignored; a header matches an alias when
it starts with it), and gives each cell as the text a person sees in Excel. ``iter_table``
does the same one row at a time, for files too long to hold as a table of dicts (the file is
then read as it is parsed, never whole).

The readers themselves are ``kpiboard.imports.csvfile`` and ``kpiboard.imports.workbook``;
what a file really is (whatever its name says) is told by ``kpiboard.imports.fileformat``.
Every reader works within the import limits (``kpiboard.imports.limits``) and refuses control
characters (``kpiboard.imports.controls``) at their cell.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from kpiboard.engine.numbers import DECIMAL_PLACES, WIDE
from kpiboard.imports.limits import ImportLimits, LimitsError, import_limits, variable

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
        number = number.scaleb(2)
    number = _calculated(number)
    if number == number.to_integral_value():
        text = str(int(number))
    else:
        text = format(number.normalize(), "f")
    return text + ("%" if percent else "")


def _calculated(number: Decimal) -> Decimal:
    """A workbook number with 15 or more significant digits and more decimal places than
    kpiboard keeps is a calculated result (``=12/14`` is 0.8571428571428571): its last digits
    are the binary double's, beyond the 15 that Excel itself shows, so it is kept to
    ``DECIMAL_PLACES`` places, rounded half up. A shorter number with too many places was
    typed so, and is left for the importer to refuse."""
    exponent = number.as_tuple().exponent
    if (isinstance(exponent, int) and -exponent > DECIMAL_PLACES
            and len(number.as_tuple().digits) >= 15):
        return number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), ROUND_HALF_UP, WIDE)
    return number


class DateText(str):
    """A workbook's date cell as a person sees it (``Mar-24``, ``01/03/2024``), which also
    knows its month (``2024-03``): a column read as months (a period) takes the month."""

    month: str

    def __new__(cls, text: str, month: str) -> DateText:
        self = super().__new__(cls, text)
        self.month = month
        return self


def column_letter(index: int) -> str:
    """The letter of a column by its index from 0 (``0`` is ``A``, ``27`` is ``AB``)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: Any, number_format: str = "General") -> str:
    """A cell value as text (dates as ISO, percentages as ``80.6%``); the workbook reader
    shows dates by their number format (see ``kpiboard.imports.workbook``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        from kpiboard.imports.numformat import is_percent

        return number_text(value, percent=is_percent(number_format or ""))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def read_table(path: str | Path, *, required: Mapping[str, tuple[str, ...]],
               optional: Mapping[str, tuple[str, ...]] | None = None,
               sheet: str | None = None, months: Collection[str] = ()) -> Table:
    """Read a CSV or XLSX table; raise ``TableImportError`` listing every problem found.

    ``required``/``optional`` map canonical keys to header aliases. For a workbook, the first
    sheet with all required columns is read unless ``sheet`` is given (ignored for CSV); see
    ``kpiboard.imports.workbook`` for hidden sheets. A date cell in a column of ``months``
    reads as its month (``2024-03``)."""
    table = iter_table(path, required=required, optional=optional, sheet=sheet, months=months)
    keys = table.keys
    rows = [(number, {k: cells[i].strip() for i, k in keys}) for number, cells in table.rows]
    if table.problems:
        raise TableImportError(table.problems)
    return Table(table.file, table.sheet, table.header, rows, table.columns, table.header_row)


def iter_table(path: str | Path, *, required: Mapping[str, tuple[str, ...]],
               optional: Mapping[str, tuple[str, ...]] | None = None,
               sheet: str | None = None, months: Collection[str] = ()) -> TableRows:
    """``read_table`` one row at a time: the header is found (and a file that cannot be read
    at all raises ``TableImportError``) before this returns; the rows are read as
    ``rows`` is iterated, and their problems added to ``problems`` (see ``TableRows``). A
    limit reached while the rows are read raises ``TableImportError`` from the iteration."""
    from kpiboard.imports.fileformat import refuse_unless_table

    path = Path(path)
    name = path.name
    aliases = {**(optional or {}), **required}
    if not path.is_file():
        raise TableImportError([Problem(name, None, None, None, "the file does not exist"
                                        if not path.exists() else "this is not a file")])
    try:
        limits = import_limits()
    except LimitsError as exc:
        raise TableImportError([Problem(name, None, None, None, str(exc))]) from exc
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise TableImportError([Problem(name, None, None, None, f"the file is {size:,} bytes, "
                                        f"more than {limits.file_bytes:,} (the limit "
                                        f"{variable('file_bytes')})")])
    kind = refuse_unless_table(path)
    if kind == "csv":
        from kpiboard.imports.csvfile import csv_rows

        return _open(name, None, csv_rows(path, limits), required, aliases, limits)
    from kpiboard.imports.workbook import open_sheet

    found = open_sheet(path, limits, sheet, lambda cells: _header_score(cells, required,
                                                                        aliases) >= 0)
    return _open(name, found.title, found.rows, required, aliases, limits, found.merged,
                 months)


# -- internals ---------------------------------------------------------------------------------
Row = tuple[int, list[str], list[Problem]]  # row number, cell texts, problems in that row
NO_PROBLEMS: list[Problem] = []  # shared by every row without any: never appended to


def _header_score(cells: list[str], required: Mapping[str, tuple[str, ...]],
                  aliases: Mapping[str, tuple[str, ...]]) -> int:
    """-1 unless the row has every required column; else how many columns it names."""
    matched = _match([c.strip() for c in cells], aliases)
    return len(matched) if required.keys() <= set(matched.values()) else -1


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


def _open(name: str, sheet: str | None, rows: Iterable[Row],
          required: Mapping[str, tuple[str, ...]], aliases: Mapping[str, tuple[str, ...]],
          limits: ImportLimits, merged: Iterable[tuple[int, int, int, int]] = (),
          months: Collection[str] = ()) -> TableRows:
    it = iter(rows)
    problems: list[Problem] = []
    head: list[Row] = []
    most = limits.columns
    best: tuple[int, int, list[str], dict[int, str]] | None = None  # score, row, header, map
    for number, cells, row_problems in it:
        if len(cells) > most:
            cells = _within(name, sheet, number, cells, most)
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
    for top, left, bottom, right in merged:
        if top <= header_row <= bottom:
            coord = f"{column_letter(left - 1)}{top}:{column_letter(right - 1)}{bottom}"
            problems.append(Problem(name, sheet, header_row, None, f"header cells {coord} are "
                                    "merged; unmerge them so each column has its name"))
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
    body: Iterator[tuple[int, list[str]]] = itertools.chain(
        _rows(name, sheet, after, header, width, problems, most),
        _rows(name, sheet, it, header, width, problems, most))
    month_columns = [i for i, key in keys if key in months]
    if month_columns and sheet is not None:  # a workbook's date cells: their month
        body = _months(body, month_columns)
    return TableRows(name, sheet, header, columns, header_row, keys, body, problems)


def _rows(name: str, sheet: str | None, rows: Iterable[Row], header: list[str], width: int,
          problems: list[Problem], most: int) -> Iterator[tuple[int, list[str]]]:
    """The rows that are not empty, at least ``width`` cells each; their problems (formulas)
    are added to ``problems``, each column named by its header where it has one. A limit
    reached while reading (``TableImportError``) names the column by its header too."""
    try:
        for number, cells, row_problems in rows:
            if row_problems:
                problems.extend(_named(p, header) for p in row_problems)
            elif (not cells or not cells[0] or cells[0].isspace()) and _blank(cells):
                continue  # an empty row (the first cell is enough to tell for most rows)
            n = len(cells)
            if n != width:
                if n > most:
                    cells = _within(name, sheet, number, cells, most)
                elif n < width:
                    cells = cells + [""] * (width - n)
            yield number, cells
    except TableImportError as exc:
        raise TableImportError([_named(p, header) for p in exc.problems]) from exc


def _named(p: Problem, header: list[str]) -> Problem:
    """The problem with its column named by its header (it comes with the column's letter)."""
    i = _index(p.column)
    if i is None or i >= len(header) or not header[i]:
        return p
    return Problem(p.file, p.sheet, p.row, header[i], p.message)


def _within(name: str, sheet: str | None, number: int, cells: list[str], most: int
            ) -> list[str]:
    """The row's first ``most`` cells, if every cell after them is empty; else refuse it."""
    for i in range(most, len(cells)):
        if cells[i] and not cells[i].isspace():
            raise TableImportError([Problem(
                name, sheet, number, column_letter(i), f"there is data beyond column "
                f"{column_letter(most - 1)}: a table has at most {most:,} columns (the limit "
                f"{variable('columns')})")])
    return cells[:most]


def _months(rows: Iterable[tuple[int, list[str]]], columns: list[int]
            ) -> Iterator[tuple[int, list[str]]]:
    """The rows with each date cell of ``columns`` read as its month (``2024-03``)."""
    for number, cells in rows:
        for i in columns:
            cell = cells[i]
            if type(cell) is DateText:
                cells[i] = cell.month
        yield number, cells


def _index(column: str | None) -> int | None:
    if not column or not column.isalpha() or not column.isupper() or len(column) > 3:
        return None
    index = 0
    for letter in column:
        index = index * 26 + ord(letter) - 64
    return index - 1
