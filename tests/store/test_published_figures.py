"""Published years to date: read from the values table's ``ytd`` column, stored beside the
values, changed only when the file changes them, and written back by the export."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from kpiboard.data.exports import values_export
from kpiboard.data.models import PublishedFigure
from kpiboard.data.services import values_import
from kpiboard.engine.types import ValueState
from kpiboard.example import demo_load
from kpiboard.imports.tabular import TableImportError
from kpiboard.imports.values import read_period_data
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.selectors import framework_get
from tests.store.conftest import NNC

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organisation:
    demo_load(NNC)
    return Organisation.objects.get()


def test_the_example_stores_every_published_year_to_date(org: Organisation) -> None:
    assert PublishedFigure.objects.count() == 58
    stp15 = PublishedFigure.objects.get(kpi__ref="STP15", period="2024-02")
    assert (stp15.text, stp15.value, stp15.state) == ("80.60%", Decimal("80.6"),
                                                    ValueState.VALUE.value)
    afl23 = PublishedFigure.objects.get(kpi__ref="AFL23")
    assert (afl23.period, afl23.text) == ("2023/24-Q3", "0% (Q1-3 2023)")
    bbf05 = PublishedFigure.objects.get(kpi__ref="BBF05 (KPI 2)")
    assert bbf05.denominator == 8263  # 27.3% (8,263): the cohort
    na = PublishedFigure.objects.get(kpi__ref="STP37a")
    assert (na.value, na.state) == (None, ValueState.NOT_APPLICABLE.value)


def test_a_second_import_changes_nothing_and_a_new_figure_replaces_the_old(
        org: Organisation, tmp_path: Path) -> None:
    fw = framework_get(organisation=org)
    again = values_import(organisation=org, source="values.csv",
                          values=read_period_data(NNC / "values.csv", fw))
    assert again.published_written == 0
    path = tmp_path / "v.csv"
    path.write_text("ref,period,value,ytd\nSTP15,2024-02,100.00%,80.61%\n"
                    "STP16,2024-02,46.43%,\n", encoding="utf-8")
    changed = values_import(organisation=org, source="v.csv",
                            values=read_period_data(path, fw))
    assert changed.published_written == 1
    assert PublishedFigure.objects.get(kpi__ref="STP15").text == "80.61%"
    assert PublishedFigure.objects.get(kpi__ref="STP16").text == "75.91%"  # blank: kept


def test_a_year_to_date_that_cannot_be_read_is_a_problem(org: Organisation,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("ref,period,value,ytd\nSTP15,2024-02,100.00%,lots\n", encoding="utf-8")
    with pytest.raises(TableImportError) as e:
        read_period_data(path, framework_get(organisation=org))
    assert "column 'ytd'" in str(e.value) and "'lots'" in str(e.value)


def test_the_export_writes_the_published_years_to_date(org: Organisation,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    values_export(organisation=org, path=path, year="2023/24")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    ytd = {(r["ref"], r["sub_measure"], r["period"]): r["ytd"] for r in rows if r["ytd"]}
    assert len(ytd) == 58
    assert ytd[("AFL04", "", "2024-02")] == "3681 (Apr - Jan)"
    again = values_import(organisation=org, source="export.csv", values=read_period_data(
        path, framework_get(organisation=org)))
    assert (again.created, again.revised, again.published_written) == (0, 0, 0)
