"""A new year's KPI set from a KPI set spreadsheet, linked to the previous year's set.

The spreadsheet names, places and targets the KPIs; how each is measured (polarity, unit,
value basis, frequency, tolerance, sub-measures, benchmark, schemes) is its previous KPI's,
unless the row says otherwise: a Polarity or Unit column, or a target that shows its unit
(``95%`` is a percentage, ``56 days`` days). Nothing is guessed: a KPI whose polarity or
unit cannot be known, an Existing KPI with no previous KPI, and a link that is wrong (a
previous ref that is not in last year's set, one previous KPI continued by several without
saying split, a loop) are errors, all listed with their file, row and column.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

from kpiboard.engine.kpi import KpiDefinition, KpiStatus, SubMeasure
from kpiboard.engine.periods import FinancialYear
from kpiboard.framework.checks import sub_measures_with_targets
from kpiboard.framework.lineage import check_links
from kpiboard.framework.model import Framework, KpiSet
from kpiboard.imports.kpiset import KpiSetImport, unit_from_target

# What a KPI takes from its previous KPI (or from this year's KPI imported before).
MEASURED = ("basis", "frequency", "arrears_months", "decimals", "tolerance", "benchmark",
            "comparators", "rating_scheme", "direction_scheme", "travel_basis", "negatives_allowed")


class RolloverError(ValueError):
    """A KPI set that cannot be linked to last year's; ``problems`` lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        n = len(problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} with the KPI set:\n"
                         + "\n".join(f"  - {p}" for p in problems))


def kpi_set_merge(fw: Framework, result: KpiSetImport) -> Framework:
    """``fw`` with ``result``'s year set in place, each KPI linked to and inheriting from its
    previous KPI. Raises :class:`RolloverError` listing every problem; returns a new
    framework (``fw`` is not changed)."""
    year = result.year
    previous = FinancialYear.parse(year).previous().label
    prev_set = fw.years.get(previous)
    this_set = fw.years.get(year)  # imported before: a new KPI's definition stays
    changes = tuple(c for c in result.changes if c.kind != "removed")
    removed = tuple(c for c in result.changes if c.kind == "removed")
    by_ref = {c.ref: c for c in changes}
    draft = KpiSet(year, {k.ref: k for k in result.kpis}, changes, removed)
    problems: list[str] = []
    badly_linked: set[str] = set()
    if prev_set is not None:
        for ref, message in check_links(draft, prev_set):
            badly_linked.add(ref)
            column = "previous_ref" if result.given.get(ref, {}).get("previous_ref") \
                else "changes"
            problems.append(f"{result.where(ref, column)}: {message}")
    kpis: dict[str, KpiDefinition] = {}
    unknown_polarity: list[str] = []
    unknown_unit: list[str] = []
    for kpi in result.kpis:
        given = result.given.get(kpi.ref, {})
        change = by_ref.get(kpi.ref)
        before = None
        if prev_set is not None:
            refs = change.previous_refs if change is not None and change.previous_refs else (
                () if change is not None and change.kind == "new" else (kpi.ref,))
            before = next((prev_set.kpis[r] for r in refs if r in prev_set.kpis), None)
            if (before is None and kpi.status is not KpiStatus.NEW
                    and "previous_ref" not in given
                    and (change is None or (change.kind != "new" and not change.previous_refs))):
                problems.append(
                    f"{result.where(kpi.ref, 'ref')}: {kpi.ref} is Existing, but the "
                    f"{previous} set has no KPI {kpi.ref}: give the KPI it continues in a "
                    f"'Previous ref' column (several joined with +), or 'none' if it was not "
                    f"in the {previous} set")
        source = before or (this_set.kpis.get(kpi.ref) if this_set is not None else None)
        _subs, problem = sub_measures_with_targets(kpi, source, year)
        if problem is not None:  # the target text never changes the sub-measures
            problems.append(f"{result.where(kpi.ref, result.target_column)}: {problem}")
        kpi = _inherit(kpi, source, given, result.year)
        if kpi.ref in badly_linked:
            pass  # its link is reported; what it would inherit is not known yet
        elif "polarity" not in given and source is None:
            unknown_polarity.append(kpi.ref)
        if kpi.unit is None and kpi.ref not in badly_linked:
            unknown_unit.append(kpi.ref)
        kpis[kpi.ref] = kpi
    for ref in unknown_polarity:
        problems.append(f"{result.where(ref, 'ref')}: {ref} has no previous KPI, so its "
                        "polarity is not known: give it in a 'Polarity' column (higher, "
                        "lower, target or none)")
    for ref in unknown_unit:
        problems.append(f"{result.where(ref, 'ref')}: {ref} has no previous KPI and its "
                        "target does not show its unit: give it in a 'Unit' column (count, "
                        "percent, rate, days, weeks, money, ratio, number)")
    if problems:
        raise RolloverError(problems)
    years = dict(fw.years)
    years[year] = KpiSet(year, kpis, changes, removed)
    return replace(fw, years=years)


def _inherit(kpi: KpiDefinition, source: KpiDefinition | None, given: dict[str, Any],
             year: str) -> KpiDefinition:
    target = kpi.targets.get(year)
    from_target = unit_from_target(target.text) if target is not None and target.text else None
    unit = given.get("unit") or from_target or (source.unit if source is not None else None)
    if source is None:
        return replace(kpi, unit=unit)  # type: ignore[arg-type]  # None: reported
    taken: dict[str, Any] = {f: getattr(source, f) for f in MEASURED}
    taken["polarity"] = given.get("polarity") or source.polarity
    taken["unit"] = unit
    taken["sub_measures"] = _sub_measures(kpi.sub_measures, source.sub_measures)
    taken["sets"] = kpi.sets or source.sets
    return replace(kpi, **taken)


def _sub_measures(given: tuple[SubMeasure, ...], before: tuple[SubMeasure, ...]
                  ) -> tuple[SubMeasure, ...]:
    """The previous KPI's sub-measures, each with the targets the spreadsheet gives it, then
    any the spreadsheet names that it did not have: a sub-measure the row does not mention
    (a target text naming P1, P2, P3 and P9 of P1-P4) is kept, never dropped."""
    given_by_code = {s.code: s for s in given}
    out = [replace(s, targets=MappingProxyType({**s.targets, **given_by_code[s.code].targets}))
           if s.code in given_by_code else s for s in before]
    known = {s.code for s in before}
    return (*out, *(s for s in given if s.code not in known))


def kpi_set_import(*, organisation: Any, path: str, year: str | None = None,
                   sheet: str | None = None, dry_run: bool = False,
                   replace: bool = False) -> Any:
    """Read a KPI set spreadsheet, link it to the stored previous year's set and store it in
    one transaction. Raises ``TableImportError`` or :class:`RolloverError` (nothing stored).
    A KPI's sub-measures, other years' targets and benchmarks, and the year's change notes
    that the spreadsheet leaves out are kept, unless ``replace`` (``kpiboard.kpis.merge``).
    Returns the ``FrameworkSaveReport``."""
    from kpiboard.imports.kpiset import read_kpi_set
    from kpiboard.kpis.selectors import framework_get
    from kpiboard.kpis.services import framework_save

    result = read_kpi_set(path, year=year, sheet=sheet)
    merged = kpi_set_merge(framework_get(organisation=organisation), result)
    return framework_save(framework=merged, dry_run=dry_run, replace=replace, source=path)
