"""The dashboard's filters, applied to a built report in Python (one source of truth: the
report model decides every figure; the dashboard only chooses which rows to show)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kpiboard.reports.model import KpiRow, Report, Section, StatusCount, StatusView


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Filters:
    key_commitment: str = ""
    directorate: str = ""
    status: str = ""  # a status code
    q: str = ""  # words to find in a ref or a name

    @property
    def active(self) -> bool:
        return bool(self.key_commitment or self.directorate or self.status or self.q.strip())


def _matches_text(row: KpiRow, words: list[str]) -> bool:
    rows = (row, *row.children)
    haystack = " ".join(f"{r.ref} {r.sub_measure} {r.name}" for r in rows).casefold()
    return all(w in haystack for w in words)


def row_matches(row: KpiRow, filters: Filters) -> bool:
    if filters.key_commitment and fold(row.key_commitment) != fold(filters.key_commitment):
        return False
    if filters.directorate and fold(row.directorate) != fold(filters.directorate):
        return False
    if filters.status and (row.status is None or row.status.code != filters.status):
        return False
    words = filters.q.casefold().split()
    return not words or _matches_text(row, words)


def filter_sections(report: Report, filters: Filters) -> tuple[Section, ...]:
    """The report's sections with only the KPIs (each with its sub-measures) that match."""
    out = []
    for section in report.sections:
        groups = tuple(replace(g, rows=tuple(r for r in g.rows if row_matches(r, filters)))
                       for g in section.groups)
        groups = tuple(g for g in groups if g.rows)
        if groups:
            out.append(Section(section.title, groups))
    return tuple(out)


def status_counts(report: Report, rows: tuple[KpiRow, ...]) -> tuple[StatusCount, ...]:
    """How many of ``rows`` have each status, in the order of the report's own counts (every
    status of the schemes used, even at 0; overrides counted under their status)."""
    order: list[StatusView] = [c.status for c in report.overall.counts] if report.overall \
        else []
    counts: dict[str, int] = {s.code: 0 for s in order}
    for row in rows:
        if row.status is None:
            continue
        if row.status.code not in counts:
            order.append(replace(row.status, override=False))
            counts[row.status.code] = 0
        counts[row.status.code] += 1
    return tuple(StatusCount(s, counts[s.code]) for s in order)


def options(report: Report, attribute: str) -> list[str]:
    """The different values of a row attribute (key_commitment, directorate), sorted."""
    seen: dict[str, str] = {}
    for row in report.rows:
        value = getattr(row, attribute)
        if value:
            seen.setdefault(fold(value), value)
    return sorted(seen.values(), key=fold)


def statuses(report: Report) -> list[StatusView]:
    """Every status a KPI of the report can have, in the key's order."""
    if report.overall is None:
        return []
    seen: dict[str, StatusView] = {}
    for c in report.overall.counts:
        seen.setdefault(c.status.code, c.status)
    return list(seen.values())
