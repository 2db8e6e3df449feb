"""UK local-government reporting periods: financial years (April to March) and their parts.

Month 1 is April; Q1 is April to June; H1 is April to September. ``Period.parse`` reads the
labels councils use ("Quarter 1 23-24", "Jan-24", "2023/24-H2", ...).

Ambiguity: ``2011-12`` (hyphen) is read as the calendar month December 2011 and ``2011/12``
(slash) as the financial year 2011/12, so every ``key`` round-trips. Only years 2000/01 to
2011/12 (and 2099/00, 2100/01) are affected. ``parse_year`` always reads a financial year.
Two-digit years are 20xx.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import total_ordering
from typing import Protocol, overload

__all__ = [
    "FinancialYear", "Period", "PeriodError", "PeriodKind",
    "months_between", "parse_period", "parse_year", "reported_period",
]  # fmt: skip

MIN_YEAR = 1000
MAX_YEAR = 9998

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_LOOKUP = {n.lower(): i for i, n in enumerate(_MONTH_NAMES, 1)}
_MONTH_LOOKUP.update({n[:3].lower(): i for i, n in enumerate(_MONTH_NAMES, 1)})
_MONTH_LOOKUP["sept"] = 9

_STYLES = ("key", "long", "short", "report")


class PeriodError(ValueError):
    """A period or financial year that cannot be read or built."""


class PeriodKind(str, Enum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"

    @property
    def length(self) -> int:
        """Number of months in a period of this kind."""
        return _LENGTHS[self]

    @property
    def per_year(self) -> int:
        """Number of periods of this kind in a financial year."""
        return 12 // _LENGTHS[self]


_LENGTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


class _Unreadable(Exception): ...  # internal: why text is unreadable; becomes PeriodError


def _year_problem(start: object) -> str | None:
    if not isinstance(start, int) or isinstance(start, bool):
        return f"year must be an int, got {start!r}"
    if not MIN_YEAR <= start <= MAX_YEAR:
        return f"year must be {MIN_YEAR} to {MAX_YEAR}, got {start}"
    return None


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    """A financial year from 1 April ``start`` to 31 March ``start + 1``."""

    start: int

    def __post_init__(self) -> None:
        problem = _year_problem(self.start)
        if problem:
            raise PeriodError(f"invalid financial year '{self.start!r}': {problem}")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Canonical label, e.g. ``2023/24``."""
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    @property
    def first_day(self) -> date:
        return date(self.start, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.start + 1, 3, 31)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start - 1)

    def next(self) -> FinancialYear:
        return FinancialYear(self.start + 1)

    def months(self) -> tuple[Period, ...]:
        return Period.full_year(self).months()

    def quarters(self) -> tuple[Period, ...]:
        return tuple(Period.quarter(self, i) for i in range(1, 5))

    @classmethod
    def of_date(cls, d: date) -> FinancialYear:
        """The financial year containing ``d``."""
        return cls(d.year if d.month >= 4 else d.year - 1)

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Read "2023/24", "2023-2024", "2023 to 2024", "FY2023/24", "23-24", ..."""
        try:
            return _fy_from(re.fullmatch(_FY, _normalise(text, "financial year")))
        except _Unreadable as exc:
            raise PeriodError(f"cannot read financial year '{text}': {exc}") from None


# Building blocks of the period grammar (applied to lower-case, single-spaced text).
_SEP = r"(?: ?[/-] ?| to )"
_FY = rf"(?:fy ?)?(?P<a>[0-9]{{2}}(?:[0-9]{{2}})?){_SEP}(?P<b>[0-9]{{2}}(?:[0-9]{{2}})?)"
_Q = r"(?:q|qtr|quarter)"
_H = r"(?:h|half|half year|half-year)"
_IDX = r"(?P<i>[0-9]{1,3})"
_PATTERNS: tuple[tuple[PeriodKind, str], ...] = (
    (PeriodKind.YEAR, _FY),
    (PeriodKind.QUARTER, rf"{_Q} ?{_IDX} ?,? ?{_FY}"),
    (PeriodKind.QUARTER, rf"{_FY} ?-? ?{_Q} ?{_IDX}"),
    (PeriodKind.HALF, rf"{_H} ?{_IDX} ?,? ?{_FY}"),
    (PeriodKind.HALF, rf"{_FY} ?-? ?{_H} ?{_IDX}"),
    (PeriodKind.MONTH, rf"(?P<name>[a-z]+)\.? ?,? ?{_FY}"),
)
_CALENDAR_NAMED = r"(?P<name>[a-z]+)\.?(?: ?[-/', ] ?)?(?P<y>[0-9]{4}|[0-9]{2})"
_ISO = r"(?P<y>[0-9]{4}) ?(?P<sep>[/-]) ?(?P<m>[0-9]{2})"
_MONTH_FIRST = r"(?P<m>[0-9]{1,2}) ?[/-] ?(?P<y>[0-9]{4})"


def _normalise(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise PeriodError(f"cannot read {what} '{text!r}': expected text")
    norm = re.sub(r"\s+", " ", text.replace("\u2013", "-").replace("\u2014", "-")).strip().lower()
    if not norm:
        raise PeriodError(f"cannot read {what} '{text}': empty text")
    return norm


def _full_year(digits: str) -> int:
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _checked_year(start: int) -> FinancialYear:
    problem = _year_problem(start)
    if problem:
        raise _Unreadable(problem)
    return FinancialYear(start)


def _fy_from(match: re.Match[str] | None) -> FinancialYear:
    if not match:
        raise _Unreadable("expected a financial year such as '2023/24'")
    a, b = match["a"], match["b"]
    if len(a) == 2 and len(b) == 4:
        raise _Unreadable("write the start year in full, e.g. '2023/2024' or '23/24'")
    start = _full_year(a)
    end_ok = int(b) == start + 1 if len(b) == 4 else int(b) == (start + 1) % 100
    if not end_ok:
        raise _Unreadable("the end year must be the year after the start year")
    return _checked_year(start)


def _month_number(name: str) -> int:
    number = _MONTH_LOOKUP.get(name)
    if number is None:
        raise _Unreadable(f"unknown month name '{name}'")
    return number


def _calendar(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise _Unreadable("month must be 1 to 12")
    fy = _checked_year(year if month >= 4 else year - 1)
    return Period(fy, PeriodKind.MONTH, (month - 4) % 12 + 1)


def _index_problem(kind: PeriodKind, index: object) -> str | None:
    if not isinstance(index, int) or isinstance(index, bool):
        return f"index must be an int, got {index!r}"
    if not 1 <= index <= kind.per_year:
        return f"{kind.value} must be 1 to {kind.per_year}"
    return None


def _read(norm: str) -> Period:
    match = re.fullmatch(_ISO, norm)
    if match:
        year, month = int(match["y"]), int(match["m"])
        is_fy = month == (year + 1) % 100
        is_month = 1 <= month <= 12
        if is_month and (match["sep"] == "-" or not is_fy):
            return _calendar(year, month)
        if not is_fy and match["sep"] == "-":
            raise _Unreadable("not a financial year or a month (month must be 1 to 12)")
    match = re.fullmatch(_MONTH_FIRST, norm)
    if match:
        return _calendar(int(match["y"]), int(match["m"]))
    for kind, pattern in _PATTERNS:
        match = re.fullmatch(pattern, norm)
        if match:
            fy = _fy_from(match)
            if kind is PeriodKind.MONTH:
                month = _month_number(match["name"])
                return Period(fy, PeriodKind.MONTH, (month - 4) % 12 + 1)
            index = int(match["i"]) if kind is not PeriodKind.YEAR else 1
            problem = _index_problem(kind, index)
            if problem:
                raise _Unreadable(problem)
            return Period(fy, kind, index)
    match = re.fullmatch(_CALENDAR_NAMED, norm)
    if match:
        return _calendar(_full_year(match["y"]), _month_number(match["name"]))
    if not re.search(r"[0-9]{2}", norm):
        raise _Unreadable("no year given")
    raise _Unreadable("expected a period such as '2023/24', 'Quarter 1 2023/24' or 'Jan-24'")


def _as_year(year: int | FinancialYear) -> FinancialYear:
    return year if isinstance(year, FinancialYear) else FinancialYear(year)


class _CalendarMonthBuilder(Protocol):
    def __call__(self, year: int, month: int) -> Period: ...


class _CalendarMonth:
    """``Period.calendar_month(2024, 1)`` builds a month; ``p.calendar_month`` is 1 to 12."""

    @overload
    def __get__(self, obj: None, owner: type[Period]) -> _CalendarMonthBuilder: ...
    @overload
    def __get__(self, obj: Period, owner: type[Period] | None = None) -> int: ...
    def __get__(
        self, obj: Period | None, owner: type[Period] | None = None
    ) -> _CalendarMonthBuilder | int:
        if obj is None:
            return _calendar_month_period
        return obj._calendar_date().month


def _calendar_month_period(year: int, month: int) -> Period:
    """The month period for calendar ``year`` and ``month`` (1 = January)."""
    try:
        return _calendar(year, month)
    except _Unreadable as exc:
        raise PeriodError(f"invalid calendar month '{year!r}-{month!r}': {exc}") from None


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A month, quarter, half or whole of a financial year. Sorts chronologically."""

    year: FinancialYear
    kind: PeriodKind
    index: int

    calendar_month = _CalendarMonth()

    def __post_init__(self) -> None:
        if not isinstance(self.year, FinancialYear):
            raise PeriodError(f"invalid period year '{self.year!r}': expected a FinancialYear")
        if not isinstance(self.kind, PeriodKind):
            raise PeriodError(f"invalid period kind '{self.kind!r}': expected a PeriodKind")
        problem = _index_problem(self.kind, self.index)
        if problem:
            raise PeriodError(f"invalid {self.kind.value} '{self.index!r}': {problem}")

    @classmethod
    def month(cls, year: int | FinancialYear, index: int) -> Period:
        """Month ``index`` of the year (1 = April)."""
        return cls(_as_year(year), PeriodKind.MONTH, index)

    @classmethod
    def quarter(cls, year: int | FinancialYear, index: int) -> Period:
        return cls(_as_year(year), PeriodKind.QUARTER, index)

    @classmethod
    def half(cls, year: int | FinancialYear, index: int) -> Period:
        return cls(_as_year(year), PeriodKind.HALF, index)

    @classmethod
    def full_year(cls, year: int | FinancialYear) -> Period:
        return cls(_as_year(year), PeriodKind.YEAR, 1)

    @classmethod
    def of_date(cls, d: date, kind: PeriodKind = PeriodKind.MONTH) -> Period:
        """The period of ``kind`` containing ``d``."""
        kind = PeriodKind(kind)
        return cls(FinancialYear.of_date(d), kind, (d.month - 4) % 12 // kind.length + 1)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read any label form councils use (case-insensitive); raise PeriodError if not."""
        norm = _normalise(text, "period")  # raises PeriodError itself
        try:
            return _read(norm)
        except _Unreadable as exc:
            raise PeriodError(f"cannot read period '{text}': {exc}") from None

    def _sort_key(self) -> tuple[int, int, int]:
        return (self.year.start, self._offset, self.kind.length)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    @property
    def _offset(self) -> int:
        """Months from the start of the financial year to the start of this period."""
        return (self.index - 1) * self.kind.length

    def _month_date(self, offset: int) -> date:
        return date(self.year.start + (offset + 3) // 12, (offset + 3) % 12 + 1, 1)

    def _calendar_date(self) -> date:
        if self.kind is not PeriodKind.MONTH:
            raise PeriodError(f"'{self}' is not a month")
        return self.start

    @property
    def start(self) -> date:
        return self._month_date(self._offset)

    @property
    def end(self) -> date:
        last = self._month_date(self._offset + self.kind.length - 1)
        return last.replace(day=calendar.monthrange(last.year, last.month)[1])

    @property
    def calendar_year(self) -> int:
        """Calendar year of a month period (January 2023/24 -> 2024)."""
        return self._calendar_date().year

    def months(self) -> tuple[Period, ...]:
        return _months(self.year, self._offset + 1, self.kind.length)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def _enclosing(self, kind: PeriodKind) -> Period:
        if self.kind.length > kind.length:
            raise PeriodError(f"'{self}' is longer than a {kind.value}")
        return Period(self.year, kind, self._offset // kind.length + 1)

    def quarter_of(self) -> Period:
        """The quarter containing this month (or quarter)."""
        return self._enclosing(PeriodKind.QUARTER)

    def half_of(self) -> Period:
        """The half year containing this month, quarter (or half)."""
        return self._enclosing(PeriodKind.HALF)

    def year_to_date(self) -> tuple[Period, ...]:
        """Months from April up to and including this period's last month."""
        return tuple(
            Period.month(self.year, i) for i in range(1, self._offset + self.kind.length + 1)
        )

    def _shift(self, steps: int) -> Period:
        count = self.kind.per_year
        start, index = divmod(self.year.start * count + self.index - 1 + steps, count)
        problem = _year_problem(start)
        if problem:
            raise PeriodError(f"cannot move '{self}' by {steps}: {problem}")
        return Period(FinancialYear(start), self.kind, index + 1)

    def previous(self) -> Period:
        return self._shift(-1)

    def next(self) -> Period:
        return self._shift(1)

    def same_period_last_year(self) -> Period:
        return Period(self.year.previous(), self.kind, self.index)

    def shift_months(self, n: int) -> Period:
        """Move by ``n`` months (negative is back); must be whole periods of this kind."""
        if n % self.kind.length:
            raise PeriodError(f"cannot move '{self}' by {n} months: not whole {self.kind.value}s")
        return self._shift(n // self.kind.length)

    @property
    def label(self) -> str:
        """Canonical human label, e.g. "Quarter 1 2023/24"."""
        return self.format("long")

    @property
    def key(self) -> str:
        """Compact machine label, e.g. "2024-01", "2023/24-Q1", "2023/24"."""
        return self.format("key")

    def __str__(self) -> str:
        return self.key

    def format(self, style: str = "key") -> str:
        """Label in ``style``: "key", "long", "short" or "report"."""
        fy, i = self.year, self.index
        slash, dash = fy.label, fy.label.replace("/", "-")
        if self.kind is PeriodKind.MONTH:
            d, name = self.start, _MONTH_NAMES[self.start.month - 1]
            labels = (f"{d:%Y-%m}", f"{name} {slash}", f"{name[:3]}-{d:%y}", f"{name} {slash}")
        elif self.kind is PeriodKind.YEAR:
            labels = (slash, slash, dash, slash)
        else:
            word, letter = ("Quarter", "Q") if self.kind is PeriodKind.QUARTER else ("Half", "H")
            report = f"{word} {i} {fy.start % 100:02d}-{(fy.start + 1) % 100:02d}"
            labels = (f"{slash}-{letter}{i}", f"{word} {i} {slash}", f"{letter}{i} {dash}", report)
        if style not in _STYLES:
            raise PeriodError(f"unknown period format style '{style}': use one of {_STYLES}")
        return labels[_STYLES.index(style)]


def parse_period(text: str) -> Period:
    """Read a period label; see ``Period.parse``."""
    return Period.parse(text)


def parse_year(text: str) -> FinancialYear:
    """Read a financial year label; see ``FinancialYear.parse``."""
    return FinancialYear.parse(text)


def reported_period(period: Period, arrears_months: int) -> Period:
    """The period whose data is reported in ``period`` when running ``arrears_months`` behind."""
    if arrears_months < 0:
        raise PeriodError(f"arrears must not be negative, got '{arrears_months}'")
    return period.shift_months(-arrears_months)


def months_between(a: Period, b: Period) -> int:
    """Whole months from the start of ``a`` to the start of ``b`` (negative if ``b`` is earlier)."""
    return (b.year.start - a.year.start) * 12 + b._offset - a._offset


@functools.lru_cache(maxsize=4096)
def _months(year: FinancialYear, first: int, length: int) -> tuple[Period, ...]:
    """The months ``first`` to ``first + length - 1`` of ``year`` (periods are immutable, and
    the same few are asked for again and again while a report is built)."""
    return tuple(Period.month(year, i) for i in range(first, first + length))
