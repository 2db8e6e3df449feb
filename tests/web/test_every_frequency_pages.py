"""The dashboard and the KPI page show quarterly, half-yearly and annual KPIs by their own
periods: each value, status and arrow labelled with its period where that is not the month
shown, a "Stale" marker (words, not colour) when a newer value is overdue, the KPI page's
history and chart by quarter, half or year, and the target as the year's and the profiled
figure.

The small framework of ``tests/reports/test_frequencies.py`` (a quarterly KPI a month in
arrears with Q1 and Q2 given, so Q3 is overdue in March 2024; a half-yearly and an annual
KPI), and the example council (AFL23, quarterly: Q3 given, Q4 due with the March report)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kpiboard.data.services import ValueInput, values_import
from kpiboard.engine.periods import Period
from kpiboard.engine.types import ValueState
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.reports.build import build_report
from tests.reports.test_frequencies import frequencies_load
from tests.web.test_dashboard import client_for, counts, kpi_refs, load_nnc, publish, text

pytestmark = pytest.mark.django_db

STALE_Q01 = "Q3 2023/24 was due (no value); the latest value is Q2 2023/24"


@pytest.fixture
def org(tmp_path: Path) -> Organisation:
    """The every-frequency framework and values of the reports' tests, March 2024 published
    (so the public sees it as well as staff)."""
    organisation = frequencies_load(tmp_path)
    publish(organisation, "2024-03")
    return organisation


@pytest.fixture
def staff(org: Organisation, make_user: Callable[..., User]) -> Client:
    return client_for(make_user, "performance_officer")


def row_text(html: bytes, ref: str) -> str:
    """The words of the dashboard's row for the KPI ``ref``."""
    body = html.decode()
    for match in re.finditer(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.S):
        if re.search(rf'<th scope="row" class="govuk-table__header">{re.escape(ref)}</th>',
                     match.group(0)):
            return text(match.group(1))
    raise AssertionError(f"no row for {ref}")


def section(html: bytes, ident: str) -> str:
    """The words of the page from the heading ``id=ident`` to the next h2."""
    body = html.decode()
    start = body.index(f'id="{ident}"')
    end = body.find("<h2", start)
    return text(body[start:end if end > 0 else None])


def add_q3(org: Organisation, figure: str = "9") -> None:
    values_import(organisation=org, source="q3.csv", values=[
        ValueInput("Q01", Period.parse("2023/24-Q3"), figure, Decimal(figure),
                   ValueState.VALUE)])


# -- the dashboard --------------------------------------------------------------------------

def test_march_each_kpi_is_labelled_with_its_own_period_and_the_overdue_one_is_stale(
        org: Organisation) -> None:
    html = Client().get("/", {"period": "2024-03"}).content
    q01 = row_text(html, "Q01")
    assert q01.startswith("Q01 Households in bed and breakfast 14 Q2 2023/24 Stale "
                          f"{STALE_Q01}")
    assert "✖ Red for Q2 2023/24" in q01
    assert "↑R Performance has deteriorated from the last period – Lower is better. " \
           "for Q2 2023/24" in q01
    h01 = row_text(html, "H01")
    assert "11% H1 2023/24" in h01 and "✔ Green for H1 2023/24" in h01
    assert "↓G" in h01 and "for H1 2023/24" in h01 and "Stale" not in h01
    a01 = row_text(html, "A01")
    assert "58% 2022/23" in a01 and "▲ Amber for 2022/23" in a01 and "Stale" not in a01
    assert 'aria-label="A01 by year: 2021/22 55, 2022/23 58."' in html.decode()
    # a monthly KPI a month in arrears shows February, labelled; March's own are not
    assert "340 February 2023/24" in row_text(html, "M02")
    m01 = row_text(html, "M01")
    assert m01.startswith("M01 Calls answered 86% 90% ▲ Amber Why") and " for " not in m01
    # said once above the tables too, with a link to the KPI
    page = text(html)
    assert "1 KPI is shown with an older value because a newer one is overdue, marked " \
           f"“Stale”: Q01 ({STALE_Q01})." in page
    assert 'href="/kpis/2023-24/Q01/?period=2024-03">Q01</a>' in html.decode()


def test_march_counts_by_status_are_the_reports(org: Organisation) -> None:
    html = Client().get("/", {"period": "2024-03"}).content
    report = build_report(organisation=org, period=Period.parse("2024-03"), kpi_set="all")
    assert report.overall is not None
    expected = {c.status.label: c.count for c in report.overall.counts}
    assert counts(html) == expected == {"Green": 2, "Amber": 2, "Red": 1, "Turquoise": 1}


@pytest.mark.parametrize(("query", "refs"), [
    ({"status": "red"}, ["Q01"]),
    ({"status": "amber"}, ["M01", "A01"]),
    ({"q": "turnover"}, ["H01"]),
    ({"set": "service"}, ["Q01", "A01"]),
])
def test_filters_keep_the_labels_and_the_marker(org: Organisation, query: dict[str, str],
                                               refs: list[str]) -> None:
    html = Client().get("/", {"period": "2024-03", **query}).content
    assert kpi_refs(html) == refs
    assert ("Stale" in text(html)) == ("Q01" in refs)
    if "A01" in refs:
        assert "▲ Amber for 2022/23" in row_text(html, "A01")


def test_the_htmx_partial_has_the_labels_and_the_marker(org: Organisation) -> None:
    html = Client().get("/", {"period": "2024-03", "status": "red"}, HTTP_HX_REQUEST="true",
                        HTTP_HX_TARGET="dashboard-results").content
    assert "<h1" not in html.decode()
    assert f"14 Q2 2023/24 Stale {STALE_Q01}" in row_text(html, "Q01")


def test_november_every_kpi_is_current_and_nothing_is_stale(staff: Client) -> None:
    html = staff.get("/", {"period": "2023-11"}).content
    # November: Q2 (to September) is the quarter due a month in arrears, and it is there
    q01 = row_text(html, "Q01")
    assert "14 Q2 2023/24" in q01 and "✖ Red for Q2 2023/24" in q01
    assert "11% H1 2023/24" in row_text(html, "H01")
    assert "58% 2022/23" in row_text(html, "A01")
    assert "Stale" not in text(html) and "overdue" not in text(html)


def test_march_with_q3_given_it_is_current(org: Organisation) -> None:
    add_q3(org)
    html = Client().get("/", {"period": "2024-03"}).content
    q01 = row_text(html, "Q01")
    assert "9 Q3 2023/24" in q01 and "for Q3 2023/24" in q01
    assert "↓G" in q01  # 14 to 9, lower is better
    assert "Stale" not in text(html)


# -- the KPI page ---------------------------------------------------------------------------

def test_the_quarterly_kpi_page_in_march(org: Organisation) -> None:
    html = Client().get("/kpis/2023-24/Q01/", {"period": "2024-03"}).content
    now = section(html, "now")
    assert now.startswith('id="now">Q2 2023/24 The latest value as at March 2023/24 '
                          "Q01 is reported quarterly, 1 month in arrears: as at March "
                          "2023/24 the latest value due is for Q3 2023/24.")
    assert f"Warning Stale: {STALE_Q01}." in now
    assert f"Value 14 Q2 2023/24 Stale {STALE_Q01}" in now
    assert "Not reported" not in now  # said once, as stale
    assert "Target For the year 2023/24: 10 Profiled for Q2 2023/24: 2.50" in now
    assert "Status ✖ Red for Q2 2023/24" in now
    assert "↑R Performance has deteriorated from the last period – Lower is better " \
           "for Q2 2023/24" in now
    history = section(html, "history")
    assert history.startswith('id="history">Every quarter of 2023/24 Q01, Q1 2023/24 to '
                              "Q3 2023/24, as at March 2023/24")
    assert "Q1 2023/24 12 " in history and "Q2 2023/24 14 " in history
    assert "Q3 2023/24 n/a Overdue Q3 2023/24 was due by March 2023/24" in history
    assert "Q4 2023/24" not in history  # a month in arrears: due with April's report
    chart = html.decode()[html.decode().index('id="chart"'):html.decode().index('id="history"')]
    assert 'aria-label="Q01 by quarter: 2023/24 against 2022/23' in chart
    assert 'text-anchor="end">15</text>' in chart  # the axis reaches above 14
    assert re.search(r'<th scope="row" class="govuk-table__header">Q2</th><td[^>]*>No value'
                     r'</td><td[^>]*>14</td>', chart)
    assert "Target 10" in section(html, "definition")  # the year's, as written


def test_the_quarterly_kpi_page_when_current(staff: Client, org: Organisation) -> None:
    html = staff.get("/kpis/2023-24/Q01/", {"period": "2023-11"}).content
    now = section(html, "now")
    assert now.startswith('id="now">Q2 2023/24 The latest value as at November 2023/24')
    assert "as at November 2023/24 the latest value due is for Q2 2023/24." in now
    assert "Stale" not in now and "Overdue" not in section(html, "history")
    assert "Q3 2023/24" not in section(html, "history")
    add_q3(org)
    html = Client().get("/kpis/2023-24/Q01/", {"period": "2024-03"}).content
    now = section(html, "now")
    assert now.startswith('id="now">Q3 2023/24 The latest value as at March 2023/24')
    assert "Value 9 Q3 2023/24" in now and "Stale" not in now
    assert "Profiled for Q3 2023/24: 2.50" in now
    assert "Q3 2023/24 9 " in section(html, "history")


def test_the_half_yearly_kpi_page(org: Organisation) -> None:
    html = Client().get("/kpis/2023-24/H01/", {"period": "2024-03"}).content
    now = section(html, "now")
    assert now.startswith('id="now">H1 2023/24 The latest value as at March 2023/24 '
                          "H01 is reported half-yearly, 1 month in arrears")
    assert "Value 11% H1 2023/24" in now and "✔ Green for H1 2023/24" in now
    assert "Target 12%" in now and "Stale" not in now
    history = section(html, "history")
    assert history.startswith('id="history">Each half of 2023/24 H01, H1 2023/24, as at')
    assert "H1 2023/24 11% 12% ✔ Green ↓G" in history and "H2 2023/24" not in history
    assert 'aria-label="H01 by half year: 2023/24 against 2022/23' in html.decode()


def test_the_annual_kpi_page(org: Organisation) -> None:
    html = Client().get("/kpis/2023-24/A01/", {"period": "2024-03"}).content
    now = section(html, "now")
    assert now.startswith('id="now">2022/23 The latest value as at March 2023/24 '
                          "A01 is reported annually, 6 months in arrears: as at March "
                          "2023/24 the latest value due is for 2022/23.")
    assert "Value 58% 2022/23" in now and "▲ Amber for 2022/23" in now
    assert "↑G Performance has improved from the last period – Higher is better " \
           "for 2022/23" in now
    assert "No value yet for 2023/24" in now
    assert "Quarter 1" not in now  # an annual KPI has no quarters to show
    history = section(html, "history")
    assert history.startswith('id="history">Year by year A01, 2021/22 to 2022/23, as at')
    assert "2021/22 55% 60% ✖ Red" in history and "2022/23 58% 60% ▲ Amber ↑G" in history
    assert "2023/24 n/a" not in history  # due in September 2024
    assert 'aria-label="A01 by year: 2021/22 to 2023/24' in html.decode()


def test_an_annual_kpi_new_in_a_year_has_no_overdue_past(org: Organisation) -> None:
    from kpiboard.data.history import kpis_delete_with_history

    kpis_delete_with_history(Kpi.objects.filter(  # a KPI with history: only this way
        kpi_set__organisation=org, kpi_set__year="2021/22", ref="A01").values_list("pk", flat=True))
    history = section(Client().get("/kpis/2023-24/A01/", {"period": "2024-03"}).content,
                      "history")
    assert history.startswith('id="history">Year by year A01, 2022/23, as at')
    assert "2021/22 n/a" not in history and "Overdue" not in history
    assert "compared with 2021/22, not published" in history  # its arrow says why not


# -- the example council ---------------------------------------------------------------------

def test_the_example_councils_quarterly_kpi(make_user: Callable[..., User]) -> None:
    load_nnc()
    feb = Client().get("/").content  # February 2024, published
    afl23 = row_text(feb, "AFL23")
    assert "0% (Q3 2023) Q3 2023/24" in afl23 and "◆ Turquoise for Q3 2023/24" in afl23
    assert "Stale" not in afl23
    assert "Value 0% (Q3 2023) Q3 2023/24" in section(
        Client().get("/kpis/2023-24/AFL23/").content, "now")
    # March: the fourth quarter is due with the March report and has not come in
    staff = client_for(make_user, "performance_officer")
    march = staff.get("/", {"period": "2024-03"}).content
    stale = "Q4 2023/24 was due (no value); the latest value is Q3 2023/24"
    assert f"0% (Q3 2023) Q3 2023/24 Stale {stale}" in row_text(march, "AFL23")
    page = staff.get("/kpis/2023-24/AFL23/", {"period": "2024-03"}).content
    assert f"Warning Stale: {stale}." in section(page, "now")
    history = section(page, "history")
    assert "Every quarter of 2023/24" in history
    assert "Q4 2023/24 n/a Overdue Q4 2023/24 was due by March 2023/24" in history
