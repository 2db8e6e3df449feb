"""Every frequency in every output: monthly, quarterly, half-yearly and annual KPIs each show
their latest value due, labelled with its own period, marked stale when a newer one is
overdue, in every layout and format; published years to date; groups by set and theme."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from kpiboard.data.services import values_import
from kpiboard.engine.periods import Period
from kpiboard.framework import load_framework
from kpiboard.imports.values import read_period_data
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.selectors import framework_get
from kpiboard.kpis.services import framework_save
from kpiboard.reports.build import build_report
from kpiboard.reports.model import KpiRow, Report
from kpiboard.reports.render import render

pytestmark = pytest.mark.django_db
MARCH = Period.parse("2024-03")

KPIS = """
      - {ref: M01, name: Calls answered, unit: percent, basis: ratio, polarity: higher,
         target: 90%, sets: [core]}
      - {ref: Q01, name: Households in bed and breakfast, frequency: quarterly,
         arrears_months: 1, unit: count, basis: in_period, polarity: lower, target: 10,
         sets: [service]}
      - {ref: H01, name: Staff turnover, frequency: half_yearly, arrears_months: 1,
         unit: percent, polarity: lower, target: 12%, sets: [organisational health],
         theme: Workforce}
      - {ref: A01, name: Pupils reaching the expected standard, frequency: annual,
         arrears_months: 6, unit: percent, polarity: higher, target: 60%, sets: [service]}
      - {ref: F01, name: Invoices paid in 30 days, unit: percent, polarity: higher,
         target: 95%, sets: [organisational health], theme: Financial}
      - {ref: M02, name: New safeguarding concerns, arrears_months: 1, unit: count,
         basis: in_period, polarity: none, target: No target - tracking indicator only,
         sets: [core]}
"""
FRAMEWORK = f"""
kpiboard: 1
organisation: {{name: Example Borough Council}}
rating_schemes: {{corporate: {{preset: nnc}}}}
direction_schemes: {{corporate: {{preset: nnc}}}}
defaults: {{rating_scheme: corporate, direction_scheme: corporate}}
years:
  2021/22:
    kpis:{KPIS}
  2022/23:
    kpis:{KPIS}
  2023/24:
    kpis:{KPIS}
"""
VALUES = """ref,period,value,commentary,ytd
M01,2024-01,91%,,
M01,2024-02,88%,,
M01,2024-03,86%,Fewer staff in March.,89.5%
Q01,2023/24-Q1,12,,
Q01,2023/24-Q2,14,Placements rose over the summer.,26
A01,2021/22,55%,,
A01,2022/23,58%,Results for the 2022/23 academic year.,
H01,2022/23-H2,13%,,
H01,2023/24-H1,11%,,
F01,2024-02,96%,,
F01,2024-03,97%,,
M02,2024-01,355,,
M02,2024-02,340,,
"""


def frequencies_load(folder: Path) -> Organisation:
    """The every-frequency framework and values above, stored (the web tests use it too)."""
    (folder / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (folder / "values.csv").write_text(VALUES, encoding="utf-8")
    framework_save(framework=load_framework(folder / "framework.yaml"))
    organisation = Organisation.objects.get()
    records = read_period_data(folder / "values.csv", framework_get(
        organisation=organisation))
    report = values_import(organisation=organisation, values=records, source="values.csv")
    assert report.published_written == 2
    return organisation


@pytest.fixture
def org(tmp_path: Path) -> Organisation:
    return frequencies_load(tmp_path)


def row(report: Report, ref: str) -> KpiRow:
    return next(r for r in report.rows if r.ref == ref)


def test_every_frequency_shows_its_latest_value_due_with_its_period(org: Organisation) -> None:
    report = build_report(organisation=org, period=MARCH, kpi_set="all")
    assert {r.ref for r in report.rows} == {"M01", "Q01", "H01", "A01", "F01", "M02"}
    # monthly, a month in arrears, nothing given for March: February is its latest due
    m02 = row(report, "M02")
    assert m02.reported_period == "February 2023/24" and not m02.stale
    assert m02.current is not None and m02.current.text == "340"
    assert m02.direction is not None and m02.direction.display == "↓ (February 2023/24)"
    m01, q01, h01, a01 = (row(report, r) for r in ("M01", "Q01", "H01", "A01"))
    assert m01.reported_period == "March 2023/24" and not m01.stale
    assert m01.status is not None and m01.status.period == ""  # the report's own month
    # Q3 was due with the March report (a month in arrears); the latest is Q2: stale
    assert q01.reported_period == "Q2 2023/24"
    assert q01.stale == "Q3 2023/24 was due (no value); the latest value is Q2 2023/24"
    assert q01.current is not None and q01.current.text == "14" and q01.current.flag == "stale"
    assert q01.status is not None and q01.status.display == "✖ Red, Q2 2023/24"
    assert q01.direction is not None and q01.direction.symbol == "↑R"
    assert q01.direction.display == "↑R (Q2 2023/24)"
    assert "Q3 2023/24 was due" in q01.not_reported and q01 in report.not_reported
    assert "Placements rose" in q01.commentary_html  # stored against Q2
    # half-yearly, a month in arrears: H1 is the latest due, and it is there
    assert h01.reported_period == "H1 2023/24" and not h01.stale
    assert h01.status is not None and h01.status.label == "Green"
    assert h01.direction is not None and h01.direction.symbol == "↓G"
    # annual (an academic-year result, six months in arrears): 2022/23, not stale
    assert a01.reported_period == "2022/23" and not a01.stale
    assert a01.current is not None and a01.current.text == "58%"
    assert a01.status is not None and a01.status.display == "▲ Amber, 2022/23"
    assert a01.direction is not None and a01.direction.display == "↑G (2022/23)"
    assert "academic year" in a01.commentary_html
    assert a01.ytd is not None and a01.ytd.note == "no value yet for 2023/24"
    # nothing was given for these: blank, never "Data unavailable"
    assert [c.text for c in a01.quarters] == ["", "", "", ""]
    assert [c.text for c in q01.quarters] == ["12", "14", "", ""]
    assert [c.text for c in q01.previous_years] == ["", ""]
    # the annual figure is in no quarter or month column: the latest-value column shows it
    assert [c.key for c in report.columns].count("current") == 1


def test_published_years_to_date_are_shown_as_given(org: Organisation) -> None:
    report = build_report(organisation=org, period=MARCH, kpi_set="all")
    m01, q01 = row(report, "M01"), row(report, "Q01")
    # a ratio without numerators: the published year to date cannot be worked out
    assert m01.ytd is not None and (m01.ytd.text, m01.ytd.flag) == ("89.5%", "published")
    # a count that adds up: 12 + 14 = 26 agrees, and as at Q2 (the period shown)
    assert q01.ytd is not None and (q01.ytd.text, q01.ytd.flag, q01.ytd.note) == ("26", "", "")


@pytest.mark.parametrize("layout", ["monthly", "scorecard", "summary"])
def test_every_layout_and_format_shows_every_kpi_with_its_period(org: Organisation,
                                                                 layout: str) -> None:
    report = build_report(organisation=org, period=MARCH, layout=layout, kpi_set="all")
    assert "current" in [c.key for c in report.columns]
    html = render(report, "html").decode()
    for text in ("Q01", "H01", "A01", "Q2 2023/24", "2022/23", "Q3 2023/24 was due",
                 "✖ Red, Q2 2023/24"):
        assert text in html, text
    workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    cells = " ".join(str(c.value) for ws in workbook for r in ws.iter_rows() for c in r
                     if c.value is not None)
    for text in ("A01", "58% (2022/23)", "14 (Q2 2023/24; Q3 2023/24 was due",
                 "▲ Amber, 2022/23", "↑G (2022/23)"):
        assert text in cells, text
    doc = Document(io.BytesIO(render(report, "docx")))
    words = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    for text in ("A01", "58% (2022/23)", "Q3 2023/24 was due", "↑R (Q2 2023/24)"):
        assert text in words, text
    data = list(csv.DictReader(io.StringIO(render(report, "csv").decode())))
    rated = {(d["ref"], d["period"]): d for d in data if d["status"] and d["direction"]}
    assert rated[("Q01", "2023/24-Q2")]["note"].startswith("Q2 2023/24; Q3 2023/24 was due")
    assert rated[("A01", "2022/23")]["status"] == "Amber"
    assert rated[("H01", "2023/24-H1")]["status"] == "Green"
    assert rated[("M01", "2024-03")]["status"] == "Amber"
    rows = json.loads(render(report, "json"))["rows"]
    assert any(r["ref"] == "A01" and r["period"] == "2022/23" and r["direction"] == "↑G"
               for r in rows)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_has_every_frequency(org: Organisation, tmp_path: Path) -> None:
    report = build_report(organisation=org, period=MARCH, kpi_set="all")
    (tmp_path / "r.pdf").write_bytes(render(report, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for word in ("A01", "H01", "Q01", "2022/23", "Q3 2023/24 was due"):
        assert word in text, word


def test_group_by_set_and_theme(org: Organisation) -> None:
    by_set = build_report(organisation=org, period=MARCH, kpi_set="all", group_by="set")
    assert [(s.title, [r.ref for r in s.rows]) for s in by_set.sections] == [
        ("Core KPIs", ["M01", "M02"]), ("Service KPIs", ["Q01", "A01"]),
        ("Organisational health KPIs", ["H01", "F01"])]
    by_theme = build_report(organisation=org, period=MARCH, kpi_set="organisational health",
                            group_by="theme")
    assert [(s.title, [r.ref for r in s.rows]) for s in by_theme.sections] == [
        ("Financial", ["F01"]), ("Workforce", ["H01"])]


def test_charts_follow_the_kpis_own_periods(org: Organisation) -> None:
    report = build_report(organisation=org, period=MARCH, kpi_set="all")
    a01, h01 = row(report, "A01").chart, row(report, "H01").chart
    assert a01 is not None and a01.x_labels == ("2021/22", "2022/23", "2023/24")
    assert [v for _, v in a01.series[0].points] == [55, 58, None]
    assert a01.alt_text.startswith("A01 by year: 2021/22 to 2023/24")
    assert h01 is not None and h01.x_labels == ("H1", "H2")
    assert [[v for _, v in s.points] for s in h01.series] == [[None, 13], [11, None]]
    # drawn in every format that draws charts
    for fmt in ("html", "xlsx", "docx"):
        assert render(report, fmt)
