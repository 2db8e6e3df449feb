"""Everything the KPI page shows, read and decided here (the view only lays it out).

Figures, statuses, arrows and explanations come from the report builder
(``reports.build``) — the same functions that make the reports' rows — for each period of
the KPI's year, so the page and the reports never disagree. A fixed number of queries,
whatever the number of KPIs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.safestring import SafeString, mark_safe

from kpiboard.data.models import Commentary, ValueRevision
from kpiboard.engine.kpi import Benchmark, KpiDefinition
from kpiboard.engine.periods import FinancialYear, Period, PeriodError
from kpiboard.engine.types import Frequency
from kpiboard.framework.lineage import lineage, links
from kpiboard.framework.model import Framework
from kpiboard.framework.review import framework_changes
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.selectors import framework_get
from kpiboard.reports import build
from kpiboard.reports.model import DirectionView, KpiRow, StatusView, ValueCell
from kpiboard.workflow.selectors import (
    ALL,
    PUBLIC,
    period_visible,
    published_through,
    visible_filter,
)


class KpiNotFound(LookupError):
    """No such KPI in that year's set; ``refs`` are the set's refs (empty: no such set)."""

    def __init__(self, message: str, refs: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.refs = refs


@dataclass(frozen=True)
class HistoryRow:
    period: str  # the period's label
    key: str
    current: ValueCell | None
    target: str
    status: StatusView | None
    direction: DirectionView | None
    explanation: str
    not_reported: str


@dataclass(frozen=True)
class History:
    """The periods of the KPI itself, or of one sub-measure."""

    title: str
    sub_measure: str
    rows: tuple[HistoryRow, ...]


@dataclass(frozen=True)
class Revision:
    period: str
    sub_measure: str
    revision: int
    when: datetime
    who: str
    old_text: str
    new_text: str
    reason: str
    source: str


@dataclass(frozen=True)
class Note:
    period: str
    sub_measure: str
    html: SafeString


@dataclass(frozen=True)
class YearChange:
    """How the KPI's definition differs between two years' sets."""

    from_year: str
    to_year: str
    kind: str  # new, changed, renumbered, moved, split, merged, removed, unchanged
    how: tuple[str, ...] = ()
    note: str = ""
    previous_refs: tuple[str, ...] = ()
    ref: str = ""  # the KPI's ref in ``to_year`` (for a change into the next year)


@dataclass(frozen=True)
class KpiPage:
    kpi: KpiDefinition
    year: FinancialYear
    period: Period
    row: KpiRow
    facts: tuple[tuple[str, str], ...]
    histories: tuple[History, ...]
    revisions: tuple[Revision, ...] | None  # None: this person sees only *that* it was revised
    revised: tuple[str, ...]  # the periods (labels) with a revised figure
    notes: tuple[Note, ...]
    benchmarks: tuple[Benchmark, ...]
    change: YearChange | None  # against last year's set
    next_change: YearChange | None  # into next year's set
    other_years: tuple[tuple[str, str], ...]  # (year label, ref) of the KPI in other sets


def kpi_find(fw: Framework, year: FinancialYear, ref: str) -> KpiDefinition:
    kpi_set = fw.years.get(year.label)
    if kpi_set is None:
        raise KpiNotFound(f"There is no {year.label} KPI set.")
    kpi = kpi_set.kpis.get(ref) or next(
        (k for r, k in kpi_set.kpis.items() if r.casefold() == ref.casefold()), None)
    if kpi is None:
        raise KpiNotFound(f"There is no KPI {ref} in the {year.label} KPI set.",
                          tuple(kpi_set.kpis))
    return kpi


def history_periods(kpi: KpiDefinition, year: FinancialYear, last: Period) -> list[Period]:
    """The periods of ``year`` the KPI is reported for, up to the end of ``last`` (the page
    adds any other period with a stored figure, such as a monthly KPI's quarters)."""
    if kpi.frequency is Frequency.QUARTERLY:
        candidates: tuple[Period, ...] = year.quarters()
    elif kpi.frequency is Frequency.HALF_YEARLY:
        candidates = (Period.half(year, 1), Period.half(year, 2))
    elif kpi.frequency is Frequency.ANNUAL:
        candidates = (Period.full_year(year),)
    else:
        candidates = year.months()
    return [p for p in candidates if p.end <= last.end]


def kpi_page_get(*, organisation: Organisation, year: FinancialYear, ref: str,
                 period: Period, visibility: str) -> KpiPage:
    """The KPI ``ref`` of ``year``'s set as of ``period``, as ``visibility`` may see it."""
    years = [year.previous().previous().label, year.previous().label, year.label,
             year.next().label]
    fw = framework_get(organisation=organisation, years=years)
    kpi = kpi_find(fw, year, ref)
    ctx = build._context(organisation, fw, period, "monthly", years[:3], visibility)
    row = build._kpi_row(ctx, kpi)
    stored = {p for sub in ("", *(s.code for s in kpi.sub_measures))
              for p in ctx.series.get((kpi.ref, sub), {})
              if p.year == year and p.end <= period.end}
    shown = sorted({*history_periods(kpi, year, period), *stored},
                   key=lambda p: (p.end, len(p.months())))
    rows_by_period = [(p, build._kpi_row(replace(ctx, period=p), kpi)) for p in shown]
    histories = [History(kpi.ref, "", tuple(_history_row(p, r) for p, r in rows_by_period))]
    for i, sub in enumerate(kpi.sub_measures):
        histories.append(History(sub.name or sub.code, sub.code, tuple(
            _history_row(p, r.children[i]) for p, r in rows_by_period if i < len(r.children))))
    revised = []
    for h in histories:
        for hr in h.rows:
            if hr.current is not None and hr.current.revised:
                revised.append(f"{hr.period}{' (' + h.title + ')' if h.sub_measure else ''}")
    return KpiPage(
        kpi=kpi, year=year, period=period, row=row, facts=_facts(fw, kpi, row),
        histories=tuple(histories),
        revisions=_revisions(organisation, year, kpi.ref) if visibility == ALL else None,
        revised=tuple(revised), notes=_notes(organisation, year, kpi.ref, period, visibility),
        benchmarks=((kpi.benchmark,) if kpi.benchmark else ()) + kpi.comparators,
        change=_change(fw, year.previous().label, year.label, kpi.ref, backwards=True),
        next_change=_change(fw, year.label, year.next().label, kpi.ref, backwards=False),
        other_years=_other_years(fw, year, kpi.ref),
    )


def _other_years(fw: Framework, year: FinancialYear, ref: str) -> tuple[tuple[str, str], ...]:
    """(year, ref) of the KPI in the other years' sets, through its lineage: its previous
    KPIs (renumbered, merged) and the KPIs that continue it next year."""
    found = {(x.year, x.ref) for x in lineage(fw, ref, year.label)} - {(year.label, ref)}
    following = year.next().label
    if following in fw.years:
        found |= {(following, r) for r, x in links(fw, following).items()
                  if ref in x.previous_refs}
    return tuple(sorted(found))


def _history_row(period: Period, row: KpiRow) -> HistoryRow:
    current = row.current
    return HistoryRow(
        period=current.heading if current else period.label,
        key=current.period if current else period.key, current=current, target=row.target,
        status=row.status, direction=row.direction, explanation=row.explanation,
        not_reported=row.not_reported)


def _facts(fw: Framework, kpi: KpiDefinition, row: KpiRow) -> tuple[tuple[str, str], ...]:
    frequency = kpi.frequency.value.replace("_", "-").capitalize()
    if kpi.arrears_months:
        frequency += f", reported {kpi.arrears_months} month(s) in arrears"
    sets = ", ".join(kpi.sets) or ("core (reported monthly)" if kpi.frequency is
                                   Frequency.MONTHLY else "service")
    facts = [
        ("Reference", kpi.ref), ("Name", kpi.name), ("Description", kpi.description),
        ("Key commitment", kpi.key_commitment), ("Priority", kpi.priority),
        ("Directorate", kpi.directorate), ("Service", kpi.department), ("Team", kpi.team),
        ("Portfolio", kpi.portfolio), ("Statutory", row.statutory),
        ("Data source", kpi.data_source), ("Frequency", frequency),
        ("Unit", kpi.unit.value.replace("_", " ")), ("Polarity", kpi.polarity.label),
        ("Value basis", kpi.basis.value.replace("_", " ")),
        ("Target", row.target or "No target"), ("Tolerance", row.tolerance),
        ("Rating scheme", fw.rating_scheme_for(kpi).title or fw.rating_scheme_for(kpi).name),
        ("Direction of travel", fw.direction_scheme_for(kpi).title
         or fw.direction_scheme_for(kpi).name),
        ("Report sets", sets), ("In this year's set", kpi.status.value.capitalize()),
        ("Rationale", kpi.rationale), ("Notes", kpi.notes),
        ("Sub-measures", "; ".join(s.name or s.code for s in kpi.sub_measures)),
    ]
    return tuple((k, v) for k, v in facts if v)


def _label(key: str) -> str:
    try:
        return Period.parse(key).label
    except PeriodError:
        return key


def _revisions(org: Organisation, year: FinancialYear, ref: str) -> tuple[Revision, ...]:
    revisions = (ValueRevision.objects
                 .filter(period_value__kpi__kpi_set__organisation=org,
                         period_value__kpi__kpi_set__year=year.label,
                         period_value__kpi__ref=ref, revision__gt=1)
                 .select_related("period_value", "changed_by")
                 .order_by("-changed_at", "-revision"))
    out = []
    for r in revisions:
        who = ""
        if r.changed_by is not None:
            who = r.changed_by.get_full_name() or r.changed_by.get_username()
        out.append(Revision(_label(r.period_value.period), r.period_value.sub_measure,
                            r.revision, r.changed_at, who or "Not recorded",
                            r.old_text or r.old_state.replace("_", " ") or "(none)",
                            r.new_text or r.new_state.replace("_", " "), r.reason, r.source))
    return tuple(out)


def _notes(org: Organisation, year: FinancialYear, ref: str, period: Period,
           visibility: str) -> tuple[Note, ...]:
    qs = visible_filter(Commentary.objects.filter(
        kpi__kpi_set__organisation=org, kpi__kpi_set__year=year.label, kpi__ref=ref),
        organisation=org, visibility=visibility, end_field=None)
    through = published_through(organisation=org) if visibility == PUBLIC else None
    notes = []
    for key, sub, html in qs.values_list("period", "sub_measure", "html"):
        try:
            p = Period.parse(key)
        except PeriodError:
            continue
        if p.end > period.end or (visibility == PUBLIC and not period_visible(key, through)):
            continue
        notes.append((p, Note(p.label, sub, mark_safe(html))))  # sanitised when stored
    notes.sort(key=lambda pn: (pn[0].end, pn[1].sub_measure), reverse=True)
    return tuple(n for _, n in notes)


def _change(fw: Framework, from_year: str, to_year: str, ref: str, *,
            backwards: bool) -> YearChange | None:
    """The change to ``ref`` from ``from_year``'s set to ``to_year``'s (``backwards``: ``ref``
    is in ``to_year``), or None when either year has no set."""
    if from_year not in fw.years or to_year not in fw.years:
        return None
    for c in framework_changes(fw, from_year=from_year, to_year=to_year):
        if backwards and c.ref == ref and c.kind != "removed":
            return YearChange(from_year, to_year, c.kind, c.how, c.note, c.previous_refs, ref)
        if not backwards and (c.ref == ref or ref in c.previous_refs):
            return YearChange(from_year, to_year, c.kind, c.how, c.note, c.previous_refs,
                              "" if c.kind == "removed" else c.ref)
    if backwards:
        kind = "unchanged" if ref in fw.years[from_year].kpis else "new"
    else:
        kind = "unchanged" if ref in fw.years[to_year].kpis else "removed"
    return YearChange(from_year, to_year, kind, ref="" if kind == "removed" else ref)
