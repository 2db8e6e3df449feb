"""The framework in the database: saved from a file, read back the same, idempotent."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kpiboard.framework.dump import dump_framework
from kpiboard.framework.model import Framework
from kpiboard.kpis.models import Kpi, Organisation, SubMeasure, Target
from kpiboard.kpis.selectors import framework_get
from kpiboard.kpis.services import framework_save
from tests.store.conftest import database_fingerprint

pytestmark = pytest.mark.django_db


def test_saved_framework_reads_back_identically(nnc_framework: Framework) -> None:
    report = framework_save(framework=nnc_framework)
    assert len(report.created) == 45 and not report.updated
    org = Organisation.objects.get()
    stored = framework_get(organisation=org)
    assert dump_framework(stored) == dump_framework(nnc_framework)
    assert SubMeasure.objects.count() == 13
    assert Target.objects.filter(sub_measure__isnull=False).count() == 4  # STP31 P1–P4


def test_saving_again_changes_nothing(nnc_framework: Framework) -> None:
    framework_save(framework=nnc_framework)
    before = database_fingerprint()
    report = framework_save(framework=nnc_framework)
    assert report.unchanged == 45 and not report.created and not report.updated
    assert database_fingerprint() == before


def test_a_changed_kpi_is_updated_and_others_left(nnc_framework: Framework) -> None:
    framework_save(framework=nnc_framework)
    kpis = dict(nnc_framework.years["2023/24"].kpis)
    kpis["STP15"] = replace(kpis["STP15"], name="Major planning applications in time")
    sets = {"2023/24": replace(nnc_framework.years["2023/24"], kpis=kpis)}
    report = framework_save(framework=replace(nnc_framework, years=sets))
    assert report.updated == ["2023/24 STP15"] and report.unchanged == 44
    assert Kpi.objects.get(ref="STP15").name == "Major planning applications in time"


def test_dry_run_saves_nothing(nnc_framework: Framework) -> None:
    report = framework_save(framework=nnc_framework, dry_run=True)
    assert len(report.created) == 45 and report.dry_run
    assert not Organisation.objects.exists()


def test_kpis_missing_from_the_file_are_kept(nnc_framework: Framework) -> None:
    framework_save(framework=nnc_framework)
    kpis = dict(nnc_framework.years["2023/24"].kpis)
    del kpis["STP15"]
    sets = {"2023/24": replace(nnc_framework.years["2023/24"], kpis=kpis)}
    report = framework_save(framework=replace(nnc_framework, years=sets))
    assert report.kept == ["2023/24 STP15"]
    assert Kpi.objects.filter(ref="STP15").exists()


def test_reading_the_framework_takes_a_fixed_number_of_queries(
    nnc_framework: Framework, django_assert_max_num_queries: object
) -> None:
    framework_save(framework=nnc_framework)
    org = Organisation.objects.get()
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        framework_get(organisation=org)
