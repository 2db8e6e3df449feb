"""Follow every link the site renders, as every role, for every month of both example years.

The example council with its 2023/24 figures (published to February, March through the
cycle), and 2024/25 under way: April and May published, June approved, July submitted (STP16/17
included), August in draft and September just opened. Starting from the dashboard and each
section's page, and ``?period=`` for every month of 2023/24 and 2024/25, every internal link
and GET form option is followed: no page may answer with a server error, and no link the
site rendered may lead to a 404. Run with ``-s`` for the summary of each role's crawl.
"""

from __future__ import annotations

import pytest
from django.test import Client

from kpiboard.data.models import PeriodValue
from kpiboard.engine.periods import FinancialYear, Period
from kpiboard.example import demo_periods
from kpiboard.kpis.models import Kpi
from tests.simulation.cycle import People, run_month
from tests.web.crawl import Crawl, crawl, sampled
from tests.workflow.people import council_load

YEARS = [FinancialYear.parse("2023/24"), FinancialYear.parse("2024/25")]
ROLES = ["public", "admin", "officer", "owner", "owner_other", "approver", "viewer"]
SECTIONS = ["/", "/entry/", "/approvals/", "/periods/", "/overdue/", "/audit/", "/reports/",
            "/framework/", "/framework/changes/", "/framework/counts/"]
# The second year's cycle: each month as far as it has got.
SECOND_YEAR = {"2024-03": "published", "2024-04": "published", "2024-05": "published",
               "2024-06": "approved", "2024-07": "submitted", "2024-08": "draft",
               "2024-09": "open"}


def starts() -> list[str]:
    """Each section, and the pages with a period picker at every month of both years."""
    months = [m.key for y in YEARS for m in y.months()]
    return [*SECTIONS, *(f"{page}?period={m}" for m in months
                         for page in ("/", "/entry/", "/overdue/"))]


# Every KPI's page and form is visited once a year; these KPIs' at every period too (a
# monthly count in arrears, a percentage, one with sub-measures, one outside the owner's
# scope, and the reference with a slash).
EVERY_PERIOD = frozenset({"AFL12", "STP38", "STP36", "STP29", "STP16/17", "STP16"})


# These roles follow every dashboard filter link; the others see each period's dashboard and
# each report layout once (their pages differ only in what they may see).
THOROUGH = {"officer"}


def load_two_years() -> People:
    council = council_load()
    people = People(council.org, council.users)
    demo_periods(council.org, published_to="2024-02", open_period="2024-03")
    for month, stage in SECOND_YEAR.items():
        run_month(people, Period.parse(month), stage=stage)
    return people


def client_for(people: People, role: str) -> Client:
    client = Client()
    if role != "public":
        client.force_login(people.users[role])
    return client


@pytest.mark.slow
def test_every_link_as_every_role_for_every_month_of_both_years(db: None) -> None:
    people = load_two_years()
    stp = Kpi.objects.get(kpi_set__year="2024/25", ref="STP16/17")
    assert PeriodValue.objects.filter(kpi=stp, period__startswith="2024").exists()

    crawls: list[Crawl] = []
    for role in ROLES:
        crawls.append(crawl(client_for(people, role), starts(), who=role,
                            key=sampled(role in THOROUGH, EVERY_PERIOD)))
    print("\nCrawl of the example council, 2023/24 and 2024/25:")
    for c in crawls:
        print("  " + c.summary())
    failures = "\n\n".join(c.failures() for c in crawls if c.failures())
    assert not failures, failures
    # every role saw the second year's pages, STP16/17's among them
    for c in crawls:
        assert any("period=2024-05" in u for u in c.visited), c.who
    staff = {c.who: c for c in crawls}
    assert any("/entry/2024-07/2024-25/STP16/17/" in u for u in staff["officer"].visited)
    assert any(u.startswith("/audit/2024-25/STP16/17/") for u in staff["admin"].visited)
