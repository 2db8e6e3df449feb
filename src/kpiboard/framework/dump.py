"""Write a framework back out as a framework file: the inverse of :mod:`kpiboard.framework.load`.

``load_framework_text(dump_framework_text(fw))`` gives back ``fw``. Schemes are written inline in
full; targets, tolerances and benchmarks in their mapping forms; fields at their defaults are
left out. Where a mapping form would lose something the loader keeps (a tolerance's published
wording), the published text is written instead, but only when it reads back identically.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import yaml

from kpiboard.engine.kpi import Benchmark, KpiDefinition, SubMeasure
from kpiboard.engine.rating import Band, RatingScheme, Status
from kpiboard.engine.targets import Target
from kpiboard.engine.tolerance import DEFAULT_TOLERANCE, NO_TOLERANCE, Tolerance, ToleranceKind
from kpiboard.engine.travel import DirectionScheme
from kpiboard.framework.checks import NOT_TOTAL, profile_total
from kpiboard.framework.fields import Reader, target_from, tolerance_from
from kpiboard.framework.load import FORMAT_VERSION
from kpiboard.framework.model import Directorate, Framework, KeyCommitment, KpiChange, KpiSet

_ALWAYS = object()  # a "default" no value equals: the field is always written

# The loader reads only these qualifiers; parse_target also gives the symbols.
_QUALIFIERS = {"≤": "<=", "≥": ">="}


def dump_framework(fw: Framework) -> dict[str, Any]:
    """The framework as plain data (str, int, bool, Decimal, list, dict) in the file's layout."""
    org = _fields(("name", fw.organisation, _ALWAYS), ("short_name", fw.short_name, ""))
    return _fields(
        ("kpiboard", FORMAT_VERSION, _ALWAYS),
        ("organisation", org, _ALWAYS),
        ("terminology", dict(fw.terminology), {}),
        ("rating_schemes", {n: _rating_scheme(s) for n, s in fw.rating_schemes.items()}, _ALWAYS),
        ("direction_schemes", {n: _direction_scheme(s) for n, s in fw.direction_schemes.items()},
         _ALWAYS),
        ("defaults", {"rating_scheme": fw.default_rating_scheme,
                      "direction_scheme": fw.default_direction_scheme}, _ALWAYS),
        ("key_commitments", [_commitment(k) for k in fw.key_commitments], []),
        ("directorates", [_directorate(d) for d in fw.directorates], []),
        ("years", {label: _kpi_set(label, s) for label, s in fw.years.items()}, {}),
    )


def dump_framework_text(fw: Framework) -> str:
    """The framework as a YAML framework file that :func:`load_framework_text` reads back."""
    org = " ".join(fw.organisation.split()) or "an organisation"
    header = (f"# kpiboard framework file for {org}.\n"
              "# Written by kpiboard.framework.dump; schemes are inline, not presets.\n")
    body = yaml.dump(dump_framework(fw), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)
    return header + body


# -- YAML -----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the data is a tree: no &id001 anchors, even for a shared Decimal


def _represent_decimal(dumper: yaml.SafeDumper, d: Decimal) -> yaml.ScalarNode:
    """A Decimal as a YAML number written exactly as ``str(d)`` (``97.5``, ``84.999``, ``5.0``),
    which the loader reads back as the same Decimal."""
    if not d.is_finite():
        raise ValueError(f"a framework file cannot hold the number {d}")
    text = str(d)
    if re.fullmatch(r"-?\d+", text) and text != "-0":
        return dumper.represent_scalar("tag:yaml.org,2002:int", text)
    if "." not in text:  # 5E+1 and -0: YAML floats need a point
        mantissa, _, exponent = text.partition("E")
        text = f"{mantissa}.E{exponent}" if exponent else f"{mantissa}."
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _represent_decimal)


# -- helpers --------------------------------------------------------------------------------


def _fields(*items: tuple[str, Any, Any]) -> dict[str, Any]:
    """``{key: value}`` leaving out each value equal to its default (of the same type)."""
    return {k: v for k, v, default in items
            if default is _ALWAYS or type(v) is not type(default) or v != default}


def _first_exact(candidates: Sequence[Any], read: Callable[[Reader, Any], Any],
                 want: Any) -> Any:
    """The first candidate the loader reads back as ``want``; else the first it reads without
    a problem; else the first."""
    clean = []
    for c in candidates:
        r = Reader("<dump>")
        got = read(r, c)
        if not r.problems:
            if got == want:
                return c
            clean.append(c)
    return (clean or list(candidates))[0]


# -- schemes --------------------------------------------------------------------------------


def _rating_scheme(s: RatingScheme) -> dict[str, Any]:
    default_tol = None if s.default_tolerance == NO_TOLERANCE else _tolerance(
        s.default_tolerance, None)
    return _fields(
        ("title", s.title, s.name), ("description", s.description, ""),
        ("method", s.method, "tolerance"), ("default_tolerance", default_tol, None),
        ("use_kpi_tolerance", s.use_kpi_tolerance, True),
        ("gap_measure", s.gap_measure, "relative"),
        ("soften_when_improved", dict(s.soften_when_improved), {}),
        ("bands", [_band(b) for b in s.bands], []),
        ("statuses", [_status(x) for x in s.statuses], _ALWAYS),
        ("outcomes", dict(s.outcomes), {}),
    )


def _status(s: Status) -> dict[str, Any]:
    return _fields(
        ("code", s.code, _ALWAYS), ("label", s.label, s.code.replace("_", " ").capitalize()),
        ("colour", s.colour, "#505a5f"), ("text_colour", s.text_colour, "#ffffff"),
        ("symbol", s.symbol, ""), ("description", s.description, ""), ("judged", s.judged, True),
    )


def _band(b: Band) -> dict[str, Any]:
    if not b.inclusive:
        return {"status": b.status, "more_than": b.min_gap}
    return _fields(("status", b.status, _ALWAYS), ("at_least", b.min_gap, None))


def _direction_scheme(s: DirectionScheme) -> dict[str, Any]:
    return _fields(
        ("title", s.title, s.name), ("description", s.description, ""),
        ("compare_with", s.compare_with.value, "previous"),
        ("same_within", s.same_within, Decimal(0)),
        ("acceptable_within", s.acceptable_within, None),
        ("acceptable_when_on_target", s.acceptable_when_on_target, False),
        ("symbols", dict(s.symbols), _ALWAYS), ("labels", dict(s.labels), {}),
    )


# -- organisation ---------------------------------------------------------------------------


def _commitment(k: KeyCommitment) -> Any:
    if not k.code and not k.priorities:
        return k.name
    return _fields(("name", k.name, _ALWAYS), ("code", k.code, ""),
                   ("priorities", list(k.priorities), []))


def _directorate(d: Directorate) -> dict[str, Any]:
    services = [
        s.name if (not s.teams and s.rating_scheme is None and s.direction_scheme is None
                   and not s.formerly)
        else _fields(("name", s.name, _ALWAYS), ("teams", list(s.teams), []),
                     ("rating_scheme", s.rating_scheme, None),
                     ("direction_scheme", s.direction_scheme, None),
                     ("formerly", list(s.formerly), []))
        for s in d.services
    ]
    return _fields(("name", d.name, _ALWAYS), ("services", services, []),
                   ("rating_scheme", d.rating_scheme, None),
                   ("direction_scheme", d.direction_scheme, None),
                   ("formerly", list(d.formerly), []))


# -- KPI sets -------------------------------------------------------------------------------


def _kpi_set(year: str, s: KpiSet) -> dict[str, Any]:
    changes: dict[str, KpiChange] = {}
    for c in s.changes:
        changes.setdefault(c.ref, c)
    return _fields(
        ("kpis", [_kpi(year, k, changes.get(k.ref)) for k in s.kpis.values()], []),
        ("removed", [_fields(("ref", c.ref, _ALWAYS), ("note", c.note, "")) for c in s.removed],
         []),
    )


def _kpi(year: str, k: KpiDefinition, change: KpiChange | None) -> dict[str, Any]:
    this = k.targets.get(year)
    annual = None if this is None else this.annual
    tolerance = None if k.tolerance == DEFAULT_TOLERANCE else _tolerance(k.tolerance, annual)
    change_data = None if change is None else _fields(
        ("kind", change.kind, _ALWAYS), ("from", list(change.previous_refs), []),
        ("note", change.note, ""))
    return _fields(
        ("ref", k.ref, _ALWAYS), ("name", k.name, _ALWAYS), ("description", k.description, ""),
        ("key_commitment", k.key_commitment, ""), ("priority", k.priority, ""),
        ("directorate", k.directorate, ""), ("service", k.department, ""),
        ("team", k.team, ""), ("portfolio", k.portfolio, ""),
        ("statutory", k.statutory_text or k.statutory, None),
        ("data_source", k.data_source, ""), ("frequency", k.frequency.value, "monthly"),
        ("arrears_months", k.arrears_months, 0), ("unit", k.unit.value, "number"),
        ("decimals", k.decimals, None), ("polarity", k.polarity.value, _ALWAYS),
        ("basis", k.basis.value, "snapshot"),
        ("target", None if this is None else _target(this, year), None),
        ("targets", {y: _target(t, y) for y, t in k.targets.items() if y != year}, {}),
        ("tolerance", tolerance, None),
        ("benchmark", None if k.benchmark is None else _benchmark(k.benchmark), None),
        ("comparators", [_benchmark(b) for b in k.comparators], []),
        ("sub_measures", [_sub_measure(year, s) for s in k.sub_measures], []),
        ("status", k.status.value, "existing"), ("rationale", k.rationale, ""),
        ("notes", k.notes, ""), ("sets", list(k.sets), []), ("theme", k.theme, ""),
        ("rating_scheme", k.rating_scheme, None), ("direction_scheme", k.direction_scheme, None),
        ("travel_basis", k.travel_basis.value, "value"), ("change", change_data, None),
        ("negative", "allowed" if k.negatives_allowed else None, None),
    )


def _sub_measure(year: str, s: SubMeasure) -> Any:
    this = s.targets.get(year)
    annual = None if this is None else this.annual
    data = _fields(
        ("code", s.code, _ALWAYS), ("name", s.name, ""),
        ("target", None if this is None else _target(this, year), None),
        ("targets", {y: _target(t, y) for y, t in s.targets.items() if y != year}, {}),
        ("polarity", None if s.polarity is None else s.polarity.value, None),
        ("tolerance", None if s.tolerance is None else _tolerance(s.tolerance, annual), None),
    )
    return s.code if list(data) == ["code"] else data


def _benchmark(b: Benchmark) -> dict[str, Any]:
    return _fields(("value", b.value, None), ("text", b.text, ""), ("source", b.source, ""),
                   ("period", b.period, ""), ("group", b.group, ""))


# -- targets and tolerances -----------------------------------------------------------------


def _target_mapping(t: Target, qualifiers: dict[str, str] | None = None) -> dict[str, Any]:
    qualifier = t.qualifier if qualifiers is None else qualifiers.get(t.qualifier or "",
                                                                      t.qualifier)
    return _fields(
        ("annual", t.annual, None), ("per_month", t.per_month, None),
        ("profile", dict(t.profile), {}), ("cumulative", t.cumulative_profile, False),
        ("straight_line", t.straight_line, False),
        ("band", None if t.band is None else list(t.band), None),
        ("none", None if t.none is None else t.none.value, None),
        ("qualifier", qualifier, None), ("text", t.text, ""),
    )


def _target(t: Target, year: str) -> Any:
    """The mapping form; the published text if only that reads back exactly (a ``≤``
    qualifier, which the mapping form does not take); else the mapping with ``<=``."""
    candidates = [_target_mapping(t), *([t.text] if t.text else []),
                  _target_mapping(t, _QUALIFIERS)]
    total = profile_total(t, year)
    if total is not None and t.annual is not None and total != t.annual:
        for c in candidates:  # a profile that is not the year's target, as the file said
            if isinstance(c, dict):
                c["profile_total"] = NOT_TOTAL
    return _first_exact(candidates, lambda r, c: target_from(r, c, year), (t, {}))


def _tolerance_mapping(t: Tolerance) -> Any:
    kind = t.kind
    if kind in (ToleranceKind.RELATIVE, ToleranceKind.POINTS):
        return {kind.value: t.amount}
    if kind is ToleranceKind.BAND:
        return {"band": [t.low, t.high]}
    if kind is ToleranceKind.LIMIT:
        return {"limit": t.low}
    if kind is ToleranceKind.THRESHOLDS:
        return {"thresholds": {"green": t.green, "amber": t.amber}}
    return kind.value  # none, default


def _tolerance(t: Tolerance, target: Decimal | None) -> Any:
    """The mapping form when it reads back exactly; else the published text when that does
    (the mapping form has no room for the wording, e.g. ``85% - 90%`` or ``N/A``)."""
    candidates = [_tolerance_mapping(t), *([t.text] if t.text else [])]
    return _first_exact(candidates, lambda r, c: tolerance_from(r, c, target=target), t)
