"""Reading an .xlsx workbook for ``kpiboard.imports.tabular``: its zip checked before anything
is unzipped, its sheet chosen, and that sheet streamed row by row (``xlsxsheet``).

**The zip.** From its directory, before anything is read: the total size once unzipped
(``zip_bytes``) and, for each part over 1 MB unzipped, how many times its compressed size it
unzips to (``zip_ratio``); a part is never read beyond the size the directory gives it.

**The sheet.** ``--sheet NAME`` reads that sheet, hidden or not. Otherwise the first sheet
whose header has the required columns is read, unless it is hidden (or very hidden), or a
hidden sheet has those columns too: then nothing is read and the message names the sheets,
so that a stale hidden copy is never imported by mistake (``--sheet`` chooses). If no sheet
has the columns, the first visible sheet with anything in it is reported on.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from kpiboard.imports.limits import ImportLimits, variable
from kpiboard.imports.tabular import (
    HEADER_SEARCH_ROWS,
    Problem,
    Row,
    TableImportError,
    column_letter,
)
from kpiboard.imports.xlsxparts import (
    RELS,
    CellLimit,
    PartError,
    PartLimit,
    SharedStrings,
    StringsTarget,
    StylesTarget,
    feed,
    parse,
    stream,
    tags,
)
from kpiboard.imports.xlsxsheet import SheetTarget

RATIO_FLOOR = 1 << 20  # a part smaller than this once unzipped is never a bomb
MAX_PARTS = 10_000  # parts in a workbook's zip (a real one has tens)
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
SAVE_AS = "open it in Excel and save it as .xlsx (File > Save As > Excel Workbook)"


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str  # visible, hidden or veryHidden
    part: str | None  # the worksheet's part in the zip; None for a chart sheet and the like

    @property
    def hidden(self) -> bool:
        return self.state in ("hidden", "veryHidden")

    @property
    def shown(self) -> str:
        """The sheet's name, and whether it is hidden, as a message names it."""
        return repr(self.name) + {"hidden": " (hidden)", "veryHidden": " (very hidden)"}.get(
            self.state, "")


@dataclass
class FoundSheet:
    """The sheet to read: its title, its rows (a stream, which closes the workbook when it
    ends) and its merged ranges (top, left, bottom, right; from 1)."""

    title: str
    rows: Iterator[Row]
    merged: list[tuple[int, int, int, int]]


def open_sheet(path: Path, limits: ImportLimits, sheet: str | None,
               has_header: Callable[[list[str]], bool]) -> FoundSheet:
    """Open the workbook and choose its sheet (see the module docstring); raise
    ``TableImportError`` for a file that is not a workbook kpiboard can read."""
    book = Book(path, limits)
    try:
        info = book.named(sheet) if sheet is not None else book.choose(has_header)
        merged = book.merged(info)
        return FoundSheet(info.name, book.closing(book.rows(info, merged)), merged)
    except BaseException:
        book.close()
        raise


class Book:
    """An open workbook: its zip, sheets, shared strings and styles."""

    def __init__(self, path: Path, limits: ImportLimits) -> None:
        self.file = path.name
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            raise self._refuse(f"not a valid .xlsx file (a damaged zip archive: {exc})") from exc
        try:
            self._check_directory()
            self._read_workbook()
        except PartError as exc:
            self.close()
            raise self._refuse(f"cannot read the workbook: {exc}") from exc
        except PartLimit as exc:
            self.close()
            raise self._refuse(str(exc)) from exc
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.zip.close()

    def closing(self, rows: Iterator[Row]) -> Iterator[Row]:
        try:
            yield from rows
        finally:
            self.close()

    def _refuse(self, message: str, sheet: str | None = None) -> TableImportError:
        return TableImportError([Problem(self.file, sheet, None, None, message)])

    # -- the zip and the workbook's parts ---------------------------------------------------
    def _check_directory(self) -> None:
        infos = self.zip.infolist()
        limits = self.limits
        if len(infos) > MAX_PARTS:
            raise self._refuse(f"the zip archive has {len(infos):,} parts, more than any "
                               "workbook: it is not a workbook kpiboard can read")
        total = sum(i.file_size for i in infos)
        if total > limits.zip_bytes:
            raise self._refuse(f"the workbook unzips to {total:,} bytes, more than "
                               f"{limits.zip_bytes:,} (the limit {variable('zip_bytes')})")
        for i in infos:
            if i.flag_bits & 1:
                raise self._refuse("the zip archive is password-protected: save the workbook "
                                   "again without a password")
            if i.file_size > RATIO_FLOOR and i.file_size > limits.zip_ratio * max(
                    i.compress_size, 1):
                ratio = i.file_size // max(i.compress_size, 1)
                raise self._refuse(
                    f"the part {i.filename!r} unzips to {i.file_size:,} bytes, {ratio:,} times "
                    f"its compressed size, more than {limits.zip_ratio:,} times (the limit "
                    f"{variable('zip_ratio')}): the file may be a zip bomb")
        names = set(self.zip.namelist())
        self.names = names
        if "mimetype" in names and "content.xml" in names:
            raise self._refuse(f"the file is an OpenDocument spreadsheet (.ods), not an .xlsx "
                               f"workbook: {SAVE_AS}")

    def _read_workbook(self) -> None:
        names = self.names
        part = "xl/workbook.xml"
        if "_rels/.rels" in names:
            for _id, kind, target in self._relationships("_rels/.rels", ""):
                if kind.endswith("/officeDocument") and target in names:
                    part = target
        if part not in names:
            if "xl/workbook.bin" in names:
                raise self._refuse(f"the file is an Excel binary workbook (.xlsb), not an .xlsx "
                                   f"workbook: {SAVE_AS}")
            if "word/document.xml" in names:
                raise self._refuse("the file is a Word document, not a spreadsheet")
            if "ppt/presentation.xml" in names:
                raise self._refuse("the file is a PowerPoint presentation, not a spreadsheet")
            raise self._refuse("the file is a zip archive but not an Excel workbook (it has no "
                               "part 'xl/workbook.xml'); save the table from Excel as .xlsx")
        rels = posixpath.join(posixpath.dirname(part), "_rels",
                              posixpath.basename(part) + ".rels")
        targets: dict[str, tuple[str, str]] = {}
        strings_part = styles_part = None
        if rels in names:
            for rid, kind, target in self._relationships(rels, posixpath.dirname(part)):
                targets[rid] = (kind, target)
                if kind.endswith("/sharedStrings"):
                    strings_part = target
                elif kind.endswith("/styles"):
                    styles_part = target
        workbook = _WorkbookTarget(self.limits)
        parse(self.zip, part, workbook, self.limits)
        self.date1904 = workbook.date1904
        self.sheets = []
        for name, state, rid in workbook.sheets:
            kind, target = targets.get(rid, ("", ""))
            worksheet = kind.endswith("/worksheet") and target in names
            self.sheets.append(SheetInfo(name, state, target if worksheet else None))
        if not self.sheets:
            raise self._refuse("the workbook has no sheets")
        self.strings = SharedStrings()
        if strings_part is not None and strings_part in names:
            target_strings = StringsTarget(self.limits)
            parse(self.zip, strings_part, target_strings, self.limits)
            self.strings = target_strings.strings
        self.styles: dict[str, tuple[int, str]] = {}
        if styles_part is not None and styles_part in names:
            styles = StylesTarget()
            parse(self.zip, styles_part, styles, self.limits)
            self.styles = styles.formats()

    def _relationships(self, part: str, base: str) -> list[tuple[str, str, str]]:
        """(id, type, target part) of each relationship in a .rels part."""
        found = _RelsTarget()
        parse(self.zip, part, found, self.limits)
        out = []
        for rid, kind, target, mode in found.relationships:
            if mode.lower() == "external":
                continue
            path = target[1:] if target.startswith("/") else posixpath.join(base, target)
            out.append((rid, kind, posixpath.normpath(path)))
        return out

    # -- choosing the sheet -----------------------------------------------------------------
    def named(self, sheet: str) -> SheetInfo:
        for info in self.sheets:
            if info.name == sheet:
                if info.part is None:
                    raise self._refuse("this is a chart sheet, not a table", sheet)
                return info
        raise self._refuse("no such sheet; the sheets are " +
                           ", ".join(s.shown for s in self.sheets), sheet)

    def choose(self, has_header: Callable[[list[str]], bool]) -> SheetInfo:
        tables = [s for s in self.sheets if s.part is not None]
        first = next((s for s in tables if self._has(s, has_header)), None)
        visible = ", ".join(repr(s.name) for s in self.sheets if not s.hidden) or "none"
        if first is not None and first.hidden:
            state = "very hidden" if first.state == "veryHidden" else "hidden"
            raise self._refuse(f"the first sheet with the columns is {first.name!r} but it is "
                               f"{state}; choose a sheet with --sheet (the visible sheets are "
                               f"{visible})")
        if first is not None:
            after = tables[tables.index(first) + 1:]
            also = [s for s in after if s.hidden and self._has(s, has_header)]
            if also:
                names = ", ".join(repr(s.name) for s in also)
                sheets = "sheets" if len(also) > 1 else "sheet"
                raise self._refuse(f"sheet {first.name!r} has the columns, and so does the "
                                   f"hidden {sheets} {names}; choose the sheet to read with "
                                   f"--sheet (--sheet {first.name!r} for the visible one)")
            return first
        shown = [s for s in tables if not s.hidden] or tables
        if not shown:
            raise self._refuse("the workbook has no sheet with cells (only charts)")
        return next((s for s in shown if self._has(s, lambda cells: True)), shown[0])

    def _has(self, info: SheetInfo, test: Callable[[list[str]], bool]) -> bool:
        """Whether one of the sheet's first rows that are not empty passes ``test``."""
        rows = self.rows(info, [])
        try:
            seen = 0
            for _number, cells, _problems in rows:
                if all(not c or c.isspace() for c in cells):
                    continue
                if test(cells):
                    return True
                seen += 1
                if seen >= HEADER_SEARCH_ROWS:
                    break
            return False
        except TableImportError:  # (reported if the sheet is read; else it does not matter)
            return False
        finally:
            rows.close()

    # -- reading a sheet --------------------------------------------------------------------
    def merged(self, info: SheetInfo) -> list[tuple[int, int, int, int]]:
        """The sheet's merged ranges of more than one cell (listed after its cells, so the
        part is read through for them first)."""
        assert info.part is not None
        most = self.limits.merged_ranges
        found: list[tuple[int, int, int, int]] = []
        tail = b""
        try:
            for chunk in stream(self.zip, info.part):
                data = tail + chunk
                end = 0
                if b"mergeCell" in data:
                    for m in _MERGE.finditer(data):
                        end = m.end()
                        box = _box(m.group(1).decode(), (m.group(2) or m.group(1)).decode())
                        if box is not None:
                            found.append(box)
                        if len(found) > most:
                            raise self._refuse(
                                f"the sheet has more than {most:,} merged ranges (the limit "
                                f"{variable('merged_ranges')})", info.name)
                tail = data[max(end, len(data) - 512):]
        except PartError as exc:
            raise self._refuse(f"cannot read the sheet: {exc}", info.name) from exc
        return found

    def rows(self, info: SheetInfo, merged: list[tuple[int, int, int, int]]
             ) -> Generator[Row, None, None]:
        """The sheet's rows that have cells, as they are read (see ``SheetTarget``)."""
        assert info.part is not None
        target = SheetTarget(self.file, info.name, self.strings, self.styles, self.date1904,
                             self.limits, merged)
        error: Exception | None = None
        try:
            for _ in feed(self.zip, info.part, target, self.limits):
                if target.done:
                    yield from target.done
                    target.done = []
        except (TableImportError, PartError, PartLimit, CellLimit) as exc:
            error = exc
        yield from target.done  # the rows before the problem (or the last ones)
        target.done = []
        if isinstance(error, PartError):
            raise TableImportError([Problem(self.file, info.name, target.row or None, None,
                                            f"cannot read the sheet: {error}")]) from error
        if isinstance(error, PartLimit):
            raise self._refuse(str(error), info.name) from error
        if isinstance(error, CellLimit):
            most = self.limits.cell_chars
            raise TableImportError([Problem(
                self.file, info.name, target.row, column_letter(target.col),
                f"the cell holds more than {most:,} characters (the limit "
                f"{variable('cell_chars')})")]) from None
        if error is not None:
            raise error


_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']"
                    rb"([A-Za-z]{1,3}[0-9]{1,7})(?::([A-Za-z]{1,3}[0-9]{1,7}))?[\"']")
_CELL = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


def _box(first: str, last: str) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of a range of more than one cell, or None."""
    a, b = _CELL.fullmatch(first), _CELL.fullmatch(last)
    if a is None or b is None:
        return None
    r1, r2 = int(a.group(2)), int(b.group(2))
    c1, c2 = _col(a.group(1)), _col(b.group(1))
    top, bottom, left, right = min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)
    if (top, left) == (bottom, right) or top < 1 or left < 1:
        return None
    return top, left, bottom, right


def _col(letters: str) -> int:
    n = 0
    for letter in letters.upper():
        n = n * 26 + ord(letter) - 64
    return n


class _RelsTarget:
    def __init__(self) -> None:
        self.relationships: list[tuple[str, str, str, str]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == _PACKAGE_RELS:
            if len(self.relationships) >= MAX_PARTS:
                raise PartError("it has more relationships than any workbook")
            self.relationships.append((attrib.get("Id", ""), attrib.get("Type", ""),
                                       attrib.get("Target", ""), attrib.get("TargetMode", "")))

    def end(self, tag: str) -> None:
        return None


_WORKBOOK_TAGS = tags("sheet", "workbookPr")
_RID = [f"{{{ns}}}id" for ns in RELS]


class _WorkbookTarget:
    def __init__(self, limits: ImportLimits) -> None:
        self.most = limits.sheets
        self.sheets: list[tuple[str, str, str]] = []
        self.date1904 = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _WORKBOOK_TAGS.get(tag)
        if name == "sheet":
            if len(self.sheets) >= self.most:
                raise PartLimit(f"the workbook has more than {self.most:,} sheets (the limit "
                                f"{variable('sheets')})")
            rid = next((attrib[k] for k in _RID if k in attrib), "")
            self.sheets.append((attrib.get("name", ""), attrib.get("state", "visible"), rid))
        elif name == "workbookPr":
            self.date1904 = attrib.get("date1904", "").lower() in ("1", "true")

    def end(self, tag: str) -> None:
        return None
