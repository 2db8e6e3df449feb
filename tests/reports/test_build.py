"""The report model built from the example council's stored data (seed 000, February 2024)."""

from __future__ import annotations

from collections import Counter

import pytest

from kpiboard.data.models import ProjectStatus
from kpiboard.engine.periods import Period
from kpiboard.example import demo_load
from kpiboard.kpis.models import Organisation
from kpiboard.reports.build import ReportError, build_report
from kpiboard.reports.model import KpiRow, Report
from tests.store.conftest import NNC

pytestmark = pytest.mark.django_db
FEB = Period.parse("2024-02")


@pytest.fixture
def org() -> Organisation:
    demo_load(NNC)
    return Organisation.objects.get()


def row(report: Report, ref: str) -> KpiRow:
    return next(r for r in report.rows if r.ref == ref)


def test_monthly_report_of_every_kpi(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, layout="monthly", kpi_set="all")
    assert [s.title for s in report.sections] == [
        "Place & Economy", "Communities & Public Health", "Adults & Housing",
        "Children's Services", "Finance Services"]
    assert len(report.rows) == 45
    assert report.overall is not None and report.overall.total == 45
    counts = {c.status.label: c.count for c in report.overall.counts}
    assert counts == {"Green": 12, "Amber": 4, "Red": 9, "Dark grey": 5, "Grey": 4,
                      "Turquoise": 11}
    headings = [c.heading for c in report.columns]
    assert headings[6:12] == ["Year to Date 2023-24", "Quarter 1 23-24", "Quarter 2 23-24",
                              "Quarter 3 23-24", "January 2023/24", "February 2023/24"]


def test_a_kpi_row_has_every_figure_as_published(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, kpi_set="all")
    stp16 = row(report, "STP16")
    assert [c.text for c in stp16.quarters] == ["73.91%", "84.54%", "76.85%"]
    assert [c.text for c in stp16.months] == ["78.13%", "46.43%"]
    assert stp16.status is not None and stp16.status.display == "✖ Red"
    assert stp16.direction is not None and stp16.direction.symbol == "↓R"
    assert stp16.target == "85%" and stp16.tolerance == "80% - 85%"
    assert stp16.polarity == "Higher is better"
    assert stp16.explanation.startswith("Red: 46.43% is 38.57 points below the 85% target")
    assert "Performance this month has dropped" in stp16.commentary_html
    assert stp16.benchmark.startswith("87% (Mean Average CIPFA")
    assert stp16.chart is not None and len(stp16.chart.series) == 2
    assert stp16.chart.alt_text.startswith("STP16 by month: 2023/24 against 2022/23")
    afl13 = row(report, "AFL13")
    assert afl13.ytd is not None and afl13.ytd.text == "229"  # 75+63+61+19+11, as published
    stp38 = row(report, "STP38")
    assert stp38.ytd is not None and stp38.ytd.value is not None
    assert f"{stp38.ytd.value:.2f}" == "96.43"


def test_sub_measures_sit_under_their_kpi(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, kpi_set="all")
    stp31 = row(report, "STP31")
    assert [c.sub_measure for c in stp31.children] == ["P1", "P2", "P3", "P4"]
    assert stp31.status is not None and stp31.status.label == "Green"
    assert [c.direction.symbol for c in stp31.children if c.direction] == ["n/a", "→", "↓", "↓"]
    assert [c.target for c in stp31.children] == ["97.5%", "97.5%", "90%", "90%"]


def test_quarterly_kpis_show_their_latest_quarter(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, kpi_set="all")
    afl23 = row(report, "AFL23")
    assert afl23.current is not None and afl23.current.period == "2023/24-Q3"
    assert afl23.direction is not None and afl23.direction.symbol == "→"
    core = build_report(organisation=org, period=FEB, kpi_set="core")
    assert "AFL23" not in {r.ref for r in core.rows}  # quarterly, so a service indicator
    service = build_report(organisation=org, period=FEB, kpi_set="service")
    assert [r.ref for r in service.rows] == ["AFL23"]


def test_exceptions_not_reported_and_projects(org: Organisation) -> None:
    ProjectStatus.objects.create(organisation=org, period="2024-02", name="Local Plan review",
                                 rag="amber", narrative="Consultation delayed.")
    report = build_report(organisation=org, period=FEB, layout="summary", kpi_set="all")
    assert [r.ref for r in report.exceptions] == [
        "STP16", "AFL08", "AFL12", "AFL13", "AFL17", "AFL18", "BBF27 (KPI 5)", "MPS05", "MPS04"]
    not_reported = {r.ref: r.not_reported for r in report.not_reported}
    assert set(not_reported) == {"AFL04", "AFL05", "STP39", "STP40", "BBF36"}
    assert "in arrears" in not_reported["AFL04"] and "next report" in not_reported["AFL04"]
    assert report.projects[0].status.label == "Amber"
    assert report.summary_chart is not None and "KPIs by status" in report.summary_chart.title


def test_keys_come_from_the_configured_schemes(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, kpi_set="all")
    assert [k.title for k in report.rating_keys] == [
        "North Northamptonshire Council progress status", "Children's Trust progress status"]
    assert report.rating_keys[0].entries[4].label == "Grey - Target under review"
    symbols = [e.symbol for e in report.direction_keys[0].entries]
    assert symbols[:6] == ["↑G", "↓G", "↑", "↓", "↑R", "↓R"]
    assert ("TBC", "To be confirmed") in report.terminology


def test_scorecard_has_six_months_with_a_status_each(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, layout="scorecard", kpi_set="all")
    stp16 = row(report, "STP16")
    assert [c.period for c in stp16.months] == ["2023-09", "2023-10", "2023-11", "2023-12",
                                                 "2024-01", "2024-02"]
    assert stp16.months[-1].status is not None and stp16.months[-1].status.label == "Red"
    assert len(stp16.previous_years) == 2
    assert [c.heading for c in report.columns][2:8] == [
        "Sep-23", "Oct-23", "Nov-23", "Dec-23", "Jan-24", "Feb-24"]


def test_grouped_by_key_commitment(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, kpi_set="all",
                          group_by="key_commitment")
    titles = [s.title for s in report.sections]
    assert titles[0] == "Safe and thriving places"
    assert Counter(len(s.rows) for s in report.sections).total() == len(titles)
    assert sum(len(s.rows) for s in report.sections) == 45


def test_bad_choices_are_refused(org: Organisation) -> None:
    with pytest.raises(ReportError, match="layout 'weekly'"):
        build_report(organisation=org, period=FEB, layout="weekly")
    with pytest.raises(ReportError, match="no 2030/31 KPI set"):
        build_report(organisation=org, period=Period.parse("2030-05"))


def test_queries_do_not_grow_with_the_kpis(org: Organisation,
                                           django_assert_max_num_queries: object) -> None:
    with django_assert_max_num_queries(30):  # type: ignore[operator]
        build_report(organisation=org, period=FEB, kpi_set="all")


def test_terminology_keeps_its_order(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, kpi_set="all")
    assert [term for term, _ in report.terminology] == ["TBC", "TBD", "n/a", "Actual",
                                                         "Benchmark"]


def test_figures_as_the_council_published_them(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, kpi_set="all")
    # a year to date published without numerators is shown as given, not n/a
    ytds = [row(report, r).ytd for r in ("STP15", "STP16", "BBF05 (KPI 2)")]
    assert [(c.text, c.flag) for c in ytds if c is not None] == [
        ("80.60%", "published"), ("75.91%", "published"), ("27.3% (8,263)", "published")]
    # one the council published that disagrees with its months: both shown, flagged
    afl14 = row(report, "AFL14").ytd
    assert afl14 is not None and (afl14.text, afl14.flag, afl14.computed) == (
        "304", "differs", "305")
    assert afl14.note == "as published; worked out from the periods it is 305"
    # annual and profiled targets both
    assert row(report, "AFL07").target == (
        "Year-end target: 564 Monthly target: 47; 517 profiled to February 2023/24")
    assert row(report, "MPS04").target == "98% (Annual target); 96% profiled to February 2023/24"
    assert row(report, "AFL13").target == "252 (21 per month)"
    # a quarterly KPI: its Q3 value, status and arrow say so, with the Q3 commentary
    afl23 = row(report, "AFL23")
    assert afl23.reported_period == "Q3 2023/24" and not afl23.stale
    assert afl23.status is not None and afl23.status.display == "◆ Turquoise, Q3 2023/24"
    assert afl23.direction is not None and afl23.direction.display == "→ (Q3 2023/24)"
    assert "Substance Misuse Programme" in afl23.commentary_html
    # blanks stay blank
    assert afl23.statutory == ""
    assert row(report, "AFL03").statutory == "No"
    # an arrow that needs a December the council did not publish says so
    afl04 = row(report, "AFL04").direction
    assert afl04 is not None and afl04.display == (
        "n/a (compared with December 2023/24, not published)")


def test_the_scorecard_shows_a_quarterly_kpis_latest_quarter(org: Organisation) -> None:
    report = build_report(organisation=org, period=FEB, layout="scorecard", kpi_set="all")
    assert "current" in [c.key for c in report.columns]  # AFL23's Q3 is in no month column
    monthly = build_report(organisation=org, period=FEB, layout="monthly", kpi_set="all")
    assert "current" not in [c.key for c in monthly.columns]  # it is in Quarter 3's
