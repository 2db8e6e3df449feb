"""A KPI set spreadsheet's targets per sub-measure set the targets of the previous KPI's
sub-measures: they never replace the sub-measures (names, polarities, tolerances kept)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kpiboard.engine.kpi import KpiDefinition, SubMeasure
from kpiboard.engine.targets import Target
from kpiboard.framework.checks import sub_measures_with_targets

pytestmark = pytest.mark.django_db

NNC = Path(__file__).resolve().parents[2] / "examples" / "nnc"


def test_the_examples_2024_25_set_keeps_stp31s_sub_measures(db: None) -> None:
    from kpiboard.example import demo_load
    from kpiboard.kpis.models import Organisation
    from kpiboard.kpis.selectors import framework_get

    demo_load(NNC)
    fw = framework_get(organisation=Organisation.objects.get())
    before = fw.years["2023/24"].kpis["STP31"].sub_measures
    after = fw.years["2024/25"].kpis["STP31"].sub_measures
    assert [(s.code, s.name) for s in after] == [(s.code, s.name) for s in before]
    assert [s.targets["2024/25"].annual for s in after] == [Decimal("97.5")] * 2 + [
        Decimal(90)] * 2


def test_a_new_kpis_sub_measures_come_from_its_target_text() -> None:
    kpi = KpiDefinition("N1", "new", sub_measures=(
        SubMeasure("A", targets={"2024/25": Target(annual=Decimal(1))}),))
    assert sub_measures_with_targets(kpi, None, "2024/25") == (kpi.sub_measures, None)


def test_a_typo_is_reported_and_the_previous_sub_measures_kept() -> None:
    source = KpiDefinition("K", "k", sub_measures=(SubMeasure("P1", "first"),
                                                   SubMeasure("P2", "second")))
    kpi = KpiDefinition("K", "k", sub_measures=(
        SubMeasure("P1", targets={"2024/25": Target(annual=Decimal(1))}),
        SubMeasure("P9", targets={"2024/25": Target(annual=Decimal(2))})))
    subs, problem = sub_measures_with_targets(kpi, source, "2024/25")
    assert [(s.code, s.name) for s in subs] == [("P1", "first"), ("P2", "second")]
    assert problem is not None and "'P9'" in problem and "no target for P2" in problem
