"""Compare computed directions of travel with a published report's arrows.

The published report is a CSV transcription with at least the columns ``ref``,
``sub_measure`` and ``dot`` (see ``examples/nnc/published_report_2024-02.csv``). Every row
is classed as agreeing, agreeing with a variant glyph, or disagreeing, and a disagreement
names the rule of the report's own key that it breaks.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.assess import Assessment, assess
from kpiboard.engine.explain import explain_travel, num
from kpiboard.engine.periods import Period, PeriodKind
from kpiboard.engine.travel import Movement
from kpiboard.engine.types import Frequency, Polarity, ValueState
from kpiboard.framework.model import Framework
from kpiboard.framework.rate import ValueRow

# Glyphs that print the same arrow differently; they are accepted with a note.
VARIANTS = {"➔": "→", "⬆": "↑", "⬇": "↓", "⇒": "→", "⟶": "→"}
NOT_GIVEN = {"data unavailable", "n/a", "na", "-", ""}


@dataclass(frozen=True, slots=True)
class CheckRow:
    ref: str
    sub_measure: str
    period: Period
    published: str
    computed: str
    verdict: str  # "agrees", "variant", "differs"
    reason: str
    assessment: Assessment


def normalise(symbol: str) -> tuple[str, bool]:
    """The arrow as the key writes it, and whether a variant glyph or spacing was used."""
    core = re.sub(r"\(.*", "", symbol).strip()
    squeezed = core.replace(" ", "")
    out = "".join(VARIANTS.get(ch, ch) for ch in squeezed)
    return out, out != core


def _period_for(kpi_frequency: Frequency, period: Period, series: dict[Period, Observation]) -> (
        Period):
    if kpi_frequency is Frequency.MONTHLY or period.kind is not PeriodKind.MONTH:
        return period
    quarter = period.quarter_of()
    candidate = quarter if quarter.months()[-1] == period else quarter.previous()
    while candidate not in series and candidate.year == period.year and candidate.index > 1:
        candidate = candidate.previous()
    return candidate


def check(framework: Framework, rows: list[ValueRow], published: Path,
          period: Period) -> list[CheckRow]:
    series: dict[tuple[str, str], dict[Period, Observation]] = defaultdict(dict)
    for row in rows:
        series[(row.ref, row.sub_measure)][row.period] = row.observation
    subs_by_name: dict[tuple[str, str], str] = {}
    year = period.year.label
    for kpi in framework.years[year].kpis.values():
        for sub in kpi.sub_measures:
            subs_by_name[(kpi.ref, sub.name)] = sub.code
            subs_by_name[(kpi.ref, sub.code)] = sub.code
    out: list[CheckRow] = []
    with published.open(encoding="utf-8-sig") as f:
        for line in csv.DictReader(f):
            if (line.get("continuation") or "").strip():
                continue
            ref = line["ref"].strip()
            found = framework.kpi(ref, year)
            if found is None:
                continue
            code = subs_by_name.get((ref, (line.get("sub_measure") or "").strip()), "")
            s = series[(ref, code)]
            p = _period_for(found.frequency, period, s)
            a = assess(found, p, s, rating_scheme=framework.rating_scheme_for(found),
                       direction_scheme=framework.direction_scheme_for(found),
                       sub_measure=code or None, changes=framework.definition_changes(ref))
            out.append(_verdict(ref, code, p, line["dot"].strip(), a))
    return out


def _verdict(ref: str, sub: str, period: Period, published: str, a: Assessment) -> CheckRow:
    t = a.travel
    computed = t.symbol
    pub, variant = normalise(published)
    scheme = t.scheme
    key_symbols = set(scheme.symbols.values())

    def row(verdict: str, reason: str) -> CheckRow:
        return CheckRow(ref, sub, period, published, computed, verdict, reason, a)

    if t.movement is Movement.NOT_COMPARABLE:
        if published.strip().lower() in NOT_GIVEN or pub.lower() in NOT_GIVEN:
            return row("agrees", "no arrow can be given: " + t.reason)
        obs = a.observation
        if obs is not None and obs.state is not ValueState.VALUE and obs.state is not (
                ValueState.IN_ARREARS):
            return row("differs", f"the report shows {published!r} although {period.label} has "
                                  f"no value ({obs.state.value.replace('_', ' ')}); the key has "
                                  "no arrow for a missing value")
        return row("differs", f"the report shows {published!r}, comparing with a period it "
                              f"does not publish: {t.reason}")
    if pub == computed:
        return row("variant" if variant else "agrees",
                   f"written {published!r}, a variant of the key's {computed!r}" if variant
                   else explain_travel(t))
    if pub not in key_symbols:
        return row("differs", f"the report shows {published!r}, which is not in its direction-"
                              f"of-travel key; by the key it is {computed!r} ({explain_travel(t)})")
    if t.movement is Movement.DETERIORATED_ACCEPTABLE and t.on_target and a.target is not None:
        return row("differs", f"the key gives {computed!r} for a deterioration that is still on "
                              f"target ({num(t.current, a.kpi.unit)} against "
                              f"{num(a.target, a.kpi.unit)}); the report shows {published!r}")
    if a.kpi.polarity_for(sub or None) is Polarity.NONE:
        return row("differs", f"the KPI has no polarity, so the key gives {computed!r} for a "
                              f"value that {t.movement.value}; the report shows {published!r}")
    return row("differs", f"by the key it is {computed!r} ({explain_travel(t)}); the report shows "
                          f"{published!r}")


def print_check(result: list[CheckRow]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Direction of travel: computed against published", expand=True)
    for name, ratio in (("Ref", 2), ("Period", 2), ("Published", 2), ("Computed", 1),
                        ("Verdict", 1), ("Reason", 8)):
        table.add_column(name, ratio=ratio, overflow="fold")
    for r in result:
        table.add_row(f"{r.ref}/{r.sub_measure}" if r.sub_measure else r.ref, r.period.key,
                      r.published, r.computed, r.verdict, r.reason)
    console = Console(width=160)
    console.print(table)
    counts = summary(result)
    console.print(f"{len(result)} rows: {counts['agrees']} agree, {counts['variant']} agree "
                  f"with a variant glyph, {counts['differs']} break the report's own key.")


def summary(result: list[CheckRow]) -> dict[str, int]:
    counts = {"agrees": 0, "variant": 0, "differs": 0}
    for r in result:
        counts[r.verdict] += 1
    return counts


def write_check_csv(result: list[CheckRow], out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["ref", "sub_measure", "period", "published", "computed", "verdict", "reason"])
    for r in result:
        w.writerow([r.ref, r.sub_measure, r.period.key, r.published, r.computed, r.verdict,
                    r.reason])
