"""Workbooks and other binary files written byte by byte, for tests that need what Excel and
other programs write but openpyxl does not (saved formula results, hidden sheets, escaped
control characters, hostile zips) and for the files that only pretend to be workbooks."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from kpiboard.imports.tabular import column_letter

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# number formats by style index (the cell's s attribute): 0 General, 1 percent, 2 mmm-yy,
# 3 dd/mm/yyyy (built-in 14), 4 d mmmm yyyy, 5 h:mm
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="mmm\\-yy"/>
<numFmt numFmtId="165" formatCode="d mmmm yyyy"/></numFmts>
<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="164"/><xf numFmtId="14"/>
<xf numFmtId="165"/><xf numFmtId="20"/></cellXfs></styleSheet>"""


def cell(ref: str, value: object = None, *, style: int | None = None,
         formula: str | None = None, kind: str | None = None) -> str:
    """One <c> element: a str is an inline string (unless ``kind`` says otherwise), a number
    a number; ``formula`` with ``value`` None has no saved result."""
    attrs = f' r="{ref}"' + (f' s="{style}"' if style is not None else "")
    inner = f"<f>{escape(formula)}</f>" if formula is not None else ""
    if isinstance(value, str) and formula is None and kind is None:
        return f'<c{attrs} t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    if kind is not None:
        attrs += f' t="{kind}"'
    elif isinstance(value, str):
        attrs += ' t="str"'
    if value is not None:
        inner += f"<v>{escape(str(value))}</v>"
    elif formula is not None:
        inner += "<v></v>"
    return f"<c{attrs}>{inner}</c>"


def row(number: int, *values: object, styles: dict[int, int] | None = None) -> str:
    """A row of plain values from column A (None leaves a cell out)."""
    cells = []
    for i, value in enumerate(values):
        if value is None:
            continue
        ref = f"{column(i)}{number}"
        cells.append(cell(ref, value, style=(styles or {}).get(i)))
    return f'<row r="{number}">{"".join(cells)}</row>'


column = column_letter  # the reader's own: a column by its index from 0


def sheet_xml(rows: list[str] | str, *, after: str = "", dimension: str = "A1") -> str:
    body = rows if isinstance(rows, str) else "".join(rows)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}">'
            f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData>{after}</worksheet>')


def workbook(path: Path, sheets: list[tuple[str, str, str]], *,
             strings: list[str] | None = None, styles: str = STYLES, date1904: bool = False,
             extra: dict[str, bytes | str] | None = None,
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Write an .xlsx: ``sheets`` are (name, state, sheet XML); ``strings`` the shared
    strings (as written: escapes such as _x0000_ kept)."""
    rels = [f'<Relationship Id="rId{i + 1}" Type="{DOC}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets))]
    rels.append(f'<Relationship Id="rIdS" Type="{DOC}/styles" Target="styles.xml"/>')
    if strings is not None:
        rels.append(f'<Relationship Id="rIdT" Type="{DOC}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
    entries = "".join(f'<sheet name={quoteattr(name)} sheetId="{i + 1}" state="{state}" '
                      f'r:id="rId{i + 1}"/>' for i, (name, state, _x) in enumerate(sheets))
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="xml" ContentType="applicati'
            'on/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-p'
            'ackage.relationships+xml"/></Types>'),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship '
                        f'Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
                        "</Relationships>"),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{R_NS}">'
                            f"{pr}<sheets>{entries}</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0"?><Relationships xmlns="{PKG}">'
                                       f'{"".join(rels)}</Relationships>'),
        "xl/styles.xml": styles,
    }
    if strings is not None:
        items = "".join(f"<si><t xml:space=\"preserve\">{s}</t></si>" for s in strings)
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0"?><sst xmlns="{NS}" count="'
                                         f'{len(strings)}">{items}</sst>')
    for i, (_name, _state, xml) in enumerate(sheets):
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = xml
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def patch_declared_size(path: Path, member: str, size: int) -> None:
    """Change the uncompressed size the zip's central directory declares for ``member``."""
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    at = struct.unpack_from("<I", data, eocd + 16)[0]  # the central directory's offset
    name = member.encode()
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == name:
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at += 46 + length + struct.unpack_from("<HH", data, at + 30)[0] + struct.unpack_from(
            "<HH", data, at + 30)[1]
        if data[at:at + 4] != b"PK\x01\x02":
            break
    raise LookupError(member)


def set_encrypted_flag(path: Path) -> None:
    """Mark every member of the zip as encrypted (in the central directory)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        flags = struct.unpack_from("<H", data, at + 8)[0]
        struct.pack_into("<H", data, at + 8, flags | 1)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def ole2(path: Path, streams: list[str]) -> Path:
    """A minimal OLE2 compound file whose directory names ``streams`` (each empty): enough
    to be told apart as an encrypted workbook, an .xls workbook or a Word document."""
    sector = 512
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    entries = [("Root Entry", 5)] + [(s, 2) for s in streams]
    dir_sectors = -(-len(entries) // 4)
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 44, 1, 1, 0, 4096)  # 1 FAT sector; directory at 1
    struct.pack_into("<III", header, 60, end, 0, end)  # no mini FAT; no DIFAT sectors
    struct.pack_into("<I", header, 72, 0)
    difat = [0] + [free] * 108
    struct.pack_into("<109I", header, 76, *difat)
    fat = [fat_sect] + [i + 1 for i in range(1, dir_sectors)] + [end]
    fat += [free] * (128 - len(fat))
    directory = bytearray(dir_sectors * sector)
    for i, (name, kind) in enumerate(entries):
        at = i * 128
        encoded = name.encode("utf-16-le") + b"\0\0"
        directory[at:at + len(encoded)] = encoded
        struct.pack_into("<HBB", directory, at + 64, len(encoded), kind, 1)
        struct.pack_into("<III", directory, at + 68, free, free,
                         1 if kind == 5 and len(entries) > 1 else free)
        struct.pack_into("<II", directory, at + 116, end, 0)
    path.write_bytes(bytes(header) + struct.pack("<128I", *fat) + bytes(directory))
    return path
