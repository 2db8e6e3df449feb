"""``kpiboard restore`` refuses a dump it could not restore faithfully — a number beyond the
bounded number type, a NUL or other control character in a text — saying where, and writes
nothing (every table unchanged)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kpiboard.cli import main
from kpiboard.example import demo_load
from tests.store.conftest import NNC, database_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def dumped(db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[Any]:
    demo_load(NNC)
    assert main(["dump", str(tmp_path / "good.json")]) == 0
    capsys.readouterr()
    records: list[Any] = json.loads((tmp_path / "good.json").read_text(encoding="utf-8"))
    return records


def _first(records: list[Any], model: str) -> tuple[int, dict[str, Any]]:
    return next((i, r) for i, r in enumerate(records, start=1) if r["model"] == model)


def _restore(tmp_path: Path, records: list[Any], capsys: pytest.CaptureFixture[str]
             ) -> tuple[int, str]:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    before = database_fingerprint()
    code = main(["restore", str(path), "--replace"])
    assert database_fingerprint() == before
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("field", "bad", "expected"), [
    ("value", "1E+308", "is too large: kpiboard keeps numbers of at most 20 digits"),
    ("value", "1234567890123456789012345", "1234567890123456789012345 is too large"),
    ("numerator", "0.000000000001", "has 12 decimal places; kpiboard keeps at most 10"),
    ("denominator", "NaN", "NaN is not a number that can be stored"),
    ("value", "lots", "expected a number, found 'lots'"),
])
def test_a_number_that_cannot_be_stored_is_refused(
        dumped: list[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str,
        bad: str, expected: str) -> None:
    number, record = _first(dumped, "data.periodvalue")
    record["fields"][field] = bad
    code, err = _restore(tmp_path, dumped, capsys)
    assert code == 2
    assert err.startswith("kpiboard: ") and "bad.json" in err
    assert "cannot be restored (nothing was written)" in err
    assert f"record {number} (data.periodvalue {record['pk']}), field '{field}': " in err
    assert expected in err


@pytest.mark.parametrize(("model", "field", "bad", "expected"), [
    ("data.periodvalue", "text", "12\x0034", "a NUL character at character 3"),
    ("data.commentary", "html", "<p>ok\x07</p>", "the control character U+0007"),
    ("kpis.kpi", "name", "\x1bName", "the control character U+001B at character 1"),
])
def test_a_control_character_in_a_text_is_refused(
        dumped: list[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str,
        field: str, bad: str, expected: str) -> None:
    number, record = _first(dumped, model)
    record["fields"][field] = bad
    code, err = _restore(tmp_path, dumped, capsys)
    assert code == 2
    assert f"record {number} ({model} {record['pk']}), field '{field}': {expected}" in err


def test_a_control_character_inside_a_json_field_is_refused(
        dumped: list[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    number, record = _first(dumped, "kpis.kpi")
    record["fields"]["sets"] = ["core\x00"]
    code, err = _restore(tmp_path, dumped, capsys)
    assert code == 2 and f"record {number} (kpis.kpi {record['pk']}), field 'sets'" in err


def test_every_problem_is_listed(dumped: list[Any], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    values = [r for r in dumped if r["model"] == "data.periodvalue"][:3]
    for r in values:
        r["fields"]["value"] = "1E+30"
    code, err = _restore(tmp_path, dumped, capsys)
    assert code == 2 and "3 records cannot be restored" in err


def test_a_good_dump_still_restores(dumped: list[Any], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "good.json"
    before = database_fingerprint()
    assert main(["restore", str(path), "--replace"]) == 0
    assert database_fingerprint() == before
