"""A framework that loads can be rated: any KPI the sense checks accept rates every value
without an engine exception (property test over target, tolerance and scheme forms)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpiboard.framework import FrameworkError, load_framework_text
from kpiboard.framework.rate import rate_rows, read_values, render

TARGETS = ["90%", "0", "-5", "252 (21 per month)", "'>99'", "'<= 5'", "85% - 90%", "0 - 0",
           "'1,688 / 3,377 / 5,065 / 6,755'", "TBD", "Tracking", "{annual: 0}",
           "{band: [0, 0]}", "{per_month: 0}", "{annual: 12, straight_line: true}",
           "{annual: 240, profile: {2024/25-H1: 120, 2024/25-H2: 120}}",
           "{annual: 9, cumulative: true, profile: {2024/25-Q1: 0, 2024/25-Q4: 9}}",
           "{annual: 99999999999999999999.9999999999}", "{annual: 0.0000000001}"]
TOLERANCES = ["none", "default", "{relative: 0}", "{relative: 100}", "{points: 0}",
              "{points: 99999999999999999999}", "{band: [0, 0]}", "{band: [-5, 5]}",
              "{limit: 0}", "{thresholds: {green: 0, amber: 0}}",
              "{thresholds: {green: 5, amber: -5}}", "{thresholds: {green: -5, amber: 5}}",
              "5%", "50%", "5% points", "N/A"]
SCHEMES = ["nnc", "childrens_trust", "four_band", "floor_standard", "met_not_met",
           "trend_aware"]
VALUES = ["0", "-1", "90%", "100", "0.0000000001", "99999999999999999999", "n/a", "", "5"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TARGETS), st.sampled_from(TOLERANCES), st.sampled_from(SCHEMES),
       st.sampled_from(["higher", "lower", "target", "none"]),
       st.sampled_from(["in_period", "snapshot", "cumulative", "ratio"]),
       st.lists(st.sampled_from(VALUES), min_size=1, max_size=12))
def test_a_framework_that_loads_rates_every_value(target: str, tolerance: str, scheme: str,
                                                  polarity: str, basis: str,
                                                  values: list[str]) -> None:
    text = f"""\
kpiboard: 1
organisation: {{name: Rated Borough Council}}
rating_schemes: {{r: {{preset: {scheme}}}}}
direction_schemes: {{d: {{preset: nnc}}}}
defaults: {{rating_scheme: r, direction_scheme: d}}
years:
  2024/25:
    kpis:
      - {{ref: K1, name: k, unit: number, polarity: {polarity}, basis: {basis},
          target: {target}, tolerance: {tolerance}}}
"""
    try:
        fw = load_framework_text(text)
    except FrameworkError as exc:  # refused: with a location, never a traceback
        assert all(p.line for p in exc.problems), exc
        return
    rows = "ref,period,value\n" + "".join(
        f"K1,2024-{4 + i:02d},{v}\n" if i < 9 else f"K1,2025-{i - 8:02d},{v}\n"
        for i, v in enumerate(values))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "values.csv"
        path.write_text(rows, encoding="utf-8")
        rated = rate_rows(fw, read_values(path, fw))
    assert len(rated) == len(values)
    assert render(rated, "csv")
