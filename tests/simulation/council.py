"""A generated council for the two-year simulation: the example council's shape (its
directorates, services and rating rules) with a small KPI set for 2023/24 and 2024/25 that has
every frequency (monthly, quarterly, half-yearly, annual), a KPI in arrears, one with
sub-measures, and references written as councils write them (``STP16/17``, ``BBF05 (KPI 2)``,
``AFL08 OFLOG``) — and a few no council should write but that must still work in every
address and file name (``&``, ``%``, ``#``, ``?``).

It is loaded through the framework loader and saved by the framework service, as
``kpiboard import framework`` does.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from kpiboard.framework import load_framework
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.services import framework_save
from tests.simulation.cycle import People
from tests.workflow.people import PEOPLE, make_person

ORGANISATION = "Simulation Borough Council"
YEARS = ("2023/24", "2024/25")
HOUSING = {"directorate": "Adults & Housing", "service": "Housing Services"}
PLANNING = {"directorate": "Place & Economy", "service": "Growth & Regeneration"}
HIGHWAYS = {"directorate": "Place & Economy", "service": "Highways & Waste"}

# (ref, frequency, unit, basis, polarity, target, where, extra fields)
KPIS: list[tuple[str, str, str, str, str, str, dict[str, str], dict[str, Any]]] = [
    ("STP16/17", "monthly", "percent", "ratio", "higher", "85%", PLANNING, {}),
    ("AFL12", "monthly", "count", "in_period", "higher", "252 (21 per month)", HOUSING,
     {"arrears_months": 1}),
    ("HS01", "monthly", "count", "snapshot", "lower", "245", HOUSING,
     {"sub_measures": [{"code": "Corby", "name": "Corby"},
                       {"code": "Kettering", "name": "Kettering"}]}),
    ("STP29", "monthly", "count", "snapshot", "lower",
     "No target - tracking indicator only", HIGHWAYS, {}),
    ("BBF05 (KPI 2)", "quarterly", "count", "in_period", "higher", "120", HOUSING, {}),
    ("AFL08 OFLOG", "half_yearly", "percent", "ratio", "higher", "75%", HOUSING, {}),
    ("MPS 50%", "annual", "percent", "ratio", "higher", "50%", HOUSING, {}),
    ("R&D #1?", "quarterly", "count", "in_period", "higher", "40", HIGHWAYS, {}),
]
# Refs a test reverses and resolves in every address (the odd ones above).
ODD_REFS = ["STP16/17", "BBF05 (KPI 2)", "AFL08 OFLOG", "MPS 50%", "R&D #1?"]


def expected_status(text: str, target: float = 85.0) -> str:
    """STP16/17's status for a figure, by the council's rule: Green at or above the 85%
    target, Red more than 5% below it (by either reading of 5%), Amber between."""
    value = float(text.rstrip("%"))
    return "Green" if value >= target else "Red" if value < target - 5 else "Amber"


def explained(text: str) -> str:
    """How the sentence explaining STP16/17's status begins for a figure typed as ``text``
    (the figure written without trailing zeros: ``Red: 79%`` for ``79.0%``)."""
    number = Decimal(text.rstrip("%")).normalize()
    return f"{expected_status(text)}: {number:f}%"


def framework_data() -> dict[str, Any]:
    """The framework file's content, as a mapping."""
    years: dict[str, Any] = {}
    for year in YEARS:
        kpis = []
        for ref, frequency, unit, basis, polarity, target, where, extra in KPIS:
            kpis.append({"ref": ref, "name": f"Simulated {frequency} {unit} KPI {ref}",
                         "key_commitment": "Safe and thriving places", **where,
                         "frequency": frequency, "unit": unit, "basis": basis,
                         "polarity": polarity, "target": target, **extra})
        years[year] = {"kpis": kpis}
    return {
        "kpiboard": 1,
        "organisation": {"name": ORGANISATION, "short_name": "SBC"},
        "rating_schemes": {"nnc": {"preset": "nnc"}},
        "direction_schemes": {"nnc": {"preset": "nnc"}},
        "defaults": {"rating_scheme": "nnc", "direction_scheme": "nnc"},
        "key_commitments": ["Safe and thriving places"],
        "directorates": [
            {"name": "Adults & Housing", "services": ["Housing Services"]},
            {"name": "Place & Economy",
             "services": ["Growth & Regeneration", "Highways & Waste"]},
        ],
        "years": years,
    }


def framework_write(folder: Path) -> Path:
    path = folder / "framework.yaml"
    path.write_text(yaml.safe_dump(framework_data(), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def simulation_load(folder: Path) -> People:
    """Load the generated framework (both years) and one person per role."""
    framework_save(framework=load_framework(framework_write(folder)))
    org = Organisation.objects.get(name=ORGANISATION)
    users = {name: make_person(org, name, role, scope)
             for name, (role, scope) in PEOPLE.items()}
    return People(org, users)


def year_rollover(people: People, officer: Client, from_year: str, to_year: str) -> None:
    """The year is rolled over, as the performance team does it on the Years page: ``to_year``
    is opened (its KPI set checked against ``from_year``'s, its twelve reporting periods
    made). Every KPI of the new set continues one of the old (the same ref: unchanged), so
    history and direction of travel run across the year end. ``from_year`` is closed later,
    once the figures reported in arrears are in (``year_close``)."""
    from kpiboard.audit.models import Action, AuditEvent
    from kpiboard.framework.lineage import links
    from kpiboard.kpis.selectors import framework_get
    from kpiboard.workflow.models import ReportingPeriod

    page = officer.post(reverse("workflow:year_action", args=[to_year.replace("/", "-"),
                                                               "open"]), follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{to_year} open: " in text, text
    fw = framework_get(organisation=people.org, years=[from_year, to_year])
    kinds = {link.kind for link in links(fw, to_year).values()}
    assert kinds == {"unchanged"}, kinds
    assert ReportingPeriod.objects.filter(
        organisation=people.org, period__startswith=to_year[:4]).count() >= 9
    assert AuditEvent.objects.filter(action=Action.YEAR_OPENED, period=to_year).count() == 1


def year_close(people: People, officer: Client, year: str) -> None:
    """Close ``year`` on the Years page: every KPI's outturn recorded, its periods locked."""
    from kpiboard.audit.models import Action, AuditEvent
    from kpiboard.kpis.models import KpiSet, Outturn

    page = officer.post(reverse("workflow:year_action", args=[year.replace("/", "-"),
                                                               "close"]), follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{year} closed" in text
    kpi_set = KpiSet.objects.get(organisation=people.org, year=year)
    assert kpi_set.closed_at is not None
    # every KPI of the year has an outturn (its figure for the year, or one worked out), or
    # the page says it has none
    outturns = {o.kpi.ref for o in Outturn.objects.filter(kpi__kpi_set=kpi_set,
                                                          sub_measure="")}
    missing = sorted({k.ref for k in kpi_set.kpis.all()} - outturns)
    print(f"{year} closed: outturns for {sorted(outturns)}; none for {missing}")
    assert len(outturns) >= 5
    for ref in missing:
        assert escape(ref) in text
    assert AuditEvent.objects.filter(action=Action.YEAR_CLOSED, period=year).count() == 1
