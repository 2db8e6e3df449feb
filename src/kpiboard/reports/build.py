"""Build a report model from the database: every figure, status and arrow decided here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from django.db.models import F
from django.utils import timezone

from kpiboard.data.models import Commentary, PeriodValue, ProjectStatus, PublishedFigure
from kpiboard.data.selectors import tidy, value_rows_get
from kpiboard.engine.aggregate import Observation
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.periods import Period
from kpiboard.engine.rating import RatingScheme, Status
from kpiboard.engine.types import ValueState
from kpiboard.framework.model import Framework, fold
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.selectors import framework_get
from kpiboard.reports import layouts
from kpiboard.reports.model import (
    Group,
    KpiRow,
    Project,
    Report,
    Section,
    SectionSummary,
    StatusCount,
    StatusView,
)
from kpiboard.reports.rows import (
    Context,
    Key,
    Series,
    kpi_row,
    kpi_sets,
    norm,
    quarters_done,
    status_view,
)
from kpiboard.workflow.selectors import PUBLIC, period_visible, published_through, visible_filter

SETS = ("core", "service", "organisational health", "all")
GROUPINGS = ("directorate", "key_commitment", "set", "theme")
GROUPING_LABELS = {"directorate": "Directorate and service", "key_commitment": "Key commitment",
                   "set": "KPI set (core, service, organisational health)",
                   "theme": "Theme (organisational health: financial, customer, workforce)"}
__all__ = ["GROUPINGS", "GROUPING_LABELS", "SETS", "ReportError", "build_report", "in_set",
           "kpi_sets", "status_view"]


class ReportError(ValueError):
    pass


def in_set(kpi: KpiDefinition, kpi_set: str) -> bool:
    return kpi_set == "all" or norm(kpi_set) in kpi_sets(kpi)


def build_report(*, organisation: Organisation, period: Period, layout: str = "monthly",
                 kpi_set: str = "core", group_by: str = "directorate",
                 visibility: str = "all") -> Report:
    """The report of ``layout`` for ``period``: the KPIs of ``kpi_set`` grouped by
    ``group_by``, with keys, summary counts, exceptions, KPIs not reported and projects.
    ``visibility`` is whose report it is: ``all`` (staff, drafts included), ``approved``
    (members) or ``public`` (published figures only)."""
    if layout not in layouts.LAYOUTS:
        raise ReportError(f"layout {layout!r} is not one of {', '.join(layouts.LAYOUTS)}")
    if norm(kpi_set) not in SETS:
        raise ReportError(f"KPI set {kpi_set!r} is not one of {', '.join(SETS)}")
    if group_by not in GROUPINGS:
        raise ReportError(f"grouping {group_by!r} is not one of {', '.join(GROUPINGS)}")
    year = period.year
    years = [year.previous().previous().label, year.previous().label, year.label]
    fw = framework_get(organisation=organisation, years=years)
    if year.label not in fw.years:
        raise ReportError(f"{organisation.name} has no {year.label} KPI set")
    ctx = _context(organisation, fw, period, layout, years, visibility)
    kpis = [k for k in fw.years[year.label].kpis.values() if in_set(k, kpi_set)]
    rows = [kpi_row(ctx, k) for k in kpis]
    sections = _sections(fw, rows, group_by)
    stale = any(r.stale or (r.reported_period and r.current is not None
                            and r.current.period not in _shown_keys(period, layout))
                for r in rows)
    used_rating = _schemes_used(fw, kpis)
    summary = tuple(_summary(s.title, s.rows, used_rating) for s in sections)
    overall = _summary("All KPIs", tuple(r for s in sections for r in s.rows), used_rating)
    worst = {sch.judged_order[-1] for sch in used_rating if sch.judged_order}
    return Report(
        organisation=organisation.name,
        title=f"Performance Report - {period.format('long')}",
        layout=layout, period=period.key, period_label=period.label, kpi_set=kpi_set,
        group_by=group_by, columns=layouts.columns(layout, period, quarters_done(period),
                                                latest=stale),
        sections=sections,
        rating_keys=tuple(layouts.rating_key(s) for s in used_rating),
        direction_keys=tuple(layouts.direction_key(s) for s in _directions_used(fw, kpis)),
        terminology=tuple(fw.terminology.items()), summary=summary, overall=overall,
        summary_chart=layouts.summary_chart(overall, period),
        exceptions=tuple(r for s in sections for r in s.rows
                         if r.status is not None and r.status.code in worst),
        not_reported=tuple(r for s in sections for r in s.rows if r.not_reported),
        projects=_projects(organisation, period, used_rating) if visibility != PUBLIC
        or period_visible(period.key, published_through(organisation=organisation)) else (),
        generated=timezone.localtime().strftime("%d %B %Y %H:%M"),
    )


def _context(org: Organisation, fw: Framework, period: Period, layout: str,
             years: list[str], visibility: str, refs: Collection[str] | None = None,
             ) -> Context:
    """What the rows of ``years``' KPIs (those of ``refs`` only, if given) are made from."""
    series: dict[tuple[str, str], Series] = defaultdict(dict)
    overrides: dict[Key, tuple[str, str]] = {}
    texts: dict[Key, str] = {}
    only: dict[str, Any] = {} if refs is None else {"kpi__ref__in": list(refs)}
    # read once: every query below cuts the public's view at the same date
    through = published_through(organisation=org) if visibility == PUBLIC else None
    for row in value_rows_get(organisation=org, years=years, visibility=visibility,
                              refs=refs, through=through):
        series[(row.ref, row.sub_measure)][row.period] = row.observation
        texts[(row.ref, row.sub_measure, row.period.key)] = row.text
        if row.override:
            overrides[(row.ref, row.sub_measure, row.period.key)] = (row.override,
                                                                     row.override_reason)
    revised = {(ref, sub, p) for ref, sub, p in visible_filter(PeriodValue.objects.filter(
        kpi__kpi_set__organisation=org, kpi__kpi_set__year=period.year.label,
        revision__gt=F("baseline_revision"), **only), organisation=org, visibility=visibility,
        through=through).values_list("kpi__ref", "sub_measure", "period")}
    # every period's commentary of these years: a quarterly KPI's comment is stored against
    # its quarter, an annual KPI's against its year, and a row shows the period it rates
    comments = visible_filter(Commentary.objects.filter(
        kpi__kpi_set__organisation=org, kpi__kpi_set__year__in=years, **only),
        organisation=org, visibility=visibility, end_field=None)
    commentary = {(ref, sub, p): html for ref, sub, p, html in comments.values_list(
        "kpi__ref", "sub_measure", "period", "html")
        if visibility != PUBLIC or period_visible(p, through)}
    published = visible_filter(PublishedFigure.objects.filter(
        kpi__kpi_set__organisation=org, kpi__kpi_set__year__in=years,
        figure=PublishedFigure.YTD, **only), organisation=org, visibility=visibility,
        through=through)
    ytd = {(ref, sub, p): (text, Observation(tidy(value), ValueState(state), tidy(num),
                                             tidy(den)))
           for ref, sub, p, text, value, num, den, state in published.values_list(
               "kpi__ref", "sub_measure", "period", "text", "value", "numerator",
               "denominator", "state")}
    return Context(fw, period, layout, series, texts, overrides, revised, commentary, ytd)


_kpi_row = kpi_row  # the dashboard's KPI page builds its rows with these two
_Context = Context


def _shown_keys(period: Period, layout: str) -> set[str]:
    """The period keys the layout's own columns show (quarters done and recent months)."""
    keys = {q.key for q in period.year.quarters()[:quarters_done(period)]
            if layout == "monthly"}  # the scorecard has no quarter columns
    month = period.months()[-1]
    for _ in range(6 if layout == "scorecard" else 2):
        keys.add(month.key)
        month = month.previous()
    return keys


SET_ORDER = ("core", "service", "organisational health")


def _sections(fw: Framework, rows: list[KpiRow], group_by: str) -> tuple[Section, ...]:
    if group_by in ("set", "theme"):
        by_name: dict[str, list[KpiRow]] = defaultdict(list)
        for r in rows:
            for name in (r.theme or "No theme",) if group_by == "theme" else r.sets:
                by_name[name].append(r)
        first = SET_ORDER if group_by == "set" else ()
        titles = [n for n in first if n in by_name] + sorted(
            (n for n in by_name if n not in first), key=lambda n: (n == "No theme", n))
        return tuple(Section(_title(n) if group_by == "set" else n,
                             _groups(by_name[n], lambda r: r.directorate)) for n in titles)
    if group_by == "key_commitment":
        order = [kc.name for kc in fw.key_commitments]
        keyed: dict[str, list[KpiRow]] = defaultdict(list)
        for r in rows:
            match = next((n for n in order if n.lower() == r.key_commitment.lower()),
                         r.key_commitment or "No key commitment")
            keyed[match].append(r)
        names = [n for n in order if n in keyed] + sorted(n for n in keyed if n not in order)
        return tuple(Section(n, _groups(keyed[n], lambda r: r.directorate)) for n in names)
    # A directorate in the framework's order under any of its names (current or former).
    rank = {fold(n): i for i, d in enumerate(fw.directorates) for n in (d.name, *d.formerly)}
    by_dir: dict[str, list[KpiRow]] = defaultdict(list)
    for r in rows:
        by_dir[r.directorate or "Other"].append(r)
    names = sorted(by_dir, key=lambda n: (rank.get(fold(n), len(rank)), n))
    return tuple(Section(n, _groups(by_dir[n], lambda r: r.service)) for n in names)


def _title(name: str) -> str:
    return {"core": "Core KPIs", "service": "Service KPIs",
            "organisational health": "Organisational health KPIs"}.get(name, name.capitalize())


def _groups(rows: list[KpiRow], key: Callable[[KpiRow], str]) -> tuple[Group, ...]:
    groups: dict[str, list[KpiRow]] = {}
    for r in rows:
        groups.setdefault(key(r) or "", []).append(r)
    return tuple(Group(title, tuple(rs)) for title, rs in groups.items())


def _schemes_used(fw: Framework, kpis: list[KpiDefinition]) -> list[RatingScheme]:
    seen: dict[str, RatingScheme] = {}
    for k in kpis:
        s = fw.rating_scheme_for(k)
        seen.setdefault(s.name, s)
    return list(seen.values())


def _directions_used(fw: Framework, kpis: list[KpiDefinition]) -> list:  # type: ignore[type-arg]
    seen: dict[str, object] = {}
    for k in kpis:
        s = fw.direction_scheme_for(k)
        seen.setdefault(s.name, s)
    return list(seen.values())


def _summary(title: str, rows: tuple[KpiRow, ...],
             schemes: list[RatingScheme]) -> SectionSummary:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    views: dict[tuple[str, str], StatusView] = {}
    for r in rows:
        if r.status is not None:
            key = (r.status.code, r.status.label)
            counts[key] += 1
            views[key] = replace(r.status, override=False, period="")
    ordered: list[StatusCount] = []
    for scheme in schemes:
        for s in scheme.statuses:
            key = (s.code, s.label)
            if key in views or s.judged:
                view = views.get(key) or status_view(s)
                if all(c.status != view for c in ordered):
                    ordered.append(StatusCount(view, counts.get(key, 0)))
    return SectionSummary(title, tuple(ordered), len(rows))


def _projects(org: Organisation, period: Period,
              schemes: list[RatingScheme]) -> tuple[Project, ...]:
    out = []
    statuses = {s.code: s for sch in schemes for s in sch.statuses}
    statuses.update({s.label.lower(): s for sch in schemes for s in sch.statuses})
    for p in ProjectStatus.objects.filter(organisation=org, period=period.key):
        status = statuses.get(p.rag.lower()) or Status(p.rag, p.rag.capitalize())
        out.append(Project(p.name, status_view(status),
                           p.due_date.strftime("%d %B %Y") if p.due_date else "", p.narrative,
                           p.key_commitment))
    return tuple(out)
