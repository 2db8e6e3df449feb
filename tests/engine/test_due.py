"""Which period a report shows for a KPI of any frequency, and when it is stale."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.due import KIND, due_by, latest_value, short_label
from kpiboard.engine.periods import Period, months_between
from kpiboard.engine.types import Frequency, ValueState

months = st.builds(Period.month, st.integers(2015, 2035), st.integers(1, 12))
frequencies = st.sampled_from(list(Frequency))
arrears = st.integers(0, 14)


@given(frequencies, arrears, months)
def test_the_due_period_has_ended_in_time_and_the_next_has_not(
        frequency: Frequency, behind: int, month: Period) -> None:
    due = due_by(frequency, behind, month)
    assert due.kind is KIND[frequency]
    # it ended at least ``behind`` months before the report month
    assert months_between(due.months()[-1], month) >= behind
    # the next one is not yet due
    assert months_between(due.next().months()[-1], month) < behind


@given(frequencies, arrears, months)
def test_a_later_report_never_has_an_earlier_period_due(
        frequency: Frequency, behind: int, month: Period) -> None:
    assert due_by(frequency, behind, month) <= due_by(frequency, behind, month.next())


def test_examples() -> None:
    feb, mar = Period.parse("2024-02"), Period.parse("2024-03")
    assert due_by(Frequency.MONTHLY, 0, feb) == feb
    assert due_by(Frequency.MONTHLY, 1, feb) == Period.parse("2024-01")
    assert due_by(Frequency.QUARTERLY, 0, feb) == Period.parse("2023/24-Q3")
    assert due_by(Frequency.QUARTERLY, 0, mar) == Period.parse("2023/24-Q4")
    assert due_by(Frequency.QUARTERLY, 1, mar) == Period.parse("2023/24-Q3")
    assert due_by(Frequency.HALF_YEARLY, 0, feb) == Period.parse("2023/24-H1")
    assert due_by(Frequency.ANNUAL, 0, feb) == Period.parse("2022/23")
    assert due_by(Frequency.ANNUAL, 0, mar) == Period.parse("2023/24")
    # an academic-year result, published about six months after the year
    assert due_by(Frequency.ANNUAL, 6, mar) == Period.parse("2022/23")
    assert due_by(Frequency.ANNUAL, 6, Period.parse("2024-09")) == Period.parse("2023/24")


def value(v: int) -> Observation:
    return Observation(Decimal(v))


@given(frequencies, months, st.sets(st.integers(0, 10), max_size=6))
def test_the_latest_value_is_the_newest_with_a_value_and_stale_only_when_older(
        frequency: Frequency, month: Period, back: set[int]) -> None:
    due = due_by(frequency, 0, month)
    series = {}
    p = due
    for i in range(11):
        if i in back:
            series[p] = value(i)
        p = p.previous()
    latest = latest_value(series, due)
    shown = [i for i in sorted(back) if i <= 8]
    if not shown:
        assert latest.period == due and not latest.stale
    else:
        assert latest.observation == value(shown[0])
        assert latest.stale == (shown[0] > 0)
        assert latest.period <= due


def test_a_period_without_a_value_is_passed_over() -> None:
    q2, q3 = Period.parse("2023/24-Q2"), Period.parse("2023/24-Q3")
    latest = latest_value({q2: value(5), q3: Observation(None, ValueState.MISSING)}, q3)
    assert latest.period == q2 and latest.stale and latest.due == q3


def test_short_labels() -> None:
    assert [short_label(Period.parse(p)) for p in ("2024-02", "2023/24-Q3", "2023/24-H1",
                                                    "2022/23")] == [
        "February 2023/24", "Q3 2023/24", "H1 2023/24", "2022/23"]
