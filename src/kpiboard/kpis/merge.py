"""What an import makes of the stored framework: a partial file adds and changes, and removes
only what it says to remove.

``framework_merged`` takes the stored framework and the one read from a file (or from a KPI
set spreadsheet) and gives the framework to store, with every deletion it makes, in words.
For each KPI the file gives that is stored already:

* sub-measures, targets (by year), a sub-measure's targets (by year), the benchmark and the
  comparators the file does not mention are kept; those it gives are added or changed;
* what the KPI's ``remove:`` list names (``kpiboard.framework.removals``) is deleted;
* with ``replace``, the file's KPI is the whole truth: whatever it leaves out is deleted.

A year's change notes are merged the same way (by ref; a KPI's ``remove: [change]`` deletes
its note; ``replace`` keeps only the file's). KPIs themselves are never deleted by an import:
a stored KPI the file does not give is kept, with its values.
"""

from __future__ import annotations

from dataclasses import replace as copy
from types import MappingProxyType
from typing import Any

from kpiboard.engine.kpi import Benchmark, KpiDefinition, SubMeasure
from kpiboard.engine.targets import Target
from kpiboard.framework.model import Framework, KpiChange, KpiSet
from kpiboard.framework.removals import Removal


def framework_merged(stored: Framework, incoming: Framework, *, replace: bool = False
                     ) -> tuple[Framework, list[str]]:
    """The framework to store, and each deletion (``STP29 sub-measure P4 (and its 2
    targets) in 2023/24``), in the order of the file."""
    years = dict(incoming.years)
    deletions: list[str] = []
    for year, kpi_set in incoming.years.items():
        old_set = stored.years.get(year)
        if old_set is None:
            continue
        kpis = {}
        for ref, kpi in kpi_set.kpis.items():
            old = old_set.kpis.get(ref)
            if old is not None and not replace:
                removals = [x for x in kpi_set.removals if x.ref == ref]
                kpi = _kpi_merged(old, kpi, removals)
            kpis[ref] = kpi
            if old is not None:
                deletions += _kpi_deletions(year, old, kpi)
        changes, removed = kpi_set.changes, kpi_set.removed
        if not replace:
            gone = {x.ref for x in kpi_set.removals if x.what == "change"}
            changes = _changes_merged(old_set.changes, changes, gone)
            removed = _changes_merged(old_set.removed, removed, set())
        kept = {c.ref for c in changes}, {c.ref for c in removed}
        for c in (*old_set.changes, *old_set.removed):
            if c.ref not in kept[c.kind == "removed"]:
                deletions.append(f"the {year} change note for {c.ref} ({c.kind}"
                                 f"{': ' + _short(c.note) if c.note else ''})")
        years[year] = KpiSet(year, kpis, changes, removed, kpi_set.removals)
    return copy(incoming, years=years), deletions


def _kpi_merged(old: KpiDefinition, new: KpiDefinition, removals: list[Removal]
                ) -> KpiDefinition:
    gone_subs = {x.code for x in removals if x.what == "sub_measure"}
    gone_targets = {(x.code, x.target_year) for x in removals if x.what == "target"}
    what = {x.what for x in removals}
    new_codes = {s.code for s in new.sub_measures}
    subs = [_sub_merged(old.sub_measure(s.code), s, gone_targets) for s in new.sub_measures]
    subs += [copy(s, targets=_targets_merged(s.targets, {}, s.code, gone_targets))
             for s in old.sub_measures if s.code not in new_codes and s.code not in gone_subs]
    benchmark = new.benchmark
    if benchmark is None and "benchmark" not in what:
        benchmark = old.benchmark
    comparators = list(new.comparators)
    if "comparators" not in what:
        keys = {_key(b) for b in comparators}
        comparators += [b for b in old.comparators if _key(b) not in keys]
    return copy(new, targets=_targets_merged(old.targets, new.targets, "", gone_targets),
                sub_measures=tuple(subs), benchmark=benchmark, comparators=tuple(comparators))


def _sub_merged(old: SubMeasure | None, new: SubMeasure, gone: set[tuple[str, str]]
                ) -> SubMeasure:
    if old is None or old.code != new.code:
        return new
    return copy(new, targets=_targets_merged(old.targets, new.targets, new.code, gone))


def _targets_merged(old: Any, new: Any, code: str, gone: set[tuple[str, str]]) -> Any:
    merged: dict[str, Target] = {y: t for y, t in old.items() if (code, y) not in gone}
    merged.update(new)
    return MappingProxyType(merged)


def _key(b: Benchmark) -> tuple[str, str]:
    return (b.group, b.source or b.text)


def _changes_merged(old: tuple[KpiChange, ...], new: tuple[KpiChange, ...], gone: set[str]
                    ) -> tuple[KpiChange, ...]:
    given = {c.ref for c in new}
    return (*new, *(c for c in old if c.ref not in given and c.ref not in gone))


def _kpi_deletions(year: str, old: KpiDefinition, new: KpiDefinition) -> list[str]:
    out = []
    ref = old.ref
    for y in old.targets:
        if y not in new.targets:
            out.append(f"{ref} target for {y} ({_short(old.targets[y].text)}) in {year}")
    new_subs = {s.code: s for s in new.sub_measures}
    for s in old.sub_measures:
        kept = new_subs.get(s.code)
        if kept is None:
            n = len(s.targets)
            also = f" (and its {n} target{'s' if n != 1 else ''})" if n else ""
            out.append(f"{ref} sub-measure {s.code}{also} in {year}")
            continue
        out += [f"{ref} sub-measure {s.code} target for {y} in {year}"
                for y in s.targets if y not in kept.targets]
    if old.benchmark is not None and new.benchmark is None:
        out.append(f"{ref} benchmark ({_short(old.benchmark.text or str(old.benchmark.value))})"
                   f" in {year}")
    keys = {_key(b) for b in new.comparators}
    out += [f"{ref} comparator {_short(b.group or b.source or b.text)} in {year}"
            for b in old.comparators if _key(b) not in keys]
    return out


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 60 else text[:57] + "…"
