"""The yearly review: changes against last year's KPI set, and KPI counts by key commitment."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.types import Frequency
from kpiboard.framework import Framework, load_framework, load_framework_text
from kpiboard.framework.model import KeyCommitment, KpiSet
from kpiboard.framework.review import (
    COLUMNS,
    Change,
    changes_csv,
    framework_changes,
    framework_counts,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nnc" / "framework.yaml"
SERVICE = "Quarterly / Annual - Service indicators"
ORG = "Quarterly / Annual - Organisational health indicators"


def kpi(ref: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": ref, "name": f"Measure {ref}", "key_commitment": "Safe and thriving places",
        "directorate": "Adults & Housing", "service": "Adult Social Care",
        "frequency": "monthly", "unit": "percent", "basis": "ratio", "polarity": "higher",
        "target": "90%",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def framework(years: dict[str, dict[str, Any]],
              commitments: list[str] | None = None) -> Framework:
    data = {
        "kpiboard": 1,
        "organisation": {"name": "Example Borough Council"},
        "rating_schemes": {"corporate": {"preset": "nnc"}},
        "direction_schemes": {"corporate": {"preset": "nnc"}},
        "defaults": {"rating_scheme": "corporate", "direction_scheme": "corporate"},
        "key_commitments": commitments if commitments is not None else [
            "Safe and thriving places", "Active, fulfilled lives", "Modern public services"],
        "years": years,
    }
    return load_framework_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


# -- changes ------------------------------------------------------------------------------
OLD = [
    kpi("A01"),
    kpi("A02", description="Old definition", tolerance="5%", sub_measures=["P1", "P2"]),
    kpi("A03"),
    kpi("A04", name="Repairs", target=50, unit="count", basis="in_period"),
    kpi("A05"),
    kpi("A06"),
    kpi("A07"),
    kpi("A08"),
    kpi("A09"),
    kpi("A10", name="Old measure using A10"),
    kpi("A11"),
    kpi("A12", team="Reablement"),
    kpi("STP4"),
    kpi("A14", name="Delayed  transfers", tolerance="85% - 90%"),
    kpi("A15", tolerance="N/A", target="No target - tracking indicator only"),
]
NEW = [
    kpi("A01"),
    kpi("A02", name="Renamed measure", description="New definition", unit="count",
        polarity="lower", frequency="quarterly", basis="snapshot",
        key_commitment="Active, fulfilled lives", directorate="Place", target="95%",
        tolerance="5% points", sub_measures=["P2", "P3"]),
    kpi("A03", service="Housing Services"),
    kpi("A40", name="Repairs", target=60, unit="count", basis="in_period",
        change={"kind": "renumbered", "from": "A04"}),
    kpi("A50", change={"kind": "split", "from": "A05", "note": "Split by age"}),
    kpi("A51", change={"kind": "split", "from": "A05"}),
    kpi("A60", change={"kind": "merged", "from": ["A06", "A07"], "note": "One measure"}),
    kpi("A10", name="A brand new measure", status="new"),
    kpi("A11", change={"kind": "changed", "note": "Definition tightened"}),
    kpi("A12", team="Hospital discharge"),
    kpi("STP4", key_commitment="SAFE AND THRIVING PLACES"),
    kpi("A14", name="Delayed transfers", tolerance="85%-90%"),
    kpi("A15", tolerance="none", target="No target - tracking indicator only"),
    kpi("A20"),
    kpi("A21", status="new"),
    kpi("A22", change={"kind": "new", "note": "Corporate plan refresh"}),
    kpi("A30", name="Homes", target="40%", service="Housing Services",
        change={"kind": "moved", "from": "A13", "note": "Moved with the team"}),
]


@pytest.fixture(scope="module")
def changes() -> list[Change]:
    old = [*OLD, kpi("A13", name="Homes", target="35%")]
    fw = framework({
        "2023/24": {"kpis": old},
        "2024/25": {"kpis": NEW, "removed": [{"ref": "A08", "note": "Service ended"}]},
    })
    return framework_changes(fw, from_year="2023/24", to_year="2024/25")


def by_ref(changes: list[Change]) -> dict[str, Change]:
    return {c.ref: c for c in changes}


def test_every_kind_in_order(changes: list[Change]) -> None:
    assert [(c.kind, c.ref) for c in changes] == [
        ("new", "A10"), ("new", "A20"), ("new", "A21"), ("new", "A22"),
        ("split", "A50"), ("split", "A51"),
        ("merged", "A60"),
        ("renumbered", "A40"),
        ("moved", "A03"), ("moved", "A12"), ("moved", "A30"),
        ("changed", "A02"), ("changed", "A11"),
        ("removed", "A08"), ("removed", "A09"),
    ]


def test_unchanged_kpis_are_not_listed(changes: list[Change]) -> None:
    # A01 identical; STP4 only changes key commitment's case; A14 only whitespace in the
    # name and the tolerance band's spacing; A15 "N/A" and "none" both mean no tolerance
    assert not {"A01", "STP4", "A14", "A15"} & set(by_ref(changes))


def test_previous_refs_are_not_removed(changes: list[Change]) -> None:
    removed = {c.ref for c in changes if c.kind == "removed"}
    assert removed == {"A08", "A09"}  # A04, A05, A06, A07, A13 live on in other refs


def test_changed_lists_each_difference(changes: list[Change]) -> None:
    assert by_ref(changes)["A02"].how == (
        'name: "Measure A02" → "Renamed measure"',
        'description: "Old definition" → "New definition"',
        "unit: percent → count",
        "polarity: Higher is better → Lower is better",
        "frequency: monthly → quarterly",
        "value basis: ratio → snapshot",
        "key commitment: Safe and thriving places → Active, fulfilled lives",
        "directorate: Adults & Housing → Place",
        "target: 90% → 95%",
        "tolerance: 5% → 5% points",
        "sub-measure added: P3",
        "sub-measure removed: P1",
    )


def test_moved(changes: list[Change]) -> None:
    c = by_ref(changes)
    assert c["A03"] == Change("moved", "A03", (), (
        "department: Adult Social Care → Housing Services",), "")
    assert c["A12"].how == ("team: Reablement → Hospital discharge",)


def test_declared_move_compares_with_previous_ref(changes: list[Change]) -> None:
    assert by_ref(changes)["A30"] == Change("moved", "A30", ("A13",), (
        "renumbered from A13", "department: Adult Social Care → Housing Services",
        "target: 35% → 40%"), "Moved with the team")


def test_renumbered_says_what_else_changed(changes: list[Change]) -> None:
    assert by_ref(changes)["A40"] == Change(
        "renumbered", "A40", ("A04",), ("renumbered from A04", "target: 50 → 60"), "")


def test_split_merged_new_removed(changes: list[Change]) -> None:
    c = by_ref(changes)
    assert c["A50"] == Change("split", "A50", ("A05",), ("split from A05",), "Split by age")
    assert c["A51"].how == ("split from A05",)
    assert c["A60"] == Change("merged", "A60", ("A06", "A07"), ("merged from A06 and A07",),
                              "One measure")
    assert c["A22"] == Change("new", "A22", (), (), "Corporate plan refresh")
    assert c["A20"] == Change("new", "A20")
    assert c["A21"] == Change("new", "A21")
    assert c["A10"].how == ('reference used in 2023/24 for "Old measure using A10"',)
    assert c["A08"] == Change("removed", "A08", (), (), "Service ended")
    assert c["A09"] == Change("removed", "A09")
    assert c["A11"] == Change("changed", "A11", (), (), "Definition tightened")


def test_changes_csv(changes: list[Change]) -> None:
    rows = list(csv.reader(io.StringIO(changes_csv(changes))))
    assert rows[0] == ["kind", "ref", "previous_refs", "how", "note"]
    assert len(rows) == len(changes) + 1
    merged = next(r for r in rows if r[1] == "A60")
    assert merged == ["merged", "A60", "A06 A07", "merged from A06 and A07", "One measure"]
    moved = next(r for r in rows if r[1] == "A30")
    assert moved[3] == ("renumbered from A13; department: Adult Social Care → Housing Services; "
                        "target: 35% → 40%")
    assert changes_csv([]) == "kind,ref,previous_refs,how,note\n"


def test_two_year_target_and_department() -> None:
    """A hypothetical review: one target raised from 35% to 40%, one KPI moved department."""
    fw = framework({
        "2024/25": {"kpis": [
            kpi("AFL08", target="35%"),
            kpi("AFL09", directorate="Adults & Housing", service="Adult Social Care"),
            kpi("AFL10")]},
        "2025-26": {"kpis": [
            kpi("AFL08", target="40%"),
            kpi("AFL09", directorate="Place", service="Housing"),
            kpi("AFL10")]},
    })
    assert framework_changes(fw, from_year="2024-25", to_year="2025/26") == [
        Change("moved", "AFL09", (), ("directorate: Adults & Housing → Place",
                                      "department: Adult Social Care → Housing")),
        Change("changed", "AFL08", (), ("target: 35% → 40%",)),
    ]


def test_target_figures_compared_when_a_text_is_missing() -> None:
    fw = framework({
        "2024/25": {"kpis": [kpi("X1", target={"annual": 252, "per_month": 21}),
                             kpi("X2", target={"annual": 10}), kpi("X3", target=None)]},
        "2025/26": {"kpis": [kpi("X1", target="252 (21 per month)"),
                             kpi("X2", target={"annual": 12}), kpi("X3", target="TBD")]},
    })
    assert framework_changes(fw, from_year="2024/25", to_year="2025/26") == [
        Change("changed", "X2", (), ("target: 10 → 12",)),
        Change("changed", "X3", (), ("target: no target → TBD",)),
    ]


def test_unknown_year() -> None:
    fw = framework({"2024/25": {"kpis": [kpi("A1")]}})
    with pytest.raises(ValueError, match="no KPI set for 2023/24"):
        framework_changes(fw, from_year="2023/24", to_year="2024/25")
    with pytest.raises(ValueError, match="cannot read financial year"):
        framework_counts(fw, year="last year")


# -- counts -------------------------------------------------------------------------------
def test_counts_every_column() -> None:
    fw = framework({"2025/26": {"kpis": [
        kpi("M1"), kpi("M2", key_commitment="Safe and Thriving places"),
        kpi("M3", sets=["Organisational health"]),  # monthly wins over the set
        kpi("S1", frequency="quarterly"), kpi("S2", frequency="annual", sets=["service"]),
        kpi("S3", frequency="half_yearly", key_commitment="Active, Fulfilled Lives"),
        kpi("O1", frequency="quarterly", key_commitment="Modern public services",
            sets=["organisational_health"]),
        kpi("O2", frequency="annual", key_commitment="modern public services",
            sets=["finance", "Org-Health"]),
        kpi("O3", frequency="quarterly", key_commitment="Modern public services",
            sets=["ORGANISATIONAL-HEALTH"]),
        kpi("Z1", key_commitment="Zest for life"),
        kpi("G1", frequency="quarterly", key_commitment="Greener,  sustainable environment"),
        kpi("N1", key_commitment=None), kpi("N2", key_commitment=None, frequency="annual"),
    ]}}, commitments=["Safe and thriving places", "Active, fulfilled lives",
                      "Connected communities", "Modern public services"])
    counts = framework_counts(fw, year="2025-26")
    assert counts.columns == ["Monthly", SERVICE, ORG, "Total"]
    assert counts.rows == [
        ("Safe and thriving places", [3, 2, 0, 5]),
        ("Active, fulfilled lives", [0, 1, 0, 1]),
        ("Connected communities", [0, 0, 0, 0]),
        ("Modern public services", [0, 0, 3, 3]),
        ("Greener, sustainable environment", [0, 1, 0, 1]),
        ("Zest for life", [1, 0, 0, 1]),
        ("No key commitment", [1, 1, 0, 2]),
        ("Total", [5, 5, 3, 13]),
    ]
    assert counts.row("safe and THRIVING places") == [3, 2, 0, 5]
    with pytest.raises(KeyError):
        counts.row("Nowhere")


def test_counts_keep_every_column_and_print() -> None:
    fw = framework({"2025/26": {"kpis": [kpi("M1")]}}, commitments=[])
    counts = framework_counts(fw, year="2025/26")
    assert counts.rows == [("Safe and thriving places", [1, 0, 0, 1]), ("Total", [1, 0, 0, 1])]
    assert counts.as_table_rows() == [
        ["Key commitment", "Monthly", SERVICE, ORG, "Total"],
        ["Safe and thriving places", "1", "0", "0", "1"],
        ["Total", "1", "0", "0", "1"],
    ]
    assert counts.as_csv() == (
        f"Key commitment,Monthly,{SERVICE},{ORG},Total\n"
        "Safe and thriving places,1,0,0,1\nTotal,1,0,0,1\n")


def test_counts_of_the_example_council() -> None:
    counts = framework_counts(load_framework(EXAMPLE), year="2023/24")
    assert counts.rows == [
        ("Safe and thriving places", [16, 0, 0, 16]),
        ("Better, Brighter Futures", [13, 1, 0, 14]),
        ("Active, fulfilled lives", [13, 0, 0, 13]),
        ("Modern Public Services", [2, 0, 0, 2]),
        ("Total", [44, 1, 0, 45]),
    ]


COMMITMENTS = ["Safe and thriving places", "Active, fulfilled lives", "Other", ""]
FREQUENCIES = list(Frequency)
SETS = [(), ("service",), ("organisational health",), ("Org_Health", "core")]


@given(st.lists(st.tuples(st.sampled_from(COMMITMENTS), st.sampled_from(FREQUENCIES),
                          st.sampled_from(SETS)), max_size=30))
def test_counts_add_up(specs: list[tuple[str, Frequency, tuple[str, ...]]]) -> None:
    kpis = {f"K{i}": KpiDefinition(f"K{i}", "k", key_commitment=kc, frequency=f, sets=s)
            for i, (kc, f, s) in enumerate(specs)}
    fw = Framework("Org", key_commitments=(KeyCommitment("Safe and thriving places"),),
                   years={"2024/25": KpiSet("2024/25", kpis)})
    counts = framework_counts(fw, year="2024/25")
    assert counts.columns == list(COLUMNS)
    *body, (label, total) = counts.rows
    assert label == "Total" and total[3] == len(specs)
    for _, row in counts.rows:
        assert sum(row[:3]) == row[3]
    assert [sum(r[i] for _, r in body) for i in range(4)] == total
    assert total[0] == sum(f is Frequency.MONTHLY for _, f, _ in specs)
    assert body[0][0] == "Safe and thriving places"
