"""The made-up county (``kpiboard.example.county``): its files pass the importers, and the
database then holds what a real council's would — at a small scale."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kpiboard.example.county import county_counts, county_import, county_write
from kpiboard.framework import load_framework

ROOT = Path(__file__).resolve().parents[2]
KPIS, YEARS = 40, 3


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("county")
    county_write(folder=folder, kpis=KPIS, years=YEARS, seed=7)
    return folder


def test_the_same_seed_writes_the_same_files(written: Path, tmp_path: Path) -> None:
    again = county_write(folder=tmp_path / "again", kpis=KPIS, years=YEARS, seed=7)
    other = county_write(folder=tmp_path / "other", kpis=KPIS, years=YEARS, seed=8)
    names = sorted(p.name for p in written.iterdir())
    assert names == sorted(p.name for p in again.folder.iterdir())
    for name in names:
        assert (written / name).read_bytes() == (again.folder / name).read_bytes(), name
    assert (other.folder / "values.csv").read_bytes() != (written / "values.csv").read_bytes()


def test_the_framework_has_a_set_a_year_of_every_frequency_and_unit(written: Path) -> None:
    fw = load_framework(written / "framework.yaml")  # no problems, or FrameworkError
    assert sorted(fw.years) == ["2022/23", "2023/24", "2024/25"]
    kpis = [k for y in fw.years.values() for k in y.kpis.values()]
    assert all(len(y.kpis) == KPIS for y in fw.years.values())
    assert {k.frequency.value for k in kpis} == {"monthly", "quarterly", "half_yearly",
                                                  "annual"}
    assert len({k.unit.value for k in kpis}) >= 6
    assert {k.polarity.value for k in kpis} >= {"higher", "lower", "none"}
    assert any(k.sub_measures for k in kpis)
    assert any(k.arrears_months for k in kpis)
    later = fw.years["2024/25"]
    assert later.removed and later.changes  # KPIs removed, new and renumbered at a review


@pytest.mark.django_db
def test_the_files_load_through_the_importers(written: Path) -> None:
    from kpiboard.data.models import Commentary, PeriodValue, ValueRevision
    from kpiboard.kpis.models import Kpi, SubMeasure

    files = county_write(folder=written, kpis=KPIS, years=YEARS, seed=7)
    org = county_import(files=files)
    per_year = Counter(Kpi.objects.filter(kpi_set__organisation=org)
                       .values_list("kpi_set__year", flat=True))
    assert per_year == {"2022/23": KPIS, "2023/24": KPIS, "2024/25": KPIS}
    values = PeriodValue.objects.filter(kpi__kpi_set__organisation=org)
    assert values.count() == files.value_rows
    assert set(values.values_list("kpi__kpi_set__year", flat=True)) == set(per_year)
    assert values.exclude(sub_measure="").exists()
    assert SubMeasure.objects.filter(kpi__kpi_set__organisation=org).exists()
    assert values.filter(numerator__isnull=False, denominator__isnull=False).exists()
    assert values.filter(state="in_arrears").exists()
    assert Commentary.objects.filter(kpi__kpi_set__organisation=org).count() == \
        files.commentaries
    revised = ValueRevision.objects.filter(period_value__in=values, revision__gt=1)
    assert revised.count() == files.revised_rows > 0
    assert all(r.reason.endswith("figures revised after year-end validation")
               and r.old_text != r.new_text for r in revised)
    counts = county_counts(org)
    assert counts["kpis"] == KPIS * YEARS and counts["revised"] == files.revised_rows
    # Every KPI has a series of its own: no two monthly series are the same.
    series: dict[int, tuple[str, ...]] = {}
    for kpi_id, text in values.filter(sub_measure="", kpi__frequency="monthly").order_by(
            "kpi_id", "period_start").values_list("kpi_id", "text"):
        series[kpi_id] = (*series.get(kpi_id, ()), text)
    assert len(series) > 10 and len(set(series.values())) == len(series)
    # Loading again changes nothing.
    county_import(files=files)
    assert county_counts(org) == counts


@pytest.mark.slow
def test_the_command_loads_a_small_county(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               KPIBOARD_DATA_DIR=str(tmp_path / "var"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-c", "import sys; from kpiboard.cli import main; "
               "sys.exit(main())", "county", "--kpis", "20", "--years", "2"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "Loaded Midshire County Council: 40 KPIs over 2 years (2023/24 to 2024/25)" \
        in done.stdout
    done = subprocess.run([*command, "--write-only", "files"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "files" / "framework.yaml").exists()
    assert (tmp_path / "files" / "values.csv").exists()
