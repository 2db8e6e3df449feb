"""Excel number formats, as far as kpiboard needs them: which formats show a percentage or a
date, and a date shown as the format shows it (``Mar-24``, ``01/03/2024``).

Numbers themselves are read at full precision, not rounded to the places a format shows:
``0.71428`` under ``0.00%`` reads as ``71.428%`` (the value checks allow for rounding).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

GENERAL, PERCENT, DATE, TIME = 0, 1, 2, 3

# The built-in formats by id (those of a UK Excel: id 14 is the system's short date, which a
# UK user sees as dd/mm/yyyy). Ids 27-36 and 50-58 are East Asian dates, shown as ISO dates.
BUILTIN = {
    9: "0%", 10: "0.00%", 14: "dd/mm/yyyy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
    18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "dd/mm/yyyy hh:mm",
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0",
    **{i: "yyyy-mm-dd" for i in (*range(27, 37), *range(50, 59))},
}

# quoted text, an escaped character, [...] (colour, condition, locale), _x (a space), *x (fill)
_LITERAL = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|_.|\*.', re.S)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def format_code(number_format_id: int, custom: dict[int, str]) -> str:
    """The code of a format by its id: a workbook's own, else a built-in one, else General."""
    return custom.get(number_format_id) or BUILTIN.get(number_format_id, "General")


@lru_cache(maxsize=4096)
def kind(code: str) -> int:
    """GENERAL (any number format), PERCENT, DATE (a date, perhaps with a time) or TIME (a
    time of day or a duration only), by the format's first section."""
    section = _first_section(code)
    bare = _LITERAL.sub("", section)
    if any(c in bare for c in "yYdD") or (("m" in bare or "M" in bare)
                                          and not any(c in bare for c in "hHsS")):
        return DATE
    if any(c in bare for c in "hHsS") or re.search(r"\[(h+|m+|s+)\]", section, re.I):
        return TIME
    if "%" in bare:
        return PERCENT
    return GENERAL


def is_percent(code: str) -> bool:
    """Whether the format shows a number as a percentage (a ``%`` that is not quoted text)."""
    return "%" in _LITERAL.sub("", _first_section(code))


def _first_section(code: str) -> str:
    """The section for positive numbers (sections are separated by ``;`` outside quotes)."""
    out, quoted, escaped = [], False, False
    for c in code:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == '"':
            quoted = not quoted
        elif c == ";" and not quoted:
            break
        out.append(c)
    return "".join(out)


_TOKEN = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|_.|\*.|am/pm|a/p|y+|m+|d+|h+|s+(?:\.0+)?|.',
                    re.I | re.S)


def date_text(value: dt.datetime, code: str) -> str:
    """A date (and time) as the format shows it. Month and day names are English."""
    section = _first_section(code)
    tokens = _TOKEN.findall(section)
    twelve = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        first = low[:1]
        if tok.startswith('"'):
            out.append(tok.strip('"'))
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif tok.startswith("["):
            inner = tok[1:-1].lower()
            if inner.startswith("$") and "-" in inner:  # [$£-809]: a currency, or a locale
                out.append(inner[1:inner.index("-")])
            elif inner and set(inner) <= set("hms"):  # elapsed hours, minutes or seconds
                out.append(_elapsed(value, inner))
        elif tok.startswith("_"):
            out.append(" ")
        elif tok.startswith("*"):
            continue
        elif low in ("am/pm", "a/p"):
            pm = value.hour >= 12
            text = ("PM" if pm else "AM") if low == "am/pm" else ("p" if pm else "a")
            out.append(text.upper() if tok[0].isupper() else text)
        elif first == "y":
            out.append(f"{value.year % 100:02d}" if len(low) <= 2 else f"{value.year:04d}")
        elif first == "m":
            if _is_minutes(tokens, i):
                out.append(f"{value.minute:02d}" if len(low) >= 2 else str(value.minute))
            elif len(low) == 1:
                out.append(str(value.month))
            elif len(low) == 2:
                out.append(f"{value.month:02d}")
            elif len(low) == 3:
                out.append(_MONTHS[value.month - 1][:3])
            elif len(low) == 5:
                out.append(_MONTHS[value.month - 1][0])
            else:
                out.append(_MONTHS[value.month - 1])
        elif first == "d":
            if len(low) == 1:
                out.append(str(value.day))
            elif len(low) == 2:
                out.append(f"{value.day:02d}")
            elif len(low) == 3:
                out.append(_DAYS[value.weekday()][:3])
            else:
                out.append(_DAYS[value.weekday()])
        elif first == "h":
            hour = (value.hour % 12 or 12) if twelve else value.hour
            out.append(f"{hour:02d}" if len(low) >= 2 else str(hour))
        elif first == "s":
            seconds, _, places = low.partition(".")
            out.append(f"{value.second:02d}" if len(seconds) >= 2 else str(value.second))
            if places:
                fraction = f"{value.microsecond / 1_000_000:.{len(places)}f}"
                out.append(fraction[1:])
        else:
            out.append(tok)
    return "".join(out).strip()


def _is_minutes(tokens: list[str], i: int) -> bool:
    """Whether the m token at ``i`` means minutes: just after hours, or just before seconds
    (literal text between is skipped)."""
    for j in range(i - 1, -1, -1):
        t = tokens[j].lower().lstrip("[")[:1]
        if t in "ymd" and t:
            break
        if t == "h":
            return True
    for j in range(i + 1, len(tokens)):
        t = tokens[j].lower().lstrip("[")[:1]
        if t in "ymdh" and t:
            break
        if t == "s":
            return True
    return False


def _elapsed(value: dt.datetime, unit: str) -> str:
    """[h], [mm] or [ss]: the whole hours, minutes or seconds since Excel's day 0."""
    base = dt.datetime(1899, 12, 31) if value.year > 1899 else dt.datetime(1899, 12, 30)
    seconds = int((value - base).total_seconds())
    total = {"h": seconds // 3600, "m": seconds // 60, "s": seconds}[unit[0]]
    return f"{total:0{len(unit)}d}"
