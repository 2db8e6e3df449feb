"""The table readers' corpus: files beyond the import limits, workbooks as Excel and other
programs leave them (no saved formula result, hidden sheets, passwords, old and other
formats under an .xlsx name) and control characters in CSV and XLSX cells."""

from __future__ import annotations

import random
import string
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.corpus.cases import K, V
from tests.corpus.make_corpus import KPI_SET_HEADER, _kpi_set_rows
from tests.corpus.xlsxbuild import (
    NS,
    cell,
    ole2,
    patch_declared_size,
    row,
    set_encrypted_flag,
    sheet_xml,
    workbook,
)

MB = 1024 * 1024
HEADER = ["ref", "period", "value", "commentary"]
GOOD = [["STP15", "2024-01", "71.43%", ""], ["STP16", "2024-01", "78.13%", ""]]
SAVE_AS = "open it in Excel and save it as .xlsx (File > Save As > Excel Workbook)"
ENCRYPTED = ("is password-protected: remove the password in Excel (File > Info > Protect "
             "Workbook > Encrypt with Password) and save it again")
OLD_XLS = ("is an Excel 97-2003 (.xls) workbook: open it in Excel and save it as .xlsx")
NO_RESULT = "open the file in Excel and save it, or paste values"


def _csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        for r in rows:
            f.write(",".join(r) + "\r\n")


def _values_sheet(*extra: str, header: list[str] = HEADER) -> str:
    rows = [row(1, *header)] + [row(i + 2, *r) for i, r in enumerate(GOOD)]
    return sheet_xml([*rows, *extra])


def _book(path: Path, *extra_rows: str, **kw: object) -> None:
    workbook(path, [("Values", "visible", _values_sheet(*extra_rows))], **kw)  # type: ignore[arg-type]


# -- limits ------------------------------------------------------------------------------------


def huge_file(path: Path) -> None:
    """A file larger than the file limit (sparse: no disk is used)."""
    with path.open("wb") as f:
        f.truncate(201 * MB)


def too_many_rows_csv(path: Path) -> None:
    """A row of data at row 2,000,001, after the header and 1,999,999 empty rows."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("ref,period,value\r\n")
        f.write(",,\r\n" * 1_999_999)
        f.write("STP15,2024-01,1\r\n")


def row_beyond_limit_xlsx(path: Path) -> None:
    """One cell at row 2,000,001 (a row number no Excel writes, but any program can)."""
    _book(path, row(2_000_001, "STP15"))


def one_cell_at_a1048576(path: Path) -> None:
    """A 'used range' of the whole sheet: one cell at A1048576, and a dimension saying so."""
    workbook(path, [("Values", "visible",
                     sheet_xml([row(1_048_576, "x")], dimension="A1:XFD1048576"))])


def too_many_columns_csv(path: Path) -> None:
    """A value in column 201 (GS) of row 3."""
    rows = [HEADER + [""] * 197, GOOD[0] + [""] * 197, GOOD[1] + [""] * 196 + ["stray"]]
    _csv(path, rows)


def too_many_columns_xlsx(path: Path) -> None:
    """A stray cell in column GS (201), far to the right of the table."""
    _book(path, f'<row r="4">{cell("GS4", "stray")}</row>')


def cell_at_column_beyond_xfd(path: Path) -> None:
    """A cell reference beyond XFD, Excel's last column."""
    _book(path, f'<row r="4">{cell("XFE4", "x")}</row>')


def long_cell_csv(path: Path) -> None:
    """A 40,000-character commentary (over the cell limit; under csv's own 128 KiB)."""
    _csv(path, [HEADER, GOOD[0], ["STP16", "2024-01", "1", "x" * 40_000]])


def huge_cell_csv(path: Path) -> None:
    """A 200,000-character cell: csv's own field limit (128 KiB) once gave a traceback."""
    _csv(path, [HEADER, GOOD[0], ["STP16", "2024-01", "1", "y" * 200_000]])


def unclosed_quote_csv(path: Path) -> None:
    """A quote that opens a cell and is never closed: the rest of the file is one cell."""
    lines = [",".join(HEADER), 'STP15,2024-01,"71.43%,oops']
    lines += [f"STP{n},2024-01,50%," for n in range(10, 20)] * 400
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def long_shared_string(path: Path) -> None:
    """A 40,000-character shared string in the commentary."""
    rows = [row(1, *HEADER), row(2, *GOOD[0]),
            '<row r="3">' + cell("A3", "STP16") + cell("B3", "2024-01") + cell("C3", "1")
            + '<c r="D3" t="s"><v>0</v></c></row>']
    workbook(path, [("Values", "visible", sheet_xml(rows))], strings=["z" * 40_000])


def long_inline_string(path: Path) -> None:
    """A 40,000-character inline string (the data is streamed: refused as it is read)."""
    _book(path, row(4, "STP17", "2024-01", "1", "w" * 40_000))


def huge_attribute(path: Path) -> None:
    """A 1 MB attribute value in a sheet: no tag or text may be longer than a cell."""
    junk = "".join(random.Random(1).choices(string.ascii_letters, k=MB))  # (no zip bomb)
    _book(path, f'<row r="4" x="{junk}">{cell("A4", "x")}</row>')


def zip_bomb(path: Path) -> None:
    """A sheet that unzips to 60 MB from about 60 KB: a zip bomb."""
    filler = '<row r="{}"><c r="A{}"><v>1</v></c></row>'
    rows = "".join(filler.format(n, n) for n in range(4, 5)) + "<!--" + " " * (60 * MB) + "-->"
    workbook(path, [("Values", "visible", sheet_xml(rows))])


def declares_too_much(path: Path) -> None:
    """A zip whose directory declares 2 GB for a part: beyond the unzipped limit."""
    _book(path)
    patch_declared_size(path, "xl/worksheets/sheet1.xml", 2 * 1024 * MB)


def declares_too_little(path: Path) -> None:
    """A part that unzips to more than its declared size (the directory says 100 bytes)."""
    _book(path)
    patch_declared_size(path, "xl/worksheets/sheet1.xml", 100)


def too_many_sheets(path: Path) -> None:
    """51 sheets."""
    sheets = [(f"Sheet {i}", "visible", sheet_xml([])) for i in range(1, 52)]
    workbook(path, sheets)


def too_many_merged_ranges(path: Path) -> None:
    """100,001 merged ranges after the data."""
    merges = "".join(f'<mergeCell ref="F{n}:G{n}"/>' for n in range(1, 100_003))
    rows = [row(1, *HEADER)] + [row(i + 2, *r) for i, r in enumerate(GOOD)]
    workbook(path, [("Values", "visible", sheet_xml(
        rows, after=f'<mergeCells count="100002">{merges}</mergeCells>'))])


def entity_bomb(path: Path) -> None:
    """A shared strings part declaring a document type with nested entities (billion laughs)."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    strings = (f'<?xml version="1.0"?><!DOCTYPE sst [{lol}]><sst xmlns="{NS}"><si><t>&l9;</t>'
               "</si></sst>")
    _book(path, strings=["x"], extra={"xl/sharedStrings.xml": strings})


# -- Excel as it is used -----------------------------------------------------------------------


def shared_formula_without_result(path: Path) -> None:
    """A shared formula filled down by a program that does not calculate: D2 holds the
    formula, D3 shares it; neither has a saved result."""
    rows = [row(1, *HEADER),
            '<row r="2">' + cell("A2", "STP15") + cell("B2", "2024-01")
            + '<c r="C2"><f t="shared" ref="C2:C3" si="0">E2*100</f></c></row>',
            '<row r="3">' + cell("A3", "STP16") + cell("B3", "2024-01")
            + '<c r="C3"><f t="shared" si="0"/></c></row>']
    workbook(path, [("Values", "visible", sheet_xml(rows))])


def hidden_first_sheet(path: Path) -> None:
    """A stale hidden sheet 'Old' first, the current table on 'March' after it."""
    workbook(path, [("Old", "hidden", _values_sheet()), ("March", "visible", _values_sheet())])


def very_hidden_sheet(path: Path) -> None:
    """The only sheet with the columns is very hidden (only Visual Basic can show it)."""
    workbook(path, [("Notes", "visible", sheet_xml([row(1, "Figures for March")])),
                    ("Data", "veryHidden", _values_sheet())])


def hidden_copy_after(path: Path) -> None:
    """The visible table first, and a hidden copy of it after."""
    workbook(path, [("March", "visible", _values_sheet()), ("Feb", "hidden", _values_sheet())])


def encrypted(path: Path) -> None:
    """A workbook saved with a password: an OLE2 file of EncryptionInfo and EncryptedPackage."""
    ole2(path, ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])


def old_xls(path: Path) -> None:
    """An Excel 97-2003 workbook: an OLE2 file with a Workbook stream."""
    ole2(path, ["Workbook", "\x05SummaryInformation"])


def word_doc(path: Path) -> None:
    """A Word 97-2003 document."""
    ole2(path, ["WordDocument", "1Table"])


def ods(path: Path) -> None:
    """An OpenDocument spreadsheet."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")


def xlsb(path: Path) -> None:
    """An Excel binary workbook."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")


def docx(path: Path) -> None:
    """A Word document."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")


def pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")


def html_as_xls(path: Path) -> None:
    """A web page saved as .xls, as many sites 'export to Excel'."""
    path.write_text("<html><body><table><tr><td>ref</td></tr></table></body></html>",
                    encoding="utf-8")


def xml_2003(path: Path) -> None:
    """An Excel 2003 XML spreadsheet."""
    path.write_text('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                    "<Workbook/>", encoding="utf-8")


def zip_password(path: Path) -> None:
    """A zip whose parts are encrypted (a password on the zip itself)."""
    _book(path)
    set_encrypted_flag(path)


def not_well_formed(path: Path) -> None:
    """A sheet cut short: its XML is not well-formed."""
    workbook(path, [("Values", "visible", _values_sheet()[:-40])])


def many_styles(path: Path) -> None:
    """100,001 cell formats: more than Excel allows."""
    xfs = '<xf numFmtId="0"/>' * 100_001
    _book(path, styles=f'<styleSheet xmlns="{NS}"><cellXfs>{xfs}</cellXfs></styleSheet>',
          compression=zipfile.ZIP_STORED)


# -- control characters ------------------------------------------------------------------------


def nul_in_commentary_csv(path: Path) -> None:
    _csv(path, [HEADER, GOOD[0], ["STP16", "2024-01", "78.13%", "late\x00data"]])


def c1_in_ref_csv(path: Path) -> None:
    _csv(path, [HEADER, ["STP15\x85", "2024-01", "71.43%", ""]])


def escape_in_value_csv(path: Path) -> None:
    _csv(path, [HEADER, ["STP15", "2024-01", "\x1b[1m71.43%", ""], ["STP16", "2024-01", "1\x7f",
                                                                  ""]])


def control_in_kpi_set_csv(path: Path) -> None:
    rows = [KPI_SET_HEADER, *_kpi_set_rows()]
    rows[1][7] = "Number of households\x0bwhose homelessness was prevented"
    _csv(path, [[f'"{c}"' if "," in c else c for c in r] for r in rows])


def nul_in_shared_string(path: Path) -> None:
    """Excel writes a NUL in a cell as _x0000_ (XML cannot hold it)."""
    rows = [row(1, *HEADER), row(2, *GOOD[0]),
            '<row r="3">' + cell("A3", "STP16") + cell("B3", "2024-01") + cell("C3", "1")
            + '<c r="D3" t="s"><v>0</v></c></row>']
    workbook(path, [("Values", "visible", sheet_xml(rows))], strings=["late_x0000_ data"])


def control_in_inline_string(path: Path) -> None:
    _book(path, row(4, "STP17_x001B_", "2024-01", "1"))


def control_in_formula_result(path: Path) -> None:
    """A formula whose saved result (a text) holds a control character (=CHAR(7))."""
    _book(path, '<row r="4">' + cell("A4", "STP17") + cell("B4", "2024-01")
          + cell("C4", "1") + cell("D4", "ding_x0007_", formula='"ding"&CHAR(7)') + "</row>")


def control_in_kpi_set_xlsx(path: Path) -> None:
    rows = [KPI_SET_HEADER, *_kpi_set_rows()]
    rows[2][7] = "Households relieved_x0000_"
    xml = sheet_xml([row(i + 1, *r) for i, r in enumerate(rows)])
    workbook(path, [("Appendix B", "visible", xml)])


def long_kpi_set_cell(path: Path) -> None:
    """A 40,000-character description."""
    rows = [KPI_SET_HEADER, *_kpi_set_rows()]
    rows[1][8] = "d" * 40_000
    _csv(path, [[f'"{c}"' if "," in c else c for c in r] for r in rows])


MAKERS: dict[str, Callable[[Path], None]] = {
    "values/huge.csv": huge_file,
    "values/2000001_rows.csv": too_many_rows_csv,
    "values/row_2000001.xlsx": row_beyond_limit_xlsx,
    "values/a1048576.xlsx": one_cell_at_a1048576,
    "values/column_201.csv": too_many_columns_csv,
    "values/column_201.xlsx": too_many_columns_xlsx,
    "values/column_xfe.xlsx": cell_at_column_beyond_xfd,
    "values/long_cell.csv": long_cell_csv,
    "values/huge_cell.csv": huge_cell_csv,
    "values/unclosed_quote.csv": unclosed_quote_csv,
    "values/long_shared_string.xlsx": long_shared_string,
    "values/long_inline_string.xlsx": long_inline_string,
    "values/huge_attribute.xlsx": huge_attribute,
    "values/zip_bomb.xlsx": zip_bomb,
    "values/declares_2gb.xlsx": declares_too_much,
    "values/declares_100_bytes.xlsx": declares_too_little,
    "values/51_sheets.xlsx": too_many_sheets,
    "values/100001_merged.xlsx": too_many_merged_ranges,
    "values/entity_bomb.xlsx": entity_bomb,
    "values/shared_formula.xlsx": shared_formula_without_result,
    "values/hidden_first.xlsx": hidden_first_sheet,
    "values/very_hidden.xlsx": very_hidden_sheet,
    "values/hidden_copy.xlsx": hidden_copy_after,
    "values/encrypted.xlsx": encrypted,
    "values/encrypted.xls": encrypted,
    "values/old.xls": old_xls,
    "values/old_renamed.xlsx": old_xls,
    "values/word.xlsx": word_doc,
    "values/ods_renamed.xlsx": ods,
    "values/xlsb_renamed.xlsx": xlsb,
    "values/docx_renamed.xlsx": docx,
    "values/pdf_renamed.xlsx": pdf,
    "values/html_page.xls": html_as_xls,
    "values/xml_2003.xls": xml_2003,
    "values/zip_password.xlsx": zip_password,
    "values/cut_short.xlsx": not_well_formed,
    "values/many_styles.xlsx": many_styles,
    "values/nul_in_commentary.csv": nul_in_commentary_csv,
    "values/c1_in_ref.csv": c1_in_ref_csv,
    "values/escape_in_value.csv": escape_in_value_csv,
    "values/nul_in_shared_string.xlsx": nul_in_shared_string,
    "values/control_in_inline_string.xlsx": control_in_inline_string,
    "values/control_in_formula_result.xlsx": control_in_formula_result,
    "kpiset/control_in_name.csv": control_in_kpi_set_csv,
    "kpiset/control_in_name.xlsx": control_in_kpi_set_xlsx,
    "kpiset/encrypted.xlsx": encrypted,
    "kpiset/long_cell.csv": long_kpi_set_cell,
}

ROWS = "(the limit KPIBOARD_IMPORT_MAX_ROWS); import it in parts"
COLUMNS = ("there is data beyond column GR: a table has at most 200 columns (the limit "
           "KPIBOARD_IMPORT_MAX_COLUMNS)")
CELL = "the cell holds more than 32,767 characters (the limit KPIBOARD_IMPORT_MAX_CELL_CHARS)"
BOMB = ("the part 'xl/worksheets/sheet1.xml' unzips to 62,914,794 bytes, 1,025 times its "
        "compressed size, more than 200 times (the limit KPIBOARD_IMPORT_MAX_ZIP_RATIO): the "
        "file may be a zip bomb")


def _control(code: str, position: int) -> str:
    return f"contains a control character ({code}) at position {position}; remove it"


CASES = [
    # -- limits --------------------------------------------------------------------------------
    V("huge.csv", "huge.csv: the file is 210,763,776 bytes, more than 209,715,200 (the limit "
      "KPIBOARD_IMPORT_MAX_FILE_BYTES)"),
    V("2000001_rows.csv", f"2000001_rows.csv, row 2000001: the file has more than 2,000,000 "
      f"rows {ROWS}"),
    V("row_2000001.xlsx", "row_2000001.xlsx, sheet 'Values', row 2000001, column 'ref': there is "
      f"data beyond row 2,000,000: a table has at most 2,000,000 rows, the header included {ROWS}"),
    V("a1048576.xlsx", "a1048576.xlsx, sheet 'Values', row 1048576: missing required columns",
      "the columns found are: 'x'"),
    V("column_201.csv", f"column_201.csv, row 3, column 'GS': {COLUMNS}"),
    V("column_201.xlsx", f"column_201.xlsx, sheet 'Values', row 4, column 'GS': {COLUMNS}"),
    V("column_xfe.xlsx", "column_xfe.xlsx, sheet 'Values', row 4: cannot read the sheet: cell "
      "'XFE4' is beyond column XFD, Excel's last: the file is damaged"),
    V("long_cell.csv", f"long_cell.csv, row 3, column 'commentary': {CELL}"),
    V("huge_cell.csv", f"huge_cell.csv, row 3, column 'commentary': {CELL}"),
    V("unclosed_quote.csv", f"unclosed_quote.csv, row 2, column 'value': {CELL}; it runs over "
      "several lines: perhaps a quote (\") that opens the cell is not closed"),
    V("long_shared_string.xlsx", "long_shared_string.xlsx, sheet 'Values', row 3, column "
      f"'commentary': {CELL}"),
    V("long_inline_string.xlsx", "long_inline_string.xlsx, sheet 'Values', row 4, column "
      f"'commentary': {CELL}"),
    V("huge_attribute.xlsx", "huge_attribute.xlsx, sheet 'Values': the part "
      "'xl/worksheets/sheet1.xml' holds a text or tag of more than 528,368 bytes, longer than "
      "any cell may be (the limit KPIBOARD_IMPORT_MAX_CELL_CHARS)"),
    V("zip_bomb.xlsx", f"zip_bomb.xlsx: {BOMB}"),
    V("declares_2gb.xlsx", "declares_2gb.xlsx: the workbook unzips to 2,147,485,268 bytes, more "
      "than 1,073,741,824 (the limit KPIBOARD_IMPORT_MAX_UNZIPPED_BYTES)"),
    V("declares_100_bytes.xlsx", "declares_100_bytes.xlsx, sheet 'Values': cannot read the "
      "sheet: the part 'xl/worksheets/sheet1.xml' cannot be unzipped (Bad CRC-32 for file "
      "'xl/worksheets/sheet1.xml'): the file is damaged"),
    V("51_sheets.xlsx", "51_sheets.xlsx: the workbook has more than 50 sheets (the limit "
      "KPIBOARD_IMPORT_MAX_SHEETS)"),
    V("100001_merged.xlsx", "100001_merged.xlsx, sheet 'Values': the sheet has more than "
      "100,000 merged ranges (the limit KPIBOARD_IMPORT_MAX_MERGED_RANGES)"),
    V("entity_bomb.xlsx", "entity_bomb.xlsx: cannot read the workbook: the part "
      "'xl/sharedStrings.xml' declares an XML document type, which no workbook does"),
    V("many_styles.xlsx", "many_styles.xlsx: cannot read the workbook: its styles hold more "
      "than 100,000 cell formats, more than Excel allows: the file is damaged"),
    V("cut_short.xlsx", "cut_short.xlsx, sheet 'Values', row 3: cannot read the sheet: the part "
      "'xl/worksheets/sheet1.xml' is not well-formed XML (unclosed token"),
    K("long_cell.csv", "long_cell.csv, row 2, column 'Further detail (description)': "
      f"{CELL}"),
    # -- Excel as it is used -------------------------------------------------------------------
    V("shared_formula.xlsx", "2 problems importing the file",
      f"shared_formula.xlsx, sheet 'Values', row 2, column 'value': a formula with no saved "
      f"result (=E2*100): {NO_RESULT}",
      f"shared_formula.xlsx, sheet 'Values', row 3, column 'value': a formula with no saved "
      f"result (=E3*100): {NO_RESULT}"),
    V("hidden_first.xlsx", "hidden_first.xlsx: the first sheet with the columns is 'Old' but it "
      "is hidden; choose a sheet with --sheet (the visible sheets are 'March')"),
    V("hidden_first.xlsx", "hidden_first.xlsx, sheet 'April': no such sheet; the sheets are "
      "'Old' (hidden), 'March'", args=("--sheet", "April")),
    V("very_hidden.xlsx", "very_hidden.xlsx: the first sheet with the columns is 'Data' but it "
      "is very hidden; choose a sheet with --sheet (the visible sheets are 'Notes')"),
    V("hidden_copy.xlsx", "hidden_copy.xlsx: sheet 'March' has the columns, and so does the "
      "hidden sheet 'Feb'; choose the sheet to read with --sheet (--sheet 'March' for the "
      "visible one)"),
    V("encrypted.xlsx", f"encrypted.xlsx: the workbook {ENCRYPTED}"),
    V("encrypted.xls", f"encrypted.xls: the workbook {ENCRYPTED}"),
    K("encrypted.xlsx", f"encrypted.xlsx: the workbook {ENCRYPTED}"),
    V("old.xls", f"old.xls: the file {OLD_XLS}"),
    V("old_renamed.xlsx", f"old_renamed.xlsx: the file {OLD_XLS}"),
    V("word.xlsx", "word.xlsx: the file is a Word document, not a spreadsheet"),
    V("ods_renamed.xlsx", "ods_renamed.xlsx: the file is an OpenDocument spreadsheet (.ods), "
      f"not an .xlsx workbook: {SAVE_AS}"),
    V("xlsb_renamed.xlsx", "xlsb_renamed.xlsx: the file is an Excel binary workbook (.xlsb), "
      f"not an .xlsx workbook: {SAVE_AS}"),
    V("docx_renamed.xlsx", "docx_renamed.xlsx: the file is a Word document, not a spreadsheet"),
    V("pdf_renamed.xlsx", "pdf_renamed.xlsx: the file is a PDF document, not a spreadsheet: "
      "export the table from the program that made it as .xlsx or .csv"),
    V("html_page.xls", "html_page.xls: the file is a web page (HTML) saved with a .xls name, "
      f"not a workbook: {SAVE_AS}"),
    V("xml_2003.xls", "xml_2003.xls: the file is an Excel 2003 XML spreadsheet, not an .xlsx "
      f"workbook: {SAVE_AS}"),
    V("zip_password.xlsx", "zip_password.xlsx: the zip archive is password-protected: save the "
      "workbook again without a password"),
    # -- control characters --------------------------------------------------------------------
    V("nul_in_commentary.csv", "nul_in_commentary.csv, row 3, column 'commentary': "
      + _control("U+0000 NUL", 5)),
    V("c1_in_ref.csv", "c1_in_ref.csv, row 2, column 'ref': " + _control("U+0085 NEL", 6)),
    V("escape_in_value.csv", "2 problems importing the file",
      "escape_in_value.csv, row 2, column 'value': " + _control("U+001B ESC", 1),
      "escape_in_value.csv, row 3, column 'value': " + _control("U+007F DEL", 2)),
    V("nul_in_shared_string.xlsx", "nul_in_shared_string.xlsx, sheet 'Values', row 3, column "
      "'commentary': " + _control("U+0000 NUL", 5)),
    V("control_in_inline_string.xlsx", "control_in_inline_string.xlsx, sheet 'Values', row 4, "
      "column 'ref': " + _control("U+001B ESC", 6)),
    V("control_in_formula_result.xlsx", "control_in_formula_result.xlsx, sheet 'Values', row "
      "4, column 'commentary': " + _control("U+0007 BEL", 5)),
    K("control_in_name.csv", "control_in_name.csv, row 2, column 'Performance Indicator Name': "
      + _control("U+000B VT", 21)),
    K("control_in_name.xlsx", "control_in_name.xlsx, sheet 'Appendix B', row 3, column "
      "'Performance Indicator Name': " + _control("U+0000 NUL", 20)),
]
