"""Sense checks on a framework once it is read: each target and tolerance makes sense for its
KPI (thresholds in order for the polarity, profiles inside their year, cumulative profiles
that never go down, in-period profiles that add up to the annual target), and a target text
per sub-measure names exactly the KPI's sub-measures.

Each problem is reported at its line, as every other framework problem is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from kpiboard.engine.kpi import KpiDefinition, SubMeasure
from kpiboard.engine.periods import FinancialYear, Period, PeriodError
from kpiboard.engine.targets import Target
from kpiboard.engine.tolerance import threshold_problem
from kpiboard.engine.types import Polarity, ValueBasis
from kpiboard.framework.model import Framework, Problem
from kpiboard.framework.yamlio import LineDict, LineList

NOT_TOTAL = "not the annual target"  # profile_total: the profile need not add up
_RELATIVE = re.compile(r"[HQM]\d{1,2}")


def _codes(codes: Iterable[str]) -> str:
    return ", ".join(codes)


def sub_measure_text_problem(ref: str, named: Iterable[str], declared: Iterable[str],
                             own_target: Iterable[str] = ()) -> str | None:
    """Why a target text per sub-measure (``P1 and P2 97.5% P3 and P4 90%``) does not fit
    ``ref``'s sub-measures: a code the KPI does not have (a typo), or a sub-measure left
    without a target (one with its own target may be left out). None when it fits."""
    named, declared = list(named), list(declared)
    unknown = [c for c in named if c not in declared]
    missing = [c for c in declared if c not in named and c not in set(own_target)]
    # (own_target: sub-measures with a target of their own, or none needed: polarity none)
    if not declared:
        return (f"the target gives targets for sub-measures {_codes(named)}, but {ref} has no "
                "sub-measures: list them under sub_measures")
    if not unknown and not missing:
        return None
    parts = []
    if unknown:
        which = "sub-measure" if len(unknown) == 1 else "sub-measures"
        parts.append(f"names {which} {_codes(repr(c) for c in unknown)}, which {ref} does not "
                     f"have (its sub-measures are {_codes(declared)})")
    if missing:
        parts.append(f"gives no target for {_codes(missing)}")
    return (f"the target {' and '.join(parts)}: name each of {ref}'s sub-measures in the "
            "target (or give the sub-measure its own target); the sub-measures are not "
            "changed by a target")


def sub_measures_with_targets(kpi: KpiDefinition, source: KpiDefinition | None,
                              year: str) -> tuple[tuple[SubMeasure, ...], str | None]:
    """``kpi``'s sub-measures once linked to ``source`` (its previous KPI): the previous KPI's
    sub-measures, each with this year's target where the target text gives one per
    sub-measure (``P1 and P2 97.5% P3 and P4 90%``). The text never changes the list: a code
    the KPI does not have, or a sub-measure given no target, is the problem returned. With
    no previous sub-measures the text's codes are the sub-measures (a new KPI)."""
    if source is None or not source.sub_measures:
        return kpi.sub_measures, None
    if not kpi.sub_measures:
        return source.sub_measures, None
    named = {s.code: s for s in kpi.sub_measures}
    exempt = [s.code for s in source.sub_measures if s.polarity is Polarity.NONE]
    problem = sub_measure_text_problem(kpi.ref, named, [s.code for s in source.sub_measures],
                                       exempt)
    merged = tuple(
        replace(s, targets=MappingProxyType(dict(named[s.code].targets)))
        if s.code in named else replace(s, targets=MappingProxyType({}))
        for s in source.sub_measures)
    return merged, problem


def sub_target_problems(r: Any, ref: str, year: str, item: Mapping[str, Any],
                        named: Mapping[str, Target], subs: Iterable[SubMeasure]) -> None:
    """Check a KPI's target text per sub-measure against its ``sub_measures`` (framework)."""
    if not named:
        return
    own = [s.code for s in subs if s.code not in named and (
        year in s.targets or s.polarity is Polarity.NONE)]
    message = sub_measure_text_problem(ref, named, [s.code for s in subs], own)
    if message is not None:
        r.problem(message, item, "target")


def profile_problems(target: Target, year: str, basis: ValueBasis, *,
                     not_total: bool = False) -> list[str]:
    """Why ``target``'s profile makes no sense for ``year``: a period in another year, a
    cumulative profile that goes down, or (for a KPI whose values add up, basis in_period) an
    in-period profile covering the year that does not add up to the annual figure, unless
    ``not_total`` (the file says ``profile_total: not the annual target``)."""
    if not target.profile:
        return []
    fy = FinancialYear.parse(year)
    problems: list[str] = []
    placed: list[tuple[Period, Decimal]] = []
    for key, figure in target.profile.items():
        if _RELATIVE.fullmatch(key.strip().upper()):
            continue  # H1, Q2, M7: the year's own
        try:
            period = Period.parse(key)
        except PeriodError as exc:  # pragma: no cover - keys are read as periods
            problems.append(str(exc))
            continue
        if period.year != fy:
            problems.append(f"the profile's period {key} is in {period.year.label}, not in "
                            f"{year}, the year of this target")
            continue
        placed.append((period, figure))
    if target.cumulative_profile:
        ordered = sorted(placed, key=lambda pf: (pf[0].months()[-1].index, -len(pf[0].months())))
        for (p0, f0), (p1, f1) in pairwise(ordered):
            if f1 < f0:
                problems.append(f"the cumulative profile goes down from {_n(f0)} at {p0.key} to "
                                f"{_n(f1)} at {p1.key}: each figure is the total so far, so it "
                                "cannot be less than the one before")
                break
    elif basis is ValueBasis.IN_PERIOD and target.annual is not None and not not_total:
        total = profile_total(target, year)
        if total is not None and total != target.annual:
            problems.append(
                f"the profile adds up to {_n(total)}, but the annual target is "
                f"{_n(target.annual)}: for a KPI whose values add up (basis in_period) "
                "the periods' figures make the year's; correct the figures, or say "
                f"'profile_total: {NOT_TOTAL}' if the year's target is meant to differ")
    return problems


def profile_total(target: Target, year: str) -> Decimal | None:
    """What an in-period profile adds up to, when its periods cover ``year`` once each (every
    month in exactly one period, all in the year); else None."""
    if target.cumulative_profile or not target.profile:
        return None
    fy = FinancialYear.parse(year)
    months: dict[Period, int] = {}
    total = Decimal(0)
    for key, figure in target.profile.items():
        try:
            period = Period.parse(key)
        except PeriodError:
            return None  # H1, Q2, M7: any year's
        if period.year != fy:
            return None
        total += figure
        for m in period.months():
            months[m] = months.get(m, 0) + 1
    return total if len(months) == 12 and set(months.values()) == {1} else None


def _n(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


def _target_place(item: Mapping[str, Any], year: str, set_year: str,
                  path: str) -> tuple[Any, int, str]:
    """The raw target for ``year`` in a KPI's (or sub-measure's) entry, its line and path."""
    raw = item.get("targets")
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            try:
                label = FinancialYear.parse(str(key)).label
            except PeriodError:
                continue
            if label == year:
                lines = getattr(raw, "lines", {})
                return value, lines.get(key, getattr(item, "line", 0)), f"{path}.targets.{key}"
    if year == set_year and "target" in item:
        lines = getattr(item, "lines", {})
        return item["target"], lines.get("target", getattr(item, "line", 0)), f"{path}.target"
    return None, getattr(item, "line", 0), path


def _not_total(raw: Any) -> bool:
    return isinstance(raw, Mapping) and str(raw.get("profile_total") or "").strip() == NOT_TOTAL


def _check_targets(r: Any, targets: Mapping[str, Target], item: Any, set_year: str,
                   path: str, basis: ValueBasis) -> None:
    for year, target in targets.items():
        raw, line, where = _target_place(item if isinstance(item, Mapping) else {}, year,
                                         set_year, path)
        for message in profile_problems(target, year, basis, not_total=_not_total(raw)):
            r.problems.append(Problem(r.file, line, where, message))


def _check_tolerance(r: Any, kpi: KpiDefinition, sub: SubMeasure | None, item: Any,
                     path: str) -> None:
    tol = kpi.tolerance if sub is None else sub.tolerance
    polarity = kpi.polarity_for(sub.code if sub is not None else None)
    if tol is None or polarity not in (Polarity.HIGHER, Polarity.LOWER):
        return
    message = threshold_problem(tol, polarity is Polarity.HIGHER)
    if message is not None:
        lines = getattr(item, "lines", {}) if isinstance(item, Mapping) else {}
        line = lines.get("tolerance", getattr(item, "line", 0))
        r.problems.append(Problem(r.file, line, f"{path}.tolerance", message))


def _sub_items(item: Any) -> dict[str, tuple[Any, str]]:
    """A KPI entry's sub-measure entries by code, with their path suffix."""
    out: dict[str, tuple[Any, str]] = {}
    subs = item.get("sub_measures") if isinstance(item, Mapping) else None
    if not isinstance(subs, list):
        return out
    for i, s in enumerate(subs):
        code = s if isinstance(s, str) else s.get("code") if isinstance(s, Mapping) else None
        if code is not None:
            entry: Any = s
            if not isinstance(s, Mapping):  # a bare code: its line is the list item's
                entry = LineDict(code=s)
                entry.line = subs.lines[i] if isinstance(subs, LineList) else 0
                entry.lines, entry.plain = {}, set()
            out.setdefault(str(code).strip(), (entry, f"sub_measures[{i}]"))
    return out


def check_framework(r: Any, fw: Framework,
                    given: Mapping[tuple[str, str], tuple[Any, str, frozenset[str]]]) -> None:
    """Every KPI's targets and tolerances, once each KPI has taken what it inherits."""
    for year, kpi_set in fw.years.items():
        for ref, kpi in kpi_set.kpis.items():
            if (year, ref) not in given:
                continue
            item, path, _keys = given[(year, ref)]
            _check_tolerance(r, kpi, None, item, path)
            _check_targets(r, kpi.targets, item, year, path, kpi.basis)
            entries = _sub_items(item)
            for sub in kpi.sub_measures:
                sub_item, suffix = entries.get(sub.code, (item, ""))
                sub_path = f"{path}.{suffix}" if suffix else path
                _check_tolerance(r, kpi, sub, sub_item, sub_path)
                _check_targets(r, sub.targets, sub_item, year, sub_path, kpi.basis)
