"""Build a report model from the database: every figure, status and arrow decided here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from kpiboard.data.models import Commentary, PeriodValue, ProjectStatus
from kpiboard.data.selectors import tidy, value_rows_get
from kpiboard.engine.aggregate import AggregationError, Observation, span, year_to_date
from kpiboard.engine.assess import Assessment, assess, observation_at, roll_up
from kpiboard.engine.explain import explain_travel
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.periods import Period, PeriodKind
from kpiboard.engine.rating import RatingScheme, Status, override
from kpiboard.engine.types import Frequency, ValueState
from kpiboard.engine.values import format_value
from kpiboard.framework.lineage import History, history
from kpiboard.framework.model import Framework, fold
from kpiboard.framework.rate import target_text
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.selectors import framework_get
from kpiboard.reports import layouts
from kpiboard.reports.model import (
    Chart,
    ChartSeries,
    Comparator,
    DirectionView,
    Group,
    KpiRow,
    Project,
    Report,
    Section,
    SectionSummary,
    StatusCount,
    StatusView,
    ValueCell,
)
from kpiboard.workflow.selectors import PUBLIC, period_visible, published_through, visible_filter

SETS = ("core", "service", "organisational health", "all")
GROUPINGS = ("directorate", "key_commitment")
Series = dict[Period, Observation]


class ReportError(ValueError):
    pass


def status_view(status: Status, *, is_override: bool = False) -> StatusView:
    return StatusView(status.code, status.label, status.symbol, status.colour,
                      status.text_colour, status.description, status.judged, is_override)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def in_set(kpi: KpiDefinition, kpi_set: str) -> bool:
    """A KPI's report sections are its ``sets``; a KPI with none is *core* when it is
    reported monthly and a *service* indicator otherwise (the rule of seed 004)."""
    if kpi_set == "all":
        return True
    sets = {_norm(s) for s in kpi.sets}
    if not sets:
        sets = {"core" if kpi.frequency is Frequency.MONTHLY else "service"}
    return _norm(kpi_set) in sets


@dataclass
class _Context:
    fw: Framework
    period: Period
    layout: str
    series: dict[tuple[str, str], Series]
    texts: dict[tuple[str, str, str], str]
    overrides: dict[tuple[str, str, str], tuple[str, str]]
    revised: set[tuple[str, str, str]]
    commentary: dict[tuple[str, str, str], str]
    histories: dict[tuple[str, str], History] = field(default_factory=dict)


def build_report(*, organisation: Organisation, period: Period, layout: str = "monthly",
                 kpi_set: str = "core", group_by: str = "directorate",
                 visibility: str = "all") -> Report:
    """The report of ``layout`` for ``period``: the KPIs of ``kpi_set`` grouped by
    ``group_by``, with keys, summary counts, exceptions, KPIs not reported and projects.
    ``visibility`` is whose report it is: ``all`` (staff, drafts included), ``approved``
    (members) or ``public`` (published figures only)."""
    if layout not in layouts.LAYOUTS:
        raise ReportError(f"layout {layout!r} is not one of {', '.join(layouts.LAYOUTS)}")
    if _norm(kpi_set) not in SETS:
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
    rows = [_kpi_row(ctx, k) for k in kpis]
    sections = _sections(fw, rows, group_by)
    used_rating = _schemes_used(fw, kpis)
    summary = tuple(_summary(s.title, s.rows, used_rating) for s in sections)
    overall = _summary("All KPIs", tuple(r for s in sections for r in s.rows), used_rating)
    worst = {sch.judged_order[-1] for sch in used_rating if sch.judged_order}
    return Report(
        organisation=organisation.name,
        title=f"Performance Report - {period.format('long')}",
        layout=layout, period=period.key, period_label=period.label, kpi_set=kpi_set,
        group_by=group_by, columns=layouts.columns(layout, period, _quarters_done(period)),
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
             years: list[str], visibility: str) -> _Context:
    series: dict[tuple[str, str], Series] = defaultdict(dict)
    overrides: dict[tuple[str, str, str], tuple[str, str]] = {}
    texts: dict[tuple[str, str, str], str] = {}
    for row in value_rows_get(organisation=org, years=years, visibility=visibility):
        series[(row.ref, row.sub_measure)][row.period] = row.observation
        texts[(row.ref, row.sub_measure, row.period.key)] = row.text
        if row.override:
            overrides[(row.ref, row.sub_measure, row.period.key)] = (row.override,
                                                                     row.override_reason)
    revised = {(ref, sub, p) for ref, sub, p in visible_filter(PeriodValue.objects.filter(
        kpi__kpi_set__organisation=org, kpi__kpi_set__year=period.year.label,
        revision__gt=F("baseline_revision")), organisation=org, visibility=visibility,
    ).values_list("kpi__ref", "sub_measure", "period")}
    comments = visible_filter(Commentary.objects.filter(
        kpi__kpi_set__organisation=org, period__in=[m.key for m in period.year_to_date()] + [
            period.quarter_of().key if period.kind is PeriodKind.MONTH else period.key]),
        organisation=org, visibility=visibility, end_field=None)
    through = published_through(organisation=org) if visibility == PUBLIC else None
    commentary = {(ref, sub, p): html for ref, sub, p, html in comments.values_list(
        "kpi__ref", "sub_measure", "period", "html")
        if visibility != PUBLIC or period_visible(p, through)}
    return _Context(fw, period, layout, series, texts, overrides, revised, commentary)


def _quarters_done(period: Period) -> int:
    last_month = period.months()[-1]
    return sum(1 for q in period.year.quarters() if q.months()[-1] <= last_month)


def _report_period(kpi: KpiDefinition, period: Period, series: Series) -> Period:
    """The period a KPI is judged for: the month, or for a quarterly KPI the latest quarter
    that has ended by then."""
    if kpi.frequency is Frequency.MONTHLY or period.kind is not PeriodKind.MONTH:
        return period
    done = [q for q in period.year.quarters() if q.months()[-1] <= period]
    with_data = [q for q in done if q in series]
    return (with_data or done or [period.quarter_of()])[-1]


def _assess(ctx: _Context, kpi: KpiDefinition, period: Period, sub: str) -> Assessment:
    rating_scheme = ctx.fw.rating_scheme_for(kpi)
    hist = _history(ctx, kpi, sub)
    a = assess(kpi, period, hist.series, rating_scheme=rating_scheme,
               direction_scheme=ctx.fw.direction_scheme_for(kpi), sub_measure=sub or None,
               changes=hist.changes)
    found = ctx.overrides.get((kpi.ref, sub, period.key))
    if found is not None and found[0] in rating_scheme.by_code:
        a = replace(a, rating=override(a.rating, rating_scheme.status(found[0]), found[1]))
    return a


def _cell(ctx: _Context, kpi: KpiDefinition, sub: str, period: Period,
          obs: Observation | None, stored: bool, status: StatusView | None = None) -> ValueCell:
    heading = period.format("report")
    if obs is None:
        return ValueCell(period.key, heading, "n/a", None, kpi.unit.value)
    text = (ctx.texts.get((kpi.ref, sub, period.key)) if stored else None) or _text(kpi, obs)
    return ValueCell(period.key, heading, text, obs.value, kpi.unit.value,
                     stored and (kpi.ref, sub, period.key) in ctx.revised, status)


def _text(kpi: KpiDefinition, obs: Observation) -> str:
    if obs.state is not ValueState.VALUE or obs.value is None:
        return {ValueState.MISSING: "Data unavailable", ValueState.NOT_APPLICABLE: "N/A",
                ValueState.IN_ARREARS: "N/A reported in arrears",
                ValueState.TO_BE_CONFIRMED: "TBC"}.get(obs.state, "n/a")
    decimals = kpi.decimals
    if decimals is None and -int(obs.value.as_tuple().exponent) > 2:
        decimals = 2  # a derived figure (a ratio of sums) is shown to 2 places
    text = format_value(obs.value, unit=kpi.unit, decimals=decimals)
    if obs.numerator is not None and obs.denominator is not None:
        text += f" ({format_value(obs.numerator, unit=None)} out of " \
                f"{format_value(obs.denominator, unit=None)})"
    return text


def _derived(fn: object, *args: object) -> Observation | None:
    """A quarter or year to date worked out from the periods, or None when it cannot be
    (a ratio KPI whose numerators and denominators were not given)."""
    try:
        return fn(*args)  # type: ignore[operator,no-any-return]
    except AggregationError:
        return None


def _history(ctx: _Context, kpi: KpiDefinition, sub: str) -> History:
    """The KPI's series across the year end, through its lineage (renumbered, merged)."""
    key = (kpi.ref, sub)
    if key not in ctx.histories:
        ctx.histories[key] = history(ctx.fw, kpi.ref, ctx.period.year.label, sub, ctx.series)
    return ctx.histories[key]


def _kpi_row(ctx: _Context, kpi: KpiDefinition, sub: str = "") -> KpiRow:
    series = _history(ctx, kpi, sub).series
    period = _report_period(kpi, ctx.period, series)
    a = _assess(ctx, kpi, period, sub)
    children = tuple(_kpi_row(ctx, kpi, s.code) for s in kpi.sub_measures) if not sub else ()
    if children:
        rating_scheme = ctx.fw.rating_scheme_for(kpi)
        child_assessments = [_assess(ctx, kpi, period, s.code) for s in kpi.sub_measures]
        if not a.rating.is_override:
            a = roll_up(a, child_assessments, rating_scheme)
    n_months = 6 if ctx.layout == "scorecard" else 2
    months: list[Period] = []
    m = ctx.period if ctx.period.kind is PeriodKind.MONTH else ctx.period.months()[-1]
    for _ in range(n_months):
        months.insert(0, m)
        m = m.previous()
    month_cells = tuple(
        _cell(ctx, kpi, sub, p, observation_at(series, p, kpi.basis), p in series,
              status_view(_assess(ctx, kpi, p, sub).rating.status)
              if ctx.layout == "scorecard" else None) for p in months)
    if kpi.frequency is not Frequency.MONTHLY and ctx.layout == "monthly":
        month_cells = tuple(ValueCell(c.period, c.heading, "", None, c.unit) for c in month_cells)
    quarters = tuple(
        _cell(ctx, kpi, sub, q, series.get(q) or _derived(span, kpi.basis, series, q),
              q in series)
        for q in ctx.period.year.quarters()[:_quarters_done(ctx.period)])
    ytd_obs = _derived(year_to_date, kpi.basis, series, ctx.period.months()[-1])
    ytd = _cell(ctx, kpi, sub, Period.full_year(ctx.period.year), ytd_obs, False)
    ytd = replace(ytd, period=f"{ctx.period.year.label}-YTD",
                  heading=f"Year to Date {Period.full_year(ctx.period.year).format('short')}")
    previous_years = tuple(
        _cell(ctx, kpi, sub, Period.full_year(y), series.get(Period.full_year(y)) or _derived(
            year_to_date, kpi.basis, series, Period.full_year(y).months()[-1]), False)
        for y in (ctx.period.year.previous().previous(), ctx.period.year.previous()))
    rating, travel = a.rating, a.travel
    obs = a.observation
    not_reported = ""
    if obs is None or obs.state is not ValueState.VALUE:
        why = "no value" if obs is None else _text(kpi, obs)
        not_reported = f"{why} for {period.label}"
        if obs is not None and obs.state is ValueState.IN_ARREARS:
            not_reported += f"; reported {kpi.arrears_months or 1} month(s) in arrears, so due " \
                            f"with the next report"
    chart = None if sub else _chart(kpi, series, ctx.period, a.target)
    sub_def = kpi.sub_measure(sub) if sub else None
    comment = ctx.commentary.get((kpi.ref, sub, period.key), "")
    return KpiRow(
        ref=kpi.ref, name=sub_def.title if sub_def else kpi.name, sub_measure=sub,
        description=kpi.description, key_commitment=kpi.key_commitment,
        directorate=kpi.directorate, service=kpi.department,
        statutory=kpi.statutory_text or ("Yes" if kpi.statutory else "No"
                                         if kpi.statutory is False else ""),
        polarity=kpi.polarity_for(sub or None).label, unit=kpi.unit.value,
        frequency=kpi.frequency.value,
        benchmark="" if sub or kpi.benchmark is None else kpi.benchmark.text,
        comparators=() if sub else tuple(
            Comparator(b.group or b.source or "Comparator", b.text, b.value)
            for b in ((kpi.benchmark,) if kpi.benchmark else ()) + kpi.comparators),
        ytd=ytd, quarters=quarters, months=month_cells, previous_years=previous_years,
        current=_cell(ctx, kpi, sub, period, obs, period in series,
                      status_view(rating.status, is_override=rating.is_override)),
        target=target_text(a), target_value=a.target,
        tolerance="" if sub else (kpi.tolerance.text or kpi.tolerance.describe()),
        status=status_view(rating.status, is_override=rating.is_override),
        direction=DirectionView(travel.symbol, travel.label, explain_travel(travel)),
        explanation=a.explanation, commentary_html=comment,
        chart=chart, sparkline=None if chart is None else _sparkline(chart),
        children=children, not_reported=not_reported,
    )


def _chart(kpi: KpiDefinition, series: Series, period: Period,
           target: Decimal | None) -> Chart:
    monthly = kpi.frequency is Frequency.MONTHLY
    this, last = period.year, period.year.previous()
    xs = [m.format("short")[:3] for m in this.months()] if monthly else ["Q1", "Q2", "Q3", "Q4"]

    def points(year_periods: tuple[Period, ...]) -> tuple[tuple[str, Decimal | None], ...]:
        out = []
        for x, p in zip(xs, year_periods, strict=True):
            obs = observation_at(series, p, kpi.basis) if p <= period.months()[-1] or \
                p.year != this else None
            out.append((x, obs.value if obs is not None and obs.state is ValueState.VALUE
                        else None))
        return tuple(out)

    periods_this = this.months() if monthly else this.quarters()
    periods_last = last.months() if monthly else last.quarters()
    target = tidy(target)  # 85.0000000000 as stored → 85
    return Chart(
        title=f"{kpi.ref}: {this.label} against {last.label}", kind="line", x_labels=tuple(xs),
        series=(ChartSeries(last.label, points(periods_last)),
                ChartSeries(this.label, points(periods_this))),
        unit=kpi.unit.value, target=target, target_label="Target" if target is not None else "",
        alt_text=f"{kpi.ref} by {'month' if monthly else 'quarter'}: {this.label} against "
                 f"{last.label}" + (f", with the target of {format_value(target, unit=kpi.unit)}"
                                    if target is not None else "") + ".")


def _sparkline(chart: Chart) -> Chart:
    """This year's line alone, small enough for a table cell."""
    this = chart.series[-1]
    shown = [v for _, v in this.points if v is not None]
    return replace(chart, kind="sparkline", series=(this,), target=None,
                   alt_text=f"{chart.title.split(':')[0]} this year: "
                   + (", ".join(f"{x} {v}" for x, v in this.points if v is not None)
                      if shown else "no values yet") + ".")


def _sections(fw: Framework, rows: list[KpiRow], group_by: str) -> tuple[Section, ...]:
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


def _groups(rows: list[KpiRow], key: object) -> tuple[Group, ...]:
    groups: dict[str, list[KpiRow]] = {}
    for r in rows:
        groups.setdefault(key(r) or "", []).append(r)  # type: ignore[operator]
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
            views[key] = replace(r.status, override=False)
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
