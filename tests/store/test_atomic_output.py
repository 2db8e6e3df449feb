"""Dumps and exports are written all or nothing: a failure leaves the old file as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpiboard.data.files import atomic_output


def test_a_finished_write_replaces_the_file(tmp_path: Path) -> None:
    out = tmp_path / "values.csv"
    out.write_text("old\n", encoding="utf-8")
    with atomic_output(out) as partial:
        assert partial.parent == tmp_path and partial.suffix == ".csv" and partial != out
        partial.write_text("new\n", encoding="utf-8")
        assert out.read_text(encoding="utf-8") == "old\n"  # not yet
    assert out.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["values.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path: Path) -> None:
    out = tmp_path / "dump.json"
    out.write_text("[]\n", encoding="utf-8")
    with pytest.raises(OSError, match="No space left"), atomic_output(out) as partial:
        partial.write_text("[{\"half", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert out.read_text(encoding="utf-8") == "[]\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.json"]
