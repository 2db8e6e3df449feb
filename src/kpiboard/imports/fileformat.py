"""What an imported file really is, whatever its name says, and a clear message if it is not
a table kpiboard reads: a CSV text file or an .xlsx workbook.

A workbook saved with a password is not a zip archive but an OLE2 compound file (magic
``D0 CF 11 E0 A1 B1 1A E1``) holding ``EncryptionInfo`` and ``EncryptedPackage`` streams; an
old Excel 97-2003 workbook is one holding a ``Workbook`` (or ``Book``) stream. Their
directories are read here (the standard library has no reader for them; only the directory
is read, sector by sector, never the whole file). PDF documents and web pages (an "Excel"
file saved from a web site is often HTML) are told by their first bytes; a zip archive is
examined by ``kpiboard.imports.workbook`` (OpenDocument, .xlsb, Word...).
"""

from __future__ import annotations

import struct
from pathlib import Path

from kpiboard.imports.tabular import Problem, TableImportError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls")

ENCRYPTED = ("the workbook is password-protected: remove the password in Excel (File > Info > "
             "Protect Workbook > Encrypt with Password) and save it again")
OLD_XLS = ("the file is an Excel 97-2003 (.xls) workbook: open it in Excel and save it as "
           ".xlsx (File > Save As > Excel Workbook)")
SAVE_AS = "open it in Excel and save it as .xlsx (File > Save As > Excel Workbook)"


def refuse_unless_table(path: Path) -> str:
    """``"csv"`` or ``"xlsx"``: how to read the file; else raise ``TableImportError``."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        found = suffix or "a file with no extension"
        _refuse(name, f"expected a .csv or .xlsx file, found {found}")
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        _refuse(name, f"cannot read the file: {exc.strerror or exc}")
    if head.startswith(OLE2_MAGIC):
        _refuse(name, ole2_message(path))
    if head.startswith(b"%PDF"):
        _refuse(name, "the file is a PDF document, not a spreadsheet: export the table from "
                "the program that made it as .xlsx or .csv")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"  # whatever its name: a workbook saved as .xls or .csv is read as one
    if suffix == ".csv":
        return "csv"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")):
        _refuse(name, f"the file is a web page (HTML) saved with a {suffix} name, not a "
                f"workbook: {SAVE_AS}")
    if text.startswith(b"<?xml") and b"excel.sheet" in text:
        _refuse(name, f"the file is an Excel 2003 XML spreadsheet, not an .xlsx workbook: "
                f"{SAVE_AS}")
    if suffix == ".xls":
        _refuse(name, "expected a .csv or .xlsx file, found .xls; save it as .xlsx")
    _refuse(name, "not a valid .xlsx file (it is not a zip archive: corrupt, or another "
            "format renamed)")
    raise AssertionError("unreachable")


def _refuse(name: str, message: str) -> None:
    raise TableImportError([Problem(name, None, None, None, message)])


def ole2_message(path: Path) -> str:
    """What an OLE2 compound file is, by the streams its directory names."""
    try:
        names = ole2_names(path)
    except (OSError, ValueError, struct.error):
        names = set()
    if {"encryptioninfo", "encryptedpackage"} & names:
        return ENCRYPTED
    if {"workbook", "book"} & names:
        return OLD_XLS
    if "worddocument" in names:
        return "the file is a Word document, not a spreadsheet"
    if "powerpoint document" in names:
        return "the file is a PowerPoint presentation, not a spreadsheet"
    if not names:
        return ("the file is an old Office (OLE2) file that cannot be read; if it is an Excel "
                f"workbook, {SAVE_AS}")
    return "the file is an old Office (OLE2) file, not an Excel workbook"


_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


def ole2_names(path: Path) -> set[str]:
    """The names (lower case) of the storages and streams in an OLE2 compound file's
    directory. Raises ``ValueError`` for a damaged one. Reads only the header, the sectors
    of the allocation table and those of the directory."""
    size = path.stat().st_size
    with path.open("rb") as f:
        header = f.read(512)
        if len(header) < 512 or not header.startswith(OLE2_MAGIC):
            raise ValueError("not an OLE2 file")
        shift = struct.unpack_from("<H", header, 30)[0]
        if shift not in (9, 12):
            raise ValueError("bad sector size")
        sector = 1 << shift
        sectors = size // sector + 1  # at most; every chain is bounded by it
        fat_count, first_dir = struct.unpack_from("<II", header, 44)
        first_difat, difat_count = struct.unpack_from("<II", header, 68)
        if fat_count > sectors or difat_count > sectors:
            raise ValueError("bad counts")

        def read(n: int) -> bytes:
            if n >= sectors:
                raise ValueError("sector beyond the file")
            f.seek((n + 1) * sector)
            data = f.read(sector)
            if len(data) < sector:
                raise ValueError("truncated")
            return data

        fat_sectors = [n for n in struct.unpack_from("<109I", header, 76) if n < _END]
        n, seen = first_difat, 0
        while n < _END and seen < difat_count:
            data = read(n)
            entries = struct.unpack(f"<{sector // 4}I", data)
            fat_sectors.extend(e for e in entries[:-1] if e < _END)
            n, seen = entries[-1], seen + 1
        fat: list[int] = []
        for n in fat_sectors[:fat_count]:
            fat.extend(struct.unpack(f"<{sector // 4}I", read(n)))
        names: set[str] = set()
        n, seen = first_dir, 0
        while n < _END and n != _FREE:
            seen += 1
            if seen > sectors or n >= len(fat):
                raise ValueError("bad directory chain")
            data = read(n)
            for at in range(0, sector, 128):
                length = struct.unpack_from("<H", data, at + 64)[0]
                kind = data[at + 66]
                if kind in (1, 2) and 2 <= length <= 64:
                    names.add(data[at:at + length - 2].decode("utf-16-le", "replace").lower())
            n = fat[n]
        return names
