"""Load the example council into the database (``kpiboard demo``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from kpiboard.data.models import Commentary, PeriodValue
from kpiboard.data.services import ValueInput, values_import
from kpiboard.framework import load_framework
from kpiboard.imports.kpiset import read_kpi_set
from kpiboard.imports.values import read_period_data
from kpiboard.kpis.models import Kpi
from kpiboard.kpis.selectors import framework_get, organisation_get
from kpiboard.kpis.services import framework_save


def demo_load(example: Path) -> str:
    """Load (or refresh) the example: its framework, next year's KPI set and its values.
    Running it again changes nothing. Returns what was loaded, in words."""
    from kpiboard.dbcli import merge_kpi_set

    fw = load_framework(example / "framework.yaml")
    framework_save(framework=fw)
    org = organisation_get(name=fw.organisation)
    kpi_set = example / "kpi_set_2024-25.csv"
    if kpi_set.exists():
        merged, problems = merge_kpi_set(framework_get(organisation=org),
                                         read_kpi_set(kpi_set), default_polarity="higher")
        assert not problems, problems
        framework_save(framework=merged)
    stored = framework_get(organisation=org)
    records = read_period_data(example / "values.csv", stored)
    report = values_import(
        organisation=org, source="values.csv", reason="published February 2024 report",
        values=[ValueInput(r.ref, r.period, r.text, r.value, r.state, r.sub_measure,
                           r.numerator, r.denominator, r.commentary) for r in records])
    counts = {y: Kpi.objects.filter(kpi_set__organisation=org, kpi_set__year=y).count()
              for y in sorted(stored.years)}
    sets = ", ".join(f"{y}: {n} KPIs" for y, n in counts.items())
    values = PeriodValue.objects.filter(kpi__kpi_set__organisation=org).count()
    notes = Commentary.objects.filter(kpi__kpi_set__organisation=org).count()
    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db['ENGINE']} {db['NAME']}"
    return (f"\nLoaded {org.name} into {where}:\n  KPI sets {sets}\n  {values} values "
            f"({report.created} new this run, {report.revised} revised), {notes} commentaries\n"
            f"  rating schemes: {', '.join(stored.rating_schemes)}; direction schemes: "
            f"{', '.join(stored.direction_schemes)}")
