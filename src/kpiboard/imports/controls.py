"""Control characters in imported text: refused at the cell, with a visible name.

A NUL (or any other C0 control but tab, line feed and carriage return, DEL, or a C1 control
U+0080-U+009F) is invisible in a spreadsheet, is stored as it is by SQLite and is refused by
PostgreSQL, so that a database holding one cannot be restored into PostgreSQL. Every table
reader refuses a cell holding one, naming the character and its position in the cell.
"""

from __future__ import annotations

import re

# C0 controls except tab (09), line feed (0A) and carriage return (0D); DEL; the C1 controls
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_C0 = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF",
       "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
       "SUB", "ESC", "FS", "GS", "RS", "US"]
_C1 = ["PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU",
       "RI", "SS2", "SS3", "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGCI",
       "SCI", "CSI", "ST", "OSC", "PM", "APC"]


def control_name(char: str) -> str:
    """``U+0000 NUL``: the code point and the control's short name."""
    code = ord(char)
    name = _C0[code] if code < 0x20 else "DEL" if code == 0x7F else _C1[code - 0x80]
    return f"U+{code:04X} {name}"


def control_problem(text: str) -> str | None:
    """The message for a text holding a control character, or None if it holds none."""
    found = CONTROL.search(text)
    if found is None:
        return None
    more = len(CONTROL.findall(text)) - 1
    also = f" (and {more} more)" if more else ""
    return (f"contains a control character ({control_name(found.group())}) at position "
            f"{found.start() + 1}{also}; remove it")
