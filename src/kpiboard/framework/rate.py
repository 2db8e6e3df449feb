"""Rate a long table of values (CSV) against a framework file: the ``kpiboard rate`` command."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from kpiboard.engine.aggregate import Observation
from kpiboard.engine.assess import Assessment, assess, roll_up
from kpiboard.engine.explain import num
from kpiboard.engine.periods import Period, PeriodError
from kpiboard.engine.rating import override
from kpiboard.engine.values import ValueParseError, parse_value
from kpiboard.framework.lineage import History, Link, history
from kpiboard.framework.model import Framework

OUTPUT_COLUMNS = ("ref", "period", "value", "target", "status", "direction", "explanation")
REQUIRED = ("ref", "period", "value")
OPTIONAL = ("numerator", "denominator", "sub_measure", "status_override", "override_reason")


class InputError(ValueError):
    """Bad input, with every problem listed as file:row: column: message."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        n = len(problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the values:\n" + "\n".join(
            f"  {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class ValueRow:
    ref: str
    sub_measure: str
    period: Period
    text: str
    observation: Observation
    override: str = ""
    override_reason: str = ""


def read_values(path: str | Path, framework: Framework) -> list[ValueRow]:
    """Read and check a values CSV; raise :class:`InputError` listing every problem."""
    p = Path(path)
    try:
        raw = p.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([f"{p}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"]) \
            from exc
    except OSError as exc:
        raise InputError([f"{p}: cannot read the file: {exc.strerror}"]) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError([f"{p}:1: missing column(s) {', '.join(missing)}; the columns are "
                          f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}"])
    problems: list[str] = []
    rows: list[ValueRow] = []
    seen: dict[tuple[str, str, Period], int] = {}
    for line_no, raw_row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw_row.items()}
        where = f"{p}:{line_no}"
        ref, sub = row["ref"], row.get("sub_measure", "")
        try:
            period = Period.parse(row["period"])
        except PeriodError as exc:
            problems.append(f"{where}: column period: {exc}")
            continue
        kpi = framework.kpi(ref, period.year.label)
        if kpi is None:
            known = framework.years.get(period.year.label)
            problems.append(f"{where}: column ref: {ref!r} is not a KPI in the "
                            f"{period.year.label} set" + ("" if known else
                                                          " (the framework has no such year)"))
            continue
        if sub and kpi.sub_measure(sub) is None:
            problems.append(f"{where}: column sub_measure: {sub!r} is not a sub-measure of "
                            f"{ref} ({', '.join(s.code for s in kpi.sub_measures) or 'none'})")
            continue
        try:
            parsed = parse_value(row["value"])
            numerator = _opt(row.get("numerator"))
            denominator = _opt(row.get("denominator"))
        except ValueParseError as exc:
            problems.append(f"{where}: {exc}")
            continue
        key = (ref, sub, period)
        if key in seen:
            problems.append(f"{where}: {ref}{'/' + sub if sub else ''} {period.label} is "
                            f"already given on row {seen[key]}")
            continue
        seen[key] = line_no
        override, reason = row.get("status_override", ""), row.get("override_reason", "")
        if override:
            scheme = framework.rating_scheme_for(kpi)
            if override not in scheme.by_code:
                labels = {s.label.lower(): s.code for s in scheme.statuses}
                if override.lower() not in labels:
                    problems.append(f"{where}: column status_override: {override!r} is not a "
                                    f"status of the {scheme.name!r} scheme "
                                    f"({', '.join(s.label for s in scheme.statuses)})")
                    continue
                override = labels[override.lower()]
            if not reason:
                problems.append(f"{where}: column override_reason: an override needs a reason")
                continue
        num_, den_ = numerator or parsed.numerator, denominator or parsed.denominator
        rows.append(ValueRow(ref, sub, period, row["value"], Observation(
            parsed.value, parsed.state, num_, den_), override, reason))
    if problems:
        raise InputError(problems)
    return rows


def _opt(text: str | None) -> Decimal | None:
    if not text:
        return None
    parsed = parse_value(text)
    return parsed.value


@dataclass(frozen=True, slots=True)
class RatedRow:
    ref: str
    sub_measure: str
    period: Period
    value_text: str
    assessment: Assessment

    def as_dict(self) -> dict[str, str]:
        a = self.assessment
        ref = f"{self.ref}/{self.sub_measure}" if self.sub_measure else self.ref
        return {
            "ref": ref,
            "period": self.period.key,
            "value": self.value_text,
            "target": target_text(a),
            "status": a.rating.status.label + (" (override)" if a.rating.is_override else ""),
            "direction": a.travel.symbol,
            "explanation": a.explanation,
        }


def target_text(a: Assessment) -> str:
    """The target as the council writes it when it is the figure applied, else the figure."""
    spec = a.target_spec
    if a.target is not None:
        if spec is not None and spec.text and spec.annual == a.target and not spec.per_month:
            return spec.text
        return num(a.target, a.kpi.unit)
    if spec is None:
        return ""
    if spec.none is not None:
        return spec.none.label
    if spec.band is not None:
        return f"{num(spec.band[0], a.kpi.unit)}–{num(spec.band[1], a.kpi.unit)}"
    return spec.text


def rate_rows(framework: Framework, rows: Iterable[ValueRow],
              period: Period | None = None) -> list[RatedRow]:
    """Assess every row (or only those for ``period``), in the order given."""
    rows = list(rows)
    series: dict[tuple[str, str], dict[Period, Observation]] = defaultdict(dict)
    for row in rows:
        series[(row.ref, row.sub_measure)][row.period] = row.observation
    out: list[RatedRow] = []
    by_parent: dict[tuple[str, Period], list[Assessment]] = defaultdict(list)
    histories: dict[tuple[str, str, str], History] = {}
    links_cache: dict[str, dict[str, Link]] = {}
    for row in rows:
        if period is not None and row.period != period:
            continue
        kpi = framework.kpi(row.ref, row.period.year.label)
        assert kpi is not None  # read_values checked it
        scheme = framework.rating_scheme_for(kpi)
        key = (row.ref, row.sub_measure, row.period.year.label)
        if key not in histories:  # its series through its lineage (renumbered, merged)
            histories[key] = history(framework, row.ref, key[2], row.sub_measure, series,
                                     links_cache=links_cache)
        a = assess(kpi, row.period, histories[key].series,
                   rating_scheme=scheme,
                   direction_scheme=framework.direction_scheme_for(kpi),
                   sub_measure=row.sub_measure or None,
                   changes=histories[key].changes)
        if row.override:
            a = replace(a, rating=override(a.rating, scheme.status(row.override),
                                           row.override_reason))
        if row.sub_measure:
            by_parent[(row.ref, row.period)].append(a)
        out.append(RatedRow(row.ref, row.sub_measure, row.period, row.text, a))
    for i, rated in enumerate(out):
        children = by_parent.get((rated.ref, rated.period))
        if not rated.sub_measure and children:
            kpi = rated.assessment.kpi
            rolled = roll_up(rated.assessment, children, framework.rating_scheme_for(kpi))
            out[i] = RatedRow(rated.ref, "", rated.period, rated.value_text, rolled)
    return out


def render(rated: list[RatedRow], fmt: str) -> str:
    rows = [r.as_dict() for r in rated]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=OUTPUT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}")
