"""Tests for kpiboard.engine.targets: reading target cells and the target for a period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpiboard.engine.periods import Period
from kpiboard.engine.targets import NoTargetReason, Target, TargetError, parse_target
from kpiboard.engine.types import ValueBasis

D = Decimal
IN_PERIOD = ValueBasis.IN_PERIOD
SNAPSHOT = ValueBasis.SNAPSHOT
CUMULATIVE = ValueBasis.CUMULATIVE
RATIO = ValueBasis.RATIO
FY = 2023  # 2023/24


def month(i: int) -> Period:
    return Period.month(FY, i)


def quarter(i: int) -> Period:
    return Period.quarter(FY, i)


# --- reading the cell -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "annual", "per_month", "qualifier", "straight_line"),
    [
        ("90%", D(90), None, None, False),
        ("252 (21 per month)", D(252), D(21), None, False),
        ("300 (25 per month)", D(300), D(25), None, False),
        ("Year-end target: 564 Monthly target: 47", D(564), D(47), None, True),
        ("Annual target of 98%, monthly breakdowns given", D(98), None, None, False),
        ("98% (Annual target)", D(98), None, None, False),
        (">99", D(99), None, ">", False),
        ("<5", D(5), None, "<", False),
        (">=95%", D(95), None, ">=", False),
        ("56 days", D(56), None, None, False),
        ("£1,200.50", D("1200.50"), None, None, False),
        ("9", D(9), None, None, False),
        ("  90 % ", D(90), None, None, False),
    ],
)
def test_single_targets(text: str, annual: Decimal, per_month: Decimal | None,
                        qualifier: str | None, straight_line: bool) -> None:
    parsed = parse_target(text)
    t = parsed.target
    assert (t.annual, t.per_month, t.qualifier, t.straight_line) == (
        annual, per_month, qualifier, straight_line)
    assert t.none is None and t.is_set and not parsed.by_sub_measure
    assert t.text == text


def test_band_target() -> None:
    t = parse_target("85% - 95%").target
    assert t.band == (D(85), D(95)) and t.annual is None and t.is_set
    assert parse_target("95 to 85").target.band == (D(85), D(95))
    # a band has no single figure: the rating judges the value against the range
    assert t.for_period(month(1), SNAPSHOT) is None
    assert parse_target("90 - 90").target.for_period(month(1), SNAPSHOT) == D(90)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("No target - tracking indicator only", NoTargetReason.TRACKING),
        ("Tracking", NoTargetReason.TRACKING),
        ("tracking only", NoTargetReason.TRACKING),
        ("Tracking - monitoring levels of demand only", NoTargetReason.MONITORING_DEMAND),
        ("N/A - monitoring levels of demand", NoTargetReason.MONITORING_DEMAND),
        ("Target under review", NoTargetReason.UNDER_REVIEW),
        ("TBD", NoTargetReason.TO_BE_DECIDED),
        ("TBC", NoTargetReason.TO_BE_DECIDED),
        ("tbc", NoTargetReason.TO_BE_DECIDED),
        ("To be confirmed", NoTargetReason.TO_BE_DECIDED),
        ("No target set", NoTargetReason.NOT_SET),
        ("No target", NoTargetReason.NOT_SET),
        ("N/A", NoTargetReason.NOT_SET),
        ("n/a", NoTargetReason.NOT_SET),
        ("Not applicable", NoTargetReason.NOT_SET),
        ("-", NoTargetReason.NOT_SET),
        ("", NoTargetReason.NOT_SET),
        ("   ", NoTargetReason.NOT_SET),
        (None, NoTargetReason.NOT_SET),
    ],
)
def test_no_target_reasons(text: str | None, reason: NoTargetReason) -> None:
    t = parse_target(text).target
    assert t.none is reason
    assert not t.is_set
    assert t.for_period(month(1), SNAPSHOT) is None
    assert t.for_period(quarter(1), IN_PERIOD) is None
    assert reason.label  # every reason has words for reports


def test_sub_measure_targets() -> None:
    parsed = parse_target("P1 and P2 97.5% P3 and P4 90%")
    subs = parsed.by_sub_measure
    assert sorted(subs) == ["P1", "P2", "P3", "P4"]
    assert [subs[k].annual for k in ("P1", "P2", "P3", "P4")] == [D("97.5"), D("97.5"), D(90),
                                                                  D(90)]
    assert subs["P1"].for_period(month(11), RATIO) == D("97.5")
    # the KPI itself has no figure of its own; it is judged through its sub-measures
    assert not parsed.target.is_set and parsed.target.none is None
    assert parsed.target.text == "P1 and P2 97.5% P3 and P4 90%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kettering 90% Corby 85%", {"Kettering": D(90), "Corby": D(85)}),
        ("P1, P2 & P3 95%", {"P1": D(95), "P2": D(95), "P3": D(95)}),
        ("Band1 and Band2 80%", {"Band1": D(80), "Band2": D(80)}),  # "and" inside a word
    ],
)
def test_other_sub_measure_forms(text: str, expected: dict[str, Decimal]) -> None:
    assert {k: v.annual for k, v in parse_target(text).by_sub_measure.items()} == expected


@pytest.mark.parametrize(
    "text", ["garbage", "see commentary", "Maybe 5", "About 90%", "1,688 / 3,377 / 5,065",
             "90%%", "ninety percent"],
)
def test_unreadable_target_raises_quoting_it(text: str) -> None:
    with pytest.raises(TargetError, match=repr(text).replace("(", r"\(").replace(")", r"\)")):
        parse_target(text)


# --- the target for a period ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "period", "basis", "expected"),
    [
        # flat monthly figure, counts that add up
        ("252 (21 per month)", month(1), IN_PERIOD, D(21)),
        ("252 (21 per month)", quarter(1), IN_PERIOD, D(63)),
        ("252 (21 per month)", Period.half(FY, 2), IN_PERIOD, D(126)),
        ("252 (21 per month)", Period.full_year(FY), IN_PERIOD, D(252)),
        # the same monthly figure for a position at the month end
        ("252 (21 per month)", month(1), SNAPSHOT, D(21)),
        ("252 (21 per month)", month(7), SNAPSHOT, D(21)),
        # a cumulative KPI accumulates the stated monthly figure
        ("252 (21 per month)", month(3), CUMULATIVE, D(63)),
        ("300 (25 per month)", month(1), IN_PERIOD, D(25)),
        ("300 (25 per month)", quarter(2), IN_PERIOD, D(75)),
        ("300 (25 per month)", month(12), SNAPSHOT, D(25)),
        # an annual count is spread evenly over in-period months
        ("120", month(1), IN_PERIOD, D(10)),
        ("120", quarter(4), IN_PERIOD, D(30)),
        ("120", Period.full_year(FY), IN_PERIOD, D(120)),
        # percentages, rates and snapshots take the annual figure every period
        ("90%", month(1), RATIO, D(90)),
        ("90%", quarter(3), SNAPSHOT, D(90)),
        ("98% (Annual target)", month(11), CUMULATIVE, D(98)),
        ("Annual target of 98%, monthly breakdowns given", month(2), RATIO, D(98)),
        (">99", month(5), SNAPSHOT, D(99)),
        ("56 days", month(5), ValueBasis.AVERAGE, D(56)),
        # cumulative straight-line: Feb 2023/24 is month 11
        ("Year-end target: 564 Monthly target: 47", month(11), CUMULATIVE, D(517)),
        ("Year-end target: 564 Monthly target: 47", month(1), CUMULATIVE, D(47)),
        ("Year-end target: 564 Monthly target: 47", quarter(2), CUMULATIVE, D(282)),
        ("Year-end target: 564 Monthly target: 47", month(12), CUMULATIVE, D(564)),
        ("Year-end target: 564", month(6), CUMULATIVE, D(282)),
        ("Year-end target: 564 Monthly target: 47", month(4), IN_PERIOD, D(47)),
    ],
)
def test_for_period(text: str, period: Period, basis: ValueBasis, expected: Decimal) -> None:
    assert parse_target(text).target.for_period(period, basis) == expected


PROFILE = "1,688 / 3,377 / 5,065 / 6,755"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (quarter(1), D(1688)),
        (quarter(2), D(3377)),
        (quarter(3), D(5065)),
        (quarter(4), D(6755)),
        (month(3), D(1688)),  # June: end of Q1
        (month(6), D(3377)),  # September: end of Q2
        (month(4), D(1688) + (D(3377) - D(1688)) / 3),  # July: a third of the way to Q2
        (month(5), D(1688) + (D(3377) - D(1688)) * 2 / 3),  # August
        (month(1), D(1688) / 3),  # from zero at the start of April
        (Period.half(FY, 1), D(3377)),
        (Period.full_year(FY), D(6755)),
    ],
)
def test_cumulative_quarterly_profile(period: Period, expected: Decimal) -> None:
    t = parse_target(PROFILE, year_start=FY).target
    assert t.cumulative_profile and t.annual == D(6755)
    assert t.profile["2023/24-Q2"] == D(3377)
    assert t.for_period(period, CUMULATIVE) == expected
    # a month between quarters lies strictly between them
    if period.kind.value == "month" and period.index in (4, 5):
        assert D(1688) < t.for_period(period, CUMULATIVE) < D(3377)  # type: ignore[operator]


def test_profile_without_a_year_applies_to_any_year() -> None:
    t = parse_target(PROFILE).target
    for year in (2023, 2024):
        assert t.for_period(Period.quarter(year, 2), CUMULATIVE) == D(3377)
        assert t.for_period(Period.month(year, 12), CUMULATIVE) == D(6755)
    halves = parse_target("40 / 100").target
    assert halves.for_period(Period.half(2024, 1), CUMULATIVE) == D(40)
    assert halves.for_period(Period.month(2024, 9), CUMULATIVE) == D(70)


def test_monthly_cumulative_profile() -> None:
    text = " / ".join(str(10 * i) for i in range(1, 13))
    t = parse_target(text, year_start=FY).target
    assert t.profile["2023-04"] == D(10) and t.profile["2024-03"] == D(120)
    assert t.for_period(month(7), CUMULATIVE) == D(70)
    assert t.for_period(quarter(2), CUMULATIVE) == D(60)


def test_profile_for_another_year_gives_no_target() -> None:
    t = parse_target(PROFILE, year_start=FY).target
    assert t.for_period(Period.quarter(FY + 1, 2), CUMULATIVE) is None


def test_profile_in_period_months_sum_to_a_quarter() -> None:
    t = Target(profile={"2023-04": D(5), "2023-05": D(6), "2023-06": D(7)})
    assert t.for_period(quarter(1), IN_PERIOD) == D(18)
    assert t.for_period(Period.month(FY, 2), IN_PERIOD) == D(6)


def test_exact_profile_figure_wins() -> None:
    # MPS05-style: quarters then months, cumulative percentages collected
    t = Target(annual=D(98), cumulative_profile=True, profile={
        "2023/24-Q1": D(28), "2023/24-Q2": D(56), "2023/24-Q3": D(84), "2024-01": D(94),
        "2024-02": D(96), "2024-03": D(98)})
    assert t.for_period(month(11), CUMULATIVE) == D(96)
    assert t.for_period(quarter(3), CUMULATIVE) == D(84)
    assert t.for_period(month(8), CUMULATIVE) == D(56) + D(28) * 2 / 3  # November


def test_no_figure_at_all() -> None:
    assert Target().for_period(month(1), SNAPSHOT) is None
    assert not Target().is_set


def test_sub_measure_groups_separated_by_a_dash() -> None:
    """Seed 001 writes STP31's target as ``P1 and P2 97.5% - P3 and P4 90%``."""
    parsed = parse_target("P1 and P2 97.5% - P3 and P4 90%")
    assert {k: t.annual for k, t in parsed.by_sub_measure.items()} == {
        "P1": Decimal("97.5"), "P2": Decimal("97.5"), "P3": Decimal(90), "P4": Decimal(90)}
