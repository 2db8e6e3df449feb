"""Reading a period value from a spreadsheet or report cell, keeping the original text.

Values arrive as text such as ``80.60%``, ``1,197``, ``60.9 days``, ``£71,233,944.18``,
``93.4% (12938 out of 13852)``, ``27.3% (8,263)``, ``3681 (Apr - Jan)`` or
``N/A Reporting one month in arrears``. :func:`parse_value` turns a cell into a
:class:`ParsedValue`: an exact ``Decimal`` (never a float) or, for a non-value such as N/A, TBC
or Data unavailable, a :class:`ValueState` saying why there is no value. A non-value is never
read as a number, and never as zero. Anything else raises :class:`ValueParseError`.

Rules worth knowing:

* A remark after the number must be in brackets (one missing bracket is tolerated, as in the
  real ``100% 15 out of 15)``). ``(a out of b)`` or ``(a/b)`` gives the numerator and
  denominator; a bare whole number after a percentage, ``27.3% (8,263)``, is the cohort size,
  i.e. the denominator; any other remark is kept as ``note``.
* ``a out of b`` or ``a/b`` on its own is a percentage computed to 2 decimal places (half up);
  a zero denominator gives NOT_APPLICABLE, not a value.
* ``(1,200)`` is an accounting negative. Thousands separators must group digits in threes.
  Exponent notation (``1.5E+3``) and multipliers (``£1.2m``) are not accepted in text.
* ``unit=`` is the unit the caller expects (the KPI's unit): it is used when the text states
  none, and a text that states a different unit (``%``, ``days``, ``weeks``, ``£``) is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from kpiboard.engine.types import Unit, ValueState

__all__ = ["ParsedValue", "ValueParseError", "format_value", "parse_value", "to_decimal"]

_NOT_READABLE = "not a number or a known non-value (N/A, TBC, Data unavailable, ...)"
COMPUTED_NOTE = "computed from numerator and denominator"
ZERO_DENOMINATOR_NOTE = "denominator is 0"
NO_VALUE_TEXT = "—"


class ValueParseError(ValueError):
    """A cell that is neither a readable number nor a known non-value."""

    def __init__(self, text: str, reason: str = _NOT_READABLE) -> None:
        super().__init__(f"cannot read value {text!r}: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """One cell as read: the original text, whether it holds a value, and what it says."""

    text: str  # the original text, untouched
    state: ValueState
    value: Decimal | None  # None exactly when state is not VALUE
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    unit: Unit | None = None  # stated by the text, else the unit the caller expected
    qualifier: str | None = None  # "<", ">", "<=" or ">="
    note: str | None = None  # a remark such as "Apr - Jan" or "YTD"
    decimals: int = 0  # decimal places as written in the main number

    def __post_init__(self) -> None:
        if (self.value is None) == (self.state is ValueState.VALUE):
            raise ValueError(f"state {self.state.value} does not agree with value {self.value!r}")

    @property
    def has_value(self) -> bool:
        return self.state is ValueState.VALUE


# Non-values, matched case-insensitively at the start of the trimmed text.
_NON_VALUE_WORDS: dict[str, ValueState] = {
    "n/a": ValueState.NOT_APPLICABLE,
    "na": ValueState.NOT_APPLICABLE,
    "n.a": ValueState.NOT_APPLICABLE,
    "not applicable": ValueState.NOT_APPLICABLE,
    "data unavailable": ValueState.MISSING,
    "data not available": ValueState.MISSING,
    "not available": ValueState.MISSING,
    "unavailable": ValueState.MISSING,
    "no data": ValueState.MISSING,
    "tbc": ValueState.TO_BE_CONFIRMED,
    "tbd": ValueState.TO_BE_CONFIRMED,
    "tba": ValueState.TO_BE_CONFIRMED,
    "to be confirmed": ValueState.TO_BE_CONFIRMED,
    "to be determined": ValueState.TO_BE_CONFIRMED,
    "to be agreed": ValueState.TO_BE_CONFIRMED,
}
_KEYWORD_RE = re.compile(
    "(?:"
    + "|".join(re.escape(w) for w in sorted(_NON_VALUE_WORDS, key=len, reverse=True))
    + r")(?=$|[ (:,;–—-])",
    re.IGNORECASE,
)
_DASHES_RE = re.compile("[-‐‑‒–—―−]+")
_TRAILING_PUNCTUATION = ".,;:!? "
_REMARK_LEAD = " :,;-–—"

# A number as written: digits with thousands separators in threes, or plain digits.
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
_NUM_RE = re.compile(_NUM)
_PLAIN_RE = re.compile(rf"(?P<sign>[-−+])? ?(?P<num>{_NUM})")
_FRACTION_RE = re.compile(rf"(?P<num>{_NUM}) ?(?:out of|/) ?(?P<den>{_NUM})", re.IGNORECASE)
_BROKEN_FRACTION_RE = re.compile(r"[0-9.,]* ?(?:out of|/) ?[0-9.,]*", re.IGNORECASE)
_FINANCIAL_YEAR_RE = re.compile(r"(?:19|20)[0-9]{2} ?[/-] ?(?:[0-9]{2}|(?:19|20)[0-9]{2})")
_MAIN_RE = re.compile(
    r"(?P<qual><=|>=|≤|≥|<|>)? ?(?P<sign>[-−+])? ?(?P<money>£)? ?(?P<sign2>[-−+])?"
    rf"(?P<num>{_NUM})(?: ?(?P<suffix>%|days?\b|weeks?\b))?(?P<tail>.*)",
    re.IGNORECASE,
)
_ACCOUNTING_RE = re.compile(r"\((?P<inner>[^()]*)\)")
_QUALIFIERS = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}
_SUFFIX_UNITS = {"%": Unit.PERCENT, "d": Unit.DAYS, "w": Unit.WEEKS}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)

_Remark = tuple[Decimal | None, Decimal | None, str | None]


def parse_value(
    text: str | int | float | Decimal | None, *, unit: Unit | None = None
) -> ParsedValue:
    """Read one cell. ``unit`` is the unit expected (used when the text states none)."""
    if text is None:
        return ParsedValue("", ValueState.MISSING, None, unit=unit)
    if isinstance(text, bool):
        raise ValueParseError(str(text), "a true/false cell is not a value")
    if isinstance(text, int | float | Decimal):
        return _from_number(text, unit)
    if not isinstance(text, str):
        raise TypeError(f"cannot read a value from {type(text).__name__}")
    return _from_text(text, unit)


def to_decimal(text: str) -> Decimal:
    """Read a plain number such as ``1,197``, ``-3.5`` or ``408.4`` exactly."""
    match = _PLAIN_RE.fullmatch(_normalise(text))
    if match is None:
        raise ValueParseError(
            text, "not a plain number (digits, thousands separators in threes, a decimal point)"
        )
    value = _dec(match["num"])
    if match["sign"] in ("-", "−"):
        value = value.copy_negate()
    return _no_negative_zero(value)


def format_value(value: Decimal | None, *, unit: Unit | None, decimals: int | None = None) -> str:
    """Show a value as reports do: ``80.60%``, ``1,197``, ``£71,233,944.18``, ``60.9 days``.

    ``decimals`` rounds half up to that many places; None shows the value as it is held.
    A missing value shows as an em dash.
    """
    if value is None:
        return NO_VALUE_TEXT
    if not value.is_finite():
        raise ValueError(f"cannot format {value!r}")
    if decimals is not None:
        if decimals < 0:
            raise ValueError(f"decimals must not be negative, got {decimals}")
        value = _round(value, decimals)
    value = _no_negative_zero(value)
    sign = "-" if value.is_signed() else ""
    body = f"{value.copy_abs():,f}"
    if unit is Unit.MONEY:
        return f"{sign}£{body}"
    number = sign + body
    if unit is Unit.PERCENT:
        return f"{number}%"
    if unit is Unit.DAYS:
        return f"{number} {'day' if body == '1' else 'days'}"
    if unit is Unit.WEEKS:
        return f"{number} {'week' if body == '1' else 'weeks'}"
    return number


# --- numbers that are already numbers -------------------------------------------------------


def _from_number(number: int | float | Decimal, unit: Unit | None) -> ParsedValue:
    text = repr(number) if isinstance(number, float) else str(number)
    value = Decimal(text) if isinstance(number, float) else Decimal(number)
    if not value.is_finite():
        raise ValueParseError(text, "not a finite number")
    value = _no_negative_zero(value)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    return ParsedValue(text, ValueState.VALUE, value, unit=unit, decimals=max(0, -exponent))


# --- text -----------------------------------------------------------------------------------


def _from_text(original: str, expected: Unit | None) -> ParsedValue:
    text = _normalise(original)
    non_value = _non_value(text, original, expected)
    if non_value is not None:
        return non_value
    accounting = _ACCOUNTING_RE.fullmatch(text)
    if accounting is not None:
        inner = _MAIN_RE.fullmatch(accounting["inner"].strip())
        if inner is None or inner["qual"] or inner["sign"] or inner["sign2"] or inner["tail"]:
            raise ValueParseError(original)
        return _from_main(inner, original, expected, negate=True)
    if _FINANCIAL_YEAR_RE.fullmatch(text):
        raise ValueParseError(original, "looks like a financial year, not a value")
    fraction = _FRACTION_RE.fullmatch(text)
    if fraction is not None:
        return _from_fraction(fraction, original, expected)
    main = _MAIN_RE.fullmatch(text)
    if main is None:
        raise ValueParseError(original)
    return _from_main(main, original, expected, negate=False)


def _non_value(text: str, original: str, expected: Unit | None) -> ParsedValue | None:
    core = text.rstrip(_TRAILING_PUNCTUATION)
    if not core or _DASHES_RE.fullmatch(core):
        return ParsedValue(original, ValueState.MISSING, None, unit=expected)
    keyword = _KEYWORD_RE.match(core)
    if "arrears" in core.casefold():
        remark = core[keyword.end() :].lstrip(_REMARK_LEAD) if keyword else core
        note = remark or None
        return ParsedValue(original, ValueState.IN_ARREARS, None, unit=expected, note=note)
    if keyword is None:
        return None
    state = _NON_VALUE_WORDS.get(keyword.group(0).casefold())
    if state is None:
        return None
    numerator = denominator = note = None
    remark = core[keyword.end() :].lstrip(_REMARK_LEAD)
    if remark:
        numerator, denominator, note = _read_remark(
            remark, original, need_brackets=False, count_is_denominator=False
        )
    return ParsedValue(original, state, None, numerator, denominator, unit=expected, note=note)


def _from_fraction(match: re.Match[str], original: str, expected: Unit | None) -> ParsedValue:
    numerator, denominator = _dec(match["num"]), _dec(match["den"])
    unit = _resolve_unit(Unit.PERCENT, expected, original)
    if denominator.is_zero():
        return ParsedValue(
            original,
            ValueState.NOT_APPLICABLE,
            None,
            numerator,
            denominator,
            unit,
            note=ZERO_DENOMINATOR_NOTE,
        )
    # Exact: hundredths of a percent as a fraction, then rounded half up (all parts >= 0).
    hundredths = Fraction(numerator) * 10_000 / Fraction(denominator)
    whole, rest = divmod(hundredths.numerator, hundredths.denominator)
    if 2 * rest >= hundredths.denominator:
        whole += 1
    value = Decimal(f"{whole}E-2")
    return ParsedValue(
        original,
        ValueState.VALUE,
        value,
        numerator,
        denominator,
        unit,
        note=COMPUTED_NOTE,
        decimals=2,
    )


def _from_main(
    match: re.Match[str], original: str, expected: Unit | None, *, negate: bool
) -> ParsedValue:
    if match["sign"] and match["sign2"]:
        raise ValueParseError(original, "more than one sign")
    suffix = match["suffix"]
    if match["money"] and suffix:
        raise ValueParseError(original, f"£ and {suffix!r} together")
    stated = Unit.MONEY if match["money"] else None
    if suffix:
        stated = _SUFFIX_UNITS[suffix[0].lower()]
    unit = _resolve_unit(stated, expected, original)

    digits = match["num"]
    value = _dec(digits)
    if negate or (match["sign"] or match["sign2"]) in ("-", "−"):
        value = value.copy_negate()
    value = _no_negative_zero(value)
    decimals = len(digits.partition(".")[2])

    tail = match["tail"]
    if tail and not tail.startswith((" ", "(")):
        raise ValueParseError(original, "not a well-formed number")
    numerator = denominator = note = None
    if tail.strip():
        numerator, denominator, note = _read_remark(
            tail.strip(), original, need_brackets=True, count_is_denominator=unit is Unit.PERCENT
        )
    qualifier = _QUALIFIERS[match["qual"]] if match["qual"] else None
    return ParsedValue(
        original,
        ValueState.VALUE,
        value,
        numerator,
        denominator,
        unit,
        qualifier,
        note,
        decimals,
    )


def _read_remark(
    remark: str, original: str, *, need_brackets: bool, count_is_denominator: bool
) -> _Remark:
    """Read the remark after a number or non-value: a fraction, a cohort size or a note."""
    opened, closed = remark.startswith("("), remark.endswith(")")
    inner = remark[1 if opened else 0 : -1 if closed else None].strip()
    if not inner or "(" in inner or ")" in inner:
        raise ValueParseError(original, "expected one bracketed remark after the value")
    if _FINANCIAL_YEAR_RE.fullmatch(inner) and (opened or closed or not need_brackets):
        return None, None, inner  # "(2022/23)" is a year, not 2022 out of 23
    fraction = _FRACTION_RE.fullmatch(inner)
    if fraction is None and _BROKEN_FRACTION_RE.fullmatch(inner):
        raise ValueParseError(
            original, f"incomplete fraction {inner!r} (expected 'a out of b' or 'a/b')"
        )
    if need_brackets and not (opened or closed):
        raise ValueParseError(original, "a remark after the number must be in brackets")
    if fraction is not None:
        return _dec(fraction["num"]), _dec(fraction["den"]), None
    if _NUM_RE.fullmatch(inner) and count_is_denominator and "." not in inner:
        return None, _dec(inner), None
    if not any(ch.isalnum() for ch in inner):
        raise ValueParseError(original, f"unreadable remark {inner!r}")
    return None, None, inner


# --- helpers --------------------------------------------------------------------------------


def _resolve_unit(stated: Unit | None, expected: Unit | None, original: str) -> Unit | None:
    if stated is None:
        return expected
    if expected is not None and expected is not stated:
        raise ValueParseError(
            original, f"the text gives {stated.value} but {expected.value} was expected"
        )
    return stated


def _normalise(text: str) -> str:
    """Trim, drop invisible characters, and make every run of whitespace one plain space."""
    return " ".join(text.translate(_INVISIBLE).split())


def _dec(digits: str) -> Decimal:
    return Decimal(digits.replace(",", ""))


def _no_negative_zero(value: Decimal) -> Decimal:
    return value.copy_abs() if value.is_zero() else value


def _round(value: Decimal, places: int) -> Decimal:
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + places + 2)
        return value.quantize(Decimal(f"1E-{places}"), rounding=ROUND_HALF_UP)
