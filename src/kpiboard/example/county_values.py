"""The values of the made-up county (``kpiboard.example.county``): each KPI's own monthly
series (level, trend, seasonality and a random walk), added up to its periods by its basis and
written as ``values.csv`` and a revisions file per year."""

from __future__ import annotations

import csv
import math
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from kpiboard.example.county import (
    COLUMNS,
    COMMENTS,
    MONTHS,
    REASONS,
    CountyFiles,
    CountyKpi,
    figure_text,
)


def _series(rnd: random.Random, kpi: CountyKpi, month: int) -> None:
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


def _rows(rnd: random.Random, kpi: CountyKpi, ref: str, start: int, months: int,
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
        figure_text(kind, x)
    return [[ref, "", label, text, "", ""]]


def _split(rnd: random.Random, kpi: CountyKpi, num: int,
           den: int) -> list[tuple[str, tuple[int, int]]]:
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


def values_write(rnd: random.Random, files: CountyFiles, fys: list[Any],
                  sets: list[list[tuple[CountyKpi, dict[str, Any]]]]) -> None:
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


def _revised(kpi: CountyKpi, row: list[str]) -> list[str]:
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
        unit) or figure_text(kpi.kind, x)
    return [new, "", ""]


def _csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(rows)
