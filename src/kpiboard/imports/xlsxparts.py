"""The parts of an .xlsx workbook that the sheet reader needs, each parsed as a stream of XML
within the import limits: the shared strings (every text cell's text, held compactly), the
styles (which cells show a percentage or a date) and the streaming of any part itself.

Every part is read from the zip in chunks and fed to expat (``xml.etree.ElementTree``'s
parser, with a target object, so that no tree is built). A part may not declare a document
type (an xlsx part never does; it is how entity bombs are made), and no run of text or tag
may be longer than a cell can hold: the memory used is bounded whatever the part holds.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import ParseError, XMLParser

from kpiboard.imports.controls import control_problem
from kpiboard.imports.limits import ImportLimits, variable
from kpiboard.imports.numformat import GENERAL, format_code, kind

SML = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "http://purl.oclc.org/ooxml/spreadsheetml/main")
RELS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships")
CHUNK = 1 << 16
MAX_STYLES = 100_000  # cell formats (Excel allows 64,000): more is a damaged file


def tags(*names: str) -> dict[str, str]:
    """``{namespace}name`` -> name, for each name in either SpreadsheetML namespace."""
    return {f"{{{ns}}}{n}": n for ns in SML for n in names}


class PartError(Exception):
    """A part that cannot be read: the message says why (the caller adds the file)."""


class PartLimit(Exception):
    """A part beyond an import limit: the message names the limit and its variable."""


class CellLimit(Exception):
    """A cell whose text is longer than the cell limit (raised by a target; the sheet reader
    adds where)."""


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """A text with Excel's escapes (``_x0000_`` for a character XML cannot hold, ``_x005F_``
    for an underscore) replaced by the characters they stand for."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def stream(book: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The bytes of a part, in chunks; never more than its declared size."""
    info = book.getinfo(part)
    read = 0
    try:
        with book.open(info) as f:
            while chunk := f.read(CHUNK):
                read += len(chunk)
                if read > info.file_size:
                    raise PartError(f"the part {part!r} unzips to more than the size the zip "
                                    "declares for it: the file is damaged (or a zip bomb)")
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise PartError(f"the part {part!r} cannot be unzipped ({exc}): the file is "
                        "damaged") from exc
    except RuntimeError as exc:  # an encrypted member
        raise PartError(f"the part {part!r} is encrypted: save the workbook without a "
                        "password") from exc


def parse(book: zipfile.ZipFile, part: str, target: Any, limits: ImportLimits) -> None:
    """Feed a whole part to ``target`` (see ``feed``)."""
    for _ in feed(book, part, target, limits):
        pass


def feed(book: zipfile.ZipFile, part: str, target: Any, limits: ImportLimits
         ) -> Iterator[None]:
    """Feed a part to ``target`` (start, end and data methods) chunk by chunk, yielding after
    each; the target may raise to stop. Raises ``PartError`` for XML that is not well-formed
    or declares a document type, ``PartLimit`` for a run of text or tag (bytes with no ``<``)
    longer than any cell's text may be, even written as character references."""
    most = 16 * limits.cell_chars + 4096
    target.doctype = lambda *_: _no_doctype(part)
    parser = XMLParser(target=target)
    run = 0  # bytes since the last "<"; a run within one chunk is bounded by the chunk
    try:
        for chunk in stream(book, part):
            first = chunk.find(b"<")
            if first < 0:
                run += len(chunk)
            elif run + first > most:
                run += first
            else:
                run = len(chunk) - chunk.rfind(b"<") - 1
            if run > most:
                raise PartLimit(f"the part {part!r} holds a text or tag of more than {most:,} "
                                f"bytes, longer than any cell may be (the limit "
                                f"{variable('cell_chars')})")
            parser.feed(chunk)
            yield
        parser.close()
    except ParseError as exc:
        raise PartError(f"the part {part!r} is not well-formed XML ({exc}): the file is "
                        "damaged") from exc


def _no_doctype(part: str) -> None:
    raise PartError(f"the part {part!r} declares an XML document type, which no workbook does: "
                    "the file is damaged or made to harm")


class SharedStrings:
    """The workbook's shared strings (the text of most text cells), held as one string and
    the offsets of each in it, so that millions of them take little memory. ``bad`` maps the
    index of each that is too long, or holds a control character, to the problem."""

    def __init__(self, most_chars: int = 0) -> None:
        self.text = ""
        self.offsets = array("I" if most_chars < 1 << 32 else "Q", [0])
        self.bad: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:
        offsets = self.offsets
        return self.text[offsets[index]:offsets[index + 1]]


_STRING_TAGS = tags("si", "t", "rPh")


class StringsTarget:
    """The expat target for ``xl/sharedStrings.xml``."""

    def __init__(self, limits: ImportLimits) -> None:
        self.most = limits.cell_chars
        self.strings = SharedStrings(limits.zip_bytes)  # no text is longer than the workbook
        self.out = io.StringIO()
        self.size = 0
        self.parts: list[str] = []
        self.length = 0
        self.collect = False
        self.phonetic = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _STRING_TAGS.get(tag)
        if name == "si":
            self.parts = []
            self.length = 0
        elif name == "t":
            self.collect = not self.phonetic
        elif name == "rPh":
            self.phonetic += 1

    def data(self, text: str) -> None:
        if self.collect:
            self.length += len(text)
            if self.length <= self.most:  # beyond it, the text is no longer kept
                self.parts.append(text)

    def end(self, tag: str) -> None:
        name = _STRING_TAGS.get(tag)
        if name == "t":
            self.collect = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            strings = self.strings
            index = len(strings.offsets) - 1
            text = unescape("".join(self.parts))
            if self.length > self.most:
                strings.bad[index] = _too_long(self.most)
                text = ""
            elif (problem := control_problem(text)) is not None:
                strings.bad[index] = problem
            self.size += self.out.write(text)
            strings.offsets.append(self.size)

    def close(self) -> None:  # (expat's parser calls it at the end of the part)
        if self.size:
            self.strings.text = self.out.getvalue()
            self.out = io.StringIO()


def _too_long(most: int) -> str:
    return f"the cell holds more than {most:,} characters (the limit {variable('cell_chars')})"


_STYLE_TAGS = tags("numFmt", "cellXfs", "xf")


class StylesTarget:
    """The expat target for ``xl/styles.xml``: each cell format's number format. ``formats``
    gives the formats that matter by the cell's ``s`` attribute: (kind, format code) for
    percentages, dates and times (a cell with none of these is read as a plain number)."""

    def __init__(self) -> None:
        self.custom: dict[int, str] = {}
        self.xfs: list[int] = []
        self.in_cell_xfs = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _STYLE_TAGS.get(tag)
        if name == "xf" and self.in_cell_xfs:
            if len(self.xfs) >= MAX_STYLES:
                raise PartError(f"its styles hold more than {MAX_STYLES:,} cell formats, "
                                "more than Excel allows: the file is damaged")
            self.xfs.append(_int(attrib.get("numFmtId", "0")))
        elif name == "numFmt":
            if len(self.custom) >= MAX_STYLES:
                raise PartError(f"its styles hold more than {MAX_STYLES:,} number formats, "
                                "more than Excel allows: the file is damaged")
            self.custom[_int(attrib.get("numFmtId", "0"))] = attrib.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_xfs = True

    def end(self, tag: str) -> None:
        if _STYLE_TAGS.get(tag) == "cellXfs":
            self.in_cell_xfs = False

    def formats(self) -> dict[str, tuple[int, str]]:
        formats: dict[str, tuple[int, str]] = {}
        for i, number_format in enumerate(self.xfs):
            code = format_code(number_format, self.custom)
            if (k := kind(code)) != GENERAL:
                formats[str(i)] = (k, code)
        return formats


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return -1
