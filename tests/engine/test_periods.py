"""Tests for kpiboard.engine.periods: UK financial-year periods, labels and parsing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kpiboard.engine.periods import (
    FinancialYear,
    Period,
    PeriodError,
    PeriodKind,
    months_between,
    parse_period,
    parse_year,
    reported_period,
)

FY = FinancialYear(2023)
APRIL = Period.month(2023, 1)
JAN = Period.month(2023, 10)
FEB = Period.month(2023, 11)
Q1 = Period.quarter(2023, 1)
Q2 = Period.quarter(2023, 2)
H1 = Period.half(2023, 1)
H2 = Period.half(2023, 2)
YEAR = Period.full_year(2023)
STYLES = ("key", "long", "short", "report")

# -- financial years ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2023/24", "2023-24", "2023/2024", "2023-2024", "2023 to 2024", "FY2023/24", "fy 2023/24",
     "23/24", "23-24", " 2023 / 24 ", "FY23-24"],
)  # fmt: skip
def test_financial_year_parse(text: str) -> None:
    assert FinancialYear.parse(text) == FY
    assert parse_year(text) == FY


@pytest.mark.parametrize(
    "text", ["2023/25", "2023-2025", "23/25", "2024/23", "", "  ", "2023", "23/2024", "Q1 2023/24"]
)
def test_financial_year_parse_rejects(text: str) -> None:
    with pytest.raises(PeriodError) as info:
        FinancialYear.parse(text)
    assert f"'{text}'" in str(info.value)


def test_financial_year_basics() -> None:
    assert FY.label == str(FY) == "2023/24"
    assert FinancialYear(2099).label == "2099/00"
    assert FY.first_day == date(2023, 4, 1)
    assert FY.last_day == date(2024, 3, 31)
    assert FY.previous() == FinancialYear(2022)
    assert FY.next() == FinancialYear(2024)
    assert FY.previous() < FY < FY.next()
    assert len({FY, FinancialYear(2023)}) == 1
    assert FinancialYear.of_date(date(2024, 3, 31)) == FY
    assert FinancialYear.of_date(date(2023, 4, 1)) == FY
    assert FinancialYear.of_date(date(2023, 3, 31)) == FY.previous()


def test_financial_year_parts() -> None:
    months = FY.months()
    assert len(months) == 12
    assert months[0] == APRIL and months[-1] == Period.month(2023, 12)
    assert FY.quarters() == tuple(Period.quarter(2023, i) for i in range(1, 5))


@pytest.mark.parametrize("start", [999, 9999, True, "2023"])
def test_financial_year_rejects_bad_start(start: object) -> None:
    with pytest.raises(PeriodError):
        FinancialYear(start)  # type: ignore[arg-type]


# -- construction -----------------------------------------------------------------------------


def test_constructors() -> None:
    assert APRIL == Period(FY, PeriodKind.MONTH, 1) == Period.month(FY, 1)
    assert Period.calendar_month(2024, 1) == JAN
    assert Period.calendar_month(year=2023, month=4) == APRIL
    assert Period.calendar_month(2024, 3) == Period.month(2023, 12)
    assert Period(FY, PeriodKind.YEAR, 1) == YEAR


@pytest.mark.parametrize(
    ("kind", "index"),
    [(PeriodKind.MONTH, 0), (PeriodKind.MONTH, 13), (PeriodKind.QUARTER, 5),
     (PeriodKind.HALF, 3), (PeriodKind.YEAR, 2), (PeriodKind.QUARTER, True)],
)  # fmt: skip
def test_index_validated(kind: PeriodKind, index: int) -> None:
    with pytest.raises(PeriodError, match=kind.value):
        Period(FY, kind, index)


def test_calendar_month_rejects_bad_month() -> None:
    with pytest.raises(PeriodError, match="month must be 1 to 12"):
        Period.calendar_month(2024, 13)


def test_period_is_frozen_and_hashable() -> None:
    with pytest.raises(AttributeError):
        Q1.index = 2  # type: ignore[misc]
    assert len({Q1, Period.quarter(2023, 1), Q2}) == 2
    assert {Q1: "x"}[Period.parse("Q1 2023/24")] == "x"


def test_of_date() -> None:
    d = date(2024, 2, 29)
    assert Period.of_date(d) == FEB
    assert Period.of_date(d, PeriodKind.QUARTER) == Period.quarter(2023, 4)
    assert Period.of_date(d, PeriodKind.HALF) == H2
    assert Period.of_date(d, PeriodKind.YEAR) == YEAR
    assert Period.of_date(date(2023, 6, 30), PeriodKind.QUARTER) == Q1


# -- dates and parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [(APRIL, date(2023, 4, 1), date(2023, 4, 30)), (FEB, date(2024, 2, 1), date(2024, 2, 29)),
     (Q1, date(2023, 4, 1), date(2023, 6, 30)), (Period.quarter(2023, 4), date(2024, 1, 1),
     date(2024, 3, 31)), (H2, date(2023, 10, 1), date(2024, 3, 31)),
     (YEAR, date(2023, 4, 1), date(2024, 3, 31))],
)  # fmt: skip
def test_start_end(period: Period, start: date, end: date) -> None:
    assert (period.start, period.end) == (start, end)


def test_calendar_properties() -> None:
    assert (JAN.calendar_year, JAN.calendar_month) == (2024, 1)
    assert (APRIL.calendar_year, APRIL.calendar_month) == (2023, 4)
    with pytest.raises(PeriodError, match="not a month"):
        _ = Q1.calendar_year
    with pytest.raises(PeriodError, match="not a month"):
        _ = Q1.calendar_month


def test_months_and_enclosing() -> None:
    assert Q2.months() == tuple(Period.month(2023, i) for i in (4, 5, 6))
    assert H2.months() == tuple(Period.month(2023, i) for i in range(7, 13))
    assert APRIL.months() == (APRIL,)
    assert YEAR.months() == FY.months()
    assert JAN.quarter_of() == Period.quarter(2023, 4)
    assert JAN.half_of() == H2
    assert Q2.half_of() == H1
    assert Q2.quarter_of() == Q2
    with pytest.raises(PeriodError):
        H1.quarter_of()


def test_contains() -> None:
    assert YEAR.contains(Q1) and H1.contains(Q2) and Q1.contains(APRIL) and Q1.contains(Q1)
    assert not Q1.contains(H1)
    assert not Q2.contains(APRIL)
    assert not YEAR.contains(Period.month(2024, 1))


def test_year_to_date() -> None:
    ytd = FEB.year_to_date()
    assert len(ytd) == 11
    assert ytd[0] == APRIL and ytd[-1] == FEB
    assert APRIL.year_to_date() == (APRIL,)
    assert Q2.year_to_date() == tuple(Period.month(2023, i) for i in range(1, 7))
    assert YEAR.year_to_date() == FY.months()


# -- moving ---------------------------------------------------------------------------------------


def test_previous_next() -> None:
    assert Period.month(2024, 1).previous() == Period.month(2023, 12)
    assert Period.month(2023, 12).next() == Period.month(2024, 1)
    assert Period.quarter(2024, 1).previous() == Period.quarter(2023, 4)
    assert H2.next() == Period.half(2024, 1)
    assert YEAR.previous() == Period.full_year(2022)
    assert JAN.previous() == Period.calendar_month(2023, 12)


def test_same_period_last_year() -> None:
    assert JAN.same_period_last_year() == Period.calendar_month(2023, 1)
    assert Q2.same_period_last_year() == Period.quarter(2022, 2)
    assert YEAR.same_period_last_year() == Period.full_year(2022)


def test_shift_months_and_arrears() -> None:
    assert APRIL.shift_months(-1) == Period.calendar_month(2023, 3)
    assert APRIL.shift_months(12) == Period.month(2024, 1)
    assert APRIL.shift_months(0) == APRIL
    assert Q1.shift_months(-3) == Period.quarter(2022, 4)
    assert reported_period(Period.calendar_month(2024, 5), 1) == Period.calendar_month(2024, 4)
    assert reported_period(APRIL, 2) == Period.calendar_month(2023, 2)
    assert reported_period(Q2, 3) == Q1
    assert reported_period(Q2, 0) == Q2
    with pytest.raises(PeriodError):
        reported_period(Q2, 1)
    with pytest.raises(PeriodError):
        reported_period(Q2, -3)


def test_months_between() -> None:
    assert months_between(APRIL, FEB) == 10
    assert months_between(FEB, APRIL) == -10
    assert months_between(APRIL, Period.month(2024, 1)) == 12
    assert months_between(Q1, Q2) == 3


def test_moving_out_of_range() -> None:
    with pytest.raises(PeriodError):
        Period.month(9998, 12).next()
    with pytest.raises(PeriodError):
        FinancialYear(1000).previous()


# -- ordering -------------------------------------------------------------------------------------


def test_ordering() -> None:
    assert APRIL < Q1 < H1 < YEAR
    assert Period.month(2023, 3) < Period.month(2023, 4) < Q2 < Period.month(2023, 5)
    assert Period.month(2022, 12) < APRIL
    assert Q1 <= Q1 and Q2 >= Q1 and H2 > Q2
    assert Period.month(2024, 1) > YEAR
    shuffled = [YEAR, Q2, H1, FEB, Q1, APRIL, Period.month(2022, 12), H2]
    assert sorted(shuffled) == [Period.month(2022, 12), APRIL, Q1, H1, YEAR, Q2, H2, FEB]
    assert [p.start for p in sorted(shuffled)] == sorted(p.start for p in shuffled)


def test_ordering_against_other_types() -> None:
    with pytest.raises(TypeError):
        _ = Q1 < "2023/24-Q1"
    other: object = "2023/24-Q1"
    assert other != Q1


# -- labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "key", "long", "short", "report"),
    [(JAN, "2024-01", "January 2023/24", "Jan-24", "January 2023/24"),
     (APRIL, "2023-04", "April 2023/24", "Apr-23", "April 2023/24"),
     (Q1, "2023/24-Q1", "Quarter 1 2023/24", "Q1 2023-24", "Quarter 1 23-24"),
     (H1, "2023/24-H1", "Half 1 2023/24", "H1 2023-24", "Half 1 23-24"),
     (YEAR, "2023/24", "2023/24", "2023-24", "2023/24")],
)  # fmt: skip
def test_format(period: Period, key: str, long: str, short: str, report: str) -> None:
    assert period.format("key") == period.key == str(period) == key
    assert period.format("long") == period.label == long
    assert period.format("short") == short
    assert period.format("report") == report
    assert period.format() == key
    for style in STYLES:
        assert Period.parse(period.format(style)) == period


def test_format_rejects_unknown_style() -> None:
    with pytest.raises(PeriodError, match="'fancy'"):
        Q1.format("fancy")


# -- parsing --------------------------------------------------------------------------------------

ACCEPTED = {
    YEAR: ["2023/24", "2023-24", "2023 to 2024", "FY 2023/24", "2023/2024", "fy2023-24", "23/24"],
    Q1: ["Quarter 1 23-24", "Quarter 1 2023-24", "Quarter 1 2023/24", "Q1 2023-24",
         "Q1 2023/24", "2023/24 Q1", "2023-24 Q1", "2023/24-Q1", "Q1 23/24", "q1 fy2023/24",
         "  QUARTER   1  2023 / 24 ", "Qtr 1 2023/24", "Quarter 1, 2023/24"],
    H1: ["H1 2023/24", "Half 1 2023-24", "half 1 23/24", "2023/24-H1"],
    H2: ["2023/24-H2", "H2 2023-24", "Half 2 23-24"],
    JAN: ["January 2023/24", "January 2023-24", "Jan 2023/24", "Jan-24", "Jan 24", "January 2024",
          "Jan 2024", "2024-01", "2024/01", "01/2024", "1/2024", "JANUARY 2024", "jan. 2024",
          "Jan '24", "january  23-24"],
    Period.month(2023, 6): ["Sept 2023", "Sep-23", "September 2023/24"],
    Period.month(2023, 12): ["March 2023/24", "Mar-24", "2024-03"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"), [(t, p) for p, texts in ACCEPTED.items() for t in texts]
)
def test_parse_accepts(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected
    assert parse_period(text) == expected


def test_parse_month_in_financial_year_uses_right_calendar_year() -> None:
    assert Period.parse("April 2023/24").start == date(2023, 4, 1)
    assert Period.parse("March 2023/24").start == date(2024, 3, 1)
    assert Period.parse("December 2023-24").start == date(2023, 12, 1)


def test_parse_hyphen_slash_ambiguity() -> None:
    # "YYYY-MM" that is also a financial year reads as the month; "YYYY/YY" as the year.
    assert Period.parse("2011-12") == Period.calendar_month(2011, 12)
    assert Period.parse("2011/12") == Period.full_year(2011)
    assert parse_year("2011-12") == FinancialYear(2011)
    assert Period.parse("2000-01") == Period.calendar_month(2000, 1)


REJECTED = [
    "", "   ", "Quarter 5 23-24", "Q0 2023/24", "H3 2023/24", "2023/25", "2024-13", "2024-00",
    "13/2024", "Smarch 2024", "Q1", "January", "Quarter 1", "2023", "Q1 2023/25",
    "January 2023/25", "hello", "2023/24 Q", "Jan 2023 2024", "0999/00",
]  # fmt: skip


@pytest.mark.parametrize("text", REJECTED)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(PeriodError) as info:
        Period.parse(text)
    assert f"'{text}'" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_parse_error_message() -> None:
    with pytest.raises(PeriodError) as info:
        Period.parse("Quarter 5 23-24")
    assert str(info.value) == "cannot read period 'Quarter 5 23-24': quarter must be 1 to 4"
    with pytest.raises(PeriodError, match="no year"):
        Period.parse("January")
    with pytest.raises(PeriodError, match="smarch"):
        Period.parse("Smarch 2024")


def test_parse_rejects_non_text() -> None:
    with pytest.raises(PeriodError):
        Period.parse(date(2024, 1, 1))  # type: ignore[arg-type]


# -- properties -----------------------------------------------------------------------------------

years = st.integers(min_value=2000, max_value=2100)
kinds = st.sampled_from(list(PeriodKind))


@st.composite
def periods(draw: st.DrawFn, first: int = 2000, last: int = 2100) -> Period:
    kind = draw(kinds)
    index = draw(st.integers(1, 12 // len(Period(FY, kind, 1).months())))
    return Period(FinancialYear(draw(st.integers(first, last))), kind, index)


months = st.builds(Period.month, years, st.integers(1, 12))


@given(months)
def test_month_properties(p: Period) -> None:
    assert Period.parse(p.key) == p
    assert p.next().previous() == p
    assert p.previous().next() == p
    assert p in p.quarter_of().months()
    assert p in p.half_of().months()
    assert p.quarter_of().contains(p) and p.half_of().contains(p)
    assert p.year_to_date()[-1] == p and len(p.year_to_date()) == p.index
    assert Period.calendar_month(p.calendar_year, p.calendar_month) == p
    assert Period.of_date(p.start) == p == Period.of_date(p.end)
    assert p.shift_months(1) == p.next()
    assert months_between(p, p.shift_months(5)) == 5
    assert p < p.next()


@given(periods())
def test_period_properties(p: Period) -> None:
    assert Period.parse(p.key) == p
    assert Period.parse(p.label) == p
    assert p.next().previous() == p
    assert p.next().start == p.end + timedelta(days=1)
    assert p.same_period_last_year().next() == p.next().same_period_last_year()
    assert months_between(p.same_period_last_year(), p) == 12
    assert p.months()[0].start == p.start and p.months()[-1].end == p.end
    assert all(p.contains(m) for m in p.months())
    assert Period.of_date(p.start, p.kind) == p == Period.of_date(p.end, p.kind)
    assert p.start < p.end
    assert p.year.first_day <= p.start and p.end <= p.year.last_day


@given(periods(2000, 2098), st.sampled_from(STYLES))
def test_round_trip_all_styles(p: Period, style: str) -> None:
    text = p.format(style)
    # Bare two-part years 2000-01 .. 2011-12 in "short" style read as calendar months.
    assume(not (p.kind is PeriodKind.YEAR and style == "short" and p.year.start <= 2011))
    assert Period.parse(text) == p
    assert Period.parse(f"  {text.upper()} ") == p
    assert Period.parse(text.lower()) == p


@given(periods(), periods())
def test_ordering_is_chronological(a: Period, b: Period) -> None:
    assert (a < b) == ((a.start, len(a.months())) < (b.start, len(b.months())))
    assert (a == b) == (not a < b and not b < a)
    if a.start < b.start:
        assert a < b


@given(st.dates(date(1001, 1, 1), date(9998, 12, 31)))
def test_of_date_contains_date(d: date) -> None:
    for kind in PeriodKind:
        p = Period.of_date(d, kind)
        assert p.start <= d <= p.end
    assert FinancialYear.of_date(d).first_day <= d <= FinancialYear.of_date(d).last_day


@given(st.text(max_size=30))
def test_parse_never_crashes(text: str) -> None:
    try:
        p = Period.parse(text)
    except PeriodError as exc:
        assert f"'{text}'" in str(exc)
    else:
        assert isinstance(p, Period)


@given(st.text(alphabet="0123456789/- qQhHfFyYtoJanuryFebMch", max_size=16))
def test_parse_never_crashes_on_plausible_text(text: str) -> None:
    try:
        Period.parse(text)
        FinancialYear.parse(text)
    except PeriodError as exc:
        assert f"'{text}'" in str(exc)
