"""A worksheet of an .xlsx workbook read as a stream of rows, from its real cells only.

The sheet's ``<dimension>`` record is never used, and no empty row or cell is made: a
workbook with one cell at A1048576 costs one cell. Each cell is given as the text a person
sees (see ``SheetTarget._cell``): a number at full precision (``85%`` for 0.85 under a
percent format), a date as its format shows it (``Mar-24``; a ``DateText``, which also knows
its month), a formula as its saved result. A cell beyond the row or column limit, or longer
than the cell limit, stops the reading with a message at the cell; a formula with no saved
result, or a text holding a control character, is a problem at the cell.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from kpiboard.imports.controls import control_problem
from kpiboard.imports.limits import ImportLimits, variable
from kpiboard.imports.numformat import DATE, PERCENT, date_text
from kpiboard.imports.tabular import (
    NO_PROBLEMS,
    DateText,
    Problem,
    Row,
    TableImportError,
    column_letter,
    number_text,
)
from kpiboard.imports.xlsxparts import CellLimit, PartError, SharedStrings, tags, unescape

_TAGS = tags("row", "c", "v", "f", "is", "t", "rPh")
MAX_COLUMN = 16_384  # XFD, Excel's last column
MAX_ROW = 1 << 31
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_LAST_SERIAL = 2_958_466  # 10000-01-01: no date is this late


class SheetTarget:
    """The expat target for a worksheet. Finished rows are collected in ``done`` (the
    reader hands them on after each chunk of the part)."""

    def __init__(self, file: str, title: str, strings: SharedStrings,
                 styles: dict[str, tuple[int, str]], date1904: bool, limits: ImportLimits,
                 merged: list[tuple[int, int, int, int]]) -> None:
        self.file, self.title = file, title
        self.strings, self.styles = strings, styles
        self.epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
        self.max_rows, self.max_columns = limits.rows, limits.columns
        self.max_chars = limits.cell_chars
        self.done: list[Row] = []
        self.row = 0
        self.cells: dict[int, str] = {}
        self.problems: list[Problem] = []
        self.col = -1
        self.ref: str | None = None
        self.t = "n"
        self.s: str | None = None
        self.v: str | None = None
        self.f: str | None = None
        self.f_attrib: dict[str, str] = {}
        self.inline: list[str] | None = None
        self.parts: list[str] = []
        self.length = 0
        self.collect = False
        self.phonetic = 0
        self.columns: dict[str, int] = {}
        self.shared_formulas: dict[str, tuple[str, str]] = {}
        self.merged = sorted(merged)
        self.merge_next = 0
        self.active: list[list[Any]] = []  # [top, left, bottom, right, value]

    # -- expat's calls ----------------------------------------------------------------------
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _TAGS.get(tag)
        if name is None:
            return
        if name == "c":
            self.ref = ref = attrib.get("r")
            self.col = self.col + 1 if ref is None else self._column(ref)
            self.t = attrib.get("t", "n")
            self.s = attrib.get("s")
            self.v = self.f = self.inline = None
        elif name == "v" or name == "f":
            self.parts = []
            self.length = 0
            self.collect = True
            if name == "f":
                self.f_attrib = attrib
        elif name == "row":
            r = attrib.get("r")
            number = self.row + 1 if r is None else _row_number(r)
            if number <= self.row:
                raise self._damaged(f"row {r} comes after row {self.row}")
            self.row = number
            self.cells = {}
            self.problems = []
            self.col = -1
        elif name == "is":
            self.inline = []
        elif name == "t":
            if self.inline is not None and not self.phonetic:
                self.parts = []
                self.length = 0
                self.collect = True
        elif name == "rPh":
            self.phonetic += 1

    def data(self, text: str) -> None:
        if self.collect:
            self.length += len(text)
            if self.length > self.max_chars:
                raise CellLimit
            self.parts.append(text)

    def end(self, tag: str) -> None:
        name = _TAGS.get(tag)
        if name is None:
            return
        if name == "v":
            self.v = "".join(self.parts)
            self.collect = False
        elif name == "c":
            self._cell()
        elif name == "row":
            self._row()
        elif name == "f":
            self.f = "".join(self.parts)
            self.collect = False
            attrib = self.f_attrib
            if self.f and attrib.get("t") == "shared" and "si" in attrib:
                self.shared_formulas[attrib["si"]] = (self.f, self.ref or "")
        elif name == "t":
            if self.collect and self.inline is not None:
                self.inline.append("".join(self.parts))
                self.collect = False
        elif name == "rPh":
            self.phonetic -= 1

    def close(self) -> None:
        return None

    # -- cells and rows ---------------------------------------------------------------------
    def _cell(self) -> None:
        t, v = self.t, self.v
        if self.f is not None and (v is None or (not v and t != "str")):
            self._problem(f"a formula with no saved result ({self._formula()}): open the file "
                          "in Excel and save it, or paste values")
            return
        if t == "s":
            if v is None:
                return
            try:
                index = int(v)
                text = self.strings[index]
            except (ValueError, IndexError):
                self._problem(f"the cell refers to shared text {v!r}, which the workbook does "
                              "not have: the file is damaged")
                return
            if index in self.strings.bad:
                self._problem(self.strings.bad[index])
                return
        elif t == "n":
            if not v:
                return
            text = self._number(v)
        elif t == "inlineStr" or t == "str":
            text = unescape("".join(self.inline or ()) if t == "inlineStr" else v or "")
            if (problem := control_problem(text)) is not None:
                self._problem(problem)
                return
        elif t == "b":
            if not v:
                return
            text = "TRUE" if v.strip() in ("1", "true") else "FALSE"
        elif t == "e":
            text = v or ""
        elif t == "d":
            if not v:
                return
            text = self._iso_date(v)
        else:
            self._problem(f"unknown cell type {t!r}: the file is damaged")
            return
        if not text:
            return
        col = self.col
        if col >= self.max_columns:
            if text.isspace():
                return
            raise self._limit(f"there is data beyond column {column_letter(self.max_columns - 1)}"
                              f": a table has at most {self.max_columns:,} columns (the limit "
                              f"{variable('columns')})")
        if self.row > self.max_rows:
            raise self._limit(f"there is data beyond row {self.max_rows:,}: a table has at most "
                              f"{self.max_rows:,} rows, the header included (the limit "
                              f"{variable('rows')}); import it in parts")
        self.cells[col] = text

    def _number(self, v: str) -> str:
        style = self.styles.get(self.s) if self.s is not None else None
        if style is None and v.isdigit() and len(v) < 16:
            return v
        try:
            number = float(v)
        except ValueError:
            self._problem(f"the cell holds {v[:40]!r} as a number: the file is damaged")
            return ""
        if not math.isfinite(number):
            self._problem(f"the cell holds {v[:40]!r}, not a number Excel can hold: the file "
                          "is damaged")
            return ""
        if style is None:
            return number_text(number)
        kind, code = style
        if kind == PERCENT:
            return number_text(number, percent=True)
        if not 0 <= number < _LAST_SERIAL:
            return number_text(number)
        when = self._serial_date(number)
        text = date_text(when, code)
        if kind == DATE and number >= 1:
            return DateText(text, f"{when.year:04d}-{when.month:02d}")
        return text

    def _serial_date(self, number: float) -> dt.datetime:
        days = number
        if self.epoch is _EPOCH_1900 and number < 60:  # Excel's 29 February 1900 is not real
            days += 1
        moment = self.epoch + dt.timedelta(days=days)
        # to the nearest millisecond, as Excel shows it (floats give 09:29:59.999999)
        micro = round(moment.microsecond, -3)
        return moment.replace(microsecond=0) + dt.timedelta(microseconds=micro)

    def _iso_date(self, v: str) -> str:
        try:
            when = dt.datetime.fromisoformat(v.strip().rstrip("Z"))
        except ValueError:
            self._problem(f"the cell holds {v[:40]!r} as a date: the file is damaged")
            return ""
        style = self.styles.get(self.s) if self.s is not None else None
        code = style[1] if style is not None else "yyyy-mm-dd"
        text = date_text(when, code)
        if style is None or style[0] == DATE:
            return DateText(text, f"{when.year:04d}-{when.month:02d}")
        return text

    def _row(self) -> None:
        if self.merged or self.active:
            self._fill_merged()
        cells = self.cells
        if not cells and not self.problems:
            return
        texts = [""] * (max(cells) + 1) if cells else []
        for col, text in cells.items():
            texts[col] = text
        self.done.append((self.row, texts, self.problems or NO_PROBLEMS))

    def _fill_merged(self) -> None:
        """A merged range shows its top-left value in each of its cells, in the rows that
        have cells of their own."""
        row, merged = self.row, self.merged
        while self.merge_next < len(merged) and merged[self.merge_next][0] <= row:
            self.active.append([*merged[self.merge_next], None])
            self.merge_next += 1
        self.active = [a for a in self.active if a[2] >= row]
        cells = self.cells
        for a in self.active:
            top, left, _bottom, right, value = a
            if row == top:
                a[4] = value = cells.get(left - 1)
            if value and cells:
                for col in range(left - 1, min(right, self.max_columns)):
                    cells[col] = value

    def _formula(self) -> str:
        if self.f:
            return f"={self.f}"
        shared = self.shared_formulas.get(self.f_attrib.get("si", ""))
        if shared is None or not self.ref:
            return "a formula"
        from openpyxl.formula.translate import Translator, TranslatorError

        try:
            return str(Translator(f"={shared[0]}", origin=shared[1]).translate_formula(self.ref))
        except (TranslatorError, ValueError):
            return f"={shared[0]}"

    def _column(self, ref: str) -> int:
        letters = ref.rstrip("0123456789")
        col = self.columns.get(letters)
        if col is None:
            up = letters.upper()
            if not (0 < len(up) <= 3 and up.isalpha() and up.isascii()):
                raise self._damaged(f"a cell's reference {ref[:20]!r} is not a cell")
            col = 0
            for letter in up:
                col = col * 26 + ord(letter) - 64
            col -= 1
            if col >= MAX_COLUMN:
                raise self._damaged(f"cell {ref[:20]!r} is beyond column XFD, Excel's last")
            self.columns[letters] = col
        return col

    def _problem(self, message: str) -> None:
        self.problems.append(Problem(self.file, self.title, self.row, column_letter(self.col),
                                     message))

    def _limit(self, message: str) -> TableImportError:
        return TableImportError([Problem(self.file, self.title, self.row,
                                         column_letter(self.col), message)])

    def _damaged(self, message: str) -> PartError:
        return PartError(f"{message}: the file is damaged")


def _row_number(text: str) -> int:
    if not text.isdigit() or not 0 < int(text[:12]) < MAX_ROW:
        raise PartError(f"row number {text[:20]!r} is not a row: the file is damaged")
    return int(text)
