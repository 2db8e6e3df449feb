"""A KPI's lineage across years: which KPI(s) of the previous year's set it continues.

Each KPI of a year's set is linked to the previous year's set in one of these ways:

- **unchanged** (or redefined, ``changed``): the same ref is in the previous set and no
  change names other predecessors;
- **renumbered** / **moved**: one predecessor under another ref (``AFL08`` → ``AFL08 OFLOG``);
- **merged**: several predecessors (``STP16`` + ``STP17`` → ``STP16/17``);
- **split**: one predecessor shared with other successors, each saying ``split``;
- **new**: no predecessor.

The links are the year's ``changes`` (``KpiChange.previous_refs``); a KPI with no change
continues the KPI of the same ref, if there is one. ``history`` gives the series a
direction of travel and a chart read across the year end, with predecessors' values in
earlier years (merged predecessors combined where their figures can be added up).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.periods import FinancialYear, Period
from kpiboard.engine.types import Unit, ValueBasis, ValueState
from kpiboard.framework.model import COMPARABILITY_BREAKS, Framework, KpiSet

Series = Mapping[Period, Observation]
# The words a change kind may be given as; "redefined" is the same as "changed".
KIND_ALIASES = {"redefined": "changed", "unchanged": "unchanged"}


@dataclass(frozen=True, slots=True)
class Link:
    """How ``ref`` in ``year``'s set continues the previous year's set."""

    year: str
    ref: str
    kind: str  # unchanged, changed, renumbered, moved, merged, split, new
    previous_year: str
    previous_refs: tuple[str, ...] = ()
    note: str = ""

    @property
    def continues(self) -> bool:
        return bool(self.previous_refs)


def previous_year(year: str) -> str:
    return FinancialYear.parse(year).previous().label


def links(fw: Framework, year: str) -> dict[str, Link]:
    """Every KPI of ``year``'s set with its link to the previous year's set."""
    kpi_set = fw.years.get(year)
    if kpi_set is None:
        return {}
    before = previous_year(year)
    old = fw.years.get(before)
    declared = {c.ref: c for c in kpi_set.changes}
    out: dict[str, Link] = {}
    for ref in kpi_set.kpis:
        c = declared.get(ref)
        if c is not None and c.previous_refs:
            out[ref] = Link(year, ref, c.kind, before, tuple(c.previous_refs), c.note)
        elif c is not None and c.kind == "new":
            out[ref] = Link(year, ref, "new", before, (), c.note)
        elif old is not None and ref in old.kpis:
            kind = c.kind if c is not None else "unchanged"
            out[ref] = Link(year, ref, kind, before, (ref,), c.note if c else "")
        else:
            out[ref] = Link(year, ref, "new", before, (), c.note if c else "")
    return out


def check_links(kpi_set: KpiSet, previous: KpiSet | None) -> list[tuple[str, str]]:
    """Problems with ``kpi_set``'s links to ``previous``, each as (the KPI's ref, message):
    a previous ref that is not in the previous set, one predecessor continued by several KPIs
    without saying ``split``, and a loop (KPIs of the new set naming each other)."""
    problems: list[tuple[str, str]] = []
    prev_refs = set() if previous is None else set(previous.kpis)
    prev_label = previous_year(kpi_set.year)
    successors: dict[str, list[tuple[str, str]]] = {}
    for c in kpi_set.changes:
        for p in c.previous_refs:
            if p in prev_refs:
                successors.setdefault(p, []).append((c.ref, c.kind))
                continue
            loop = _loop(kpi_set, c.ref) if p in kpi_set.kpis and p != c.ref else []
            if loop:
                problems.append((c.ref, f"{c.ref}: its previous KPIs form a loop "
                                        f"({' ← '.join(loop)}); a previous ref names a KPI of "
                                        f"the {prev_label} set"))
                continue
            known = "" if previous is None else _close(p, prev_refs)
            problems.append((c.ref, f"{c.ref}: previous ref {p!r} is not a KPI of the "
                                    f"{prev_label} set" + (
                                        f" (did you mean {known!r}?)" if known else
                                        "" if previous is not None else
                                        f" (there is no {prev_label} set)")))
    for ref in kpi_set.kpis:  # a KPI with no change continues the KPI of its own ref
        if ref in prev_refs and not any(c.ref == ref for c in kpi_set.changes):
            successors.setdefault(ref, []).append((ref, "unchanged"))
    for p, succ in successors.items():
        if len(succ) > 1 and any(kind != "split" for _, kind in succ):
            names = ", ".join(r for r, _ in succ)
            first = next(r for r, kind in succ if kind != "split")
            problems.append((first, f"{first}: {p} of {prev_label} is the previous KPI of "
                                    f"{names}; a KPI continued by several must say it was "
                                    "split (change kind split, or 'split' in the Changes "
                                    "column)"))
    return problems


def _loop(kpi_set: KpiSet, start: str) -> list[str]:
    by_ref = {c.ref: c.previous_refs for c in kpi_set.changes}
    path, ref = [start], start
    while True:
        nxt = next((p for p in by_ref.get(ref, ()) if p in kpi_set.kpis and p != ref), None)
        if nxt is None:
            return []
        path.append(nxt)
        if nxt == start:
            return path
        if nxt in path[:-1]:
            return []
        ref = nxt


def _close(ref: str, refs: set[str]) -> str:
    import difflib

    found = difflib.get_close_matches(ref, sorted(refs), n=1, cutoff=0.6)
    return found[0] if found else ""


def lineage(fw: Framework, ref: str, year: str) -> list[Link]:
    """``ref`` of ``year`` and its predecessors, year by year back as far as the framework
    goes: ``[AFL08 OFLOG 2024/25 (renumbered from AFL08), AFL08 2023/24 (…)]``. A merged
    KPI's branches are all followed (breadth first)."""
    out: list[Link] = []
    frontier = [(year, ref)]
    seen: set[tuple[str, str]] = set()
    while frontier:
        nxt: list[tuple[str, str]] = []
        for y, r in frontier:
            if (y, r) in seen:
                continue
            seen.add((y, r))
            link = links(fw, y).get(r)
            if link is None:
                continue
            out.append(link)
            nxt += [(link.previous_year, p) for p in link.previous_refs
                    if link.previous_year in fw.years]
        frontier = nxt
    return out


@dataclass(frozen=True)
class History:
    """A KPI's (or sub-measure's) series with its predecessors' values in earlier years,
    and why a comparison across a year end is not possible (``changes`` for ``assess``)."""

    series: dict[Period, Observation]
    changes: Callable[[Period, Period], str]


def history(fw: Framework, ref: str, year: str, sub: str,
            series: Mapping[tuple[str, str], Series],
            links_cache: dict[str, dict[str, Link]] | None = None) -> History:
    """The series of ``ref`` (``sub``) in ``year``'s set, reaching back through its lineage:
    a renumbered KPI's earlier values are its predecessor's; a merged KPI's are the sum of
    its predecessors' numerators over the sum of their denominators (or, for counts added up
    over periods, the sum of their values) where every predecessor has one."""
    fy = FinancialYear.parse(year)
    # Values stored under this ref in earlier years belong to whatever KPI had the ref then:
    # they come back below only if the lineage says that KPI is this one's predecessor.
    own = {p: o for p, o in series.get((ref, sub), {}).items() if p.year >= fy}
    breaks: list[tuple[FinancialYear, str]] = []
    cache = {} if links_cache is None else links_cache

    def year_links(y: str) -> dict[str, Link]:
        if y not in cache:
            cache[y] = links(fw, y)
        return cache[y]

    link = year_links(year).get(ref)
    current_ref, current_year = ref, year
    while link is not None and link.previous_refs:
        prev_fy = FinancialYear.parse(link.previous_year)
        if link.kind in COMPARABILITY_BREAKS - {"merged"} or (
                link.kind == "merged" and len(link.previous_refs) < 2):
            note = f": {link.note}" if link.note else ""
            breaks.append((FinancialYear.parse(current_year),
                           f"the definition was {link.kind} in {current_year}{note}"))
            break
        kpi = fw.kpi(current_ref, current_year)
        parts = [dict(series.get((p, sub), {})) for p in link.previous_refs]
        added = parts[0] if len(parts) == 1 else _combined(parts, kpi.unit if kpi else None,
                                                           kpi.basis if kpi else None)
        for period, obs in added.items():
            if period.year == prev_fy:
                own.setdefault(period, obs)
        if len(link.previous_refs) != 1:
            break  # a merged KPI's predecessors' own lineages are not followed further
        current_ref, current_year = link.previous_refs[0], link.previous_year
        link = year_links(current_year).get(current_ref)

    def changes(earlier: Period, later: Period) -> str:
        for when, why in breaks:
            if earlier.year < when <= later.year:
                return why
        return ""

    return History(own, changes)


def _combined(parts: list[dict[Period, Observation]], unit: Unit | None,
              basis: ValueBasis | None) -> dict[Period, Observation]:
    out: dict[Period, Observation] = {}
    periods = set(parts[0]).intersection(*parts[1:])
    for period in periods:
        obs = [p[period] for p in parts]
        values = [o.value for o in obs if o.state is ValueState.VALUE and o.value is not None]
        if len(values) != len(obs):
            continue
        nums = [o.numerator for o in obs if o.numerator is not None]
        dens = [o.denominator for o in obs if o.denominator]
        if len(nums) == len(dens) == len(obs):
            n, d = sum(nums, Decimal(0)), sum(dens, Decimal(0))
            out[period] = Observation(n / d * (100 if unit is Unit.PERCENT else 1),
                                      ValueState.VALUE, n, d)
        elif unit is Unit.COUNT and basis in (ValueBasis.IN_PERIOD, ValueBasis.CUMULATIVE,
                                              ValueBasis.SNAPSHOT):
            out[period] = Observation(sum(values, Decimal(0)), ValueState.VALUE)
    return out
