"""Seed 004's 2025-26 framework: core (monthly), service and organisational health sets, the
health themes Financial, Customer and Workforce, declared in the framework file, counted as
in its section 4.7 table, and every KPI in the reports whatever its frequency."""

from __future__ import annotations

from itertools import cycle

import pytest
import yaml

from kpiboard.engine.periods import Period
from kpiboard.framework import load_framework_text
from kpiboard.framework.review import framework_counts
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.services import framework_save
from kpiboard.reports.build import build_report

# Section 4.7: KPIs by key commitment and report section (Monthly, Service, Org. health)
TABLE = {
    "Active, fulfilled lives": (9, 18, 0),
    "Better, brighter futures": (17, 16, 0),
    "Connected communities": (0, 1, 2),
    "Greener, sustainable environment": (0, 14, 0),
    "Modern public services": (6, 3, 36),
    "Safe and thriving places": (11, 34, 0),
}
THEMES = ("Financial", "Customer", "Workforce")
LESS_OFTEN = ("quarterly", "quarterly", "half_yearly", "annual")


def framework_text() -> str:
    kpis = []
    often, themes = cycle(LESS_OFTEN), cycle(THEMES)
    for n_kc, (kc, (monthly, service, health)) in enumerate(TABLE.items()):
        for i in range(monthly):
            kpis.append({"ref": f"C{n_kc}{i:02d}", "name": f"Core {i}", "key_commitment": kc,
                         "polarity": "higher", "sets": ["core"], "target": 90})
        for i in range(service):
            kpis.append({"ref": f"S{n_kc}{i:02d}", "name": f"Service {i}",
                         "key_commitment": kc, "polarity": "higher", "frequency": next(often),
                         "sets": ["service"], "target": 90})
        for i in range(health):
            kpis.append({"ref": f"H{n_kc}{i:02d}", "name": f"Health {i}",
                         "key_commitment": kc, "polarity": "higher", "frequency": next(often),
                         "sets": ["organisational health"], "theme": next(themes),
                         "target": 90})
    return yaml.safe_dump({
        "kpiboard": 1, "organisation": {"name": "North Northamptonshire Council"},
        "rating_schemes": {"corporate": {"preset": "nnc"}},
        "direction_schemes": {"corporate": {"preset": "nnc"}},
        "defaults": {"rating_scheme": "corporate", "direction_scheme": "corporate"},
        "key_commitments": [{"name": kc} for kc in TABLE],
        "years": {"2025/26": {"kpis": kpis}},
    }, sort_keys=False)


def test_the_framework_counts_as_section_4_7() -> None:
    fw = load_framework_text(framework_text())
    counts = framework_counts(fw, year="2025-26")
    assert [(name, tuple(c)) for name, c in counts.rows] == [
        *((kc, (*row, sum(row))) for kc, row in TABLE.items()), ("Total", (43, 86, 38, 167))]
    kpis = fw.years["2025/26"].kpis.values()
    assert sum(k.frequency.value != "monthly" for k in kpis) == 124
    assert {k.theme for k in kpis if "organisational health" in k.sets} == set(THEMES)


@pytest.mark.django_db
def test_every_kpi_of_every_frequency_is_in_the_report() -> None:
    framework_save(framework=load_framework_text(framework_text()))
    org = Organisation.objects.get()
    june = Period.parse("2025-06")
    report = build_report(organisation=org, period=june, layout="summary", kpi_set="all",
                          group_by="set")
    assert [(s.title, len(s.rows)) for s in report.sections] == [
        ("Core KPIs", 43), ("Service KPIs", 86), ("Organisational health KPIs", 38)]
    # nothing is stored yet: each shows the period it is waiting for, in its own frequency
    waiting = {r.reported_period for r in report.rows}
    assert waiting == {"June 2025/26", "Q1 2025/26", "H2 2024/25", "2024/25"}
    assert len(report.not_reported) == 167
    health = build_report(organisation=org, period=june, kpi_set="organisational health",
                          group_by="theme")
    assert [s.title for s in health.sections] == sorted(THEMES)
    assert sum(len(s.rows) for s in health.sections) == 38
