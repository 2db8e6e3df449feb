"""The example council, loaded as `kpiboard demo` loads it, judged from the database and
checked against its published February 2024 report (seed 000)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kpiboard.data.models import Commentary, PeriodValue
from kpiboard.data.selectors import period_assess, value_rows_get
from kpiboard.engine.periods import Period
from kpiboard.example import demo_load
from kpiboard.framework.published import check
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.kpis.selectors import framework_get
from tests.store.conftest import NNC, database_fingerprint

pytestmark = pytest.mark.django_db
FEB = Period.parse("2024-02")

# Statuses the council's own rules give for February 2024 (tolerances and targets as published).
EXPECTED_STATUS = {
    "STP15": "Green", "STP16": "Red", "STP17": "Amber", "STP29": "Turquoise",
    "STP31": "Green", "STP31/P2": "Green", "STP31/P3": "Green", "STP31/P4": "Green",
    "AFL03": "Green", "AFL04": "Dark grey", "AFL06": "Turquoise", "AFL07": "Green",
    "AFL08": "Red", "AFL12": "Red", "AFL13": "Red", "AFL14": "Green", "AFL15": "Turquoise",
    "AFL17": "Red", "AFL18": "Red", "AFL24": "Green", "STP38": "Amber", "STP12": "Green",
    "STP37a": "Green", "STP08": "Green", "STP39": "Dark grey", "BBF05 (KPI 2)": "Amber",
    "BBF06 (KPI 3)": "Green", "BBF07 (KPI 8)": "Amber", "BBF08 (KPI 9)": "Green",
    "BBF18b": "Grey", "BBF22": "Grey", "BBF28": "Grey", "MPS04": "Red", "MPS05": "Red",
}
# Rows where the published report breaks its own direction-of-travel key, and why.
KNOWN_ANOMALIES = {
    ("STP31", "P1"): "no value",  # '→' although February is N/A (0 out of 0)
    ("STP31", "P4"): "still on target",  # '↓R' although 91.67% still meets the 90% target
    ("AFL04", ""): "does not publish",  # '↑' from December, which the report does not give
    ("AFL05", ""): "does not publish",
    ("AFL15", ""): "not in its direction-of-travel key",  # '↕'
    ("BBF36", ""): "does not publish",
}


@pytest.fixture
def loaded() -> Organisation:
    demo_load(NNC)
    return Organisation.objects.get()


def test_demo_loads_everything_and_again_changes_nothing(loaded: Organisation) -> None:
    assert Kpi.objects.filter(kpi_set__year="2023/24").count() == 45
    assert Kpi.objects.filter(kpi_set__year="2024/25").count() == 35
    assert PeriodValue.objects.count() == 288
    assert Commentary.objects.count() == 45  # every KPI's comment, as published
    stp16 = Commentary.objects.get(kpi__ref="STP16", period="2024-02").html
    assert "Performance this month has dropped" in stp16
    before = database_fingerprint()
    demo_load(NNC)
    assert database_fingerprint() == before


def test_february_statuses_from_stored_data(loaded: Organisation) -> None:
    rows = {r.as_dict()["ref"]: r for r in period_assess(organisation=loaded, period=FEB)}
    got = {ref: rows[ref].assessment.rating.status.label for ref in EXPECTED_STATUS}
    assert got == EXPECTED_STATUS
    counts = Counter(r.assessment.rating.status.label for r in rows.values())
    assert sum(counts.values()) == 57


def test_february_arrows_match_the_published_report(loaded: Organisation) -> None:
    fw = framework_get(organisation=loaded)
    rows = value_rows_get(organisation=loaded, years=["2023/24"])
    result = check(fw, rows, NNC / "published_report_2024-02.csv", FEB)
    assert len(result) == 58
    differs = {(r.ref, r.sub_measure): r.reason for r in result if r.verdict == "differs"}
    assert set(differs) == set(KNOWN_ANOMALIES)
    for key, words in KNOWN_ANOMALIES.items():
        assert words in differs[key], (key, differs[key])
    assert sum(r.verdict in ("agrees", "variant") for r in result) == 52


def test_year_to_date_matches_published_where_it_is_derivable(loaded: Organisation) -> None:
    from kpiboard.engine.aggregate import Observation, year_to_date

    fw = framework_get(organisation=loaded)
    series: dict[str, dict[Period, Observation]] = {}
    for row in value_rows_get(organisation=loaded, years=["2023/24"]):
        if not row.sub_measure:
            series.setdefault(row.ref, {})[row.period] = row.observation
    published = {"STP38": "96.43", "AFL12": "16", "AFL06": "1206", "STP29": "3735",
                 "AFL17": "253", "STP12": "7"}
    for ref, expected in published.items():
        kpi = fw.kpi(ref, "2023/24")
        assert kpi is not None
        ytd = year_to_date(kpi.basis, series[ref], FEB)
        places = len(expected.split(".")[1]) if "." in expected else 0
        assert ytd.value is not None, ref
        assert f"{ytd.value:.{places}f}" == expected, (ref, ytd)


def test_demo_command_prints_what_it_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    from kpiboard.cli import main

    assert main(["demo", "--reports", ""]) == 0
    out = capsys.readouterr().out
    assert "Loaded North Northamptonshire Council" in out
    assert "2023/24: 45 KPIs, 2024/25: 35 KPIs" in out
    assert "288 values" in out


def test_example_files_exist() -> None:
    for name in ("framework.yaml", "values.csv", "kpi_set_2024-25.csv",
                 "published_report_2024-02.csv"):
        assert (NNC / name).is_file(), name
    assert isinstance(NNC, Path)
