"""`kpiboard rate`, `check-published` and `demo`, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kpiboard.cli import main

NNC = Path(__file__).resolve().parent.parent / "examples" / "nnc"
FRAMEWORK = NNC / "framework.yaml"
VALUES = NNC / "values.csv"
PUBLISHED = NNC / "published_report_2024-02.csv"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rate_csv(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, str]]:
    code, out, err = run(capsys, "rate", "--framework", str(FRAMEWORK), "--values", str(VALUES),
                         "--format", "csv", *extra)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def test_csv_has_exactly_the_documented_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rate", "--framework", str(FRAMEWORK), "--values", str(VALUES),
                       "--period", "2024-02", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "ref,period,value,target,status,direction,explanation"


def test_february_statuses_and_arrows(capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["ref"]: r for r in rate_csv(capsys, "--period", "February 2023/24")}
    assert len(rows) == 57  # 45 KPIs and 13 sub-measures, less AFL23 (quarterly only)
    expect = {
        "STP15": ("Green", "↑G", "90%"),
        "STP16": ("Red", "↓R", "85%"),
        "STP17": ("Amber", "↑G", "88%"),
        "AFL13": ("Red", "↓R", "21"),
        "AFL14": ("Green", "↑G", "25"),
        "AFL12": ("Red", "↑R", "9"),
        "STP12": ("Green", "↑", "10"),
        "STP08": ("Green", "→", "100%"),
        "AFL07": ("Green", "↓G", "517"),
        "AFL04": ("Dark grey", "n/a", ""),
        "STP39": ("Dark grey", "n/a", ""),
        "AFL15": ("Turquoise", "↓", ""),
        "BBF18b": ("Grey", "↓R", ""),
        "BBF05 (KPI 2)": ("Amber", "↓A", "29%"),
        "BBF06 (KPI 3)": ("Green", "↑G", "85%"),
        "STP31/P4": ("Green", "↓", "90%"),
        "STP31": ("Green", "↓", ""),
        "MPS04": ("Red", "↑G", "96%"),
    }
    for ref, (status, arrow, target) in expect.items():
        got = rows[ref]
        assert (got["status"], got["direction"]) == (status, arrow), (ref, got)
        if target:
            assert got["target"] == target, (ref, got)
    assert rows["STP16"]["explanation"].startswith(
        "Red: 46.43% is 38.57 points below the 85% target (higher is better); the amber band is "
        "80%–85%. ↓R: 46.43% is down 31.70 points")


def test_every_period_without_filter(capsys: pytest.CaptureFixture[str]) -> None:
    rows = rate_csv(capsys)
    periods = {r["period"] for r in rows}
    assert periods == {"2023/24-Q1", "2023/24-Q2", "2023/24-Q3", "2024-01", "2024-02"}


def test_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rate", "--framework", str(FRAMEWORK), "--values", str(VALUES),
                       "--period", "2024-02", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data[0]["ref"] == "STP15" and set(data[0]) == {
        "ref", "period", "value", "target", "status", "direction", "explanation"}
    code, out, _ = run(capsys, "rate", "--framework", str(FRAMEWORK), "--values", str(VALUES),
                       "--period", "2024-02")
    assert code == 0 and "STP16" in out and "✖ Red" in out


@pytest.mark.parametrize(("content", "message"), [
    ("ref,period\nSTP15,2024-02\n", "missing column(s) value"),
    ("ref,period,value\nSTP15,2024-13,5\n", ":2: column period: cannot read period '2024-13'"),
    ("ref,period,value\nNOPE,2024-02,5\n", ":2: column ref: 'NOPE' is not a KPI in the 2023/24"),
    ("ref,period,value\nSTP15,2024-02,abc\n", ":2: cannot read value 'abc'"),
    ("ref,period,value\nSTP15,2024-02,5\nSTP15,Feb-24,6\n", ":3: STP15 February 2023/24 is "
     "already given on row 2"),
    ("ref,period,value,sub_measure\nSTP31,2024-02,5,P9\n", "'P9' is not a sub-measure of STP31"),
    ("ref,period,value\nSTP15,2026-02,5\n", "(the framework has no such year)"),
])
def test_bad_values_are_rejected_with_row_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "values.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "rate", "--framework", str(FRAMEWORK), "--values", str(path))
    assert code == 2 and out == ""
    assert message in err, err
    assert str(path) in err


def test_all_problems_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text("ref,period,value\nX,2024-02,1\nSTP15,Smarch,1\nSTP15,2024-02,12..5\n",
                    encoding="utf-8")
    code, _, err = run(capsys, "rate", "--framework", str(FRAMEWORK), "--values", str(path))
    assert code == 2 and "3 problems in the values" in err


def test_non_utf8_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes("ref,period,value\nSTP15,2024-02,£5\n".encode("cp1252"))
    code, _, err = run(capsys, "rate", "--framework", str(FRAMEWORK), "--values", str(path))
    assert code == 2 and "not UTF-8" in err


def test_bad_period_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rate", "--framework", str(FRAMEWORK), "--values", str(VALUES),
                       "--period", "Quarter 5 23-24")
    assert code == 2 and "--period: cannot read period 'Quarter 5 23-24'" in err


def test_published_arrows_are_reproduced(capsys: pytest.CaptureFixture[str]) -> None:
    """Seed 000: January → February 2024 arrows, and the rows that break the report's key."""
    code, out, _ = run(capsys, "check-published", "--framework", str(FRAMEWORK), "--values",
                       str(VALUES), "--published", str(PUBLISHED), "--period", "2024-02",
                       "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 58
    differs = {(r["ref"], r["sub_measure"]): r["reason"] for r in rows if r["verdict"] ==
               "differs"}
    assert set(differs) == {("STP31", "P1"), ("STP31", "P4"), ("AFL04", ""), ("AFL05", ""),
                            ("AFL15", ""), ("BBF36", "")}
    assert "still on target (91.67% against 90%)" in differs[("STP31", "P4")]
    assert "not in its direction-of-travel key" in differs[("AFL15", "")]
    assert "December 2023/24" in differs[("AFL04", "")]
    assert "no value" in differs[("STP31", "P1")]
    variants = [r for r in rows if r["verdict"] == "variant"]
    assert len(variants) == 9
    assert sum(r["verdict"] == "agrees" for r in rows) == 43



def test_installed_command_has_help_on_every_subcommand() -> None:
    exe = Path(sys.executable).parent / "kpiboard"
    for sub in ([], ["rate"], ["check-published"], ["demo"], ["manage"], ["import"],
                ["import", "framework"], ["import", "kpi-set"], ["import", "values"],
                ["export"], ["dump"], ["restore"], ["framework"], ["framework", "changes"],
                ["framework", "counts"]):
        result = subprocess.run([str(exe), *sub, "--help"], capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, (sub, result.stderr)
        assert "usage: kpiboard" in result.stdout
