"""Two years of a council's monthly cycle, every month of 2023/24 and 2024/25, with monthly,
quarterly, half-yearly and annual KPIs, driven half through the workflow services and half
through the pages as people click them — then every link of the site followed as every role.

Each month: the performance team opens the period; the Housing data owner fills in their
KPIs' forms and submits them, the performance team enters the rest through the services;
the Adults & Housing approver approves on the Approvals page (once returning a figure, which
the owner corrects and submits again), the rest are approved through the services; the
period is published; last month's STP16/17 figure is revised with a reason; and the month
before that is closed. Even months go through the pages, odd months through the services.
Between the years, the year is rolled over (see ``council.year_rollover``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from kpiboard.audit.models import Action, AuditEvent
from kpiboard.data.models import PeriodValue, ValueRevision
from kpiboard.engine.periods import FinancialYear, Period
from kpiboard.kpis.models import Kpi
from kpiboard.workflow.models import PeriodState, ReportingPeriod, Submission
from kpiboard.workflow.services import figure_lock
from tests.simulation import cycle, pages
from tests.simulation.council import (
    ODD_REFS,
    YEARS,
    explained,
    simulation_load,
    year_close,
    year_rollover,
)
from tests.simulation.cycle import People
from tests.web.crawl import crawl, sampled

ROLES = ["public", "admin", "officer", "owner", "owner_other", "approver", "viewer"]
OWNER_SERVICE = "Housing Services"
REVISED = "STP16/17"
# the month the approver returns HS01 to its owner (an even one: through the pages)
RETURNED_IN = "2023-06"
# The crawl visits these KPIs' pages at every period, the others' once a year.
EVERY_PERIOD = frozenset({"STP16/17", "BBF05 (KPI 2)", "AFL12"})


def clients(people: People) -> dict[str, Client]:
    out = {"public": Client()}  # each raises the view's exception: no silent server error
    for name in ROLES[1:]:
        out[name] = Client()
        out[name].force_login(people.users[name])
    return out


def revised_text(kpi: Kpi, period: Period) -> str:
    """The figure STP16/17's revision gives: a point more than the one first published."""
    return f"{Decimal(cycle.figure_text(kpi, period).rstrip('%')) + 1}%"


def live_month(people: People, web: dict[str, Client], reporting: Period) -> None:
    """One month of the cycle; through the pages in even months, the services in odd."""
    by_pages = reporting.start.month % 2 == 0
    officer = web["officer"]
    if by_pages:
        pages.open_period(officer, reporting)
    else:
        cycle.open_period(people, reporting)
    items = cycle.due(people, reporting)
    for item in items:
        locked = figure_lock(kpi=item.kpi, period=item.period) != PeriodState.OPEN
        if by_pages and item.kpi.department == OWNER_SERVICE and not locked:
            page = pages.enter(web["owner"], item.kpi, item.period, reporting)
            assert f"{item.kpi.ref} {item.period.label} submitted for approval" in page
        else:  # the rest through the services
            cycle.enter(people, item)
    for item in items:
        sub = Submission.objects.get(kpi=item.kpi, period=item.period.key)
        if sub.state != "submitted":
            continue
        if by_pages and item.kpi.directorate == "Adults & Housing":
            if reporting.key == RETURNED_IN and item.kpi.ref == "HS01":
                pages.decide(web["approver"], item.kpi, item.period, approve=False,
                             comment="Check Corby's figure against the housing register")
                pages.enter(web["owner"], item.kpi, item.period, reporting)
            pages.decide(web["approver"], item.kpi, item.period)
        else:
            cycle.approve(people, item)
    if by_pages:
        assert f"{reporting.label} published" in pages.period_action(officer, reporting,
                                                                     "publish")
    else:
        assert cycle.publish(people, reporting) == 0
    revise_last_month(people, web, reporting, by_pages)
    close_before_last(people, web, reporting, by_pages)


def revise_last_month(people: People, web: dict[str, Client], reporting: Period,
                      by_pages: bool) -> None:
    """The performance team revises last month's published STP16/17 figure, with a reason."""
    last = reporting.previous()
    kpi = Kpi.objects.filter(kpi_set__year=last.year.label, ref=REVISED).first()
    if kpi is None or not PeriodValue.objects.filter(kpi=kpi, period=last.key).exists():
        return
    reason = f"Late decisions for {last.label} counted"
    if by_pages:
        page = pages.enter(web["officer"], kpi, last, reporting, text=revised_text(kpi, last),
                           reason=reason)
        assert f"{kpi.ref} {last.label} revised" in page
    else:
        cycle.revise(people, kpi, last, revised_text(kpi, last), reason)


def close_before_last(people: People, web: dict[str, Client], reporting: Period,
                      by_pages: bool) -> None:
    before = reporting.previous().previous()
    if not ReportingPeriod.objects.filter(organisation=people.org, period=before.key,
                                          state=PeriodState.PUBLISHED).exists():
        return
    if by_pages:
        assert f"{before.label} closed" in pages.period_action(web["officer"], before, "close")
    else:
        cycle.close(people, before)


@pytest.mark.slow
def test_two_years_of_every_frequency_through_services_and_pages(db: None,
                                                                   tmp_path: Path) -> None:
    people = simulation_load(tmp_path)
    web = clients(people)
    for i, label in enumerate(YEARS):
        if i:
            year_rollover(people, web["officer"], YEARS[i - 1], label)
        for month in FinancialYear.parse(label).months():
            live_month(people, web, month)
            if i and month.start.month == 5:  # last year's figures in arrears are all in
                year_close(people, web["officer"], YEARS[i - 1])

    # every figure due in the two years was entered and approved
    for label in YEARS:
        for month in FinancialYear.parse(label).months():
            for item in cycle.due(people, month):
                sub = Submission.objects.get(kpi=item.kpi, period=item.period.key)
                assert sub.state == "approved", (item.kpi.ref, item.period.key, sub.state)
    # every frequency has its periods: 12 months, 4 quarters, 2 halves, 1 year a year (a KPI
    # in arrears has the last March's figure still to come in April's cycle)
    expected = {"monthly": 12, "quarterly": 4, "half_yearly": 2, "annual": 1}
    for kpi in Kpi.objects.select_related("kpi_set"):
        got = PeriodValue.objects.filter(kpi=kpi, sub_measure="").count()
        owed = kpi.arrears_months if kpi.kpi_set.year == YEARS[-1] else 0
        assert got == expected[kpi.frequency] - owed, (kpi.ref, kpi.kpi_set.year, got)

    # periods: every month opened, published, all but the last two closed
    states = dict(ReportingPeriod.objects.values_list("period", "state"))
    assert len(states) == 24
    assert states["2025-03"] == states["2025-02"] == PeriodState.PUBLISHED
    assert all(s == PeriodState.CLOSED for p, s in states.items()
               if p not in ("2025-02", "2025-03"))

    # revisions: STP16/17's published figure revised every month but the last, with reasons
    revisions = ValueRevision.objects.filter(period_value__kpi__ref=REVISED).exclude(
        reason="").exclude(revision=1)
    assert revisions.count() == 23
    assert all(r.reason.startswith("Late decisions") for r in revisions)

    # the audit trail has the whole cycle
    counts = {a: AuditEvent.objects.filter(action=a).count() for a in Action.values}
    # 2023/24's months opened one by one; 2024/25's twelve all at once, by opening the year
    assert counts[Action.PERIOD_OPENED] == 12
    assert counts[Action.YEAR_OPENED] == counts[Action.YEAR_CLOSED] == 1
    assert counts[Action.PUBLISHED] == 24
    assert counts[Action.CLOSED] == 22
    assert counts[Action.RETURNED] == 1
    assert counts[Action.REVISED] >= 23
    # every figure submitted and approved once (those in arrears too, by their owner)
    assert counts[Action.APPROVED] == Submission.objects.count() > 100

    # what the public sees: the published figures, revised where they were, with statuses
    public = web["public"]
    stp = Kpi.objects.get(kpi_set__year="2024/25", ref=REVISED)
    page = public.get(reverse("dashboard:kpi", args=["2024-25", REVISED]),
                      {"period": "2025-03"}).content.decode()
    latest = cycle.figure_text(stp, Period.parse("2025-03"))
    assert latest in page  # the latest, as entered
    assert explained(latest) in page  # its status, and why
    february = revised_text(stp, Period.parse("2025-02"))
    assert february in page  # February, as revised
    assert explained(february) in page
    assert "revised" in page.lower()
    dashboard = public.get("/", {"period": "2025-03"}).content.decode()
    for ref in ODD_REFS:
        assert f"{ref}" in dashboard.replace("&amp;", "&"), ref

    # and every link of the site, as every role, for every month of both years
    months = [m.key for y in YEARS for m in FinancialYear.parse(y).months()]
    starts = ["/", "/entry/", "/approvals/", "/periods/", "/overdue/", "/audit/", "/reports/",
              "/framework/", *(f"{p}?period={m}" for m in months
                               for p in ("/", "/entry/", "/overdue/"))]
    print("\nCrawl of the simulated council after two years:")
    failures = []
    for role in ROLES:
        result = crawl(web[role], starts, who=role,
                       key=sampled(role == "officer", EVERY_PERIOD))
        print("  " + result.summary())
        failures.append(result.failures())
    assert not any(failures), "\n\n".join(f for f in failures if f)
