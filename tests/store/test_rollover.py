"""Year rollover: the example's 2024/25 KPI set linked to its 2023/24 set, inheriting how
each KPI is measured, rated correctly, and its history read across the year end."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kpiboard.data.selectors import period_assess
from kpiboard.data.services import values_import
from kpiboard.engine.periods import Period
from kpiboard.engine.types import Polarity, Unit
from kpiboard.framework import load_framework
from kpiboard.framework.lineage import lineage
from kpiboard.imports.values import read_period_data
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.kpis.rollover import RolloverError, kpi_set_import
from kpiboard.kpis.selectors import framework_get
from kpiboard.kpis.services import framework_save
from kpiboard.reports.build import build_report
from tests.store.conftest import NNC, database_fingerprint, table_counts

pytestmark = pytest.mark.django_db
APRIL = Period.parse("2024-04")


@pytest.fixture
def org() -> Organisation:
    framework_save(framework=load_framework(NNC / "framework.yaml"))
    organisation = Organisation.objects.get()
    kpi_set_import(organisation=organisation, path=str(NNC / "kpi_set_2024-25.csv"))
    return organisation


def put_values(org: Organisation, tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "values.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["ref", "period", "value", "numerator", "denominator"],
                                 *rows])
    values_import(organisation=org, values=read_period_data(path, framework_get(
        organisation=org)), source=path.name, reason="test")


def test_the_2024_25_set_inherits_polarity_and_reads_units(org: Organisation) -> None:
    k = {x.ref: x for x in Kpi.objects.filter(kpi_set__year="2024/25")}
    assert (k["BBF05"].polarity, k["BBF05"].unit) == (Polarity.LOWER.value, Unit.PERCENT.value)
    assert (k["STP37"].polarity, k["STP37"].unit) == (Polarity.LOWER.value, Unit.DAYS.value)
    assert k["BBF07"].polarity == Polarity.LOWER.value
    assert k["AFL26"].unit == Unit.PERCENT.value  # "95%" as written
    assert k["MPS04 OFLOG"].travel_basis == "percent_of_target"  # from MPS04
    assert not [r for r, x in k.items() if x.unit == Unit.NUMBER.value]


def test_the_2024_25_set_rates_correctly(org: Organisation, tmp_path: Path) -> None:
    put_values(org, tmp_path, [["BBF05", "2024-04", "35%", "", ""],
                               ["BBF05", "2024-05", "41%", "", ""],
                               ["STP37", "2024-04", "75 days", "", ""],
                               ["BBF07", "2024-04", "4%", "", ""],
                               ["AFL26", "2024-04", "95%", "", ""]])
    rows = {r.ref: r.assessment for r in period_assess(organisation=org, period=APRIL)}
    # 35% against 29%, lower is better: worse than target, but inside the amber band that
    # BBF05 (KPI 2) published in 2023/24 and BBF05 inherits (tolerance "25% - 40%").
    bbf05 = rows["BBF05"].rating
    assert bbf05.status.label == "Amber"
    assert rows["BBF05"].explanation.startswith(
        "Amber: 35% is 6 points above the 29% target (lower is better); the amber band is "
        "29%–40%.")
    may = {r.ref: r.assessment for r in period_assess(organisation=org,
                                                      period=Period.parse("2024-05"))}
    assert may["BBF05"].rating.status.label == "Red"  # 41%: beyond the band
    assert rows["STP37"].rating.status.label == "Red"  # 75 days against 56
    assert rows["BBF07"].rating.status.label == "Green"  # 4% against 10%
    assert rows["AFL26"].rating.status.label == "Green"  # 95% is a percentage now


def test_direction_of_travel_reads_the_predecessor_across_the_year_end(
        org: Organisation, tmp_path: Path) -> None:
    put_values(org, tmp_path, [["AFL08", "2024-03", "74.1%", "", ""],
                               ["AFL08 OFLOG", "2024-04", "80%", "", ""],
                               ["STP16", "2024-03", "", "10", "20"],
                               ["STP17", "2024-03", "", "60", "80"],
                               ["STP16/17", "2024-04", "", "80", "100"]])
    report = build_report(organisation=org, period=APRIL, kpi_set="all")
    rows = {r.ref: r for s in report.sections for g in s.groups for r in g.rows}
    afl08 = rows["AFL08 OFLOG"].direction
    assert "74.1% in March 2023/24" in afl08.explanation, afl08
    assert afl08.symbol.startswith("↑")
    # STP16/17 against STP16 + STP17 in March: (10 + 60) / (20 + 80) = 70%, now 80%
    merged = rows["STP16/17"].direction
    assert "70% in March 2023/24" in merged.explanation, merged
    assert merged.symbol.startswith("↑")


def test_lineage_selector(org: Organisation) -> None:
    fw = framework_get(organisation=org)
    chain = lineage(fw, "STP16/17", "2024/25")
    assert [(x.year, x.ref, x.kind, x.previous_refs) for x in chain] == [
        ("2024/25", "STP16/17", "merged", ("STP16", "STP17")),
        ("2023/24", "STP16", "new", ()), ("2023/24", "STP17", "new", ())]
    assert lineage(fw, "AFL08 OFLOG", "2024/25")[0].previous_refs == ("AFL08",)
    assert lineage(fw, "AFL07", "2024/25")[0].kind == "unchanged"


# -- bad input: a clear error naming the KPI and where it is; nothing stored ------------------
def bad_set(tmp_path: Path, edit: dict[str, dict[str, str]]) -> Path:
    rows = list(csv.DictReader((NNC / "kpi_set_2024-25.csv").open(encoding="utf-8-sig")))
    for row in rows:
        row.update(edit.get(row["Ref"], {}))
    path = tmp_path / "kpis.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def only_2023() -> Organisation:
    framework_save(framework=load_framework(NNC / "framework.yaml"))
    return Organisation.objects.get()


def rejected(org: Organisation, path: Path) -> list[str]:
    counts, before = table_counts(), database_fingerprint()
    with pytest.raises(RolloverError) as caught:
        kpi_set_import(organisation=org, path=str(path))
    assert table_counts() == counts and database_fingerprint() == before
    return caught.value.problems


def test_a_previous_ref_that_does_not_exist(only_2023: Organisation, tmp_path: Path) -> None:
    problems = rejected(only_2023, bad_set(tmp_path, {"STP37": {"Previous ref": "STP37z"}}))
    assert problems == [
        "kpis.csv, row 30, column 'Previous ref': STP37: previous ref 'STP37z' is not a KPI "
        "of the 2023/24 set (did you mean 'STP37b'?)"]


def test_one_predecessor_twice_without_split(only_2023: Organisation, tmp_path: Path) -> None:
    problems = rejected(only_2023, bad_set(tmp_path, {"STP37": {"Previous ref": "STP12"},
                                                      "BBF05": {"Previous ref": "STP12"}}))
    assert len(problems) == 1
    assert "STP12 of 2023/24 is the previous KPI of BBF05, STP37; a KPI continued by " \
           "several must say it was split" in problems[0]
    assert problems[0].startswith("kpis.csv, row 18, column 'Previous ref': BBF05:")


def test_a_loop(only_2023: Organisation, tmp_path: Path) -> None:
    problems = rejected(only_2023, bad_set(tmp_path, {"STP37": {"Previous ref": "STP44"},
                                                      "STP44": {"Previous ref": "STP37"}}))
    assert "kpis.csv, row 30, column 'Previous ref': STP37: its previous KPIs form a loop " \
           "(STP37 ← STP44 ← STP37)" in problems[0]


def test_unknown_polarity_lists_every_kpi(only_2023: Organisation, tmp_path: Path) -> None:
    no_polarity = {r: {"Polarity": ""} for r in ("AFL26", "BBF47", "BBF48", "BBF50", "STP09",
                                                "STP10", "STP44")}
    problems = rejected(only_2023, bad_set(tmp_path, no_polarity))
    assert [p for p in problems if "polarity is not known" in p] == [
        f"kpis.csv, row {n}, column 'Ref': {r} has no previous KPI, so its polarity is not "
        "known: give it in a 'Polarity' column (higher, lower, target or none)"
        for r, n in (("AFL26", 2), ("BBF47", 15), ("BBF48", 16), ("BBF50", 17), ("STP09", 26),
                     ("STP10", 27), ("STP44", 31))]


def test_an_existing_kpi_without_a_link(only_2023: Organisation, tmp_path: Path) -> None:
    problems = rejected(only_2023, bad_set(tmp_path, {"AFL08 OFLOG": {"Previous ref": ""}}))
    assert problems[0].startswith("kpis.csv, row 5, column 'Ref': AFL08 OFLOG is Existing, "
                                  "but the 2023/24 set has no KPI AFL08 OFLOG")


def test_a_split_said_in_the_changes_column(only_2023: Organisation, tmp_path: Path) -> None:
    path = bad_set(tmp_path, {
        "STP37": {"Previous ref": "STP12", "Changes from 2023-24 to 2024-25": "Split from STP12"},
        "STP44": {"Previous ref": "STP12", "Changes from 2023-24 to 2024-25": "Split from STP12",
                  "Polarity": "", "Unit": ""}})
    kpi_set_import(organisation=only_2023, path=str(path))
    fw = framework_get(organisation=only_2023)
    for ref in ("STP37", "STP44"):
        link = lineage(fw, ref, "2024/25")[0]
        assert (link.kind, link.previous_refs) == ("split", ("STP12",))
        assert fw.years["2024/25"].kpis[ref].polarity is fw.years["2023/24"].kpis[
            "STP12"].polarity
