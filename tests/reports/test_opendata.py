"""Tests for kpiboard.reports.opendata: the report's figures as CSV and JSON open data."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from decimal import Decimal
from typing import Any

import pytest

from kpiboard.reports.model import KpiRow, Report, ValueCell
from kpiboard.reports.opendata import COLUMNS, open_data_rows, render_csv, render_json
from kpiboard.reports.sample import sample_report

HEADER = ["organisation", "period", "period_label", "ref", "sub_measure", "name",
          "directorate", "service", "key_commitment", "value", "value_text", "unit", "target",
          "status", "status_override", "direction", "explanation", "revised", "note", "computed"]


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def json_rows(text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(text, parse_float=Decimal)["rows"]
    return rows


def as_csv_text(value: Any) -> str:
    """A JSON field as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def expected_count(report: Report) -> int:
    """Every KPI and sub-measure x the distinct periods of its cells, the report period always."""
    count = 0
    for kpi in report.rows:
        for row in (kpi, *kpi.children):
            cells = [*row.previous_years, *([row.ytd] if row.ytd else []), *row.quarters,
                     *row.months, *([row.current] if row.current else [])]
            count += len({c.period for c in cells} | {report.period})
    return count


def find(rows: list[dict[str, str]], ref: str, period: str, sub: str = "") -> dict[str, str]:
    (found,) = [r for r in rows if (r["ref"], r["sub_measure"], r["period"]) == (ref, sub, period)]
    return found


def test_header_is_exact(report: Report) -> None:
    assert list(COLUMNS) == HEADER
    first = render_csv(report).split("\r\n", 1)[0]
    assert first == ",".join(HEADER)


def test_one_row_per_kpi_and_sub_measure_per_period(report: Report) -> None:
    rows = csv_rows(render_csv(report))
    assert len(rows) == expected_count(report) == 17
    # STP16: YTD, Q1-Q3, January and February (current and its month cell are one row)
    assert [r["period"] for r in rows if r["ref"] == "STP16"] == [
        "2023/24-YTD", "2023/24-Q1", "2023/24-Q2", "2023/24-Q3", "2024-01", "2024-02"]
    # sub-measures straight after their KPI
    assert [(r["ref"], r["sub_measure"]) for r in rows if r["ref"] == "STP31"] == [
        ("STP31", ""), ("STP31", ""), ("STP31", "P1"), ("STP31", "P1"), ("STP31", "P4"),
        ("STP31", "P4")]
    keys = [(r["ref"], r["sub_measure"], r["period"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_stp16_report_period_row(report: Report) -> None:
    row = find(csv_rows(render_csv(report)), "STP16", "2024-02")
    assert row == {
        "organisation": "North Northamptonshire Council",
        "period": "2024-02",
        "period_label": "February 2023/24",
        "ref": "STP16",
        "sub_measure": "",
        "name": "Percentage of minor planning applications determined within 8 weeks",
        "directorate": "Place & Economy",
        "service": "Growth & Regeneration",
        "key_commitment": "Safe and thriving places",
        "value": "46.43",
        "value_text": "46.43%",
        "unit": "percent",
        "target": "85%",
        "status": "Red",
        "status_override": "no",
        "direction": "↓R",
        "explanation": "Red: 46.43% is 38.57 points below the 85% target (higher is better); "
                       "the amber band is 80%–85%.",
        "revised": "yes",  # the February month cell was revised
        "note": "",
        "computed": "",
    }


def test_other_periods_have_their_own_status_and_no_explanation(report: Report) -> None:
    rows = csv_rows(render_csv(report))
    january = find(rows, "STP16", "2024-01")
    assert (january["value"], january["status"], january["direction"],
            january["explanation"], january["revised"]) == ("78.13", "Amber", "", "", "no")
    ytd = find(rows, "STP16", "2023/24-YTD")
    assert (ytd["period_label"], ytd["value"], ytd["value_text"], ytd["status"]) == (
        "Year to Date 2023-24", "75.91", "75.91%", "")


def test_sub_measures_stand_alone(report: Report) -> None:
    rows = csv_rows(render_csv(report))
    p1 = find(rows, "STP31", "2024-02", "P1")
    assert (p1["directorate"], p1["service"], p1["key_commitment"]) == (
        "Place & Economy", "Highways & Waste", "Safe and thriving places")
    assert (p1["value"], p1["value_text"], p1["status"], p1["target"]) == (
        "", "N/A (0 out of 0)", "Dark grey", "97.5%")
    p4 = find(rows, "STP31", "2024-02", "P4")
    assert (p4["name"], p4["value"], p4["status"], p4["direction"]) == (
        "P4 (Target response time within 26 weeks)", "91.67", "Green", "↓")


def test_missing_values_are_empty(report: Report) -> None:
    row = find(csv_rows(render_csv(report)), "STP39", "2024-02")
    assert (row["value"], row["value_text"], row["unit"], row["status"]) == (
        "", "Data unavailable", "count", "Dark grey")


def test_csv_is_rfc_4180_without_bom(report: Report) -> None:
    text = render_csv(report)
    assert not text.startswith("\ufeff")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert text.count("\r\n") == 1 + expected_count(report)
    assert ',"Active, fulfilled lives",' in text  # a comma is quoted
    text.encode("utf-8")


def test_quotes_and_newlines_are_quoted(report: Report) -> None:
    kpi = dataclasses.replace(report.rows[0], name='The "best" KPI', explanation="one\ntwo")
    text = render_csv(with_rows(report, kpi))
    assert '"The ""best"" KPI"' in text
    assert '"one\ntwo"' in text
    assert find(csv_rows(text), "STP16", "2024-02")["explanation"] == "one\ntwo"


def with_rows(report: Report, *rows: KpiRow) -> Report:
    section = dataclasses.replace(report.sections[0], groups=(
        dataclasses.replace(report.sections[0].groups[0], rows=rows),))
    return dataclasses.replace(report, sections=(section,))


def test_json_parses_and_rows_equal_the_csv_rows(report: Report) -> None:
    text = render_json(report)
    data = json.loads(text)
    assert list(data) == ["organisation", "title", "period", "generated", "rows"]
    assert data["organisation"] == "North Northamptonshire Council"
    assert data["title"] == "Performance Report - February 2024"
    assert data["period"] == "2024-02"
    assert data["generated"] == "23 November 2026 12:00"
    rows = json_rows(text)
    assert [list(r) for r in rows] == [HEADER] * len(rows)
    assert [{k: as_csv_text(v) for k, v in r.items()} for r in rows] == csv_rows(
        render_csv(report))


def test_json_types(report: Report) -> None:
    rows = json_rows(render_json(report))
    stp16 = next(r for r in rows if r["ref"] == "STP16" and r["period"] == "2024-02")
    assert stp16["value"] == Decimal("46.43")
    assert stp16["revised"] is True
    assert stp16["status_override"] is False
    afl15 = next(r for r in rows if r["ref"] == "AFL15" and r["period"] == "2024-02")
    assert afl15["value"] == 498 and isinstance(afl15["value"], int)
    stp39 = next(r for r in rows if r["ref"] == "STP39" and r["period"] == "2024-02")
    assert stp39["value"] is None


@pytest.mark.parametrize("value", ["80.60", "0.1", "1234567890.123456789", "-2.5", "0", "1E+3"])
def test_numbers_are_written_exactly(report: Report, value: str) -> None:
    cell = ValueCell("2024-02", "February 2023/24", "as shown", Decimal(value), "percent")
    kpi = dataclasses.replace(report.rows[0], current=cell, months=(), quarters=(), ytd=None)
    odd = with_rows(report, kpi)
    exact = format(Decimal(value), "f")
    assert f'"value": {exact},' in render_json(odd)
    (row,) = json_rows(render_json(odd))
    assert row["value"] == Decimal(value)
    assert str(row["value"]) == exact  # trailing zeros kept: parse_float=Decimal
    assert csv_rows(render_csv(odd))[0]["value"] == exact


def test_report_period_row_even_without_a_value(report: Report) -> None:
    kpi = dataclasses.replace(report.rows[0], current=None, months=(), quarters=(), ytd=None,
                              not_reported="Data unavailable")
    (row,) = csv_rows(render_csv(with_rows(report, kpi)))
    assert (row["period"], row["period_label"], row["value"], row["status"],
            row["direction"]) == ("2024-02", "February 2023/24", "", "Red", "↓R")


def test_override_and_previous_years(report: Report) -> None:
    base = report.rows[0]
    assert base.status is not None
    earlier = ValueCell("2022/23", "2022/23 outturn", "81%", Decimal("81"), "percent")
    kpi = dataclasses.replace(base, status=dataclasses.replace(base.status, override=True),
                              previous_years=(earlier,))
    rows = csv_rows(render_csv(with_rows(report, kpi)))
    assert rows[0]["period"] == "2022/23"
    assert rows[0]["target"] == ""  # the model holds this year's target only
    assert find(rows, "STP16", "2024-02")["status_override"] == "yes"
    assert find(rows, "STP16", "2024-01")["status_override"] == "no"


def test_a_kpi_listed_twice_is_given_once(report: Report) -> None:
    kpi = report.rows[0]
    doubled = with_rows(report, kpi, kpi)
    assert len(open_data_rows(doubled)) == len(open_data_rows(with_rows(report, kpi)))


def test_empty_report() -> None:
    empty = dataclasses.replace(sample_report(), sections=())
    assert render_csv(empty) == ",".join(HEADER) + "\r\n"
    assert json.loads(render_json(empty))["rows"] == []
