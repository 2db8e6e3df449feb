"""Nothing is deleted by omission: a partial framework file or KPI set spreadsheet adds and
changes; removing needs the file's ``remove:`` list or ``--replace``; the dry run lists every
deletion first, and a real run prints them and records them in the audit."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kpiboard.audit.models import Action, AuditEvent
from kpiboard.cli import main
from kpiboard.example import demo_load
from kpiboard.kpis.models import Kpi, KpiChange, SubMeasure, Target
from tests.store.conftest import NNC, database_fingerprint

pytestmark = pytest.mark.django_db

HEAD = (NNC / "framework.yaml").read_text(encoding="utf-8").split("\nyears:\n")[0]

STP31 = """
years:
  2023/24:
    kpis:
    - ref: STP31
      name: Percentage of defects responded to within the timeframes specified, split by category
      unit: percent
      basis: ratio
      polarity: Higher is better
      tolerance: No Tolerance
{extra}"""


def _file(tmp_path: Path, extra: str = "", name: str = "partial.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + STP31.format(extra=extra), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def council(db: None) -> None:
    demo_load(NNC)


def _stp31() -> Kpi:
    return Kpi.objects.get(ref="STP31", kpi_set__year="2023/24")


def test_a_kpi_entry_without_its_sub_measures_keeps_them(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    targets = Target.objects.filter(kpi=_stp31()).count()
    code, out, err = _run(capsys, "import", "framework", str(_file(tmp_path)))
    assert code == 0, err
    assert "remove" not in out
    kpi = _stp31()
    assert list(kpi.sub_measures.values_list("code", flat=True)) == ["P1", "P2", "P3", "P4"]
    assert Target.objects.filter(kpi=kpi).count() == targets  # the sub-measures' too


def test_the_same_partial_file_twice_changes_nothing(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path)
    assert _run(capsys, "import", "framework", str(path))[0] == 0
    before = database_fingerprint()
    code, out, _err = _run(capsys, "import", "framework", str(path))
    assert code == 0 and "0 changed" in out
    assert database_fingerprint() == before


def test_replace_removes_them_and_the_dry_run_lists_each_first(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path)
    before = database_fingerprint()
    code, out, err = _run(capsys, "import", "framework", str(path), "--replace", "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    removals = [line for line in lines if line.startswith("would remove")]
    assert "would remove STP31 sub-measure P1 (and its 1 target) in 2023/24" in removals
    assert "would remove STP31 sub-measure P4 (and its 1 target) in 2023/24" in removals
    assert lines[:len(removals)] == removals  # listed first
    assert database_fingerprint() == before
    code, out, err = _run(capsys, "import", "framework", str(path), "--replace")
    assert code == 0, err
    assert "removed STP31 sub-measure P4 (and its 1 target) in 2023/24" in out
    assert not _stp31().sub_measures.exists()
    event = AuditEvent.objects.filter(action=Action.IMPORTED).latest("id")
    assert "STP31 sub-measure P4" in event.summary
    assert len(event.detail["removed"]) == len(removals)


def test_an_explicit_removal_removes_only_what_it_names(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, "      remove: [sub_measures.P4, sub_measures.P1.targets.2023/24]\n")
    code, out, err = _run(capsys, "import", "framework", str(path), "--dry-run")
    assert code == 0, err
    assert out.splitlines()[:2] == [
        "would remove STP31 sub-measure P1 target for 2023/24 in 2023/24",
        "would remove STP31 sub-measure P4 (and its 1 target) in 2023/24"]
    assert _run(capsys, "import", "framework", str(path))[0] == 0
    kpi = _stp31()
    assert list(kpi.sub_measures.values_list("code", flat=True)) == ["P1", "P2", "P3"]
    assert not Target.objects.filter(kpi=kpi, sub_measure__code="P1").exists()
    assert Target.objects.filter(kpi=kpi, sub_measure__code="P2").exists()
    before = database_fingerprint()  # again: nothing left to remove, nothing changes
    code, out, _err = _run(capsys, "import", "framework", str(path))
    assert code == 0 and "remove" not in out
    assert database_fingerprint() == before


def test_a_removal_that_cannot_be_read_is_an_error_at_its_line(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, "      remove: [sub_measure.P4]\n")
    before = database_fingerprint()
    code, _out, err = _run(capsys, "import", "framework", str(path))
    assert code == 2
    assert "partial.yaml:" in err and ".remove: " in err
    assert "cannot remove 'sub_measure.P4': expected sub_measures.CODE" in err
    assert database_fingerprint() == before


def _partial_kpi_set(tmp_path: Path, refs: set[str], *, blank_changes: bool = True) -> Path:
    with (NNC / "kpi_set_2024-25.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    ref_at, change_at = head.index("Ref"), head.index("Changes from 2023-24 to 2024-25")
    kept = [r for r in rows[1:] if r[ref_at] in refs]
    if blank_changes:
        for r in kept:
            r[change_at] = ""
    path = tmp_path / "partial_kpi_set.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([head, *kept])
    return path


def test_a_partial_kpi_set_file_keeps_the_years_change_notes(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = list(KpiChange.objects.filter(kpi_set__year="2024/25")
                 .values_list("kind", "ref", "note"))
    assert notes
    path = _partial_kpi_set(tmp_path, {"AFL13", "AFL14"})
    code, out, err = _run(capsys, "import", "kpi-set", str(path))
    assert code == 0, err
    assert "remove" not in out
    assert sorted(KpiChange.objects.filter(kpi_set__year="2024/25")
                  .values_list("kind", "ref", "note")) == sorted(notes)
    before = database_fingerprint()
    assert _run(capsys, "import", "kpi-set", str(path))[0] == 0
    assert database_fingerprint() == before


def test_a_kpi_set_with_replace_lists_and_removes_the_notes_it_leaves_out(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    count = KpiChange.objects.filter(kpi_set__year="2024/25").count()
    path = _partial_kpi_set(tmp_path, {"AFL13", "AFL14"})
    code, out, err = _run(capsys, "import", "kpi-set", str(path), "--replace", "--dry-run")
    assert code == 0, err
    listed = [line for line in out.splitlines() if line.startswith("would remove the 2024/25 "
                                                                   "change note for ")]
    assert len(listed) == count
    assert KpiChange.objects.filter(kpi_set__year="2024/25").count() == count
    assert _run(capsys, "import", "kpi-set", str(path), "--replace")[0] == 0
    assert not KpiChange.objects.filter(kpi_set__year="2024/25").exists()
    assert Kpi.objects.filter(kpi_set__year="2024/25").count() > 2  # KPIs are kept


def test_a_kpi_set_keeps_a_kpis_stored_sub_measures(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stored = Kpi.objects.filter(kpi_set__year="2024/25", sub_measures__isnull=False).first()
    if stored is None:
        pytest.skip("no 2024/25 KPI with sub-measures in the example")
    codes = list(stored.sub_measures.values_list("code", flat=True))
    SubMeasure.objects.create(kpi=stored, code="EXTRA", order=99)
    path = _partial_kpi_set(tmp_path, {stored.ref})
    assert _run(capsys, "import", "kpi-set", str(path))[0] == 0
    assert list(Kpi.objects.get(pk=stored.pk).sub_measures.values_list("code", flat=True)) \
        == [*codes, "EXTRA"]


def test_a_typo_in_a_sub_measure_target_is_refused_and_keeps_every_sub_measure(
        council: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _partial_kpi_set(tmp_path, {"STP31"})
    text = path.read_text(encoding="utf-8")
    assert "P3 and P4 90%" in text
    path.write_text(text.replace("P3 and P4 90%", "P3 and P9 90%"), encoding="utf-8")
    before = database_fingerprint()
    code, out, err = _run(capsys, "import", "kpi-set", str(path))
    assert code == 2, out
    assert "names sub-measure 'P9', which STP31 does not have" in err
    assert "gives no target for P4" in err
    assert database_fingerprint() == before
    kpi = Kpi.objects.get(ref="STP31", kpi_set__year="2024/25")
    assert list(kpi.sub_measures.values_list("code", flat=True)) == ["P1", "P2", "P3", "P4"]
