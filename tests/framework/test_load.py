"""The framework file: loading, validation with locations, presets, the example council."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kpiboard.engine.targets import NoTargetReason
from kpiboard.engine.tolerance import ToleranceKind
from kpiboard.engine.travel import CompareWith
from kpiboard.engine.types import Frequency, Polarity, Unit, ValueBasis
from kpiboard.framework import FrameworkError, load_framework, load_framework_text
from kpiboard.framework.schemes import preset_data, preset_direction_scheme, preset_rating_scheme

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nnc" / "framework.yaml"

MINIMAL = """\
kpiboard: 1
organisation: {name: Example Borough Council}
rating_schemes:
  corporate: {preset: nnc}
direction_schemes:
  corporate: {preset: nnc}
defaults: {rating_scheme: corporate, direction_scheme: corporate}
directorates:
  - name: Place
    services: [Planning]
years:
  2024/25:
    kpis:
      - ref: PL01
        name: Major planning applications determined in time
        directorate: Place
        service: Planning
        unit: percent
        basis: ratio
        polarity: Higher is better
        target: 90%
        tolerance: 85% - 90%
"""


def test_minimal_framework_loads() -> None:
    fw = load_framework_text(MINIMAL)
    kpi = fw.kpi("PL01", "2024/25")
    assert kpi is not None
    assert fw.organisation == "Example Borough Council"
    assert kpi.polarity is Polarity.HIGHER
    assert kpi.unit is Unit.PERCENT and kpi.basis is ValueBasis.RATIO
    assert kpi.targets["2024/25"].annual == Decimal("90")
    assert kpi.tolerance.kind is ToleranceKind.BAND
    assert (kpi.tolerance.low, kpi.tolerance.high) == (Decimal(85), Decimal(90))
    assert fw.rating_scheme_for(kpi).name == "corporate"


def test_year_labels_are_normalised() -> None:
    fw = load_framework_text(MINIMAL.replace("2024/25:", "2024-25:"))
    assert list(fw.years) == ["2024/25"]


def test_numbers_are_exact_decimals() -> None:
    text = MINIMAL.replace("target: 90%", "target: {annual: 84.999}")
    kpi = load_framework_text(text).kpi("PL01", "2024/25")
    assert kpi is not None
    assert kpi.targets["2024/25"].annual == Decimal("84.999")


def errors(text: str) -> list[str]:
    with pytest.raises(FrameworkError) as exc:
        load_framework_text(text, source="fw.yaml")
    return [str(p) for p in exc.value.problems]


def test_every_problem_is_reported_with_line_and_path() -> None:
    bad = (MINIMAL.replace("polarity: Higher is better", "polarity: upwards")
           .replace("target: 90%", "tarrget: 90%")
           .replace("unit: percent", "unit: percentage"))
    found = errors(bad)
    assert len(found) == 3, found
    assert any("fw.yaml:20: years.2024/25.kpis[0].polarity: polarity 'upwards'" in f
               for f in found), found
    assert any("fw.yaml:21: years.2024/25.kpis[0].tarrget: unknown field 'tarrget'; did you "
               "mean 'target'?" in f for f in found), found
    assert any("unit: 'percentage' is not one of" in f and "did you mean 'percent'" in f
               for f in found), found


def test_unreadable_target_and_tolerance_are_quoted() -> None:
    found = errors(MINIMAL.replace("target: 90%", "target: about ninety")
                   .replace("tolerance: 85% - 90%", "tolerance: a bit"))
    assert any("cannot read target 'about ninety'" in f for f in found), found
    assert any("cannot read tolerance 'a bit'" in f for f in found), found


def test_unknown_scheme_names_and_presets() -> None:
    found = errors(MINIMAL.replace("corporate: {preset: nnc}\ndirection", "corporate: {preset: "
                                   "nnnc}\ndirection").replace("rating_scheme: corporate,",
                                                               "rating_scheme: other,"))
    assert any("'nnnc' is not one of" in f and "did you mean 'nnc'" in f for f in found), found
    found = errors(MINIMAL.replace("rating_scheme: corporate,", "rating_scheme: other,"))
    assert found == ["fw.yaml:7: defaults.rating_scheme: 'other' is not a declared scheme "
                     "(corporate)"], found


def test_invalid_yaml_gives_the_line() -> None:
    found = errors("organisation:\n  name: [unclosed\n")
    assert found[0].startswith("fw.yaml:"), found
    assert "not valid YAML" in found[0]


def test_duplicate_refs_and_keys() -> None:
    kpi = MINIMAL[MINIMAL.index("      - ref: PL01"):]
    found = errors(MINIMAL + kpi)
    assert any("KPI 'PL01' appears twice in 2024/25" in f for f in found), found
    found = errors(MINIMAL.replace("unit: percent", "unit: percent\n        unit: count"))
    assert any("duplicate key 'unit'" in f for f in found), found


def test_not_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("organisation: {name: Caf\xe9}".encode("latin-1"))
    with pytest.raises(FrameworkError) as exc:
        load_framework(path)
    assert "not UTF-8" in str(exc.value)


def test_inline_scheme_without_code() -> None:
    text = MINIMAL.replace("  corporate: {preset: nnc}\ndirection", """\
  two:
    method: tolerance
    statuses:
      - {code: met, label: Met, symbol: "✔"}
      - {code: missed, label: Missed, symbol: "✖"}
      - {code: none, label: Not rated, judged: false}
    outcomes: {on_target: met, outside_tolerance: missed, missing: none, no_target: none}
direction""").replace("rating_scheme: corporate,", "rating_scheme: two,")
    fw = load_framework_text(text)
    assert fw.rating_schemes["two"].judged_order == ("met", "missed")


def test_inline_scheme_mistakes_are_reported() -> None:
    text = MINIMAL.replace("  corporate: {preset: nnc}\ndirection", """\
  two:
    statuses:
      - {code: met, label: Met}
    outcomes: {on_target: met, outside_tolerance: missed}
direction""").replace("rating_scheme: corporate,", "rating_scheme: two,")
    found = errors(text)
    assert any("outcome 'outside_tolerance' shows as status 'missed'" in f for f in found), found


@pytest.mark.parametrize("name", sorted(preset_data("rating")))
def test_every_rating_preset_loads(name: str) -> None:
    scheme = preset_rating_scheme(name)
    assert scheme.judged_order
    assert all(s.symbol for s in scheme.statuses), "status must never rely on colour alone"


@pytest.mark.parametrize("name", sorted(preset_data("direction")))
def test_every_direction_preset_loads(name: str) -> None:
    scheme = preset_direction_scheme(name)
    assert scheme.compare_with in (CompareWith.PREVIOUS, CompareWith.SAME_PERIOD_LAST_YEAR)


def test_example_council_loads_with_every_kpi() -> None:
    fw = load_framework(EXAMPLE)
    kpis = fw.years["2023/24"].kpis
    assert len(kpis) == 45
    assert sum(len(k.sub_measures) for k in kpis.values()) == 13
    stp31 = kpis["STP31"]
    assert {s.code for s in stp31.sub_measures} == {"P1", "P2", "P3", "P4"}
    assert stp31.target_for("2023/24", "P1").annual == Decimal("97.5")  # type: ignore[union-attr]
    assert stp31.target_for("2023/24", "P4").annual == Decimal("90")  # type: ignore[union-attr]
    assert kpis["AFL15"].polarity is Polarity.NONE
    assert kpis["AFL15"].targets["2023/24"].none is NoTargetReason.MONITORING_DEMAND
    assert kpis["BBF18b"].targets["2023/24"].none is NoTargetReason.UNDER_REVIEW
    assert kpis["AFL23"].frequency is Frequency.QUARTERLY
    assert kpis["AFL04"].arrears_months == 1
    assert kpis["STP08"].tolerance.kind is ToleranceKind.THRESHOLDS
    assert fw.rating_scheme_for(kpis["BBF06 (KPI 3)"]).name == "childrens_trust"
    assert fw.direction_scheme_for(kpis["BBF06 (KPI 3)"]).name == "childrens_trust"
    assert fw.rating_scheme_for(kpis["STP15"]).name == "nnc"
    bench = kpis["STP15"].benchmark
    assert bench is not None and bench.value == Decimal(94)
    assert "CIPFA" in bench.source
