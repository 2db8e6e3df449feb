"""A framework file's links between years: inheritance from the previous KPI, the checks
(file:line), and the history a direction of travel reads across the year end."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.periods import Period
from kpiboard.engine.types import Polarity, Unit
from kpiboard.framework import FrameworkError, load_framework_text
from kpiboard.framework.lineage import history, lineage, links

HEAD = """\
kpiboard: 1
organisation: {name: Borough}
rating_schemes: {c: {preset: nnc}}
direction_schemes: {c: {preset: nnc}}
defaults: {rating_scheme: c, direction_scheme: c}
directorates:
  - name: Adults, Health Partnerships & Housing
    formerly: Adults & Housing
    services: [{name: Housing, formerly: [Housing Services]}]
years:
  2023/24:
    kpis:
      - {ref: A1, name: One, polarity: lower, unit: days, target: 56 days, tolerance: none}
      - {ref: A2, name: Two, polarity: higher, unit: percent, basis: ratio, target: 80%}
      - {ref: A3, name: Three, polarity: higher, unit: percent, basis: ratio, target: 70%}
      - {ref: A4, name: Four, polarity: lower, unit: count, target: 10}
  2024/25:
    kpis:
"""


def load(kpis: str) -> object:
    return load_framework_text(HEAD + kpis, source="fw.yaml")


def problems(kpis: str) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        load(kpis)
    return [str(p) for p in caught.value.problems]


def test_a_kpi_inherits_from_its_previous_kpi_unless_it_says_otherwise() -> None:
    fw = load("""\
      - {ref: A1, name: One, polarity: higher, target: 50 days}
      - {ref: B2, name: Two renumbered, target: 85%, previous: A2}
      - {ref: A34, name: Three and four, target: 80%, previous: [A3, A4]}
""")
    k = fw.years["2024/25"].kpis  # type: ignore[attr-defined]
    assert (k["A1"].polarity, k["A1"].unit) == (Polarity.HIGHER, Unit.DAYS)  # said otherwise
    assert k["A1"].tolerance.kind.value == "none"
    assert (k["B2"].polarity, k["B2"].unit, k["B2"].basis.value) == (
        Polarity.HIGHER, Unit.PERCENT, "ratio")
    got = {ref: (x.kind, x.previous_refs) for ref, x in links(fw, "2024/25").items()}
    assert got == {"A1": ("unchanged", ("A1",)), "B2": ("renumbered", ("A2",)),
                   "A34": ("merged", ("A3", "A4"))}
    assert [x.ref for x in lineage(fw, "A34", "2024/25")] == ["A34", "A3", "A4"]


def test_a_previous_ref_that_does_not_exist() -> None:
    assert problems("      - {ref: B2, name: Two, target: 85%, previous: A22}\n") == [
        "fw.yaml:19: years.2024/25.kpis[0]: B2: previous ref 'A22' is not a KPI of the "
        "2023/24 set (did you mean 'A2'?)"]


def test_one_predecessor_twice_without_split() -> None:
    found = problems("""\
      - {ref: B2, name: Two a, target: 85%, change: {kind: split, from: A2}}
      - {ref: C2, name: Two b, target: 85%, previous: A2}
""")
    assert found == ["fw.yaml:20: years.2024/25.kpis[1]: C2: A2 of 2023/24 is the previous "
                     "KPI of B2, C2; a KPI continued by several must say it was split (change "
                     "kind split, or 'split' in the Changes column)"]
    load("""\
      - {ref: B2, name: Two a, target: 85%, change: {kind: split, from: A2}}
      - {ref: C2, name: Two b, target: 85%, change: {kind: split, from: A2}}
""")


def test_a_loop() -> None:
    found = problems("""\
      - {ref: X1, name: X, polarity: higher, previous: X2}
      - {ref: X2, name: Y, polarity: higher, previous: X1}
""")
    assert found[0] == ("fw.yaml:19: years.2024/25.kpis[0]: X1: its previous KPIs form a "
                        "loop (X1 ← X2 ← X1); a previous ref names a KPI of the 2023/24 set")


def test_a_new_kpi_needs_a_polarity() -> None:
    assert problems("      - {ref: N1, name: New one, target: 5}\n") == [
        "fw.yaml:19: years.2024/25.kpis[0]: 'polarity' is required (higher, lower, target or "
        "none): N1 has no previous KPI in 2023/24 to take it from"]


def test_former_names_choose_the_schemes() -> None:
    fw = load("      - {ref: A1, name: One, directorate: Adults & Housing, service: Housing "
              "Services}\n")
    d = fw.directorates[0]  # type: ignore[attr-defined]
    assert d.is_named("adults & housing") and d.services[0].is_named("Housing Services")


def test_history_across_the_year_end() -> None:
    fw = load("""\
      - {ref: B2, name: Two renumbered, target: 85%, previous: A2}
      - {ref: A34, name: Three and four, target: 80%, previous: [A3, A4]}
      - {ref: A1, name: One, target: 12 days, change: {kind: changed, note: counted anew}}
""")
    march, april = Period.parse("2024-03"), Period.parse("2024-04")
    d = Decimal
    series = {("A2", ""): {march: Observation(d(50), numerator=d(5), denominator=d(10))},
              ("A3", ""): {march: Observation(d(75), numerator=d(15), denominator=d(20))},
              ("A4", ""): {march: Observation(d(50), numerator=d(5), denominator=d(10))},
              ("B2", ""): {april: Observation(d(60))},
              ("A1", ""): {march: Observation(d(9)), april: Observation(d(8))}}
    assert history(fw, "B2", "2024/25", "", series).series[march].value == 50
    merged = history(fw, "A34", "2024/25", "", series).series[march]
    assert (merged.value, merged.numerator, merged.denominator) == (
        d(20) / d(30) * 100, 20, 30)
    changed = history(fw, "A1", "2024/25", "", series)
    assert march not in changed.series
    assert changed.changes(march, april) == ("the definition was changed in 2024/25: "
                                             "counted anew")
