"""Period data as a long table: one row per KPI (or sub-measure) and period, in CSV or XLSX.

``read_period_data`` reads and checks the table against a framework; ``write_period_data``
writes records back in the same form, so that reading the file again gives the same records.

The columns (matched by ``read_table``: case, spacing and punctuation ignored, and a header
matches an alias when it starts with it):

=============  ========  =====================================================================
column         needed    also accepted as
=============  ========  =====================================================================
ref            yes       kpi, reference, ref no.
period         yes       (any form ``Period.parse`` reads: 2024-02, Jan-24, 2023/24-Q1, ...)
value          yes       actual
sub_measure    no        sub-measure, submeasure, breakdown
numerator      no
denominator    no
commentary     no        comment, comments
ytd            no        year to date (the year to date as published with that period)
(ignored)      no        kpi name, kpi title, kpi description, kpi owner
=============  ========  =====================================================================

The ignored columns are there so that a "KPI name" column is not taken for the ref (whose
alias "kpi" it starts with); any other column that matches nothing is ignored too.

Every problem in the file is collected, each with its row and column, and then raised together
as one ``TableImportError``; nothing is returned from a file with a problem in it. The rules:

* **period**: must be readable by ``Period.parse``; the framework must have a KPI set for its
  financial year.
* **ref**: must be a KPI in the set for the period's year (exactly as written there); when it is
  not, the years whose sets have it are named, or else the closest reference in the year's set
  is suggested.
* **sub_measure**: empty, or the code (or name) of one of the KPI's sub-measures; the record
  holds the sub-measure's code.
* **value**: read by ``parse_value`` with the KPI's unit, so ``45%`` for a count is an error. A
  non-value (N/A, TBC, Data unavailable, N/A Reporting one month in arrears, ``-``, an empty
  cell) keeps its state and has no value; it is never read as zero.
* **numerator / denominator**: empty, or a plain number (``1,197``, ``-3.5``, ``£1,200.50``).
  The value text may give them too (``91.96% (1396 out of 1518)``; ``27.3% (8,263)`` gives the
  denominator); if a column and the value text both give one, they must agree. A denominator
  must not be negative. For a percentage KPI (unit ``percent``) the numerator must be from 0 to
  the denominator.
* **value and its terms**: for a percentage KPI with a value, a numerator and a denominator
  above 0, the value must be within one unit of its last written decimal place of
  ``numerator / denominator × 100`` (so ``92%``, ``92.3%`` and ``92.31%`` agree with 12 out of
  13, whichever way they were rounded; ``80%`` does not). A zero denominator is not checked
  (``100% (0 out of 0)`` is kept as written), nor is a qualified value (``<5%``). No check is
  made for other units, whose scale (per 1,000, per 100,000, ...) the framework does not say.
* **empty value with both terms**: for a percentage KPI the value is computed as
  ``numerator / denominator × 100``, rounded half up to 2 decimal places as ``parse_value``
  does for ``a out of b``; a zero denominator gives N/A. The record's text stays empty. For any
  other unit this is an error (the value cannot be computed; give it). An empty value with only
  one of the terms is simply missing, and keeps the term.
* **non-value with terms**: fine; the state is kept, the terms are kept and checked as above,
  and no value is computed from them (the text says there is no value).
* **duplicates**: the same ref, sub-measure and period on two rows is an error at the second
  row (in the period column), naming the first.
* **commentary**: kept as written.
* **ytd**: empty, or the year to date as published in that period's report, read as a value
  is (``80.60%``, ``3681 (Apr - Jan)``, ``n/a``) and kept in the record's ``ytd_text`` and
  ``ytd``; it is not checked against the period values (the reports compare the two).

Rows that are entirely empty are skipped (by ``read_table``). ``row`` in a record is the row
number a person sees in the file (for a CSV file, the record number: the same as the line
number unless a quoted cell runs over several lines).

Reading a million rows takes a few seconds, in well under a gigabyte: a CSV file is read as it
is parsed (``iter_table``), never whole; periods, refs, sub-measures and value texts are each
read and checked once per distinct text, so that a row whose texts have all been seen before
costs a few dictionary look-ups; and the common simple values (``1,197``, ``92.31%``,
``91.96% (1396 out of 1518)``) skip the full ``parse_value`` grammar (``read_value`` gives
the same result).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.periods import Period, PeriodError
from kpiboard.engine.types import Unit, ValueState
from kpiboard.engine.values import ParsedValue, ValueParseError, parse_value
from kpiboard.framework.model import Framework
from kpiboard.imports.tabular import (
    Problem,
    TableImportError,
    TableRows,
    iter_table,
    number_text,
    paused_gc,
)
from kpiboard.imports.valuecells import (
    Checked,
    bounds_problem,
    disagrees,
    figure_problems,
    quick_checked,
    read_number,
    read_value,
)

__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ValueRecord",
    "read_period_data",
    "read_value",
    "write_period_data",
]

IGNORED = ("kpi name", "kpi title", "kpi description", "kpi owner")  # not the ref, not used
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "kpi", "reference", "ref no."),
    "period": ("period",),
    "value": ("value", "actual"),
}
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "sub_measure": ("sub_measure", "sub-measure", "submeasure", "breakdown"),
    "numerator": ("numerator",),
    "denominator": ("denominator",),
    "commentary": ("commentary", "comment", "comments"),
    "ytd": ("ytd", "year to date"),
    **{f"ignored: {name}": (name,) for name in IGNORED},
}
COLUMNS = ("ref", "sub_measure", "period", "value", "numerator", "denominator", "commentary",
           "ytd")
SHEET_NAME = "Values"

_PERIOD_EXAMPLES = "a period such as '2024-02', 'Jan-24', '2023/24-Q1' or '2023/24'"
_ANY_VALUE = "a number such as '1,197' or '408.4', or N/A, TBC or Data unavailable"
_VALUE_EXAMPLES: dict[Unit | None, str] = {
    Unit.PERCENT: "a percentage such as '92.31%' or '91.96% (1396 out of 1518)', or N/A, TBC "
    "or Data unavailable",
    Unit.COUNT: "a count such as '1,197', or N/A, TBC or Data unavailable",
    Unit.DAYS: "a number of days such as '60.9 days' or '60.9', or N/A, TBC or Data unavailable",
    Unit.WEEKS: "a number of weeks such as '12 weeks' or '12', or N/A, TBC or Data unavailable",
    Unit.MONEY: "an amount such as '£71,233.18', or N/A, TBC or Data unavailable",
}
# Text for a record with no text of its own, so that it reads back with the same state.
_STATE_TEXT = {
    ValueState.VALUE: "",
    ValueState.MISSING: "",
    ValueState.NOT_APPLICABLE: "N/A",
    ValueState.IN_ARREARS: "In arrears",
    ValueState.TO_BE_CONFIRMED: "TBC",
}


class ValueRecord(NamedTuple):
    """One period value of a KPI or sub-measure, as read from a row of the table. (A named
    tuple: a million of them are built for a big file, several times faster than a frozen
    dataclass; ``record._replace(row=0)`` gives a changed copy.)"""

    ref: str
    sub_measure: str  # the sub-measure's code, or "" for the KPI itself
    period: Period
    text: str  # the value cell as written ("" when computed from numerator and denominator)
    value: Decimal | None  # None exactly when state is not VALUE
    numerator: Decimal | None
    denominator: Decimal | None
    state: ValueState
    commentary: str
    row: int  # the source row (0 when not read from a file)
    # The year to date as published in this period's report ("80.60%", "3681 (Apr - Jan)"),
    # from the ``ytd`` column: its text ("" when none was given) and what it says.
    ytd_text: str = ""
    ytd: Observation | None = None

    @property
    def observation(self) -> Observation:
        return Observation(self.value, self.state, self.numerator, self.denominator)


def read_period_data(
    path: str | Path, framework: Framework, *, sheet: str | None = None
) -> list[ValueRecord]:
    """Read and check a long table of period values; raise ``TableImportError`` listing every
    problem found (see the module docstring for the rules)."""
    with paused_gc():  # a million records, all kept: collecting would only slow this down
        table = iter_table(path, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS,
                           sheet=sheet, months=("period",))
        return _Reader(table, framework).read()


def write_period_data(records: Iterable[ValueRecord], path: str | Path) -> None:
    """Write records as a long table, .csv (UTF-8 with a BOM, for Excel) or .xlsx by the file's
    extension, with the columns ``COLUMNS``: the period in its key form (``2024-02``,
    ``2023/24-Q1``), the value as its original text, so that ``read_period_data`` gives the
    same records back (but for ``row``).

    A record with no text (built elsewhere, e.g. from the database) is written with an empty
    value if its numerator and denominator give its value again, else as its value (``80.6``)
    or its state (N/A, TBC, In arrears, or empty for missing). In .xlsx, a value, numerator or
    denominator that Excel shows as the same text is written as a number; all else is text
    (never a formula)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"cannot write {path.name}: expected a .csv or .xlsx file name")
    rows = [_out_row(r) for r in records]
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:  # the BOM is for Excel
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        return
    _write_xlsx(rows, path)


# -- reading -----------------------------------------------------------------------------------


_CACHE_LIMIT = 1 << 18  # distinct value texts remembered per unit (a bound on memory)
_Checked = Checked  # a value cell read and checked (see kpiboard.imports.valuecells)
_quick_checked = quick_checked  # (the tests compare it with the full checks)


class _PeriodEntry:
    """A period cell's text, read: the period, its number, and its year's KPIs by the text of
    the ref cell (shared by every period of the year)."""

    __slots__ = ("kpis", "number", "period")

    def __init__(self, period: Period, number: int, kpis: dict[str, _KpiEntry | None]) -> None:
        self.period = period
        self.number = number
        self.kpis = kpis


class _KpiEntry:
    """A ref cell's text, read for one year: the KPI, its sub-measures by the text of the
    sub-measure cell (the code, and the rows that first gave the KPI and sub-measure, by period
    number), and the value texts already read and checked for its unit (shared by every KPI
    of the unit)."""

    __slots__ = ("kpi", "ref", "subs", "values")

    def __init__(self, kpi: KpiDefinition, ref: str, values: dict[str, _Checked]) -> None:
        self.kpi = kpi
        self.ref = ref
        self.subs: dict[str, tuple[str, list[int]] | None] = {}
        self.values = values


class _Reader:
    """Checks the rows of one table; caches what many rows share (periods, KPIs, values).

    A row whose cells are all known (texts seen before, and fine) takes the fast path in
    ``_read_rows``: a few dictionary look-ups, by the cells' texts as written. Any other row
    (a problem, a duplicate, a numerator or denominator column filled in) is read by ``_row``,
    which checks everything and reports every problem. Both give the same records and
    problems (``fast = False`` reads every row with ``_row``, for the tests)."""

    fast = True

    def __init__(self, table: TableRows, framework: Framework) -> None:
        self.table = table
        self.framework = framework
        self.problems: list[Problem] = []
        self.rows_read = 0
        self._periods: dict[str, tuple[Period, int] | str] = {}
        self._period_numbers: dict[Period, int] = {}
        self._kpis: dict[tuple[str, int], KpiDefinition | str] = {}
        self._values: dict[tuple[str, Unit | None], ParsedValue | str] = {}
        self._numbers: dict[str, Decimal | str] = {}
        self._refs: dict[str, dict[str, str]] = {}  # year -> casefolded ref -> ref
        # (ref, sub-measure code) -> the row that first gave it, by period number (0: none)
        self._first_rows: dict[tuple[str, str], list[int]] = {}
        # for the fast path, by the cell's text as written (None: the text has a problem)
        self._period_cells: dict[str, _PeriodEntry | None] = {}
        self._year_kpis: dict[int, dict[str, _KpiEntry | None]] = {}
        self._unit_values: dict[tuple[Unit, bool], dict[str, _Checked]] = {}

    def read(self) -> list[ValueRecord]:
        table = self.table
        if table.problems:  # the header is wrong: report it (and any formula under it)
            for _ in table.rows:
                pass
            raise TableImportError(table.problems)
        records = self._read_rows()
        if table.problems:  # formulas: reported alone, as the table reader always has
            raise TableImportError(table.problems)
        if not self.rows_read:
            raise TableImportError([Problem(table.file, table.sheet, None, None,
                                            "the table has a header row but no values under it")])
        if self.problems:
            raise TableImportError(self.problems)
        return records

    def _read_rows(self) -> list[ValueRecord]:
        index = self.table.index
        i_ref, i_period, i_value = index["ref"], index["period"], index["value"]
        i_sub = index.get("sub_measure", -1)
        i_num = index.get("numerator", -1)
        i_den = index.get("denominator", -1)
        i_com = index.get("commentary", -1)
        i_ytd = index.get("ytd", -1)
        has_sub, has_num, has_den, has_com = i_sub >= 0, i_num >= 0, i_den >= 0, i_com >= 0
        has_ytd = i_ytd >= 0
        records: list[ValueRecord] = []
        append = records.append
        periods = self._period_cells
        new = tuple.__new__  # ValueRecord(...) without a Python call in between
        record = ValueRecord
        count = 0
        for number, cells in self.table.rows if self.fast else ():
            count += 1
            # the fast path: every cell already known to be fine (else ``_row`` reads the row)
            text = cells[i_period]
            period = periods.get(text)
            if period is None and (period := self._period_entry(text)) is None:
                _append_slow(self, append, number, cells)
                continue
            text = cells[i_ref]
            kpi = period.kpis.get(text)
            if kpi is None and (kpi := self._kpi_entry(period, text)) is None:
                _append_slow(self, append, number, cells)
                continue
            text = cells[i_sub] if has_sub else ""
            sub = kpi.subs.get(text)
            if sub is None and (sub := self._sub_entry(kpi, text)) is None:
                _append_slow(self, append, number, cells)
                continue
            text = cells[i_value]
            checked = kpi.values.get(text)
            if ((checked is None and (checked := self._checked_entry(kpi, text)) is None)
                    or (has_num and (text := cells[i_num]) and not text.isspace())
                    or (has_den and (text := cells[i_den]) and not text.isspace())
                    or (has_ytd and (text := cells[i_ytd]) and not text.isspace())):
                _append_slow(self, append, number, cells)  # terms in their own columns, a YTD
                continue
            first, p = sub[1], period.number
            try:
                if first[p]:  # a duplicate
                    _append_slow(self, append, number, cells)
                    continue
            except IndexError:
                first.extend([0] * (p + 1 - len(first)))
            first[p] = number
            append(new(record, (kpi.ref, sub[0], period.period, checked[0], checked[1],
                                checked[2], checked[3], checked[4],
                                cells[i_com].strip() if has_com else "", number, "", None)))
        if not self.fast:
            for number, cells in self.table.rows:
                count += 1
                _append_slow(self, append, number, cells)
        self.rows_read = count
        return records

    def _slow(self, number: int, cells: list[str]) -> ValueRecord | None:
        index = self.table.index

        def cell(key: str) -> str:
            i = index.get(key)
            return "" if i is None else cells[i].strip()

        record = self._row(number, cell("ref"), cell("sub_measure"), cell("period"),
                           cell("value"), cell("numerator"), cell("denominator"),
                           cell("commentary"))
        ytd_text = cell("ytd")
        if record is None or not ytd_text:
            return record
        kpi = self.framework.kpi(record.ref, record.period.year.label)
        unit = kpi.unit if kpi is not None else None
        try:
            parsed = read_value(ytd_text, unit)
        except ValueParseError as exc:
            self._problem(number, "ytd", f"{exc}; expected the year to date as published, "
                          f"{_VALUE_EXAMPLES.get(unit, _ANY_VALUE)}")
            return None
        if (problem := bounds_problem(parsed.value, parsed.numerator, parsed.denominator)):
            self._problem(number, "ytd", f"the year to date {problem}")
            return None
        return record._replace(ytd_text=ytd_text, ytd=Observation(
            parsed.value, parsed.state, parsed.numerator, parsed.denominator))

    # -- the fast path's caches: entries for texts that are fine, None for any other ---------

    def _period_entry(self, text: str) -> _PeriodEntry | None:
        if text in self._period_cells:
            return self._period_cells[text]
        found = self._found_period(text.strip())
        entry = None
        if not isinstance(found, str):
            period, number = found
            kpis = self._year_kpis.setdefault(period.year.start, {})
            entry = _PeriodEntry(period, number, kpis)
        self._period_cells[text] = entry
        return entry

    def _kpi_entry(self, period: _PeriodEntry, text: str) -> _KpiEntry | None:
        if text in period.kpis:
            return period.kpis[text]
        ref = text.strip()
        found = self._found_kpi(ref, period.period) if ref else None
        entry = None
        if isinstance(found, KpiDefinition):
            entry = _KpiEntry(found, ref, self._unit_values.setdefault(
                (found.unit, found.negatives_allowed), {}))
        period.kpis[text] = entry
        return entry

    def _sub_entry(self, kpi: _KpiEntry, text: str) -> tuple[str, list[int]] | None:
        if text in kpi.subs:
            return kpi.subs[text]
        name = text.strip()
        sub = kpi.kpi.sub_measure(name) if name else None
        entry = None
        if not name or sub is not None:
            code = sub.code if sub is not None else ""
            entry = (code, self._first_row(kpi.ref, code))
        kpi.subs[text] = entry
        return entry

    def _checked_entry(self, kpi: _KpiEntry, text: str) -> _Checked | None:
        """A value text read and checked as it would be with no term columns; None if that
        finds any problem (``_row`` then reports it)."""
        checked = quick_checked(text, kpi.kpi.unit)
        if checked is not None:
            if len(kpi.values) < _CACHE_LIMIT:
                kpi.values[text] = checked
            return checked
        try:
            parsed = read_value(text.strip(), kpi.kpi.unit)
        except ValueParseError:
            return None
        problems, self.problems = self.problems, []
        try:
            checked = self._terms(0, kpi.kpi, parsed, None, None)
            fine = not self.problems
        finally:
            self.problems = problems
        if not fine or checked is None:
            return None
        if len(kpi.values) < _CACHE_LIMIT:
            kpi.values[text] = checked
        return checked

    def _first_row(self, ref: str, sub: str) -> list[int]:
        """The rows that first gave a ref and sub-measure, by period number (0: none yet)."""
        first = self._first_rows.get((ref, sub))
        if first is None:
            first = self._first_rows[(ref, sub)] = [0] * (len(self._period_numbers) + 1)
        return first

    # -- the full checks -----------------------------------------------------------------------

    def _problem(self, row: int, key: str, message: str) -> None:
        self.problems.append(self.table.problem(row, key, message))

    def _row(self, row: int, ref: str, sub_text: str, period_text: str, value_text: str,
             numerator_text: str, denominator_text: str, commentary: str) -> ValueRecord | None:
        """Read and check one row (cells stripped), reporting every problem in it."""
        before = len(self.problems)
        if not ref:
            self._problem(row, "ref", "empty: expected the reference of a KPI in the framework")
        found = self._period(row, period_text)
        kpi: KpiDefinition | None = None
        if ref and found is not None:
            kpi = self._kpi(row, ref, found[0])
        sub_code = ""
        if kpi is not None and sub_text:
            sub_code = self._sub_measure(row, kpi, sub_text, found[0] if found else None)
        if kpi is not None and found is not None and len(self.problems) == before:
            rows = self._first_row(ref, sub_code)
            if found[1] >= len(rows):
                rows.extend([0] * (found[1] + 1 - len(rows)))
            first = rows[found[1]] or row
            rows[found[1]] = first
            if first != row:
                name = ref + (f" sub-measure {sub_code}" if sub_code else "")
                self._problem(row, "period", f"{name} {found[0].key} is already given on row "
                              f"{first}; expected one row per ref, sub-measure and period")

        parsed = self._value(row, value_text, kpi.unit if kpi is not None else None)
        numerator = self._number(row, "numerator", numerator_text)
        denominator = self._number(row, "denominator", denominator_text)
        if len(self.problems) > before:
            return None
        assert found is not None and kpi is not None and parsed is not None
        assert not isinstance(numerator, str) and not isinstance(denominator, str)
        checked = self._terms(row, kpi, parsed, numerator, denominator)
        if checked is None:
            return None
        text, value, num, den, state = checked
        return ValueRecord(ref, sub_code, found[0], text, value, num, den, state, commentary,
                           row)

    def _sub_measure(self, row: int, kpi: KpiDefinition, text: str, period: Period | None
                     ) -> str:
        """The code of the sub-measure named in a cell ("" and a problem if there is none)."""
        sub = kpi.sub_measure(text)
        if sub is not None:
            return sub.code
        year = f" in {period.year.label}" if period is not None else ""
        if kpi.sub_measures:
            codes = ", ".join(s.code for s in kpi.sub_measures)
            self._problem(row, "sub_measure", f"{text!r} is not a sub-measure of {kpi.ref}"
                          f"{year}; expected one of: {codes}")
        else:
            self._problem(row, "sub_measure", f"{kpi.ref} has no sub-measures{year}, found "
                          f"{text!r}; expected an empty cell")
        return ""

    def _terms(self, row: int, kpi: KpiDefinition, parsed: ParsedValue,
               numerator: Decimal | None, denominator: Decimal | None) -> _Checked | None:
        """The checks that need the whole row read: terms, and the value against them."""
        text = parsed.text
        before = len(self.problems)
        if (numerator is None and denominator is None and parsed.numerator is None
                and parsed.denominator is None):  # most rows: only the value to check
            for key, message in figure_problems(kpi, parsed.value, None, None):
                self._problem(row, key, message)
            return None if len(self.problems) > before else (
                text, parsed.value, None, None, parsed.state)
        num_col = self._term(row, "numerator", numerator, parsed.numerator, text)
        den_col = self._term(row, "denominator", denominator, parsed.denominator, text)
        num = numerator if numerator is not None else parsed.numerator
        den = denominator if denominator is not None else parsed.denominator
        for key, message in figure_problems(kpi, parsed.value, num, den, numerator_column=num_col,
                                            denominator_column=den_col):
            self._problem(row, key, message)
        if len(self.problems) > before:
            return None
        percent = kpi.unit is Unit.PERCENT
        if den is not None and den < 0:
            self._problem(row, den_col, f"the denominator must not be negative, found {den}")
        if percent and num is not None and num < 0:
            self._problem(row, num_col, f"the numerator must not be negative for a percentage "
                          f"KPI, found {num}")
        if percent and num is not None and den is not None and num > den >= 0:
            self._problem(row, num_col, f"the numerator ({num}) is greater than the denominator "
                          f"({den}); {kpi.ref} is a percentage, so expected at most {den}")
        if len(self.problems) > before:
            return None
        value, state = parsed.value, parsed.state
        if num is None or den is None:
            pass
        elif state is ValueState.VALUE:
            if percent and den > 0 and parsed.qualifier is None:
                self._agrees(row, parsed, num, den)
        elif not text.strip():
            computed = _percent_of(num, den) if percent else None
            if computed is not None:  # always, for a percentage: the terms were checked above
                value, state = computed
            else:
                self._problem(row, "value", f"empty: expected a value ({kpi.ref} is measured "
                              f"in {kpi.unit.value}, so it cannot be computed from the "
                              f"numerator and denominator)")
        if len(self.problems) > before:
            return None
        return text, value, num, den, state

    def _term(self, row: int, key: str, column: Decimal | None, from_text: Decimal | None,
              text: str) -> str:
        """Check a term given by both its column and the value text; return where it is from."""
        if column is None:
            return "value" if from_text is not None else key
        if from_text is not None and column != from_text:
            self._problem(row, key, f"{column} does not agree with the value {text!r}, which "
                          f"gives the {key} as {from_text}; expected the same {key} or an "
                          f"empty cell")
        return key

    def _agrees(self, row: int, parsed: ParsedValue, num: Decimal, den: Decimal) -> None:
        assert parsed.value is not None
        if disagrees(parsed.value, parsed.decimals, num, den):
            shown = parse_value(f"{num:f} out of {den:f}", unit=Unit.PERCENT).value
            self._problem(row, "value", f"{parsed.text!r} does not agree with the numerator "
                          f"and denominator: {num} out of {den} is {shown}%; expected that "
                          f"value (or the numerator and denominator corrected)")

    def _period(self, row: int, text: str) -> tuple[Period, int] | None:
        found = self._found_period(text)
        if isinstance(found, str):
            self._problem(row, "period", found)
            return None
        return found

    def _found_period(self, text: str) -> tuple[Period, int] | str:
        """The period in a cell, and a number for it (the same for the same period however
        written, cheaper to hash than the period itself); or what is wrong with it."""
        found = self._periods.get(text)
        if found is None:
            period = self._read_period(text)
            if isinstance(period, str):
                found = period
            else:
                numbers = self._period_numbers
                found = (period, numbers.setdefault(period, len(numbers)))
            self._periods[text] = found
        return found

    def _read_period(self, text: str) -> Period | str:
        if not text:
            return f"empty: expected {_PERIOD_EXAMPLES}"
        try:
            period = Period.parse(text)
        except PeriodError as exc:
            return f"{exc}; expected {_PERIOD_EXAMPLES}"
        year = period.year.label
        if year not in self.framework.years:
            sets = ", ".join(sorted(self.framework.years)) or "none"
            return (f"{text!r} is in {year}, but the framework has no KPI set for {year}; "
                    f"expected a period in a year it has a set for ({sets})")
        return period

    def _kpi(self, row: int, ref: str, period: Period) -> KpiDefinition | None:
        found = self._found_kpi(ref, period)
        if isinstance(found, str):
            self._problem(row, "ref", found)
            return None
        return found

    def _found_kpi(self, ref: str, period: Period) -> KpiDefinition | str:
        found = self._kpis.get((ref, period.year.start))
        if found is None:
            year = period.year.label
            kpi = self.framework.kpi(ref, year)
            found = kpi if kpi is not None else self._unknown_ref(ref, year)
            self._kpis[(ref, period.year.start)] = found
        return found

    def _unknown_ref(self, ref: str, year: str) -> str:
        refs = self._refs.get(year)
        if refs is None:
            refs = {r.casefold(): r for r in self.framework.years[year].kpis}
            self._refs[year] = refs
        wanted = ref.casefold()
        # "BBF05" for "BBF05 (KPI 2)" first, then the most similar reference, if any is close
        close = sorted(r for r in refs if r.startswith(wanted)
                       and not r[len(wanted) : len(wanted) + 1].isalnum())
        close = close or difflib.get_close_matches(wanted, refs, n=1, cutoff=0.6)
        hint = f"; did you mean {refs[close[0]]!r}?" if close else ""
        elsewhere = [y for y, s in sorted(self.framework.years.items()) if ref in s.kpis]
        if elsewhere:
            hint = f" (it is in the {', '.join(elsewhere)} set{'s' if len(elsewhere) > 1 else ''})"
        return f"{ref!r} is not a KPI in the {year} set{hint}"

    def _value(self, row: int, text: str, unit: Unit | None) -> ParsedValue | None:
        found = self._values.get((text, unit))
        if found is None:
            try:
                found = read_value(text, unit)
            except ValueParseError as exc:
                found = str(exc)
                if "expected" not in exc.reason:
                    found += f"; expected {_VALUE_EXAMPLES.get(unit, _ANY_VALUE)}"
            if len(self._values) < _CACHE_LIMIT:
                self._values[(text, unit)] = found
        if isinstance(found, str):
            self._problem(row, "value", found)
            return None
        return found

    def _number(self, row: int, key: str, text: str) -> Decimal | str | None:
        """The number in a numerator or denominator cell; a str (and a problem) if it is not."""
        text = text.strip()
        if not text:
            return None
        found = self._numbers.get(text)
        if found is None:
            found = read_number(text)
            if len(self._numbers) < _CACHE_LIMIT:
                self._numbers[text] = found
        if isinstance(found, str):
            self._problem(row, key, found)
        return found



def _append_slow(reader: _Reader, append: Callable[[ValueRecord], None], number: int,
                cells: list[str]) -> None:
    """Read a row the fast path could not, with every check (and add its record, if fine)."""
    record = reader._slow(number, cells)
    if record is not None:
        append(record)


# -- writing -----------------------------------------------------------------------------------


def _out_row(record: ValueRecord) -> list[str]:
    text = record.text
    if not text.strip():
        text = _text_for(record)
    return [record.ref, record.sub_measure, record.period.key, text,
            _decimal_text(record.numerator), _decimal_text(record.denominator), record.commentary,
            record.ytd_text]


def _text_for(record: ValueRecord) -> str:
    """Text for a record without any: empty if its terms give its value (or N/A) again."""
    computed = _percent_of(record.numerator, record.denominator)
    if computed is not None and computed == (record.value, record.state):
        return ""
    if record.state is not ValueState.VALUE or record.value is None:
        return _STATE_TEXT[record.state]
    return f"{record.value:f}"


def _percent_of(num: Decimal | None, den: Decimal | None
                ) -> tuple[Decimal | None, ValueState] | None:
    """``num / den × 100`` as ``parse_value`` gives it for "num out of den" (N/A if den is 0);
    None unless 0 <= num <= den."""
    if num is None or den is None or not 0 <= num <= den:
        return None
    parsed = parse_value(f"{num:f} out of {den:f}", unit=Unit.PERCENT)
    return parsed.value, parsed.state


def _decimal_text(number: Decimal | None) -> str:
    return "" if number is None else f"{number:f}"


_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")


def _xlsx_cell(text: str, *, exact: bool) -> str | int | float:
    """A number as an Excel number if it reads back as the same text (``exact``) or the same
    number; else the text itself."""
    if not _PLAIN_NUMBER.fullmatch(text):
        return text
    value: int | float = int(text) if "." not in text else float(text)
    back = number_text(value)
    return value if back == text or (not exact and Decimal(back) == Decimal(text)) else text


def _write_xlsx(rows: list[list[str]], path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET_NAME
    ws.append(list(COLUMNS))
    value_column = COLUMNS.index("value")
    numeric = {value_column, COLUMNS.index("numerator"), COLUMNS.index("denominator")}
    for r, row in enumerate(rows, start=2):
        for c, text in enumerate(row):
            if not text:
                continue
            if c in numeric:
                cell = ws.cell(r, c + 1, _xlsx_cell(text, exact=c == value_column))
            else:
                cell = ws.cell(r, c + 1, text)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even if it starts with "=": never a formula
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (14, 12, 12, 28, 14, 14, 60), strict=True):
        ws.column_dimensions[letter].width = width
    book.save(path)
