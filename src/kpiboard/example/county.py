"""A county council made up, at scale, as a standard fixture for tests and benchmarks.

``county_write`` writes a realistic council in the project's own import formats: a framework
file (``framework.yaml``: six directorates of four to six services, one KPI set per financial
year, the later years' sets with a few KPIs new, removed and renumbered) and values files
(``values.csv``, then ``revisions_YYYY-YY.csv`` with the figures revised at each year end).
Every KPI has its own level, trend, seasonality and random walk, so no two series are copies;
KPIs come in every frequency (some reported in arrears), every unit, both polarities (and
close-to-target and tracking ones), with annual and profiled targets, tolerances, benchmarks
and sub-measures; values are sometimes missing and sometimes have commentary. Everything is
drawn from one seeded ``random.Random``: the same arguments write the same files.

``county_import`` loads the files through the importers (``load_framework`` and
``framework_save``, ``read_period_data`` and ``values_import``: what ``kpiboard import
framework`` and ``kpiboard import values --reason ...`` run); ``county_load`` does both.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from kpiboard.kpis.models import Organisation

NAME = "Midshire County Council"
LAST_YEAR = 2024  # the last financial year is 2024/25
COLUMNS = ["ref", "sub_measure", "period", "value", "numerator", "denominator", "commentary"]
DIRECTORATES: dict[str, tuple[str, list[str]]] = {  # name: (ref prefix, services)
    "Adults, Health & Housing": ("AHH", ["Adult Social Care", "Safeguarding Adults",
                                         "Housing", "Homelessness", "Public Health"]),
    "Children's Services": ("CHS", ["Children's Social Care", "Education", "SEND",
                                    "Early Help"]),
    "Place & Environment": ("PLE", ["Planning", "Highways", "Waste & Recycling",
                                    "Regulatory Services", "Transport", "Climate"]),
    "Communities & Leisure": ("COM", ["Libraries", "Leisure", "Community Safety",
                                      "Customer Services"]),
    "Finance & Resources": ("FIN", ["Revenues & Benefits", "Finance", "Procurement", "ICT",
                                    "Legal & Democratic"]),
    "Chief Executive's Office": ("CEX", ["HR & Workforce", "Communications",
                                         "Policy & Performance", "Economic Development"]),
}
TRUST = "Children's Social Care"  # rated by the children's trust scheme
COMMITMENTS = ["Safe and thriving places", "Better, brighter futures",
               "Active, fulfilled lives", "Greener, sustainable environment",
               "Modern public services"]
SUBS = [["North", "South", "East", "West"], ["P1", "P2", "P3", "P4"], ["18-64", "65+"],
        ["Under 5", "5-15", "16-17"]]
FREQUENCIES = ["monthly"] * 13 + ["quarterly"] * 4 + ["half_yearly"] + ["annual"] * 2
_SPLIT = {("ratio", "percent"), ("in_period", "count"), ("snapshot", "count")}
MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "annual": 12}


@dataclass(frozen=True)
class Kind:
    """A kind of KPI: what it measures and how its values add up and are written."""

    unit: str
    basis: str
    polarities: tuple[str, ...]
    names: tuple[str, ...]
    low: float  # the range of a month's level
    high: float


KINDS = [
    Kind("percent", "ratio", ("higher",), (
        "Percentage of {w} completed within timescale", "Percentage of {w} resolved at first "
        "contact", "Percentage of {w} meeting the quality standard"), 55, 97),
    Kind("percent", "ratio", ("lower",), (
        "Percentage of {w} re-opened within 12 months", "Percentage of {w} overdue"), 4, 35),
    Kind("percent", "cumulative", ("higher",), ("Percentage of {w} collected to date",), 8, 8.2),
    Kind("percent", "snapshot", ("higher", "lower"), ("Percentage of {w} at period end",),
         20, 90),
    Kind("count", "in_period", ("none", "higher", "lower"), (
        "Number of {w} received", "Number of {w} completed", "Number of {w} started"), 8, 900),
    Kind("count", "snapshot", ("lower", "none"), ("Number of open {w} at period end",
                                                  "Number of {w} waiting"), 15, 2500),
    Kind("count", "cumulative", ("higher",), ("Number of {w} delivered in the year to date",),
         3, 60),
    Kind("days", "average", ("lower", "target"), ("Average days to process {w}",), 4, 60),
    Kind("weeks", "average", ("lower",), ("Average weeks waiting for {w}",), 2, 26),
    Kind("money", "cumulative", ("higher", "lower"), ("Income from {w} in the year to date",
                                                      "Spend on {w} in the year to date"),
         20_000, 900_000),
    Kind("rate", "rolling_12", ("lower", "higher"), ("Rate of {w} per 10,000 population",),
         5, 400),
    Kind("ratio", "snapshot", ("lower",), ("Ratio of {w} to staff",), 0.5, 4),
    Kind("number", "average", ("higher",), ("Average satisfaction score for {w} (0 to 10)",),
         5, 9),
]
WORK = ["applications", "assessments", "referrals", "requests", "cases", "complaints",
        "inspections", "enquiries", "claims", "reviews", "placements", "repairs",
        "plans", "licences", "visits", "invoices"]
COMMENTS = ["{d} on last period. {r}", "Performance {d2} this period. {r}",
            "{r} The service expects the position to recover next quarter.",
            "The figure {d2} as forecast. {r} Actions are in the service plan."]
REASONS = ["Demand was higher than usual after the school holidays.",
           "Two vacancies in the team were filled during the period.",
           "A new case management system went live and slowed processing for a few weeks.",
           "Winter pressures added to the workload.", "A backlog was cleared.",
           "Staff sickness reduced capacity.", "A data cleanse removed duplicate records."]


@dataclass
class CountyFiles:
    """What ``county_write`` wrote: the framework file, the values file and each revisions
    file with the reason to import it with, and how much is in them."""

    folder: Path
    framework: Path
    values: Path
    revisions: list[tuple[Path, str]] = field(default_factory=list)
    kpis: int = 0  # KPIs in each year's set
    years: list[str] = field(default_factory=list)
    value_rows: int = 0
    revised_rows: int = 0
    commentaries: int = 0


@dataclass
class CountyKpi:
    """One KPI across the years (its ref may change), with its own series."""

    ref: str
    kind: Kind
    entry: dict[str, Any]  # its framework entry in the year it starts
    frequency: str
    subs: list[str]
    level: float
    trend: float  # growth a year, as a fraction
    season: float  # amplitude of the seasonal swing, as a fraction
    phase: float
    walk_sd: float
    size: int = 0  # a ratio KPI's monthly denominator
    walk: float = 0.0
    weights: list[float] = field(default_factory=list)
    months: list[float] = field(default_factory=list)  # the month levels, all years
    dens: list[int] = field(default_factory=list)


def county_write(*, folder: Path, kpis: int = 500, years: int = 10, seed: int = 1) -> CountyFiles:
    """Write the county's framework and values files into ``folder`` (created if need be).
    The last year is 2024/25; ``years`` years lead up to it."""
    if kpis < 1 or years < 1:
        raise ValueError(f"a county needs at least one KPI and one year, not {kpis} and {years}")
    from kpiboard.engine.periods import FinancialYear

    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    fys = [FinancialYear(LAST_YEAR - years + 1 + i) for i in range(years)]
    numbers: dict[str, int] = {}
    made = [_new_kpi(rnd, numbers, fys[0].label, i) for i in range(kpis)]
    sets: list[list[tuple[CountyKpi, dict[str, Any]]]] = [[(k, k.entry) for k in made]]
    removed: list[list[dict[str, str]]] = [[]]
    for fy in fys[1:]:
        current, gone = _next_set(rnd, numbers, [k for k, _ in sets[-1]], fy.label)
        sets.append(current)
        removed.append(gone)
    files = CountyFiles(folder=folder, framework=folder / "framework.yaml",
                        values=folder / "values.csv", kpis=kpis, years=[f.label for f in fys])
    _write_framework(files.framework, fys, sets, removed)
    from kpiboard.example.county_values import values_write

    values_write(rnd, files, fys, sets)
    return files


def _new_kpi(rnd: random.Random, numbers: dict[str, int], year: str,
             index: int = -1) -> CountyKpi:
    """A KPI drawn at random; the first few (``index``) take each kind, its first two
    polarities and each frequency in turn, so that a small county has every one."""
    directorate = rnd.choice(list(DIRECTORATES))
    prefix, services = DIRECTORATES[directorate]
    service = rnd.choice(services)
    kind = rnd.choice(KINDS)
    polarity = rnd.choice(kind.polarities)
    frequency = rnd.choice(FREQUENCIES)
    if 0 <= index < 2 * len(KINDS):
        kind = KINDS[index % len(KINDS)]
        polarity = kind.polarities[index // len(KINDS) % len(kind.polarities)]
        frequency = list(MONTHS)[index % len(MONTHS)]
    numbers[prefix] = numbers.get(prefix, 0) + 1
    ref = f"{prefix}{numbers[prefix]:03d}"
    name = rnd.choice(kind.names).format(w=rnd.choice(WORK))
    first = 0 <= index < len(KINDS)  # the first of its kind: sub-measures if it can
    subs = rnd.choice(SUBS) if (kind.basis, kind.unit) in _SPLIT and (
        first or rnd.random() < 0.15) else []
    kpi = CountyKpi(ref=ref, kind=kind, entry={}, frequency=frequency, subs=subs,
               level=rnd.uniform(kind.low, kind.high), trend=rnd.gauss(0, 0.04),
               season=rnd.choice([0, 0, rnd.uniform(0.02, 0.15)]), phase=rnd.uniform(0, 6.3),
               walk_sd=rnd.uniform(0.005, 0.04), size=rnd.choice([12, 40, 150, 600, 2500]),
               weights=[rnd.uniform(0.5, 2) for _ in subs])
    entry: dict[str, Any] = {
        "ref": ref, "name": f"{name} ({service})", "key_commitment": rnd.choice(COMMITMENTS),
        "directorate": directorate, "service": service, "frequency": frequency,
        "unit": kind.unit, "basis": kind.basis, "polarity": polarity}
    if frequency in ("monthly", "quarterly") and (index in (0, 1) or rnd.random() < 0.1):
        entry["arrears_months"] = str(MONTHS[frequency])
    if kind.unit in ("days", "weeks", "rate", "number", "ratio"):
        entry["decimals"] = "1" if kind.unit != "ratio" else "2"
    if rnd.random() < 0.1 and polarity in ("higher", "lower"):
        entry["tolerance"] = "none"
    elif rnd.random() < 0.6 and polarity in ("higher", "lower"):
        entry["tolerance"] = ({"points": str(rnd.choice([2, 3, 5]))} if kind.unit == "percent"
                              else {"relative": str(rnd.choice([5, 10, 15]))})
    if rnd.random() < 0.25 and kind.basis != "cumulative":
        entry["benchmark"] = {"value": figure_text(kind, kpi.level * MONTHS[frequency]
                                               if kind.basis == "in_period" else kpi.level),
                              "source": "LG Inform", "period": _previous(year),
                              "group": rnd.choice(["CIPFA nearest neighbours",
                                                   "England average", "Shire counties"])}
    if frequency != "monthly" and directorate in ("Finance & Resources",
                                                  "Chief Executive's Office"):
        entry["sets"] = ["organisational health"]
        entry["theme"] = rnd.choice(["Financial", "Customer", "Workforce"])
    if subs:
        entry["sub_measures"] = [{"code": s, "name": f"{s} ({name.lower()})"} for s in subs]
    kpi.entry = entry
    return kpi


def _previous(year: str) -> str:
    start = int(year[:4]) - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _next_set(rnd: random.Random, numbers: dict[str, int], last: list[CountyKpi],
              year: str) -> tuple[list[tuple[CountyKpi, dict[str, Any]]], list[dict[str, str]]]:
    """The next year's set: a few KPIs removed (and as many new), a few renumbered; every
    other KPI carried over (what it measures is inherited from last year's entry)."""
    changes = max(0, round(len(last) * 0.02)) if len(last) >= 20 else 0
    drop = set(rnd.sample(range(len(last)), changes))
    renumber = set(rnd.sample(sorted(set(range(len(last))) - drop), changes // 2))
    current: list[tuple[CountyKpi, dict[str, Any]]] = []
    gone = [{"ref": last[i].ref, "note": "Removed from the corporate set at the annual review."}
            for i in sorted(drop)]
    for i, kpi in enumerate(last):
        if i in drop:
            continue
        entry = {"ref": kpi.ref, **{key: kpi.entry[key] for key in (
            "name", "key_commitment", "directorate", "service")}}
        if i in renumber:
            prefix = kpi.ref.rstrip("0123456789")
            numbers[prefix] += 1
            entry["ref"] = f"{prefix}{numbers[prefix]:03d}"
            entry["previous"] = kpi.ref
            kpi.ref = entry["ref"]
        current.append((kpi, entry))
    for _ in drop:
        new = _new_kpi(rnd, numbers, year)
        new.entry["status"] = "new"
        new.entry["change"] = {"kind": "new", "note": "Added at the annual review."}
        current.append((new, new.entry))
    return current, gone


# -- the framework file -------------------------------------------------------------------------

def _write_framework(path: Path, fys: list[Any], sets: list[list[tuple[CountyKpi, dict[str, Any]]]],
                     removed: list[list[dict[str, str]]]) -> None:
    head = {
        "kpiboard": "1",
        "organisation": {"name": NAME, "short_name": "MCC"},
        "rating_schemes": {"county": {"preset": "nnc"}, "trust": {"preset": "childrens_trust"}},
        "direction_schemes": {"county": {"preset": "nnc"},
                              "trust": {"preset": "childrens_trust"}},
        "defaults": {"rating_scheme": "county", "direction_scheme": "county"},
        "key_commitments": COMMITMENTS,
        "directorates": [{"name": d, "services": [
            {"name": s, "rating_scheme": "trust", "direction_scheme": "trust"} if s == TRUST
            else s for s in services]} for d, (_, services) in DIRECTORATES.items()],
    }
    lines = [f"# {NAME}: a made-up county council (kpiboard.example.county).",
             yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100).rstrip(),
             "years:"]
    rnd = random.Random(len(fys))  # targets: independent of the series
    for y, (fy, kpis, gone) in enumerate(zip(fys, sets, removed, strict=True)):
        lines += [f"  {fy.label}:", "    kpis:"]
        for kpi, entry in kpis:
            target = _target(rnd, kpi, fy, y)
            if target is not None:
                entry = {**entry, "target": target}
            lines.append("    - " + _flow(entry))
        if gone:
            lines.append("    removed:")
            lines += ["    - " + _flow(g) for g in gone]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _flow(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, default_flow_style=True, sort_keys=False, allow_unicode=True,
                          width=1_000_000).strip()


def _target(rnd: random.Random, kpi: CountyKpi, fy: Any, y: int) -> Any:
    """The KPI's target for year ``y`` (from 0): near its level, a little better."""
    polarity, kind = kpi.entry["polarity"], kpi.kind
    level = kpi.level * (1 + kpi.trend) ** y
    if polarity == "none":
        return "No target - tracking indicator only"
    if rnd.random() < 0.03:
        return "Target under review"
    better = 1 + (0.04 if polarity == "higher" else -0.04)
    if polarity == "target":
        low = round(level * 0.9)
        return f"{low} to {low + max(2, round(level * 0.15))}"
    if kind.unit == "percent" and kind.basis != "cumulative":
        return f"{min(99.0, round(level * better, 1))}%"
    if kind.basis == "cumulative":
        year = level * 12 * better
        if kind.unit == "percent":
            return f"{min(99.0, round(year, 1))}%"
        if rnd.random() < 0.5:
            return " / ".join(f"{round(year * q / 4):,}" for q in (1, 2, 3, 4))
        return f"Year end target {round(year):,}"
    if kind.basis == "in_period":
        annual = max(4, round(level * 12 * better))
        if rnd.random() < 0.3:  # profiled: a busier winter
            weights = [0.22, 0.24, 0.27]
            q = [round(annual * w) for w in weights]
            label = fy.label
            return {"annual": str(annual), "profile": {
                f"{label}-Q1": str(q[0]), f"{label}-Q2": str(q[1]), f"{label}-Q3": str(q[2]),
                f"{label}-Q4": str(annual - sum(q))}}
        month = max(1, round(annual / 12))
        return f"{annual:,}" if rnd.random() < 0.7 else f"{month * 12} ({month} per month)"
    return figure_text(kind, level * better)


def figure_text(kind: Kind, x: float) -> str:
    if kind.unit in ("count",):
        return f"{max(0, round(x)):,}"
    if kind.unit == "money":
        return f"£{max(0, round(x)):,}"
    return f"{max(0.0, x):.{2 if kind.unit == 'ratio' else 1}f}"


# -- loading --------------------------------------------------------------------------------------

def county_import(*, files: CountyFiles) -> Organisation:
    """Import the written files as ``kpiboard import framework`` and ``kpiboard import
    values [--reason ...]`` do: the framework, the values, then each year's revisions."""
    from kpiboard.data.services import values_import
    from kpiboard.framework import load_framework
    from kpiboard.imports.values import read_period_data
    from kpiboard.kpis.selectors import framework_get, organisation_get
    from kpiboard.kpis.services import framework_save

    fw = load_framework(files.framework)
    framework_save(framework=fw, source=str(files.framework))
    org = organisation_get(name=fw.organisation)
    stored = framework_get(organisation=org)
    for path, reason in [(files.values, ""), *files.revisions]:
        records = read_period_data(path, stored)
        values_import(organisation=org, values=records, source=path.name, reason=reason,
                      read_checked=True)
    return org


def county_load(*, kpis: int = 500, years: int = 10, seed: int = 1,
                folder: Path | None = None) -> Organisation:
    """Write the county (into ``folder``, or a temporary folder removed afterwards) and
    import it into the database."""
    if folder is not None:
        return county_import(files=county_write(folder=folder, kpis=kpis, years=years,
                                                seed=seed))
    with tempfile.TemporaryDirectory(prefix="kpiboard-county-") as tmp:
        return county_import(files=county_write(folder=Path(tmp), kpis=kpis, years=years,
                                                seed=seed))


def county_counts(organisation: Organisation) -> dict[str, int]:
    """What is stored for the county: KPIs (all years), values, revised values (a revision
    after the first) and commentaries."""
    from kpiboard.data.models import Commentary, PeriodValue
    from kpiboard.kpis.models import Kpi

    values = PeriodValue.objects.filter(kpi__kpi_set__organisation=organisation)
    return {"kpis": Kpi.objects.filter(kpi_set__organisation=organisation).count(),
            "values": values.count(), "revised": values.filter(revision__gt=1).count(),
            "commentaries": Commentary.objects.filter(
                kpi__kpi_set__organisation=organisation).count()}
