"""The KPI set spreadsheet (the layout of NNC's Appendix B): read it into KPI definitions,
and write KPI definitions back in the same layout.

Columns: Key Commitment, Priority, Directorate, Department, Team, Ref, New or Existing,
Performance Indicator Name, Further detail (description), Target for YEAR1, Target for YEAR2,
Changes from YEAR1 to YEAR2 (optional), Rationale for target, Exec Member Portfolio. Names match
whatever their case and spacing, and the long published forms ("Corporate Plan Key Commitment",
"Target for 2024-25 (or explanation if not possible to set target)") match too.

The layout says nothing about polarity, unit, basis or frequency: those come from ``defaults``
or, for KPIs carried over, from last year's definitions (see ``kpiboard.kpis.rollover``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kpiboard.engine.kpi import KpiDefinition, KpiStatus, SubMeasure
from kpiboard.engine.periods import FinancialYear, PeriodError
from kpiboard.engine.targets import NoTargetReason, Target
from kpiboard.engine.types import Frequency, Polarity, Unit, ValueBasis
from kpiboard.framework import columns
from kpiboard.framework.checks import profile_problems
from kpiboard.framework.fields import Reader, polarity_from, target_from
from kpiboard.framework.model import KpiChange
from kpiboard.imports.tabular import Problem, Table, TableImportError, normalise, read_table

REQUIRED: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "reference", "kpi ref", "kpi reference"),
    "name": ("performance indicator name", "performance indicator", "indicator name", "kpi name",
             "kpi title"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "key_commitment": ("key commitment", "corporate plan key commitment"),
    "priority": ("priority", "key commitment priority", "corporate plan key commitment priority"),
    "directorate": ("directorate",),
    "department": ("department", "service"),
    "team": ("team",),
    "status": ("new or existing", "new not currently reported", "status"),
    "description": ("further detail", "description", "definition"),
    "changes": ("changes", "notes on changes", "change", "from"),
    "rationale": ("rationale",),
    "portfolio": ("exec member portfolio", "executive member portfolio", "portfolio",
                  "exec member", "lead member"),
    "previous_ref": ("previous ref", "previous refs", "previous reference", "previous kpi",
                     "replaces"),
    "polarity": ("polarity",),
    "unit": ("unit",),
}
# A "Previous ref" cell saying the KPI has no previous KPI in the stored previous set.
NO_PREVIOUS = frozenset({"none", "-", "n/a", "na", "new"})
_TARGET_HEADER = re.compile(r"^target (?:for )?(\d{2,4}) (?:to )?(\d{2,4})\b")  # normalised
_REF_TOKEN = r"\b[A-Z]{2,6}\s?\d+[A-Za-z]?(?:/\d+)?\b"
_DEFAULT_ENUMS: dict[str, Any] = {"frequency": Frequency, "unit": Unit, "basis": ValueBasis}


@dataclass
class KpiSetImport:
    """What a KPI set spreadsheet gives: this year's KPIs, last year's targets and the changes.

    ``unknown_polarity`` lists the refs whose polarity ``defaults`` did not give: their
    ``polarity`` is the engine default (higher) and must be confirmed or carried over.
    ``warnings`` are not errors (a KPI with a description but no name, as in the real file)."""

    year: str
    previous_year: str | None
    kpis: list[KpiDefinition] = field(default_factory=list)
    changes: list[KpiChange] = field(default_factory=list)
    previous_targets: dict[str, Target] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unknown_polarity: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # ref -> row number in the file
    file: str = ""
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical key -> header text
    target_column: str = ""  # the header of this year's target column
    # ref -> the fields its row gives itself (polarity, unit), and "previous_ref" when its
    # Previous ref cell is filled in ("none" included)
    given: dict[str, dict[str, Any]] = field(default_factory=dict)

    def where(self, ref: str, key: str | None = None) -> str:
        """``file, row N, column 'Previous ref'``: where ``ref``'s row (and column) is."""
        return str(Problem(self.file, self.sheet, self.rows.get(ref),
                           self.columns.get(key, key) if key else None, "")).rstrip(": ")


def read_kpi_set(path: str | Path, *, year: str | None = None,
                 defaults: Mapping[str, Any] | None = None, sheet: str | None = None,
                 strict: bool = True) -> KpiSetImport:
    """Read a KPI set spreadsheet (.csv or .xlsx). ``year`` picks the target column (default:
    the latest); ``defaults`` may give ``polarity`` (and ``frequency``, ``unit``, ``basis``)
    as one word for every KPI or a mapping ref -> word. Raises ``TableImportError`` listing
    every problem, unless ``strict`` is false (then the result lists them)."""
    table = read_table(path, required=REQUIRED, optional=OPTIONAL, sheet=sheet)
    problems: list[Problem] = []
    if not table.rows:
        raise TableImportError([Problem(table.file, table.sheet, None, None,
                                        "the table has a header row but no KPIs under it")])
    years = _target_columns(table, problems)
    current, previous = _choose_years(table, years, year, problems)
    result = KpiSetImport(current.label if current else "", previous.label if previous else None,
                          file=table.file, sheet=table.sheet, columns=dict(table.columns))
    if current is not None:
        result.target_column = years[current]
        _read_rows(table, result, years, current, previous, defaults or {}, problems)
    result.problems = problems
    if problems and strict:
        raise TableImportError(problems)
    return result


def _target_columns(table: Table, problems: list[Problem]) -> dict[FinancialYear, str]:
    years: dict[FinancialYear, str] = {}
    for header in table.header:
        m = _TARGET_HEADER.match(normalise(header))
        if not m or header in table.columns.values():
            continue
        try:
            fy = FinancialYear.parse(f"{m.group(1)}-{m.group(2)}")
        except PeriodError as exc:
            problems.append(Problem(table.file, table.sheet, table.header_row, header, str(exc)))
            continue
        if fy in years:
            problems.append(Problem(table.file, table.sheet, table.header_row, header,
                                    f"a second target column for {fy.label} (the first is "
                                    f"{years[fy]!r})"))
        else:
            years[fy] = header
    if not years and not problems:
        problems.append(Problem(table.file, table.sheet, table.header_row, None,
                                "no target column: expected a header such as 'Target for "
                                "2024-25'; the columns found are: "
                                + ", ".join(repr(h) for h in table.header if h)))
    return years


def _choose_years(table: Table, years: dict[FinancialYear, str], year: str | None,
                  problems: list[Problem]) -> tuple[FinancialYear | None, FinancialYear | None]:
    if not years:
        return None, None
    if year is None:
        current = max(years)
    else:
        try:
            current = FinancialYear.parse(year)
        except PeriodError as exc:
            problems.append(Problem(table.file, table.sheet, None, None, str(exc)))
            return None, None
        if current not in years:
            problems.append(Problem(table.file, table.sheet, table.header_row, None,
                                    f"no 'Target for {current.label}' column; the target "
                                    "columns are " + ", ".join(repr(h) for h in years.values())))
            return None, None
    earlier = [y for y in years if y < current]
    return current, max(earlier) if earlier else None


def _read_rows(table: Table, result: KpiSetImport, years: dict[FinancialYear, str],
               current: FinancialYear, previous: FinancialYear | None,
               defaults: Mapping[str, Any], problems: list[Problem]) -> None:
    unknown = set(defaults) - {"polarity", *_DEFAULT_ENUMS}
    if unknown:
        problems.append(Problem(table.file, None, None, None, f"unknown defaults {sorted(unknown)}"
                                "; the defaults are polarity, frequency, unit, basis"))
    ref_header = normalise(table.columns["ref"])
    for number, cells in table.rows:
        ref = " ".join(cells.get("ref", "").split())
        name = cells.get("name", "")
        if normalise(ref) == ref_header and normalise(name) == normalise(table.columns["name"]):
            continue  # the header repeated (a table pasted page by page)
        if not ref:
            if name or sum(1 for v in cells.values() if v) > 1:
                problems.append(table.problem(number, "ref", "no Ref: every KPI needs a "
                                              "reference such as 'STP15'"))
            continue  # else a heading row (a key commitment on its own)
        if ref in result.rows:
            problems.append(table.problem(number, "ref", f"Ref {ref!r} is also on row "
                                          f"{result.rows[ref]}"))
            continue
        result.rows[ref] = number
        if not name:
            if not cells.get("description"):
                problems.append(table.problem(number, "name", f"{ref} has no name"))
                continue
            name = cells["description"]
            result.warnings.append(table.problem(number, "name", f"{ref} has no name; its "
                                                 "description is used as its name"))
        kpi = _kpi(table, number, cells, ref, name, years[current], current, problems)
        if previous is not None:
            before, _ = _target(table, number, cells, years[previous], previous, problems)
            if before is not None:
                result.previous_targets[ref] = before
        change = _change(ref, cells.get("changes", ""), kpi.status)
        change = _linked(table, number, cells, ref, change, result, problems)
        kpi = _given(table, number, cells, kpi, result, problems)
        if change is not None:
            result.changes.append(change)
            if change.kind == "removed":
                continue
            if change.kind == "new" and not cells.get("status"):
                kpi = replace(kpi, status=KpiStatus.NEW)
        if change is None or not change.note:
            kpi = replace(kpi, notes=cells.get("changes", ""))
        result.kpis.append(_apply_defaults(table, number, kpi, defaults, result, problems))


def _linked(table: Table, number: int, cells: dict[str, str], ref: str,
            change: KpiChange | None, result: KpiSetImport,
            problems: list[Problem]) -> KpiChange | None:
    """The change with the refs of the Previous ref column (``AFL08``, ``STP16 + STP17``,
    ``none``), which win over refs found in the notes."""
    raw = " ".join(cells.get("previous_ref", "").split())
    if not raw:
        return change
    result.given.setdefault(ref, {})["previous_ref"] = raw
    note = change.note if change else " ".join(cells.get("changes", "").split())
    if raw.casefold() in NO_PREVIOUS:
        if change is not None and change.kind in ("renumbered", "merged", "split"):
            problems.append(table.problem(number, "previous_ref", f"{ref}: the Changes column "
                                          f"says {change.kind}, but Previous ref says none"))
        return KpiChange("new", ref, (), "") if change is None else (
            KpiChange("new" if change.kind == "new" else change.kind, ref, (), note))
    refs = tuple(dict.fromkeys(r for r in (" ".join(x.split()) for x in
                                           re.split(r"\s*[+;,]\s*|\s+and\s+", raw)) if r))
    kind = change.kind if change is not None else ""
    if kind in ("split", "merged", "moved") or (kind == "changed" and refs == (ref,)):
        pass
    elif refs == (ref,):
        kind = "unchanged"
    else:
        kind = "renumbered" if len(refs) == 1 else "merged"
    if kind == "unchanged":
        return None
    if kind == "new":
        problems.append(table.problem(number, "previous_ref", f"{ref} is new, but Previous ref "
                                      f"names {raw!r}"))
    return KpiChange(kind, ref, refs, note)


def _given(table: Table, number: int, cells: dict[str, str], kpi: KpiDefinition,
           result: KpiSetImport, problems: list[Problem]) -> KpiDefinition:
    """The Polarity and Unit columns, where the row fills them in."""
    given = result.given.setdefault(kpi.ref, {})
    if cells.get("polarity"):
        reader = Reader(table.file)
        polarity = polarity_from(reader, {"polarity": cells["polarity"]})
        for p in reader.problems:
            problems.append(table.problem(number, "polarity", p.message))
        if polarity is not None:
            given["polarity"] = polarity
            kpi = replace(kpi, polarity=polarity)
    if cells.get("unit"):
        word = normalise(cells["unit"]).replace(" ", "_")
        unit = UNIT_WORDS.get(word) or next((u for u in Unit if u.value == word), None)
        if unit is None:
            problems.append(table.problem(number, "unit", f"{cells['unit']!r} is not one of "
                                          + ", ".join(u.value for u in Unit)))
        else:
            given["unit"] = unit
            kpi = replace(kpi, unit=unit)
    return kpi


UNIT_WORDS = {"%": Unit.PERCENT, "percentage": Unit.PERCENT, "number": Unit.NUMBER,
              "£": Unit.MONEY, "pounds": Unit.MONEY, "day": Unit.DAYS, "week": Unit.WEEKS}


def unit_from_target(text: str) -> Unit | None:
    """The unit a target says as written: ``95%`` percent, ``56 days`` days, ``£1.2m`` money,
    ``8 weeks`` weeks, ``480 per 100,000`` rate; a bare number says nothing (None)."""
    t = text.casefold()
    if "%" in t or re.search(r"\bper ?cent\b", t):
        return Unit.PERCENT
    if "£" in t:
        return Unit.MONEY
    if re.search(r"\d\s*days?\b", t):
        return Unit.DAYS
    if re.search(r"\d\s*weeks?\b", t):
        return Unit.WEEKS
    if re.search(r"\bper (1,?000|10,?000|100,?000)\b", t):
        return Unit.RATE
    return None


def _kpi(table: Table, number: int, cells: dict[str, str], ref: str, name: str, column: str,
         year: FinancialYear, problems: list[Problem]) -> KpiDefinition:
    target, subs = _target(table, number, cells, column, year, problems)
    status_text = normalise(cells.get("status", ""))
    status = KpiStatus.EXISTING
    if status_text.startswith("new"):
        status = KpiStatus.NEW
    elif status_text.startswith("changed"):
        status = KpiStatus.CHANGED
    elif status_text and not status_text.startswith("existing"):
        problems.append(table.problem(number, "status", f"expected New or Existing, found "
                                      f"{cells['status']!r}"))
    for key, message in columns.too_long({**cells, "ref": ref}):
        problems.append(table.problem(number, key, message))
    return KpiDefinition(
        ref=ref, name=name, description=cells.get("description", ""),
        key_commitment=cells.get("key_commitment", ""), priority=cells.get("priority", ""),
        directorate=cells.get("directorate", ""), department=cells.get("department", ""),
        team=cells.get("team", ""), portfolio=cells.get("portfolio", ""),
        targets=MappingProxyType({year.label: target} if target is not None else {}),
        sub_measures=tuple(SubMeasure(code, targets=MappingProxyType({year.label: t}))
                           for code, t in subs.items()),
        status=status, rationale=cells.get("rationale", ""))


def _target(table: Table, number: int, cells: dict[str, str], column: str, year: FinancialYear,
            problems: list[Problem]) -> tuple[Target | None, dict[str, Target]]:
    """A target cell read as a framework file reads it; ``P1 and P2 97.5% - P3 and P4 90%``
    (groups of sub-measures separated by a dash) is read as ``P1 and P2 97.5% P3 and P4 90%``."""
    raw = cells.get(column, "")
    if not raw:
        return None, {}
    text = re.sub(r"(\d\s*%?)\s+[-–—]\s+(?=[A-Za-z])", r"\1 ", raw)
    reader = Reader(table.file)
    target, subs = target_from(reader, text, year.label)
    messages = [p.message for p in reader.problems]
    for t in () if target is None else (target, *subs.values()):
        # a profile's sense (basis-free: inside the year, a cumulative one never goes down)
        messages += profile_problems(t, year.label, ValueBasis.SNAPSHOT)
    for message in messages:
        problems.append(Problem(table.file, table.sheet, number, column, message))
    if target is not None and target.text != raw:
        target = replace(target, text=raw)
    return target, subs


def _apply_defaults(table: Table, number: int, kpi: KpiDefinition, defaults: Mapping[str, Any],
                    result: KpiSetImport, problems: list[Problem]) -> KpiDefinition:
    def word(key: str) -> Any:
        given = defaults.get(key)
        return given.get(kpi.ref) if isinstance(given, Mapping) else given

    changes: dict[str, Any] = {}
    polarity_word = word("polarity")
    polarity: Polarity | None = None
    if polarity_word is not None:
        reader = Reader(table.file)
        polarity = polarity_from(reader, {"polarity": polarity_word})
        for p in reader.problems:
            problems.append(Problem(table.file, table.sheet, number, None,
                                    f"defaults for {kpi.ref}: {p.message}"))
    if polarity is None:
        result.unknown_polarity.append(kpi.ref)
    else:
        changes["polarity"] = polarity
    for key, enum in _DEFAULT_ENUMS.items():
        value = word(key)
        if value is None:
            continue
        try:
            changes[key] = enum(str(value).strip().lower().replace("-", "_").replace(" ", "_"))
        except ValueError:
            problems.append(Problem(table.file, table.sheet, number, None,
                                    f"defaults for {kpi.ref}: {key} {value!r} is not one of "
                                    + ", ".join(e.value for e in enum)))
    return replace(kpi, **changes) if changes else kpi


def _change(ref: str, text: str, status: KpiStatus) -> KpiChange | None:
    """What the Changes column says, if it is a change of the KPI rather than a note."""
    t = " ".join(text.split())
    low = t.lower()
    others = tuple(dict.fromkeys(r for r in re.findall(_REF_TOKEN, t)
                                 if r.replace(" ", "") != ref.replace(" ", "")))
    if re.match(r"\W*new\b", low) or (not t and status is KpiStatus.NEW):
        return KpiChange("new", ref, (), t)
    if re.match(r"\W*(kpi\s+)?(removed|deleted|to be removed|no longer (reported|a kpi))", low):
        return KpiChange("removed", ref, (), t)
    if others and re.search(r"\b(ref|reference|renumbered|kpi number|code)\b", low):
        return KpiChange("renumbered", ref, others[:1], t)
    if re.search(r"\bsplit\b", low):
        return KpiChange("split", ref, others, t)
    if re.search(r"\b(merged|combined)\b", low):
        return KpiChange("merged", ref, others, t)
    if re.search(r"\b(moved|transferred)\b", low):
        return KpiChange("moved", ref, others, t)
    if re.search(r"previous(ly)? name|\brenamed\b|\bname (has been |was )?(changed|aligned|"
                 r"updated|amended)|changed to match .*\bname\b|\b(definition|department|"
                 r"directorate|service)\b.*\b(changed|updated|amended|redefined)\b", low):
        return KpiChange("changed", ref, others, t)
    return None


# -- writing -----------------------------------------------------------------------------------
def write_kpi_set(kpis: Iterable[KpiDefinition], path: str | Path, *, year: str,
                  previous_year: str | None = None,
                  previous_targets: Mapping[str, Target] | None = None,
                  changes: Iterable[KpiChange] | None = None) -> None:
    """Write KPIs in the layout ``read_kpi_set`` reads: .xlsx (bold, frozen header) or .csv
    (UTF-8 with a byte order mark, so that Excel opens it correctly)."""
    path = Path(path)
    this = FinancialYear.parse(year)
    prev = FinancialYear.parse(previous_year) if previous_year else None
    header = ["Key Commitment", "Priority", "Directorate", "Department", "Team", "Ref",
              "New or Existing", "Performance Indicator Name", "Further detail (description)"]
    header += [f"Target for {_dash(prev)}"] if prev else []
    header += [f"Target for {_dash(this)}",
               f"Changes from {_dash(prev or this.previous())} to {_dash(this)}",
               "Rationale for target", "Exec Member Portfolio", "Previous ref", "Polarity",
               "Unit"]
    by_ref = {c.ref: c for c in changes or () if c.kind != "removed"}
    rows = []
    for k in kpis:
        change = by_ref.get(k.ref)
        if change and change.kind == "new" and not change.note and k.status is KpiStatus.NEW:
            change = None  # "New" in its own column says it
        said = change_text(change) if change is not None and (change.note or not _linked_by_column(
            change, k)) else ""
        note = "; ".join(x for x in (said, k.notes) if x)
        row = [k.key_commitment, k.priority, k.directorate, k.department, k.team, k.ref,
               k.status.value.capitalize(), k.name, k.description]
        row += [target_text((previous_targets or {}).get(k.ref), k, prev.label)] if prev else []
        previous = " + ".join(change.previous_refs) if change is not None else ""
        if not previous and change is not None and change.kind == "new" and (
                k.status is not KpiStatus.NEW):
            previous = "none"
        row += [target_text(k.targets.get(this.label), k, this.label), note, k.rationale,
                k.portfolio, previous, k.polarity.value, k.unit.value]
        rows.append(row)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
        return
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"write a KPI set as .xlsx or .csv, not {path.suffix or path.name!r}")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "KPI set"
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # text as written: '=...' or '95%' must not become numbers
    ws.freeze_panes = "A2"
    book.save(path)


def _linked_by_column(change: KpiChange, kpi: KpiDefinition) -> bool:
    """Whether the Previous ref column alone says ``change`` (so Changes may stay empty)."""
    if change.kind == "renumbered":
        return len(change.previous_refs) == 1
    if change.kind == "merged":
        return len(change.previous_refs) > 1
    return change.kind == "new" and kpi.status is not KpiStatus.NEW


def _dash(fy: FinancialYear) -> str:
    return fy.label.replace("/", "-")  # "2024-25", as the councils' headers write it


def change_text(change: KpiChange) -> str:
    """The Changes cell for a change: its note, or words that read back as the same kind."""
    if change.note:
        return change.note
    refs = " and ".join(change.previous_refs)
    return {"new": "NEW KPI", "renumbered": f"Reference changed from {refs}",
            "split": f"Split from {refs}".strip(), "merged": f"Merged from {refs}".strip(),
            "moved": "Moved", "changed": "Definition changed",
            "removed": "Removed"}.get(change.kind, change.kind)


def target_text(target: Target | None, kpi: KpiDefinition | None = None,
                year: str | None = None) -> str:
    """A target as the cell shows it: its own text, else a rendering that reads back the same."""
    if target is not None and target.text:
        return target.text
    subs = {s.code: s.targets[year] for s in (kpi.sub_measures if kpi else ())
            if year and year in s.targets}
    if target is None or (not target.is_set and target.none is None):
        return " ".join(f"{c} {target_text(t)}" for c, t in subs.items())
    pct = "%" if kpi is not None and kpi.unit is Unit.PERCENT else ""
    if target.none is not None:
        return "TBD" if target.none is NoTargetReason.TO_BE_DECIDED else target.none.label
    if target.cumulative_profile and target.profile:
        return " / ".join(_n(v) for v in target.profile.values())
    if target.band is not None:
        return f"{_n(target.band[0])}{pct} - {_n(target.band[1])}{pct}"
    if target.annual is not None and target.per_month is not None:
        return f"{_n(target.annual)} ({_n(target.per_month)} per month)"
    figure = target.annual if target.annual is not None else target.per_month
    return f"{target.qualifier or ''}{_n(figure)}{pct}" if figure is not None else ""


def _n(number: Decimal | None) -> str:
    if number is None:
        return ""
    return format(number.normalize(), "f") if number != number.to_integral_value() else (
        str(int(number)))
