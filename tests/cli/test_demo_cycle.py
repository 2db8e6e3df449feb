"""The demo looks live: its reporting cycle is dated from the day it runs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kpiboard.example import EXAMPLE, demo_load, demo_periods
from kpiboard.kpis.models import Organisation
from kpiboard.workflow.models import PeriodState, ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2031, 2, 28)])
def test_the_open_period_is_due_ahead_whatever_the_day(today: date) -> None:
    demo_load(EXAMPLE)
    org = Organisation.objects.get()
    words = demo_periods(org, today=today)
    opened = ReportingPeriod.objects.get(organisation=org, period="2024-03")
    assert opened.state == PeriodState.OPEN
    assert opened.deadline == today + timedelta(days=14)
    assert f"due {opened.deadline:%d %B %Y}, 14 days from today" in words
    published = ReportingPeriod.objects.filter(organisation=org, state=PeriodState.PUBLISHED)
    assert published.count() == 11
    # Each month is due as long before the next as the council's real deadlines were.
    feb = published.get(period="2024-02")
    assert (opened.deadline - feb.deadline).days == (date(2024, 4, 15) - date(2024, 3, 15)).days
    assert all(rp.deadline < today for rp in published)


def test_running_it_again_moves_the_cycle_on_and_keeps_the_data() -> None:
    demo_load(EXAMPLE)
    org = Organisation.objects.get()
    demo_periods(org, today=date(2026, 1, 1))
    demo_periods(org, today=date(2026, 6, 1))
    assert ReportingPeriod.objects.get(period="2024-03").deadline == date(2026, 6, 15)
    assert ReportingPeriod.objects.count() == 12
