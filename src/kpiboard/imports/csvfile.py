"""Reading a CSV file for ``kpiboard.imports.tabular``: record by record, never whole.

The file is first checked in chunks to be UTF-8 text (a bad byte is reported at its offset);
the same pass notes whether it holds an ``=`` (a possible formula) or a control character
anywhere, so that the rows of a file holding neither are handed on as the ``csv`` module
parses them, with no check per cell. Within the import limits: a cell longer than
``cell_chars`` (``csv.field_size_limit`` while reading, so a long cell costs nothing before it
is refused) and data beyond ``rows`` rows are refused at their row and column.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from kpiboard.imports.controls import CONTROL, control_problem
from kpiboard.imports.limits import ImportLimits, variable
from kpiboard.imports.tabular import NO_PROBLEMS, Problem, Row, TableImportError, column_letter

_CHUNK = 1 << 20


def csv_rows(path: Path, limits: ImportLimits) -> Iterator[Row]:
    """The records of a CSV file, cells as written (not stripped), each with its problems
    (formulas, control characters)."""
    name = path.name
    has_formula_sign, has_control = _scan(path, name)
    old_limit = csv.field_size_limit()
    numbers = itertools.count(1)
    most = limits.rows
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        beyond = 0  # the record number, once beyond the limit
        try:
            csv.field_size_limit(limits.cell_chars)
            if not has_formula_sign and not has_control:  # every row as it comes, quickly
                yield from zip(numbers, itertools.islice(reader, most),
                               itertools.repeat(NO_PROBLEMS), strict=False)
            else:
                for number, cells in zip(numbers, itertools.islice(reader, most), strict=False):
                    yield number, cells, _problems(name, number, cells, has_formula_sign,
                                                   has_control)
            for beyond, cells in enumerate(reader, start=most + 1):  # only blank rows, there
                if any(c and not c.isspace() for c in cells):
                    raise TableImportError([Problem(
                        name, None, beyond, None, f"the file has more than {most:,} rows "
                        f"(the limit {variable('rows')}); import it in parts")])
        except csv.Error as exc:
            # the record being read when the error came
            number = beyond + 1 if beyond else min(next(numbers) - 1, most + 1)
            raise TableImportError([_csv_problem(path, number, limits, exc)]) from exc
        finally:
            csv.field_size_limit(old_limit)


def _problems(name: str, number: int, cells: list[str], formulas: bool,
              controls: bool) -> list[Problem]:
    problems: list[Problem] = []
    joined = "\0".join(cells)
    if formulas and "=" in joined:  # "=" is rare in a file; only a row with one is looked at
        for i, cell in enumerate(cells):
            text = cell.strip()
            if text.startswith("=") and len(text) > 1:
                problems.append(Problem(name, None, number, column_letter(i), _formula(text)))
    if controls and CONTROL.search("\t".join(cells)):  # (a tab is no control character)
        for i, cell in enumerate(cells):
            if (message := control_problem(cell)) is not None:
                problems.append(Problem(name, None, number, column_letter(i), message))
    return problems or NO_PROBLEMS


def _formula(formula: str) -> str:
    return f"a formula, not a value: {formula}; paste values instead"


def _csv_problem(path: Path, number: int, limits: ImportLimits, exc: csv.Error) -> Problem:
    """The problem for a record the ``csv`` module refused: a cell beyond the cell limit
    (found again, with no limit, to name its column) or a file it cannot read."""
    name = path.name
    if "field larger than field limit" not in str(exc):
        return Problem(name, None, number, None, f"cannot read the CSV text: {exc}")
    most = limits.cell_chars
    column = None
    hint = ""
    old_limit = csv.field_size_limit()
    try:
        csv.field_size_limit(max(path.stat().st_size + 1, most + 1))
        with path.open(encoding="utf-8-sig", newline="") as f:
            for cells in itertools.islice(csv.reader(f), number - 1, number):
                for i, cell in enumerate(cells):
                    if len(cell) > most:
                        column = column_letter(i)
                        if "\n" in cell or "\r" in cell:
                            hint = ("; it runs over several lines: perhaps a quote (\") that "
                                    "opens the cell is not closed")
                        break
    except (OSError, csv.Error):
        pass
    finally:
        csv.field_size_limit(old_limit)
    return Problem(name, None, number, column, f"the cell holds more than {most:,} characters "
                   f"(the limit {variable('cell_chars')}){hint}")


_NOT_C0 = bytes(b for b in range(256) if not CONTROL.match(chr(b)) or b >= 0x80)
_C1 = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080-U+009F in UTF-8


def _has_control(seam: bytes, chunk: bytes) -> bool:
    """Whether the UTF-8 bytes hold a control character (``seam``: the bytes either side of
    the previous chunk's end). Checked on the bytes, at C speed: it costs almost nothing."""
    if chunk.translate(None, _NOT_C0):
        return True
    return (b"\xc2" in chunk and _C1.search(chunk) is not None) or _C1.match(seam) is not None


def _scan(path: Path, name: str) -> tuple[bool, bool]:
    """Raise ``TableImportError`` unless the file is UTF-8 text; return whether it holds an "="
    and whether it holds a control character anywhere (read in chunks, never whole)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    has_formula_sign = has_control = False
    offset = 0
    last = b""
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                has_formula_sign = has_formula_sign or b"=" in chunk
                decoder.decode(chunk)
                has_control = has_control or _has_control(last + chunk[:1], chunk)
                last = chunk[-1:]
                offset += len(chunk)
            decoder.decode(b"", final=True)
        return has_formula_sign, has_control
    except OSError as exc:
        raise TableImportError([Problem(name, None, None, None,
                                        f"cannot read the file: {exc.strerror or exc}")]) from exc
    except UnicodeDecodeError as exc:
        # the offset within the chunk (the decoder keeps at most 3 bytes of an earlier one)
        at = max(offset + exc.start - len(exc.object) + len(chunk), 0)
        with path.open("rb") as f:
            head = f.read(at + 1)
        bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        at = max(at, bom)
        line = head[:at].count(b"\n") + 1
        raise TableImportError([Problem(
            name, None, None, None,
            f"the file is not UTF-8 text: byte 0x{head[at]:02X} at byte offset {at} (line "
            f"{line}) cannot be read; save it as 'CSV UTF-8 (Comma delimited)' and import it "
            "again")]) from exc
