"""`negative: allowed`: read from the framework file, stored, read back, written by export,
carried to the next year by a KPI set; and a negative value imports only for such a KPI."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kpiboard.cli import main
from kpiboard.data.models import PeriodValue
from kpiboard.framework import load_framework_text
from kpiboard.framework.dump import dump_framework_text
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.kpis.selectors import framework_get
from kpiboard.kpis.services import framework_save
from tests.store.conftest import NNC

pytestmark = pytest.mark.django_db

TEXT = (NNC / "framework.yaml").read_text(encoding="utf-8")
AFL13 = "    - ref: AFL13\n"


def _allowing(text: str = TEXT) -> str:
    assert AFL13 in text
    head, _, tail = text.partition(AFL13)
    return head + AFL13 + "      negative: allowed\n" + tail


def test_the_setting_is_read_stored_and_written_back() -> None:
    fw = load_framework_text(_allowing())
    assert fw.years["2023/24"].kpis["AFL13"].negatives_allowed
    assert not fw.years["2023/24"].kpis["AFL14"].negatives_allowed
    framework_save(framework=fw)
    stored = framework_get(organisation=Organisation.objects.get())
    assert stored.years["2023/24"].kpis["AFL13"].negatives_allowed
    text = dump_framework_text(stored)
    assert text.count("negative: allowed") == 1
    assert load_framework_text(text).years["2023/24"].kpis["AFL13"].negatives_allowed


def test_a_negative_value_imports_only_for_a_kpi_that_allows_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fw_file = tmp_path / "framework.yaml"
    fw_file.write_text(_allowing(), encoding="utf-8")
    assert main(["import", "framework", str(fw_file)]) == 0
    values = tmp_path / "values.csv"
    values.write_text("ref,period,value\nAFL13,2024-01,-5\n", encoding="utf-8")
    assert main(["import", "values", str(values)]) == 0
    assert PeriodValue.objects.get(kpi__ref="AFL13").value == Decimal(-5)
    values.write_text("ref,period,value\nAFL14,2024-01,-5\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "values", str(values)]) == 2
    assert "the value must not be negative, found -5: AFL14" in capsys.readouterr().err


def test_a_kpi_set_carries_the_setting_to_next_year(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    fw_file = tmp_path / "framework.yaml"
    fw_file.write_text(_allowing(), encoding="utf-8")
    assert main(["import", "framework", str(fw_file)]) == 0
    assert main(["import", "kpi-set", str(NNC / "kpi_set_2024-25.csv")]) == 0
    assert Kpi.objects.get(ref="AFL13", kpi_set__year="2024/25").negatives_allowed
    assert not Kpi.objects.get(ref="AFL14", kpi_set__year="2024/25").negatives_allowed
