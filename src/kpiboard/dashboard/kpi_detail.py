"""Everything the KPI page shows, read and decided here (the view only lays it out).

Figures, statuses, arrows and explanations come from the report builder
(``reports.build``) — the same functions that make the reports' rows — for each period of
the KPI's year, so the page and the reports never disagree. A fixed number of queries,
whatever the number of KPIs.

A quarterly, half-yearly or annual KPI is shown by its own periods: the latest value due
as at the period asked for (``engine.due``), labelled with its period and marked stale when
a newer one is overdue, and a history of its quarters, halves or years up to the one due.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.safestring import SafeString, mark_safe

from kpiboard.data.models import Commentary, ValueRevision
from kpiboard.engine.due import due_by, short_label
from kpiboard.engine.explain import num
from kpiboard.engine.kpi import Benchmark, KpiDefinition
from kpiboard.engine.periods import FinancialYear, Period, PeriodError, PeriodKind
from kpiboard.engine.types import Frequency, ValueBasis
from kpiboard.framework.lineage import lineage, links
from kpiboard.framework.model import Framework
from kpiboard.framework.review import framework_changes
from kpiboard.kpis.models import Kpi, KpiSet, Organisation
from kpiboard.kpis.selectors import framework_get, kpi_lineage_refs, kpi_ref_find
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
    period: str  # the period's label: "February 2023/24", "Q2 2023/24", "2022/23"
    key: str
    current: ValueCell | None
    target: str
    status: StatusView | None
    direction: DirectionView | None
    explanation: str
    not_reported: str
    overdue: bool = False  # due by the period shown, and no value given for it


@dataclass(frozen=True)
class TargetPart:
    """One line of the current target: the year's figure, or the one profiled to the period."""

    label: str  # "For the year 2023/24", "Profiled for Q2 2023/24"
    text: str  # "10", "2.50"


@dataclass(frozen=True)
class History:
    """The periods of the KPI itself, or of one sub-measure."""

    title: str
    sub_measure: str
    rows: tuple[HistoryRow, ...]

    @property
    def span(self) -> str:
        """The first period to the last: ``Q1 2023/24 to Q3 2023/24``."""
        if not self.rows:
            return ""
        first, last = self.rows[0].period, self.rows[-1].period
        return first if first == last else f"{first} to {last}"


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
    history_title: str  # "Every quarter of 2023/24", "Year by year"...
    due: str  # the label of the latest period due as at ``period`` ("Q3 2023/24")
    reporting: str  # how the KPI is reported: "quarterly, 1 month in arrears"
    target_parts: tuple[TargetPart, ...]  # the year's target and the profiled one, if both
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
    """The KPI's own periods (months, quarters or halves of ``year``; for an annual KPI the
    years from two before ``year``) up to the latest one due as at ``last``
    (``engine.due``: a period reported in arrears is not due yet when it has just ended).
    The page adds any other period with a stored figure, such as a monthly KPI's quarters."""
    due = due_by(kpi.frequency, kpi.arrears_months, last)
    if kpi.frequency is Frequency.QUARTERLY:
        candidates: tuple[Period, ...] = year.quarters()
    elif kpi.frequency is Frequency.HALF_YEARLY:
        candidates = (Period.half(year, 1), Period.half(year, 2))
    elif kpi.frequency is Frequency.ANNUAL:
        candidates = tuple(Period.full_year(y) for y in
                           (year.previous().previous(), year.previous(), year))
    else:
        candidates = year.months()
    return [p for p in candidates if p.end <= due.end]


HISTORY_TITLES = {Frequency.MONTHLY: "Every period of {year}",
                  Frequency.QUARTERLY: "Every quarter of {year}",
                  Frequency.HALF_YEARLY: "Each half of {year}",
                  Frequency.ANNUAL: "Year by year"}
EVERY = {Frequency.MONTHLY: "monthly", Frequency.QUARTERLY: "quarterly",
         Frequency.HALF_YEARLY: "half-yearly", Frequency.ANNUAL: "annually"}


def reporting_text(kpi: KpiDefinition) -> str:
    """How often the KPI is reported: ``quarterly, 1 month in arrears``."""
    text = EVERY[kpi.frequency]
    if kpi.arrears_months:
        months = kpi.arrears_months
        text += f", {months} month{'s' if months != 1 else ''} in arrears"
    return text


def _scope(organisation: Organisation, year: FinancialYear, ref: str,
           years: list[str]) -> frozenset[str]:
    """The references the page reads: the KPI's, and those its lineage may reach."""
    found = kpi_ref_find(organisation=organisation, year=year.label, ref=ref)
    if found is None:
        if not KpiSet.objects.filter(organisation=organisation, year=year.label).exists():
            raise KpiNotFound(f"There is no {year.label} KPI set.")
        refs = tuple(Kpi.objects.filter(kpi_set__organisation=organisation,
                                        kpi_set__year=year.label).values_list("ref", flat=True))
        raise KpiNotFound(f"There is no KPI {ref} in the {year.label} KPI set.", refs)
    return kpi_lineage_refs(organisation=organisation, years=years, ref=found)


def kpi_page_get(*, organisation: Organisation, year: FinancialYear, ref: str,
                 period: Period, visibility: str, scoped: bool = True) -> KpiPage:
    """The KPI ``ref`` of ``year``'s set as of ``period``, as ``visibility`` may see it.
    It reads the KPI and its lineage only (``scoped``; False reads the whole organisation,
    which must give the same page)."""
    years = [year.previous().previous().label, year.previous().label, year.label,
             year.next().label]
    refs = _scope(organisation, year, ref, years) if scoped else None
    fw = framework_get(organisation=organisation, years=years, refs=refs)
    kpi = kpi_find(fw, year, ref)
    ctx = build._context(organisation, fw, period, "monthly", years[:3], visibility, refs)
    row = build._kpi_row(ctx, kpi)
    # an annual KPI's earlier years: only those whose set has it (a new KPI has no overdue past)
    own = [p for p in history_periods(kpi, year, period)
           if p.year == year or fw.kpi(kpi.ref, p.year.label) is not None]
    stored = {p for sub in ("", *(s.code for s in kpi.sub_measures))
              for p in ctx.series.get((kpi.ref, sub), {})
              if p.year == year and p.end <= period.end}
    shown = sorted({*own, *stored}, key=lambda p: (p.end, len(p.months())))
    rows_by_period = [(p, build._kpi_row(replace(ctx, period=p), kpi, brief=True))
                      for p in shown]
    histories = [History(kpi.ref, "", tuple(_history_row(p, r, p in own)
                                            for p, r in rows_by_period))]
    for i, sub in enumerate(kpi.sub_measures):
        histories.append(History(sub.name or sub.code, sub.code, tuple(
            _history_row(p, r.children[i], p in own)
            for p, r in rows_by_period if i < len(r.children))))
    revised = []
    for h in histories:
        for hr in h.rows:
            if hr.current is not None and hr.current.revised:
                revised.append(f"{hr.period}{' (' + h.title + ')' if h.sub_measure else ''}")
    due = due_by(kpi.frequency, kpi.arrears_months, period)
    return KpiPage(
        kpi=kpi, year=year, period=period, row=row, facts=_facts(fw, kpi, row, year),
        histories=tuple(histories),
        history_title=HISTORY_TITLES[kpi.frequency].format(year=year.label),
        due=short_label(due), reporting=reporting_text(kpi),
        target_parts=_target_parts(fw, kpi, row),
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


def _history_row(period: Period, row: KpiRow, due: bool) -> HistoryRow:
    """One period's figures; ``due``: the period is one of the KPI's own, due by the period
    the page is shown as at (so a missing value is overdue)."""
    current = row.current
    observed = current is not None and current.value is not None
    return HistoryRow(
        period=short_label(period), key=current.period if current else period.key,
        current=current, target=row.target, status=row.status, direction=row.direction,
        explanation=row.explanation, not_reported=row.not_reported,
        overdue=due and not observed and row.not_reported.startswith("no value"))


def _target_parts(fw: Framework, kpi: KpiDefinition, row: KpiRow) -> tuple[TargetPart, ...]:
    """The year's target and the one profiled to the period shown, where they differ (a
    count profiled to a quarter, a cumulative profile); else nothing (the target as written
    says it all)."""
    if row.current is None or row.target_value is None:
        return ()
    try:
        shown = Period.parse(row.current.period)
    except PeriodError:
        return ()
    if shown.kind is PeriodKind.YEAR:
        return ()
    own = fw.kpi(kpi.ref, shown.year.label) or kpi
    spec = own.target_for(shown.year.label)
    if spec is None or spec.annual is None or spec.annual == row.target_value:
        return ()
    word = "to" if own.basis is ValueBasis.CUMULATIVE else "for"
    parts = [TargetPart(f"For the year {shown.year.label}", num(spec.annual, own.unit)),
             TargetPart(f"Profiled {word} {short_label(shown)}",
                        num(row.target_value, own.unit))]
    if spec.text and spec.text != num(spec.annual, own.unit):
        parts.append(TargetPart("As the framework writes it", spec.text))
    return tuple(parts)


def _facts(fw: Framework, kpi: KpiDefinition, row: KpiRow,
           year: FinancialYear) -> tuple[tuple[str, str], ...]:
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
        ("Target", _year_target(kpi, year) or row.target or "No target"),
        ("Tolerance", row.tolerance),
        ("Rating scheme", fw.rating_scheme_for(kpi).title or fw.rating_scheme_for(kpi).name),
        ("Direction of travel", fw.direction_scheme_for(kpi).title
         or fw.direction_scheme_for(kpi).name),
        ("Report sets", sets), ("In this year's set", kpi.status.value.capitalize()),
        ("Rationale", kpi.rationale), ("Notes", kpi.notes),
        ("Sub-measures", "; ".join(s.name or s.code for s in kpi.sub_measures)),
    ]
    return tuple((k, v) for k, v in facts if v)


def _year_target(kpi: KpiDefinition, year: FinancialYear) -> str:
    """The year's target as the framework writes it (not profiled to a period)."""
    spec = kpi.target_for(year.label)
    if spec is None:
        return ""
    if spec.text:
        return spec.text
    if spec.none is not None:
        return spec.none.label
    return "" if spec.annual is None else num(spec.annual, kpi.unit)


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
