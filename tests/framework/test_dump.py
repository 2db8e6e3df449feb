"""Writing a framework back out: ``load(dump(fw))`` gives back ``fw``, field for field."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpiboard.engine.kpi import Benchmark, KpiDefinition, KpiStatus, SubMeasure
from kpiboard.engine.periods import FinancialYear, Period, PeriodKind
from kpiboard.engine.targets import NoTargetReason, Target
from kpiboard.engine.tolerance import (
    DEFAULT_TOLERANCE,
    NO_TOLERANCE,
    Tolerance,
    parse_tolerance,
    threshold_problem,
)
from kpiboard.engine.travel import TravelBasis
from kpiboard.engine.types import Frequency, Polarity, Unit, ValueBasis
from kpiboard.framework import Framework, load_framework, load_framework_text
from kpiboard.framework.dump import _Dumper, dump_framework, dump_framework_text
from kpiboard.framework.model import KpiChange, KpiSet
from kpiboard.framework.schemes import preset_data, preset_direction_scheme, preset_rating_scheme
from kpiboard.framework.yamlio import load_yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nnc" / "framework.yaml"


def normalised(value: Any) -> Any:
    """Plain structures for comparison: dataclasses as dicts of their compared fields (not
    ``by_code``, ``by_outcome``, ``table``, nor a framework's ``source``), mappings as dicts,
    Decimals as their exact text (so ``5.0`` and ``5`` differ)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: normalised(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.compare and not (isinstance(value, Framework) and f.name == "source")}
    if isinstance(value, (Mapping, MappingProxyType)):
        return {normalised(k): normalised(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [normalised(v) for v in value]
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    return value


def round_trip(fw: Framework) -> Framework:
    text = dump_framework_text(fw)
    again = load_framework_text(text)
    assert normalised(again) == normalised(fw)
    again.source = fw.source
    assert again == fw
    assert dump_framework_text(again) == text  # stable
    return again


def test_example_council_round_trips() -> None:
    fw = load_framework(EXAMPLE)
    round_trip(fw)
    text = dump_framework_text(fw)
    assert text.startswith("# kpiboard framework file for North Northamptonshire Council.\n")
    assert "preset:" not in text and "&id" not in text
    assert "tolerance: 85% - 90%" in text  # the published wording is kept
    assert "value: 95.97\n" in text


def test_dump_is_plain_data() -> None:
    def check(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                assert type(k) is str
                check(v)
        elif isinstance(value, list):
            for v in value:
                check(v)
        else:
            assert value is None or type(value) in (str, int, bool, Decimal), repr(value)

    data = dump_framework(load_framework(EXAMPLE))
    check(data)
    assert data["rating_schemes"]["nnc"]["default_tolerance"] == {"relative": Decimal(5)}


@pytest.mark.parametrize("text", ["97.5", "84.999", "5.0", "0.000", "-0", "-0.0", "1E+1",
                                  "1.50E-7", "0E-8", "-12", "123456789012345678901234567890",
                                  "0.1000000000000000055511151231257827"])
def test_decimals_are_written_exactly(text: str) -> None:
    written = yaml.dump({"n": Decimal(text)}, Dumper=_Dumper)
    back = load_yaml(written)["n"]
    assert isinstance(back, str)  # every scalar is text as written; number fields convert it
    assert str(Decimal(back)) == text


HEADER = """\
kpiboard: 1
organisation: {name: Every Form Borough Council, short_name: EFBC}
terminology: {RAG: Red Amber Green, 'yes': a word YAML would read as true}
"""

EVERY_FORM = HEADER + """\
rating_schemes:
  corporate: {preset: nnc}
  custom:
    title: Custom
    method: bands
    gap_measure: points
    bands:
      - {status: top, more_than: 2.50}
      - {status: ok, at_least: -1}
      - {status: low, more_than: null}
    statuses:
      - {code: top, symbol: "★"}
      - {code: ok, label: OK, colour: "#123456", text_colour: "#000000", description: Fine}
      - {code: low}
      - {code: none_yet, judged: false}
    outcomes: {missing: none_yet, no_target: none_yet}
    soften_when_improved: {low: ok}
direction_schemes:
  corporate: {preset: nnc}
  custom:
    title: Custom direction
    compare_with: same_period_last_year
    same_within: 1.50
    acceptable_within: 3
    acceptable_when_on_target: true
    symbols: {improved: "+", same: "=", deteriorated: "-"}
defaults: {rating_scheme: corporate, direction_scheme: corporate}
key_commitments:
  - Safe places
  - {name: Modern services, code: MS, priorities: [Digital, Value for money]}
directorates:
  - name: Place
    rating_scheme: custom
    services:
      - Planning
      - {name: Highways, teams: [North, South], direction_scheme: custom}
years:
  2023/24:
    kpis:
      - {ref: A1, name: Old, polarity: higher, target: 80%}
      - {ref: A0, name: Older, polarity: higher, target: 70%}
      - {ref: X1, name: One, polarity: lower}
      - {ref: X2, name: Two, polarity: lower}
  2024/25:
    removed:
      - {ref: A0, note: Replaced by A1}
      - {ref: A00}
    kpis:
      - ref: A1
        name: Percent on time
        description: 'Description: with a colon'
        key_commitment: Safe places
        priority: P
        directorate: Place
        service: Planning
        team: North
        portfolio: Cllr Smith
        statutory: 'Yes'
        data_source: System
        frequency: quarterly
        arrears_months: 1
        unit: percent
        decimals: 1
        polarity: Higher is better
        basis: ratio
        target: 90%
        targets: {2023/24: 85%, 2025/26: {annual: 92.50, text: 92.50%}}
        tolerance: 85% - 90%
        benchmark: {value: 84.999, text: '84.999%', source: LG Inform, period: 2022/23,
                    group: CIPFA near neighbours}
        comparators: ['94% (England average)', {value: 7}, {text: no figure}]
        status: changed
        rationale: Why
        notes: Notes
        sets: [core, 'yes', '2024']
        rating_scheme: custom
        direction_scheme: custom
        travel_basis: increment
        change: {kind: renumbered, from: A0, note: was A0}
      - {ref: T01, name: a, polarity: lower, statutory: true, target: 252 (21 per month),
         tolerance: 5%, change: {kind: split, from: [X1, X2]}}
      - {ref: T02, name: b, polarity: higher, statutory: false, target: '>99',
         tolerance: 5% points}
      - {ref: T03, name: c, polarity: higher, statutory: No - contractual, target: ≥ 95%,
         tolerance: {relative: 5.0}, change: {}}
      - {ref: T04, name: d, polarity: higher, basis: cumulative,
         target: '1,688 / 3,377 / 5,065 / 6,755', tolerance: {points: 2.5}}
      - {ref: T05, name: e, polarity: higher, basis: cumulative,
         target: 'Year-end target: 564 Monthly target: 47', tolerance: {band: [90, 85]}}
      - {ref: T06, name: f, polarity: target, target: 9 to 12, tolerance: {limit: 50}}
      - {ref: T07, name: g, polarity: higher, target: 55%, tolerance: 50%}
      - {ref: T08, name: h, polarity: higher, target: 100%,
         tolerance: {thresholds: {green: 99.5, amber: 99}}}
      - {ref: T09, name: i, polarity: higher, target: 100%,
         tolerance: '99.5% and above is green, 99% and above is amber'}
      - {ref: T10, name: j, polarity: none, target: TBD, tolerance: none}
      - {ref: T11, name: k, polarity: none, target: Target under review, tolerance: N/A}
      - {ref: T12, name: l, polarity: none, target: N/A - monitoring levels of demand,
         tolerance: TBD - for now applied standard 5%}
      - {ref: T13, name: m, polarity: none, target: No target - tracking indicator only,
         tolerance: default}
      - {ref: T14, name: n, polarity: none, target: '', tolerance: ''}
      - {ref: T15, name: o, polarity: higher, target: '<= 5', tolerance: No tolerance}
      - ref: T16
        name: p
        polarity: higher
        target: {annual: 1200, per_month: 100, straight_line: true, qualifier: '>=',
                 text: '1,200'}
        tolerance: {relative: 10}
      - ref: T17
        name: q
        polarity: higher
        basis: cumulative
        target:
          annual: 98
          cumulative: true
          profile: {2024/25-Q1: 28, 2024/25-H1: 56.0, 2025-01: 94, 2024-12: 90}
          text: 98% (Annual target)
      - {ref: T18, name: r, polarity: target, target: {band: [12, 9], text: 9-12}}
      - {ref: T19, name: s, polarity: none, target: {none: monitoring_demand}}
      - {ref: T20, name: t, polarity: higher, target: {}}
      - ref: T21
        name: Defects responded to in time
        polarity: higher
        unit: percent
        target: P1 and P2 97.5% P3 and P4 90%
        tolerance: No Tolerance
        sub_measures:
          - {code: P1, name: P1 (24 hours)}
          - P2
          - {code: P3, polarity: lower, tolerance: 2% points}
          - {code: P4, target: 91%, targets: {2025-26: 93%}, tolerance: {limit: 80}}
          - {code: P5, target: {annual: 50, text: fifty}, tolerance: default}
          - {code: P6, polarity: none, tolerance: none}
          - {code: P7, polarity: none}
"""


def test_every_target_and_tolerance_form_round_trips() -> None:
    fw = round_trip(load_framework_text(EVERY_FORM))
    kpis = fw.years["2024/25"].kpis
    assert kpis["T03"].targets["2024/25"].qualifier == "≥"
    assert kpis["T21"].sub_measures[0].targets["2024/25"].annual == Decimal("97.5")
    assert str(fw.rating_schemes["custom"].bands[0].min_gap) == "2.50"
    assert kpis["T21"].sub_measures[3].targets["2025/26"].annual == 93
    assert [c.kind for c in fw.years["2024/25"].changes] == ["renumbered", "split", "changed"]


def test_targets_and_tolerances_are_written_in_mapping_form() -> None:
    data = dump_framework(load_framework_text(EVERY_FORM))
    kpis = {k["ref"]: k for k in data["years"]["2024/25"]["kpis"]}
    assert kpis["T01"]["target"] == {"annual": Decimal(252), "per_month": Decimal(21),
                                     "text": "252 (21 per month)"}
    assert kpis["T01"]["tolerance"] == {"relative": Decimal(5)}
    assert kpis["T03"]["target"] == {"annual": Decimal(95), "qualifier": "≥", "text": "≥ 95%"}
    assert kpis["T03"]["statutory"] == "No - contractual"
    assert kpis["T02"]["statutory"] is False and "statutory" not in kpis["T04"]
    assert kpis["T05"]["tolerance"] == {"band": [Decimal(85), Decimal(90)]}
    assert kpis["T08"]["tolerance"] == {"thresholds": {"green": Decimal("99.5"),
                                                       "amber": Decimal(99)}}
    assert kpis["T10"]["tolerance"] == "none" and "tolerance" not in kpis["T13"]
    assert kpis["T11"]["tolerance"] == "N/A"
    assert kpis["T20"]["target"] == {}
    assert kpis["A1"]["targets"] == {
        "2023/24": {"annual": Decimal(85), "text": "85%"},
        "2025/26": {"annual": Decimal("92.50"), "text": "92.50%"}}
    subs = kpis["T21"]["sub_measures"]
    assert subs[-1] == {"code": "P7", "polarity": "none"} and subs[1]["code"] == "P2"
    assert subs[3]["targets"] == {"2025/26": {"annual": Decimal(93), "text": "93%"}}
    assert subs[0]["target"] == {"annual": Decimal("97.5"), "text": "97.5%"}
    assert kpis["T21"]["target"] == {"text": "P1 and P2 97.5% P3 and P4 90%"}
    assert "frequency" not in kpis["T01"] and kpis["A1"]["frequency"] == "quarterly"


def test_every_preset_round_trips_inline() -> None:
    rating, direction = sorted(preset_data("rating")), sorted(preset_data("direction"))
    assert {"four_band", "floor_standard", "met_not_met", "trend_aware",
            "childrens_trust"} <= set(rating)
    assert {"two_percent", "two_percent_annual", "childrens_trust"} <= set(direction)
    text = HEADER + "rating_schemes:\n" + "".join(f"  {n}: {{preset: {n}}}\n" for n in rating)
    text += "direction_schemes:\n" + "".join(f"  {n}: {{preset: {n}}}\n" for n in direction)
    text += "defaults: {rating_scheme: four_band, direction_scheme: two_percent}\n"
    text += "directorates:\n" + "".join(
        f"  - {{name: D{i}, rating_scheme: {r}, direction_scheme: {d}}}\n"
        for i, (r, d) in enumerate(zip(rating, direction * 3, strict=False)))
    fw = round_trip(load_framework_text(text))
    assert "preset:" not in dump_framework_text(fw)
    for name in rating:
        assert normalised(fw.rating_schemes[name]) == normalised(preset_rating_scheme(name))
    for name in direction:
        assert normalised(fw.direction_schemes[name]) == normalised(
            preset_direction_scheme(name))


# -- property: random KPI definitions in a minimal framework ------------------------------

YEAR = "2024/25"
FY = FinancialYear(2024)
PERIOD_KEYS = [p.key for p in (*FY.months(), *FY.quarters(), Period(FY, PeriodKind.HALF, 1),
                               Period(FY, PeriodKind.HALF, 2), Period.full_year(FY))]

texts = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"],
                              include_characters="£–’"), max_size=25).map(str.strip)
names = texts.filter(bool)
numbers = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**7, max_value=10**7,
                places=6),
    st.sampled_from(["97.5", "84.999", "5.0", "1E+3", "0.00", "-2"]).map(Decimal),
    st.integers(-1000, 1000).map(Decimal))
maybe = st.none() | numbers


def period_keys(year: str) -> list[str]:
    fy = FinancialYear.parse(year)
    return [p.key for p in (*fy.months(), *fy.quarters(), Period(fy, PeriodKind.HALF, 1),
                            Period(fy, PeriodKind.HALF, 2), Period.full_year(fy))]


@st.composite
def targets(draw: st.DrawFn, year: str = "2024/25") -> Target:
    low, high = sorted(draw(st.tuples(numbers, numbers)))
    band = (low, high) if draw(st.booleans()) else None
    profile = draw(st.dictionaries(st.sampled_from(period_keys(year)), numbers, max_size=4))
    cumulative = draw(st.booleans())
    if cumulative:  # a cumulative profile never goes down (the loader refuses one that does)
        def end(key: str) -> tuple[int, int]:
            p = Period.parse(key)
            return p.months()[-1].index, -len(p.months())
        profile = dict(zip(sorted(profile, key=end), sorted(profile.values()), strict=True))
    return Target(
        annual=draw(maybe), per_month=draw(maybe),
        profile=MappingProxyType(profile),
        cumulative_profile=cumulative, straight_line=draw(st.booleans()), band=band,
        qualifier=draw(st.sampled_from([None, "<", ">", "<=", ">="])),
        none=draw(st.none() | st.sampled_from(NoTargetReason)), text=draw(texts))


PUBLISHED_TOLERANCES = ["5%", "50%", "5% points", "85% - 90%", "9 to 12", "N/A", "No tolerance",
                        "TBD - for now applied standard 5%", "",
                        "99.5% and above is green, 99% and above is amber"]


def in_order(tol: Tolerance | None, polarity: Polarity | None) -> Tolerance | None:
    """Thresholds in order for the polarity (the loader refuses amber above green for higher
    is better)."""
    if tol is None or polarity is None or threshold_problem(tol, polarity is Polarity.HIGHER) \
            is None or polarity not in (Polarity.HIGHER, Polarity.LOWER):
        return tol
    assert tol.green is not None and tol.amber is not None
    return Tolerance.thresholds(tol.amber, tol.green)


def tolerances(annual: Decimal | None) -> st.SearchStrategy[Tolerance]:
    return st.one_of(
        st.sampled_from([NO_TOLERANCE, DEFAULT_TOLERANCE]),
        numbers.map(abs).map(Tolerance.relative), numbers.map(abs).map(Tolerance.points),
        numbers.map(Tolerance.limit), st.builds(Tolerance.band, numbers, numbers),
        st.builds(Tolerance.thresholds, numbers, numbers),
        st.sampled_from(PUBLISHED_TOLERANCES).map(lambda t: parse_tolerance(t, target=annual)))


@st.composite
def sub_measures(draw: st.DrawFn, code: str, kpi_polarity: Polarity) -> SubMeasure:
    years = draw(st.lists(st.sampled_from(["2023/24", YEAR, "2025/26"]), max_size=2,
                          unique=True))
    by_year = {y: draw(targets(y)) for y in years}
    annual = by_year[YEAR].annual if YEAR in by_year else None
    polarity = draw(st.none() | st.sampled_from(Polarity))
    return SubMeasure(
        code, draw(texts), MappingProxyType(by_year), polarity,
        in_order(draw(st.none() | tolerances(annual)), polarity or kpi_polarity))


@st.composite
def benchmarks(draw: st.DrawFn) -> Benchmark:
    return Benchmark(draw(maybe), draw(texts), draw(texts), draw(texts), draw(texts))


@st.composite
def kpis(draw: st.DrawFn, ref: str) -> KpiDefinition:
    years = draw(st.lists(st.sampled_from(["2023/24", YEAR, "2025/26"]), max_size=3,
                          unique=True))
    by_year = {y: draw(targets(y)) for y in years}
    annual = by_year[YEAR].annual if YEAR in by_year else None
    codes = draw(st.lists(names, max_size=3, unique=True))
    polarity = draw(st.sampled_from(Polarity))
    statutory = draw(st.sampled_from(["none", "bool", "text"]))
    text = draw(st.sampled_from(["Yes", "yes (DLUHC return)", "No - contractual", "n/a"])
                | names) if statutory == "text" else ""
    return KpiDefinition(
        ref=ref, name=draw(names), description=draw(texts), key_commitment=draw(texts),
        priority=draw(texts), directorate=draw(texts), department=draw(texts),
        team=draw(texts), portfolio=draw(texts),
        statutory=None if statutory == "none" else (
            draw(st.booleans()) if statutory == "bool" else text.lower().startswith("yes")),
        statutory_text=text, data_source=draw(texts),
        frequency=draw(st.sampled_from(Frequency)), arrears_months=draw(st.integers(0, 12)),
        unit=draw(st.sampled_from(Unit)), decimals=draw(st.none() | st.integers(0, 4)),
        polarity=polarity, basis=draw(st.sampled_from(ValueBasis)),
        targets=MappingProxyType(by_year),
        tolerance=in_order(draw(tolerances(annual)), polarity) or DEFAULT_TOLERANCE,
        benchmark=draw(st.none() | benchmarks()),
        comparators=tuple(draw(st.lists(benchmarks(), max_size=2))),
        sub_measures=tuple(draw(sub_measures(c, polarity)) for c in codes),
        status=draw(st.sampled_from(KpiStatus)), rationale=draw(texts), notes=draw(texts),
        sets=tuple(draw(st.lists(texts, max_size=2))),
        rating_scheme=draw(st.sampled_from([None, "corporate", "other"])),
        direction_scheme=draw(st.sampled_from([None, "corporate"])),
        travel_basis=draw(st.sampled_from(TravelBasis)))


def renamed(scheme: Any, name: str) -> Any:
    return dataclasses.replace(scheme, name=name)


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    refs = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    defined = [draw(kpis(ref)) for ref in refs]
    changes = tuple(
        KpiChange(draw(st.sampled_from(["new", "changed", "moved", "split", "merged"])), k.ref,
                  tuple(draw(st.lists(names, max_size=2))), draw(texts))
        for k in defined if draw(st.booleans()))
    removed = tuple(KpiChange("removed", r, note=draw(texts))  # not also kept
                    for r in draw(st.lists(names.filter(lambda n: n not in refs), max_size=2,
                                           unique=True)))
    return Framework(
        organisation=draw(names), short_name=draw(texts),
        rating_schemes={"corporate": renamed(preset_rating_scheme("nnc"), "corporate"),
                        "other": renamed(preset_rating_scheme("met_not_met"), "other")},
        direction_schemes={"corporate": renamed(preset_direction_scheme("nnc"), "corporate")},
        default_rating_scheme="corporate", default_direction_scheme="corporate",
        years={YEAR: KpiSet(YEAR, {k.ref: k for k in defined}, changes, removed)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks())
def test_random_kpi_definitions_round_trip(fw: Framework) -> None:
    round_trip(fw)
