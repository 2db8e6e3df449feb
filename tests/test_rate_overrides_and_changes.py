"""Manual overrides and changes of definition between years, through `kpiboard rate`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kpiboard.cli import main

FRAMEWORK = """\
kpiboard: 1
organisation: {name: County Council}
rating_schemes: {county: {preset: four_band}}
direction_schemes: {county: {preset: two_percent}}
defaults: {rating_scheme: county, direction_scheme: county}
years:
  2023/24:
    kpis:
      - {ref: C1, name: Recycling rate, polarity: higher, unit: percent, target: 50%}
  2024/25:
    kpis:
      - ref: C1
        name: Recycling rate (now including composting)
        polarity: higher
        unit: percent
        target: 55%
        change: {kind: changed, note: composting now counted}
"""


def rate(tmp_path: Path, values: str, capsys: pytest.CaptureFixture[str]) -> tuple[
        int, list[dict[str, str]], str]:
    (tmp_path / "fw.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "v.csv").write_text(values, encoding="utf-8")
    code = main(["rate", "--framework", str(tmp_path / "fw.yaml"), "--values",
                 str(tmp_path / "v.csv"), "--format", "csv"])
    out, err = capsys.readouterr()
    return code, list(csv.DictReader(io.StringIO(out))), err


def test_direction_is_not_comparable_across_a_definition_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, rows, _ = rate(tmp_path, "ref,period,value\nC1,2024-02,48%\nC1,2024-03,48.5%\n"
                         "C1,2024-04,60%\nC1,2024-05,62%\n", capsys)
    assert code == 0
    by_period = {r["period"]: r for r in rows}
    assert by_period["2024-03"]["direction"] == "►"  # within 2% either way
    assert by_period["2024-04"]["direction"] == "NC"
    assert "the definition was changed in 2024/25: composting now counted" in by_period[
        "2024-04"]["explanation"]
    assert by_period["2024-05"]["direction"] == "▲"
    assert by_period["2024-04"]["status"] == "Green"  # 60 is 9.09% better than 55: Green


def test_override_is_always_shown_as_an_override(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, rows, _ = rate(tmp_path, "ref,period,value,status_override,override_reason\n"
                         "C1,2024-02,40%,Amber,data quality issue agreed with the director\n",
                         capsys)
    assert code == 0
    assert rows[0]["status"] == "Amber (override)"
    assert rows[0]["explanation"].startswith(
        "Amber (set by hand, overriding the computed Red): data quality issue agreed")


@pytest.mark.parametrize(("values", "message"), [
    ("ref,period,value,status_override,override_reason\nC1,2024-02,40%,Purple,x\n",
     "'Purple' is not a status of the 'county' scheme"),
    ("ref,period,value,status_override,override_reason\nC1,2024-02,40%,Green,\n",
     "an override needs a reason"),
])
def test_bad_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str], values: str,
                       message: str) -> None:
    code, _, err = rate(tmp_path, values, capsys)
    assert code == 2 and message in err
