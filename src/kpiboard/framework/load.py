"""Load and validate a framework file (YAML); every problem is reported with its location."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kpiboard.engine.kpi import Benchmark, KpiDefinition, KpiStatus, SubMeasure
from kpiboard.engine.periods import FinancialYear, PeriodError
from kpiboard.engine.targets import Target
from kpiboard.engine.tolerance import DEFAULT_TOLERANCE
from kpiboard.engine.travel import TravelBasis
from kpiboard.engine.types import Frequency, Polarity, Unit, ValueBasis
from kpiboard.framework import columns as L
from kpiboard.framework.checks import check_framework, sub_target_problems
from kpiboard.framework.fields import (
    NumberError,
    Reader,
    polarity_from,
    target_from,
    tolerance_from,
    truth,
)
from kpiboard.framework.fields import number as fields_number
from kpiboard.framework.model import (
    Framework,
    FrameworkError,
    KpiChange,
    KpiSet,
    Problem,
)
from kpiboard.framework.removals import Removal, removals_read
from kpiboard.framework.schemes import direction_scheme_from, rating_scheme_from
from kpiboard.framework.units import (  # noqa: F401  (the keys: for docs and tests)
    COMMITMENT_KEYS,
    DIRECTORATE_KEYS,
    SERVICE_KEYS,
    commitments_from,
    directorates_from,
)
from kpiboard.framework.yamlio import LineDict, YamlError, load_yaml
from kpiboard.imports.limits import import_limits, variable

TOP_KEYS = {"kpiboard", "organisation", "terminology", "defaults", "rating_schemes",
            "direction_schemes", "key_commitments", "directorates", "years"}
ORG_KEYS = {"name", "short_name"}
DEFAULT_KEYS = {"rating_scheme", "direction_scheme"}
YEAR_KEYS = {"kpis", "removed"}
KPI_KEYS = {
    "ref", "name", "description", "key_commitment", "priority", "directorate", "department",
    "service", "team", "portfolio", "statutory", "data_source", "frequency", "arrears_months",
    "unit", "decimals", "polarity", "basis", "target", "targets", "tolerance", "benchmark",
    "comparators", "sub_measures", "status", "rationale", "notes", "sets", "theme",
    "rating_scheme", "direction_scheme", "travel_basis", "change", "previous",
    "negative", "remove",
}
SUB_KEYS = {"code", "name", "target", "targets", "polarity", "tolerance"}
BENCHMARK_KEYS = {"value", "text", "source", "period", "group"}
CHANGE_KEYS = {"kind", "from", "note"}
CHANGE_KINDS = ["new", "changed", "redefined", "renumbered", "moved", "split", "merged",
                "removed"]
# What a KPI takes from its previous KPI unless its own entry says otherwise.
INHERITED = ("polarity", "unit", "basis", "tolerance", "rating_scheme", "direction_scheme",
             "frequency", "arrears_months", "decimals", "travel_basis", "sub_measures",
             "benchmark", "comparators", "sets")
FORMAT_VERSION = 1


def load_framework(path: str | Path) -> Framework:
    """Read a framework file; raise :class:`FrameworkError` listing every problem."""
    p = Path(path)
    most = import_limits().yaml_bytes
    try:
        with p.open("rb") as f:
            raw = f.read(most + 1)
        if len(raw) > most:
            raise FrameworkError([Problem(str(p), 0, "", _too_big(most))])
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise FrameworkError([Problem(
            str(p), line, "", f"not UTF-8 text: byte 0x{raw[exc.start]:02X} at byte offset "
            f"{exc.start} (line {line}); save the file as UTF-8")]) from exc
    except OSError as exc:
        raise FrameworkError([Problem(str(p), 0, "", f"cannot read the file: {exc.strerror}")]) \
            from exc
    return load_framework_text(text, source=str(p))


def _too_big(most: int) -> str:
    return (f"the file is larger than {most:,} bytes (the limit "
            f"{variable('yaml_bytes')}); a framework file is usually well under 1 MB")


def load_framework_text(text: str, *, source: str = "<framework>") -> Framework:
    most = import_limits().yaml_bytes
    if len(text) > most or len(text.encode("utf-8", "surrogatepass")) > most:
        raise FrameworkError([Problem(source, 0, "", _too_big(most))])
    try:
        data = load_yaml(text)
    except YamlError as exc:
        raise FrameworkError([Problem(source, p.line, "", p.message) for p in exc.problems]) \
            from None
    r = Reader(source)
    if not isinstance(data, Mapping):
        r.problem("a framework file is a mapping with organisation, rating_schemes, "
                  "direction_schemes, defaults, years ...")
        r.raise_if_problems()
    fw = _read(r, data)
    r.raise_if_problems()
    return fw


def _read(r: Reader, data: Mapping[str, Any]) -> Framework:
    r.expect_mapping(data, TOP_KEYS)
    version = data.get("kpiboard", str(FORMAT_VERSION))
    try:
        same = fields_number(version) == FORMAT_VERSION
    except NumberError:
        same = False
    if not same:
        r.problem(f"this kpiboard reads framework format {FORMAT_VERSION}, not {version}",
                  data, "kpiboard")
    org = data.get("organisation") or {}
    with r.at("organisation", data):
        r.expect_mapping(org, ORG_KEYS)
        name = r.text(org, "name", required=True, max_len=L.ORGANISATION) \
            if isinstance(org, Mapping) else ""
        short = r.text(org, "short_name", max_len=L.SHORT_NAME) \
            if isinstance(org, Mapping) else ""
    fw = Framework(organisation=name, short_name=short, source=r.file)
    fw.terminology = r.text_mapping(data, "terminology")
    readers: tuple[tuple[str, Any, dict[str, Any]], ...] = (
        ("rating_schemes", rating_scheme_from, fw.rating_schemes),
        ("direction_schemes", direction_scheme_from, fw.direction_schemes),
    )
    for key, reader, target in readers:
        schemes = data.get(key) or {}
        with r.at(key, data):
            if not isinstance(schemes, Mapping) or not schemes:
                r.problem("declare at least one scheme (inline, or {preset: NAME})", data, key)
                continue
            for scheme_name, body in schemes.items():
                with r.at(str(scheme_name), schemes):
                    r.check_length(str(scheme_name), L.SCHEME)
                    scheme = reader(r, str(scheme_name), body)
                    if scheme is not None:
                        target[str(scheme_name)] = scheme
                    else:
                        r.failed_schemes.add(str(scheme_name))
    defaults = data.get("defaults") or {}
    with r.at("defaults", data):
        r.expect_mapping(defaults, DEFAULT_KEYS)
        fw.default_rating_scheme = _scheme_ref(r, defaults, "rating_scheme", fw.rating_schemes,
                                               required=True)
        fw.default_direction_scheme = _scheme_ref(r, defaults, "direction_scheme",
                                                  fw.direction_schemes, required=True)
    fw.key_commitments = tuple(commitments_from(r, data))
    fw.directorates = tuple(directorates_from(r, data, fw, _scheme_ref))
    years = data.get("years") or {}
    given: dict[tuple[str, str], tuple[Any, str, frozenset[str]]] = {}
    with r.at("years", data):
        if not isinstance(years, Mapping):
            r.problem("expected a mapping of financial years to KPI sets", data, "years")
            years = {}
        spelled: dict[str, Any] = {}
        for label, body in years.items():
            with r.at(str(label), years):
                try:
                    year = FinancialYear.parse(str(label)).label
                except PeriodError as exc:
                    r.problem(str(exc))
                    continue
                if year in spelled:
                    first = getattr(years, "lines", {}).get(spelled[year], 0)
                    r.problem(f"{label!r} is the same year as {spelled[year]!r} (line "
                              f"{first}); give each year once, with all its KPIs")
                    continue
                spelled[year] = label
                fw.years[year] = _kpi_set(r, year, body, fw, given)
    _inherit(r, fw, given)
    check_framework(r, fw, given)
    return fw


def _scheme_ref(r: Reader, data: Any, key: str, schemes: Mapping[str, Any],
                required: bool = False) -> str:
    if not isinstance(data, Mapping):
        return ""
    name = r.text(data, key, required=required)
    if name and schemes and name not in schemes and name not in r.failed_schemes:
        r.problem(f"{name!r} is not a declared scheme ({', '.join(sorted(schemes))})", data, key)
    return name


def _kpi_set(r: Reader, year: str, body: Any, fw: Framework,
             given: dict[tuple[str, str], tuple[Any, str, frozenset[str]]]) -> KpiSet:
    kpis: dict[str, KpiDefinition] = {}
    changes: list[KpiChange] = []
    removed: list[KpiChange] = []
    removals: list[Removal] = []
    if not r.expect_mapping(body, YEAR_KEYS):
        return KpiSet(year, kpis)
    for i, item in enumerate(r.seq(body, "kpis")):
        with r.at(f"kpis[{i}]", item):
            kpi, change = _kpi(r, year, item, fw)
            if kpi is None:
                continue
            if kpi.ref in kpis:
                r.problem(f"KPI {kpi.ref!r} appears twice in {year} (first on line "
                          f"{given[(year, kpi.ref)][0].line})", item, "ref")
                continue
            kpis[kpi.ref] = kpi
            removals += removals_read(r, item, year, kpi.ref)
            given[(year, kpi.ref)] = (item, f"{r.path}", frozenset(item))
            if change is not None:
                changes.append(change)
    for i, item in enumerate(r.seq(body, "removed")):
        with r.at(f"removed[{i}]", item):
            if r.expect_mapping(item, {"ref", "note"}):
                ref = r.text(item, "ref", required=True, max_len=L.REF)
                if ref in kpis:
                    r.problem(f"{ref} is listed both in kpis (line "
                              f"{given[(year, ref)][0].line}) and in removed: a KPI is either "
                              f"kept in {year} or removed from it", item, "ref")
                elif ref in {c.ref for c in removed}:
                    r.problem(f"{ref} is listed twice in removed", item, "ref")
                removed.append(KpiChange("removed", ref, note=r.text(item, "note")))
    return KpiSet(year, kpis, tuple(changes), tuple(removed), tuple(removals))


def _enum(r: Reader, item: Mapping[str, Any], key: str, enum: Any, default: Any) -> Any:
    value = r.choice(item, key, [e.value for e in enum])
    return enum(value) if value is not None else default


def _kpi(r: Reader, year: str, item: Any, fw: Framework) -> tuple[
        KpiDefinition | None, KpiChange | None]:
    if not r.expect_mapping(item, KPI_KEYS):
        return None, None
    ref = r.text(item, "ref", required=True, max_len=L.REF)
    name = r.text(item, "name", required=True)
    if not ref:
        return None, None
    targets: dict[str, Target] = {}
    sub_targets: dict[str, Target] = {}
    if "target" in item:
        with r.at("target", item):
            target, sub_targets = target_from(r, item["target"], year)
            if target is not None:
                targets[year] = target
    _targets_by_year(r, item, targets)
    this_year = targets.get(year)
    annual = None if this_year is None else this_year.annual
    with r.at("tolerance", item):
        tolerance = tolerance_from(r, item.get("tolerance"), target=annual) \
            if "tolerance" in item else DEFAULT_TOLERANCE
    subs = tuple(_subs(r, year, item, sub_targets))
    sub_target_problems(r, ref, year, item, sub_targets, subs)
    statutory_raw = item.get("statutory")
    if "statutory" in getattr(item, "plain", ()) and truth(statutory_raw) is not None:
        statutory_raw = truth(statutory_raw)  # unquoted yes/no/true/false: a flag, no text
    # a blank is unknown, not "No": None, as when the field is left out
    statutory = statutory_raw if isinstance(statutory_raw, bool) else (
        None if statutory_raw is None or not str(statutory_raw).strip()
        else str(statutory_raw).strip().lower().startswith("yes"))
    kpi = KpiDefinition(
        ref=ref, name=name, description=r.text(item, "description"),
        key_commitment=r.text(item, "key_commitment", max_len=L.COMMITMENT),
        priority=r.text(item, "priority", max_len=L.PRIORITY),
        directorate=r.text(item, "directorate", max_len=L.UNIT_NAME),
        department=r.text(item, "department", max_len=L.UNIT_NAME)
        or r.text(item, "service", max_len=L.UNIT_NAME),
        team=r.text(item, "team", max_len=L.UNIT_NAME),
        portfolio=r.text(item, "portfolio", max_len=L.UNIT_NAME),
        statutory=statutory,
        statutory_text="" if isinstance(statutory_raw, bool) else r.text(item, "statutory"),
        data_source=r.text(item, "data_source"),
        frequency=_enum(r, item, "frequency", Frequency, Frequency.MONTHLY),
        arrears_months=r.integer(item, "arrears_months", high=L.ARREARS_MONTHS),
        unit=_enum(r, item, "unit", Unit, Unit.NUMBER),
        decimals=r.integer(item, "decimals", high=L.DECIMALS) if "decimals" in item else None,
        polarity=polarity_from(r, item) or Polarity.HIGHER,  # if not given: see _inherit
        basis=_enum(r, item, "basis", ValueBasis, ValueBasis.SNAPSHOT),
        targets=MappingProxyType(targets), tolerance=tolerance,
        benchmark=_benchmark(r, item.get("benchmark"), item, "benchmark"),
        comparators=tuple(b for i, c in enumerate(r.seq(item, "comparators"))
                          if (b := _benchmark(r, c, item, f"comparators[{i}]")) is not None),
        sub_measures=subs,
        status=_enum(r, item, "status", KpiStatus, KpiStatus.EXISTING),
        rationale=r.text(item, "rationale"), notes=r.text(item, "notes"),
        sets=tuple(str(s) for s in r.seq(item, "sets")),
        theme=r.text(item, "theme", max_len=L.THEME),
        rating_scheme=_scheme_ref(r, item, "rating_scheme", fw.rating_schemes) or None,
        direction_scheme=_scheme_ref(r, item, "direction_scheme", fw.direction_schemes) or None,
        travel_basis=_enum(r, item, "travel_basis", TravelBasis, TravelBasis.VALUE),
        negatives_allowed=r.choice(item, "negative", ["allowed", "refused"]) == "allowed",
    )
    return kpi, _change(r, item, ref)


def _refs(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(x) for x in value)
    return (str(value),) if value not in (None, "") else ()


def _change(r: Reader, item: Mapping[str, Any], ref: str) -> KpiChange | None:
    """``change: {kind, from, note}``, or the short form ``previous: REF`` (or a list):
    renumbered from one other ref, merged from several, unchanged from its own ref."""
    short = _refs(item.get("previous"))
    if "change" not in item:
        if not short or short == (ref,):
            return None
        return KpiChange("renumbered" if len(short) == 1 else "merged", ref, short)
    c = item["change"]
    with r.at("change", item):
        if not r.expect_mapping(c, CHANGE_KEYS):
            return None
        kind = r.choice(c, "kind", CHANGE_KINDS) or "changed"
        prevs = _refs(c.get("from"))
        if short and prevs and short != prevs:
            r.problem(f"previous {list(short)} and change.from {list(prevs)} disagree; give "
                      "the previous KPI once", item, "previous")
        return KpiChange("changed" if kind == "redefined" else kind, ref, prevs or short,
                         r.text(c, "note"))


def _inherit(r: Reader, fw: Framework,
             given: dict[tuple[str, str], tuple[Any, str, frozenset[str]]]) -> None:
    """Each KPI takes what its own entry does not say (polarity, unit, basis, tolerance,
    schemes, frequency...) from its previous KPI; links are checked against the previous
    year's set when the file has it. A KPI with no previous KPI and no polarity is an error."""
    from kpiboard.framework.lineage import check_links, links

    for year in sorted(fw.years):
        kpi_set = fw.years[year]
        prev_label = FinancialYear.parse(year).previous().label
        previous = fw.years.get(prev_label)

        badly_linked: set[str] = set()
        if previous is not None:
            for ref, message in check_links(kpi_set, previous):
                item, path, _keys = given[(year, ref)]
                r.problems.append(Problem(r.file, getattr(item, "line", 0), path, message))
                badly_linked.add(ref)
        year_links = links(fw, year)
        for ref, kpi in list(kpi_set.kpis.items()):
            item, path, keys = given[(year, ref)]
            link = year_links.get(ref)
            before = None
            if previous is not None and link is not None and link.previous_refs:
                before = previous.kpis.get(link.previous_refs[0])
            if before is None:
                if "polarity" not in keys and ref not in badly_linked:
                    r.problems.append(Problem(r.file, getattr(item, "line", 0), path,
                                              f"'polarity' is required (higher, lower, target "
                                              f"or none): {ref} has no previous KPI in "
                                              f"{prev_label} to take it from"))
                continue
            taken = {f: getattr(before, f) for f in INHERITED if f not in keys}
            if taken:
                kpi_set.kpis[ref] = replace(kpi, **taken)


def _targets_by_year(r: Reader, item: Mapping[str, Any], into: dict[str, Target]) -> None:
    """A KPI's or sub-measure's ``targets:`` for other years, e.g. ``{2024/25: 95%}``."""
    raw = item.get("targets") or {}
    if not isinstance(raw, Mapping):
        r.problem("targets must map years to targets, e.g. {2024/25: 95%}", item, "targets")
        return
    spelled: dict[str, Any] = {}
    for y, v in raw.items():
        with r.at(f"targets.{y}", item):
            try:
                label = FinancialYear.parse(str(y)).label
            except PeriodError as exc:
                r.problem(str(exc))
                continue
            if label in spelled:
                r.problem(f"{y!r} is the same year as {spelled[label]!r} (line "
                          f"{getattr(raw, 'lines', {}).get(spelled[label], 0)}); give each year's "
                          "target once",
                          line=getattr(raw, "lines", {}).get(y))
                continue
            spelled[label] = y
            target, _subs = target_from(r, v, label)
            if target is not None:
                into[label] = target


def _subs(r: Reader, year: str, item: Mapping[str, Any], from_text: dict[str, Target]) -> list[
        SubMeasure]:
    out = []
    codes: dict[str, int] = {}
    subs = r.seq(item, "sub_measures")
    for i, s in enumerate(subs):
        with r.at(f"sub_measures[{i}]", s):
            if isinstance(s, str):
                line = subs.lines[i] if hasattr(subs, "lines") else 0
                s = LineDict(code=s)
                s.line, s.lines, s.plain = line, {"code": line}, set()
            if not r.expect_mapping(s, SUB_KEYS):
                continue
            code = r.text(s, "code", required=True, max_len=L.SUB_CODE)
            if code and code in codes:
                r.problem(f"sub-measure {code!r} is listed twice (first on line "
                          f"{codes[code]}); give each sub-measure once", s, "code")
                continue
            codes[code] = getattr(s, "line", 0)
            targets: dict[str, Target] = {}
            if code in from_text:
                targets[year] = from_text[code]
            if "target" in s:
                with r.at("target", s):
                    t, _ = target_from(r, s["target"], year)
                    if t is not None:
                        targets[year] = t
            _targets_by_year(r, s, targets)
            annual = targets[year].annual if year in targets else None
            tol = None
            if "tolerance" in s:
                with r.at("tolerance", s):
                    tol = tolerance_from(r, s["tolerance"], target=annual)
            out.append(SubMeasure(code, r.text(s, "name"), MappingProxyType(targets),
                                  polarity_from(r, s), tol))
    return out


_BENCH_VALUE = re.compile(r"^\s*(£?-?\d[\d,]*(?:\.\d+)?)\s*(%|days?|weeks?)?")


def _benchmark(r: Reader, value: Any, parent: Any, key: str) -> Benchmark | None:
    """``94% (Mean Average CIPFA Near Neighbours - LG Inform Q4 2022/23)`` or a mapping."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        with r.at(key, parent):
            if not r.expect_mapping(value, BENCHMARK_KEYS):
                return None
            return Benchmark(r.decimal(value, "value"), r.text(value, "text"),
                             r.text(value, "source"),
                             r.text(value, "period", max_len=L.BENCHMARK_PERIOD),
                             r.text(value, "group", max_len=L.BENCHMARK_GROUP))
    if isinstance(value, list):
        r.problem("a benchmark is text such as '94% (CIPFA near neighbours)' or a mapping "
                  "{value, text, source, period, group}, not a list", parent, key)
        return None
    text = str(value).strip()
    m = _BENCH_VALUE.match(text)
    number = None
    if m:
        try:
            number = fields_number(m.group(1).replace("£", "").replace(",", ""))
        except NumberError as exc:
            r.problem(f"benchmark {text[:40]!r}: {exc}", parent, key)
    source = text[m.end():].strip(" ()") if m else ""
    return Benchmark(number, text, source)
