"""The yearly review of a KPI set: what changed against last year, and the count of KPIs by
key commitment and report section (the tables of a council's performance framework report)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kpiboard.engine.kpi import KpiDefinition, KpiStatus
from kpiboard.engine.periods import FinancialYear, PeriodError
from kpiboard.engine.targets import NoTargetReason, Target
from kpiboard.engine.tolerance import Tolerance, ToleranceKind
from kpiboard.engine.types import Frequency
from kpiboard.framework.model import Framework, KpiSet

KIND_ORDER = ("new", "split", "merged", "renumbered", "moved", "renamed", "changed",
              "removed")
MONTHLY = "Monthly"
SERVICE = "Quarterly / Annual - Service indicators"
ORG_HEALTH = "Quarterly / Annual - Organisational health indicators"
TOTAL = "Total"
COLUMNS = (MONTHLY, SERVICE, ORG_HEALTH, TOTAL)
NO_KEY_COMMITMENT = "No key commitment"
ORG_HEALTH_SETS = frozenset({"organisational health", "organizational health", "org health"})
_WHERE = frozenset({"directorate", "department", "team"})  # only these: the KPI "moved"


@dataclass(frozen=True)
class Change:
    """One KPI's change against last year's set; ``how`` gives each difference in words."""

    kind: str  # new, changed, renumbered, moved, renamed (its unit), split, merged, removed
    ref: str
    previous_refs: tuple[str, ...] = ()
    how: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Counts:
    """KPIs by key commitment (rows, the last one ``Total``) and report section (columns)."""

    columns: list[str]
    rows: list[tuple[str, list[int]]]
    heading: str = "Key commitment"

    def row(self, name: str) -> list[int]:
        """The counts of one row, the name matched case-insensitively."""
        for label, counts in self.rows:
            if _fold(label) == _fold(name):
                return counts
        raise KeyError(name)

    def as_table_rows(self) -> list[list[str]]:
        """A heading row, then one row of text per key commitment and the total."""
        return [[self.heading, *self.columns],
                *([label, *(str(n) for n in counts)] for label, counts in self.rows)]

    def as_csv(self) -> str:
        return _csv(self.as_table_rows())


def framework_changes(fw: Framework, *, from_year: str, to_year: str) -> list[Change]:
    """Every KPI in ``to_year``'s set that is new, split, merged, renumbered, moved or changed
    against ``from_year``'s set, and every KPI removed; ordered by kind, then reference.

    Changes declared in the framework (``change`` on a KPI, the year's ``removed`` list) win;
    the rest are found by comparing the two sets' definitions."""
    old, new = _kpi_set(fw, from_year), _kpi_set(fw, to_year)
    renamed = _unit_identity(fw)
    out: list[Change] = []
    declared: set[str] = set()
    accounted: set[str] = set()  # last year's refs that a declared change explains
    for c in new.changes:
        declared.add(c.ref)
        accounted.update(c.previous_refs)
        kpi = new.kpis.get(c.ref)
        base = old.kpis.get(c.previous_refs[0] if c.previous_refs else c.ref)
        diffs = [] if kpi is None or base is None else [
            words for _, words in _differences(base, kpi, old.year, new.year, renamed)]
        prev = list(c.previous_refs)
        if c.kind == "split":
            how = [f"split from {_and(prev)}"] if prev else []
        elif c.kind == "merged":
            how = [f"merged from {_and(prev)}"] if prev else []
        elif c.kind in ("new", "removed"):
            how = []
        elif prev and prev != [c.ref]:
            how = [f"renumbered from {_and(prev)}", *diffs]
        else:
            how = diffs
        out.append(Change(c.kind, c.ref, c.previous_refs, tuple(how), c.note))
    for c in new.removed:
        if c.ref not in declared:
            declared.add(c.ref)
            accounted.add(c.ref)
            out.append(Change("removed", c.ref, c.previous_refs, (), c.note))
    for ref, kpi in new.kpis.items():
        if ref in declared:
            continue
        before = old.kpis.get(ref)
        if before is None:
            out.append(Change("new", ref))
        elif kpi.status is KpiStatus.NEW and before.status is not KpiStatus.NEW:
            reused = () if _same(before.name, kpi.name) else (
                f'reference used in {old.year} for "{before.name}"',)
            out.append(Change("new", ref, how=reused))
        else:
            found = _differences(before, kpi, old.year, new.year, renamed)
            if found:
                fields = {f for f, _ in found}
                kind = ("renamed" if fields == {"renamed"} else
                        "moved" if fields <= _WHERE | {"renamed"} else "changed")
                out.append(Change(kind, ref, how=tuple(w for _, w in found)))
    for ref in old.kpis:
        if ref not in new.kpis and ref not in accounted and ref not in declared:
            out.append(Change("removed", ref))
    return sorted(out, key=lambda c: (_kind_rank(c.kind), _ref_key(c.ref), c.ref))


def framework_counts(fw: Framework, *, year: str) -> Counts:
    """The count of ``year``'s KPIs by key commitment and report section, with totals.

    A KPI is Monthly if its frequency is monthly; otherwise Organisational health if one of
    its ``sets`` is organisational health (in any spelling: ``organisational_health``,
    ``Org health``), else Service."""
    kpi_set = _kpi_set(fw, year)
    rows: dict[str, tuple[str, list[int]]] = {}
    for kc in fw.key_commitments:
        rows.setdefault(_fold(kc.name), (kc.name, [0, 0, 0, 0]))
    others: dict[str, tuple[str, list[int]]] = {}
    missing: list[int] = [0, 0, 0, 0]
    for kpi in kpi_set.kpis.values():
        key = _fold(kpi.key_commitment)
        if not key:
            counts = missing
        elif key in rows:
            counts = rows[key][1]
        else:
            counts = others.setdefault(key, (" ".join(kpi.key_commitment.split()), [0] * 4))[1]
        counts[_column(kpi)] += 1
        counts[3] += 1
    table = list(rows.values())
    table += [others[k] for k in sorted(others)]
    if any(missing):
        table.append((NO_KEY_COMMITMENT, missing))
    totals = [sum(counts[i] for _, counts in table) for i in range(4)]
    return Counts(list(COLUMNS), [*table, (TOTAL, totals)])


def changes_csv(changes: Iterable[Change]) -> str:
    """The changes as CSV: kind, ref, previous_refs (space separated), how ("; "), note."""
    rows = [["kind", "ref", "previous_refs", "how", "note"]]
    rows += [[c.kind, c.ref, " ".join(c.previous_refs), "; ".join(c.how), c.note]
             for c in changes]
    return _csv(rows)


# -- helpers ------------------------------------------------------------------------------
def _kpi_set(fw: Framework, year: str) -> KpiSet:
    try:
        label = FinancialYear.parse(year).label
    except PeriodError as exc:
        raise ValueError(str(exc)) from None
    if label not in fw.years:
        have = ", ".join(sorted(fw.years)) or "none"
        raise ValueError(f"the framework has no KPI set for {label} (it has: {have})")
    return fw.years[label]


def _column(kpi: KpiDefinition) -> int:
    if kpi.frequency is Frequency.MONTHLY:
        return 0
    names = {" ".join(re.split(r"[\s_-]+", s.strip().casefold())) for s in kpi.sets}
    return 2 if names & ORG_HEALTH_SETS else 1


def _unit_identity(fw: Framework) -> dict[str, str]:
    """Each folded name of a directorate or service (current or former) → its current name."""
    out: dict[str, str] = {}
    for d in fw.directorates:
        units = [(d.name, d.formerly), *((s.name, s.formerly) for s in d.services)]
        for name, formerly in units:
            for n in (name, *formerly):
                out.setdefault(_fold(n), name)
    return out


def _differences(a: KpiDefinition, b: KpiDefinition, year_a: str, year_b: str,
                 renamed: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(field, words) for each difference that matters between two definitions; a
    directorate or service renamed (``formerly``) is said to be renamed."""
    out: list[tuple[str, str]] = []
    same_unit = renamed or {}

    def text(field: str, old: str, new: str, *, quote: bool = False, fold: bool = False) -> None:
        if not _same(old, new, fold=fold):
            q = '"' if quote else ""
            shown = [f"{q}{' '.join(v.split())}{q}" if v.strip() else "none" for v in (old, new)]
            was = same_unit.get(_fold(old))
            if field in ("directorate", "department") and was and was == same_unit.get(
                    _fold(new)):
                out.append(("renamed", f"{field}: {shown[0]} → {shown[1]} (renamed)"))
                return
            out.append((field, f"{field}: {shown[0]} → {shown[1]}"))

    text("name", a.name, b.name, quote=True)
    text("description", a.description, b.description, quote=True)
    text("unit", a.unit.value, b.unit.value)
    text("polarity", a.polarity.label, b.polarity.label)
    text("frequency", a.frequency.value.replace("_", "-"), b.frequency.value.replace("_", "-"))
    text("value basis", a.basis.value.replace("_", " "), b.basis.value.replace("_", " "))
    text("key commitment", a.key_commitment, b.key_commitment, fold=True)
    text("directorate", a.directorate, b.directorate, fold=True)
    text("department", a.department, b.department, fold=True)
    text("team", a.team, b.team, fold=True)
    ta, tb = a.targets.get(year_a), b.targets.get(year_b)
    if _target_key(ta, tb) != _target_key(tb, ta):
        out.append(("target", f"target: {_target_words(ta)} → {_target_words(tb)}"))
    if _tolerance_differs(a.tolerance, b.tolerance):
        out.append(("tolerance", f"tolerance: {_tolerance_words(a.tolerance)} → "
                                 f"{_tolerance_words(b.tolerance)}"))
    codes_a = [s.code for s in a.sub_measures]
    codes_b = [s.code for s in b.sub_measures]
    out += [("sub-measures", f"sub-measure added: {c}") for c in codes_b if c not in codes_a]
    out += [("sub-measures", f"sub-measure removed: {c}") for c in codes_a if c not in codes_b]
    return out


def _target_key(t: Target | None, other: Target | None) -> tuple[object, ...]:
    """What is compared: the texts when both targets have one, else the figures."""
    if t is not None and other is not None and t.text.strip() and other.text.strip():
        return ("text", _fold(t.text))
    if t is None:
        return ("figures", None, None, None, NoTargetReason.NOT_SET)
    none = t.none or (None if t.is_set else NoTargetReason.NOT_SET)
    return ("figures", t.annual, t.per_month, t.band, none)


def _target_words(t: Target | None) -> str:
    if t is None:
        return "no target"
    if t.text.strip():
        return " ".join(t.text.split())
    if t.none is not None:
        return t.none.label
    if t.annual is not None:
        monthly = f" ({_fmt(t.per_month)} per month)" if t.per_month is not None else ""
        return f"{_fmt(t.annual)}{monthly}"
    if t.per_month is not None:
        return f"{_fmt(t.per_month)} per month"
    if t.band is not None:
        return f"{_fmt(t.band[0])}–{_fmt(t.band[1])}"
    return "no target"


def _tolerance_differs(a: Tolerance, b: Tolerance) -> bool:
    if a.kind is not b.kind:
        return True
    if a.kind in (ToleranceKind.NONE, ToleranceKind.DEFAULT):
        return False  # "N/A" and "No tolerance" say the same thing
    if (a.amount, a.low, a.high, a.green, a.amber) != (b.amount, b.low, b.high, b.green, b.amber):
        return True
    squash = re.compile(r"\s+")
    return bool(a.text.strip() and b.text.strip()) and (
        squash.sub("", a.text).casefold() != squash.sub("", b.text).casefold())


def _tolerance_words(t: Tolerance) -> str:
    return " ".join(t.text.split()) or t.describe()


def _fmt(d: Decimal | None) -> str:
    if d is None:
        return ""
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


def _fold(s: str) -> str:
    return " ".join(s.split()).casefold()


def _same(a: str, b: str, *, fold: bool = False) -> bool:
    return _fold(a) == _fold(b) if fold else " ".join(a.split()) == " ".join(b.split())


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _ref_key(ref: str) -> tuple[tuple[str, int], ...]:
    """Natural order: STP4 before STP15."""
    return tuple((t.casefold(), int(n) if n else -1) for t, n in re.findall(r"(\D*)(\d*)", ref))


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()
