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

import csv
import math
import random
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
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
    Kind("count", "in_period", ("higher", "lower", "none"), (
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
class _Kpi:
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
    made = [_new_kpi(rnd, numbers, fys[0].label) for _ in range(kpis)]
    sets: list[list[tuple[_Kpi, dict[str, Any]]]] = [[(k, k.entry) for k in made]]
    removed: list[list[dict[str, str]]] = [[]]
    for fy in fys[1:]:
        current, gone = _next_set(rnd, numbers, [k for k, _ in sets[-1]], fy.label)
        sets.append(current)
        removed.append(gone)
    files = CountyFiles(folder=folder, framework=folder / "framework.yaml",
                        values=folder / "values.csv", kpis=kpis, years=[f.label for f in fys])
    _write_framework(files.framework, fys, sets, removed)
    _write_values(rnd, files, fys, sets)
    return files


def _new_kpi(rnd: random.Random, numbers: dict[str, int], year: str) -> _Kpi:
    directorate = rnd.choice(list(DIRECTORATES))
    prefix, services = DIRECTORATES[directorate]
    service = rnd.choice(services)
    kind = rnd.choice(KINDS)
    polarity = rnd.choice(kind.polarities)
    frequency = rnd.choice(FREQUENCIES)
    numbers[prefix] = numbers.get(prefix, 0) + 1
    ref = f"{prefix}{numbers[prefix]:03d}"
    name = rnd.choice(kind.names).format(w=rnd.choice(WORK))
    subs = rnd.choice(SUBS) if (kind.basis, kind.unit) in _SPLIT and rnd.random() < 0.15 \
        else []
    kpi = _Kpi(ref=ref, kind=kind, entry={}, frequency=frequency, subs=subs,
               level=rnd.uniform(kind.low, kind.high), trend=rnd.gauss(0, 0.04),
               season=rnd.choice([0, 0, rnd.uniform(0.02, 0.15)]), phase=rnd.uniform(0, 6.3),
               walk_sd=rnd.uniform(0.005, 0.04), size=rnd.choice([12, 40, 150, 600, 2500]),
               weights=[rnd.uniform(0.5, 2) for _ in subs])
    entry: dict[str, Any] = {
        "ref": ref, "name": f"{name} ({service})", "key_commitment": rnd.choice(COMMITMENTS),
        "directorate": directorate, "service": service, "frequency": frequency,
        "unit": kind.unit, "basis": kind.basis, "polarity": polarity}
    if frequency in ("monthly", "quarterly") and rnd.random() < 0.1:
        entry["arrears_months"] = str(MONTHS[frequency])
    if kind.unit in ("days", "weeks", "rate", "number", "ratio"):
        entry["decimals"] = "1" if kind.unit != "ratio" else "2"
    if rnd.random() < 0.1 and polarity in ("higher", "lower"):
        entry["tolerance"] = "none"
    elif rnd.random() < 0.6 and polarity in ("higher", "lower"):
        entry["tolerance"] = ({"points": str(rnd.choice([2, 3, 5]))} if kind.unit == "percent"
                              else {"relative": str(rnd.choice([5, 10, 15]))})
    if rnd.random() < 0.25 and kind.basis != "cumulative":
        entry["benchmark"] = {"value": _figure(kind, kpi.level * MONTHS[frequency]
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


def _next_set(rnd: random.Random, numbers: dict[str, int], last: list[_Kpi],
              year: str) -> tuple[list[tuple[_Kpi, dict[str, Any]]], list[dict[str, str]]]:
    """The next year's set: a few KPIs removed (and as many new), a few renumbered; every
    other KPI carried over (what it measures is inherited from last year's entry)."""
    changes = max(0, round(len(last) * 0.02)) if len(last) >= 20 else 0
    drop = set(rnd.sample(range(len(last)), changes))
    renumber = set(rnd.sample(sorted(set(range(len(last))) - drop), changes // 2))
    current: list[tuple[_Kpi, dict[str, Any]]] = []
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

def _write_framework(path: Path, fys: list[Any], sets: list[list[tuple[_Kpi, dict[str, Any]]]],
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


def _target(rnd: random.Random, kpi: _Kpi, fy: Any, y: int) -> Any:
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
    return _figure(kind, level * better)


def _figure(kind: Kind, x: float) -> str:
    if kind.unit in ("count",):
        return f"{max(0, round(x)):,}"
    if kind.unit == "money":
        return f"£{max(0, round(x)):,}"
    return f"{max(0.0, x):.{2 if kind.unit == 'ratio' else 1}f}"


# -- the values -----------------------------------------------------------------------------------

def _series(rnd: random.Random, kpi: _Kpi, month: int) -> None:
    """Extend the KPI's monthly levels (and a ratio's denominators) to ``month`` months."""
    while len(kpi.months) < month:
        t = len(kpi.months)
        kpi.walk += rnd.gauss(0, kpi.walk_sd)
        x = kpi.level * (1 + kpi.trend) ** (t / 12) * (
            1 + kpi.season * math.sin(2 * math.pi * t / 12 + kpi.phase) + kpi.walk
            + rnd.gauss(0, kpi.walk_sd))
        if kpi.kind.unit == "percent":
            x = min(99.5, max(0.5, x))
        kpi.months.append(max(0.0, x))
        kpi.dens.append(max(1, round(kpi.size * (1 + rnd.gauss(0, 0.15)))))


def _rows(rnd: random.Random, kpi: _Kpi, ref: str, start: int, months: int,
          label: str) -> list[list[str]]:
    """The KPI's (and its sub-measures') rows for one period: ``months`` months from month
    ``start`` (counted from the first April) — ref, sub_measure, period, value, numerator,
    denominator, commentary."""
    kind = kpi.kind
    _series(rnd, kpi, start + months)
    span = range(start, start + months)
    year_start = start - start % 12
    if kind.basis == "ratio":
        den = sum(kpi.dens[m] for m in span)
        num = sum(round(kpi.dens[m] * kpi.months[m] / 100) for m in span)
        parts = _split(rnd, kpi, num, den) if kpi.subs else []
        return [[ref, "", label, *_percent(num, den)],
                *[[ref, s, label, *_percent(n, d)] for s, (n, d) in parts]]
    if kind.basis == "in_period":
        x = sum(kpi.months[m] for m in span)
    elif kind.basis == "cumulative":
        x = sum(kpi.months[m] for m in range(year_start, start + months))
        x = min(x, 99.9) if kind.unit == "percent" else x
    elif kind.basis == "average":
        x = sum(kpi.months[m] for m in span) / months
    else:  # snapshot, rolling_12: the position at the period's end
        x = kpi.months[start + months - 1]
    if kind.unit == "count" and kpi.subs:
        total = max(0, round(x))
        parts = _split(rnd, kpi, total, 0)
        return [[ref, "", label, f"{total:,}", "", ""],
                *[[ref, s, label, f"{n:,}", "", ""] for s, (n, _) in parts]]
    text = {"percent": f"{x:.1f}%", "count": f"{max(0, round(x)):,}", "days": f"{x:.1f} days",
            "weeks": f"{x:.1f} weeks", "money": f"£{x:,.2f}"}.get(kind.unit) or \
        _figure(kind, x)
    return [[ref, "", label, text, "", ""]]


def _split(rnd: random.Random, kpi: _Kpi, num: int, den: int) -> list[tuple[str, tuple[int, int]]]:
    """A total shared out between the sub-measures (numerator and denominator both)."""
    shares = [w * rnd.uniform(0.8, 1.2) for w in kpi.weights]
    total = sum(shares)
    nums = _shares(num, [s / total for s in shares])
    dens = _shares(den, [s / total for s in shares])
    return [(s, (min(n, d) if den else n, d)) for s, n, d in zip(kpi.subs, nums, dens,
                                                                  strict=True)]


def _shares(whole: int, fractions: list[float]) -> list[int]:
    out = [int(whole * f) for f in fractions]
    out[-1] += whole - sum(out)
    return out


def _percent(num: int, den: int) -> list[str]:
    if not den:
        return ["N/A", str(num), str(den)]
    value = (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return [f"{value}%", str(num), str(den)]


def _periods(fy: Any, frequency: str) -> list[tuple[int, str]]:
    """(first month counted from April of the year, label) of each period of ``fy``."""
    if frequency == "monthly":
        return [(i, p.key) for i, p in enumerate(fy.months())]
    if frequency == "quarterly":
        return [(i * 3, p.key) for i, p in enumerate(fy.quarters())]
    if frequency == "half_yearly":
        return [(0, f"{fy.label}-H1"), (6, f"{fy.label}-H2")]
    return [(0, fy.label)]


def _write_values(rnd: random.Random, files: CountyFiles, fys: list[Any],
                  sets: list[list[tuple[_Kpi, dict[str, Any]]]]) -> None:
    rows: list[list[str]] = []
    for y, (fy, kpis) in enumerate(zip(fys, sets, strict=True)):
        revised: list[list[str]] = []
        for kpi, entry in kpis:
            frequency = kpi.frequency
            arrears = "arrears_months" in kpi.entry
            for i, (month, label) in enumerate(_periods(fy, frequency)):
                group = _rows(rnd, kpi, entry["ref"], y * 12 + month, MONTHS[frequency], label)
                if y == len(fys) - 1 and arrears and i == len(_periods(fy, frequency)) - 1:
                    group = [[*r[:3], "N/A Reporting one month in arrears", "", ""]
                             for r in group]
                elif rnd.random() < 0.015:
                    if rnd.random() < 0.5:
                        continue  # no row at all: missing
                    group = [[*r[:3], rnd.choice(["Data unavailable", "TBC"]), "", ""]
                             for r in group]
                elif rnd.random() < 0.02 and group[0][3][0] in "0123456789£":
                    revised.append([*group[0][:3], *_revised(kpi, group[0]), ""])
                comment = ""
                if rnd.random() < 0.1:
                    comment = rnd.choice(COMMENTS).format(
                        d=rnd.choice(["An improvement", "A decline", "Little change"]),
                        d2=rnd.choice(["improved", "fell", "held steady"]),
                        r=rnd.choice(REASONS))
                    files.commentaries += 1
                rows += [[*r, comment if not r[1] else ""] for r in group]
        if revised:  # some of the year's figures, revised after it ends
            path = files.folder / f"revisions_{fy.label.replace('/', '-')}.csv"
            _csv(path, revised)
            files.revisions.append((path, f"{fy.label} figures revised after year-end "
                                          "validation"))
            files.revised_rows += len(revised)
    _csv(files.values, rows)
    files.value_rows = len(rows)


def _revised(kpi: _Kpi, row: list[str]) -> list[str]:
    """A revised figure for a row: a little different from the first one."""
    if row[4]:  # a ratio: a few more in the numerator (or fewer)
        num, den = int(row[4]), int(row[5])
        return _percent(max(0, min(den, num + (1 if num < den else -1))), den)
    text = row[3]
    digits = "".join(c for c in text if c.isdigit() or c == ".")
    x = float(digits) * 1.03 + 1
    unit = kpi.kind.unit
    new = {"percent": f"{min(x, 99.9):.1f}%", "count": f"{round(x):,}",
           "days": f"{x:.1f} days", "weeks": f"{x:.1f} weeks", "money": f"£{x:,.2f}"}.get(
        unit) or _figure(kpi.kind, x)
    return [new, "", ""]


def _csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(rows)


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
