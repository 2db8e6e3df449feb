"""One KPI (or sub-measure) as a report row: which period it shows, every figure, status,
arrow, target and comment decided here.

Every KPI appears whatever its frequency: a monthly KPI shows the report month; a quarterly,
half-yearly or annual one shows its latest value due (``engine.due``), labelled with its own
period, and marked stale when a newer one is overdue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kpiboard.data.selectors import tidy
from kpiboard.engine.aggregate import AggregationError, Observation, span, year_to_date
from kpiboard.engine.assess import Assessment, assess, observation_at, roll_up
from kpiboard.engine.due import due_by, latest_value, short_label
from kpiboard.engine.explain import explain_travel
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.periods import Period, PeriodKind
from kpiboard.engine.rating import Status, override
from kpiboard.engine.travel import Movement
from kpiboard.engine.types import Frequency, ValueState
from kpiboard.engine.values import format_value
from kpiboard.framework.lineage import History, history
from kpiboard.framework.model import Framework
from kpiboard.reports.figures import compare, target_display, value_text
from kpiboard.reports.model import (
    Chart,
    ChartSeries,
    Comparator,
    DirectionView,
    KpiRow,
    StatusView,
    ValueCell,
)

Series = dict[Period, Observation]
Key = tuple[str, str, str]  # ref, sub-measure, period key


@dataclass
class Context:
    """What the builder read from the database for one report."""

    fw: Framework
    period: Period
    layout: str
    series: dict[tuple[str, str], Series]
    texts: dict[Key, str]
    overrides: dict[Key, tuple[str, str]]
    revised: set[Key]
    commentary: dict[Key, str]
    published_ytd: dict[Key, tuple[str, Observation]]
    histories: dict[tuple[str, str], History] = field(default_factory=dict)


def history_of(ctx: Context, kpi: KpiDefinition, sub: str) -> History:
    """The KPI's series across the year end, through its lineage (renumbered, merged), and
    why a comparison across it is not possible (``kpiboard.framework.lineage``)."""
    key = (kpi.ref, sub)
    if key not in ctx.histories:
        ctx.histories[key] = history(ctx.fw, kpi.ref, ctx.period.year.label, sub, ctx.series)
    return ctx.histories[key]


def norm(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def kpi_sets(kpi: KpiDefinition) -> tuple[str, ...]:
    """A KPI's report sections: its ``sets``, or with none *core* when it is reported
    monthly and *service* otherwise (the rule of seed 004). Normalised: ``organisational
    health`` for ``Organisational_Health``."""
    sets = tuple(dict.fromkeys(norm(s) for s in kpi.sets))
    return sets or ("core" if kpi.frequency is Frequency.MONTHLY else "service",)


def status_view(status: Status, *, is_override: bool = False, period: str = "") -> StatusView:
    return StatusView(status.code, status.label, status.symbol, status.colour,
                      status.text_colour, status.description, status.judged, is_override,
                      period)


def quarters_done(period: Period) -> int:
    last_month = period.months()[-1]
    return sum(1 for q in period.year.quarters() if q.months()[-1] <= last_month)


def shown_period(kpi: KpiDefinition, report: Period, series: Series) -> tuple[Period, str]:
    """The period a KPI is judged for in the report for ``report``, and why it is stale
    ("" when it is not): the month itself for a monthly KPI (unless it is reported in arrears
    and nothing is given for the month); otherwise its latest value due (``engine.due``)."""
    if report.kind is not PeriodKind.MONTH:
        return report, ""  # a report (or a KPI page's history row) for that very period
    if kpi.frequency is Frequency.MONTHLY and (not kpi.arrears_months or report in series):
        return report, ""  # the month itself, even when it says it is in arrears
    due = due_by(kpi.frequency, kpi.arrears_months, report)
    latest = latest_value(series, due)
    if not latest.stale:
        return latest.period, ""
    obs = series.get(due)
    why = "no value" if obs is None else value_text(kpi, obs)
    return latest.period, (f"{short_label(due)} was due ({why}); the latest value is "
                           f"{short_label(latest.period)}")


def _assess(ctx: Context, kpi: KpiDefinition, period: Period, sub: str) -> Assessment:
    own = ctx.fw.kpi(kpi.ref, period.year.label) or kpi  # judged by its own year's definition
    rating_scheme = ctx.fw.rating_scheme_for(own)
    hist = history_of(ctx, kpi, sub)
    a = assess(own, period, hist.series, rating_scheme=rating_scheme,
               direction_scheme=ctx.fw.direction_scheme_for(own), sub_measure=sub or None,
               changes=hist.changes)
    found = ctx.overrides.get((kpi.ref, sub, period.key))
    if found is not None and found[0] in rating_scheme.by_code:
        a = replace(a, rating=override(a.rating, rating_scheme.status(found[0]), found[1]))
    return a


def _cell(ctx: Context, kpi: KpiDefinition, sub: str, period: Period,
          obs: Observation | None, stored: bool, status: StatusView | None = None) -> ValueCell:
    heading = period.format("report")
    if obs is None:
        return ValueCell(period.key, heading, "n/a", None, kpi.unit.value)
    text = (ctx.texts.get((kpi.ref, sub, period.key)) if stored else None) or \
        value_text(kpi, obs)
    return ValueCell(period.key, heading, text, obs.value, kpi.unit.value,
                     stored and (kpi.ref, sub, period.key) in ctx.revised, status)


def _derived(fn: Callable[..., Observation], *args: object) -> Observation | None:
    """A figure worked out from the periods, or None when it cannot be (a ratio KPI whose
    numerators and denominators were not given)."""
    try:
        return fn(*args)
    except AggregationError:
        return None


def _compared(ctx: Context, kpi: KpiDefinition, sub: str, period: Period, heading: str,
              key: str, published: tuple[str, Observation] | None,
              computed: Observation | None) -> ValueCell:
    text, obs, note, worked, flag = compare(kpi, published, computed)
    revised = published is not None and (kpi.ref, sub, period.key) in ctx.revised
    return ValueCell(key, heading, text, None if obs is None else obs.value, kpi.unit.value,
                     revised, note=note, computed=worked, flag=flag)


def _stored_or_worked_out(ctx: Context, kpi: KpiDefinition, sub: str, series: Series,
                          period: Period, heading: str) -> ValueCell:
    """A quarter or year: the stored figure as given, compared with the one worked out from
    its months when they are all given; else the one worked out."""
    own = series.get(period)
    parts = {p: o for p, o in series.items() if p != period and period.contains(p)}
    if own is None and not parts:  # nothing given for it at all: blank, not "unavailable"
        return ValueCell(period.key, heading, "", None, kpi.unit.value)
    computed = None
    if all(m in parts or m.quarter_of() in parts for m in period.months()):
        computed = _derived(span, kpi.basis, parts, period)
    if own is None:
        computed = computed or _derived(span, kpi.basis, series, period)
        if period.kind is PeriodKind.YEAR and computed is None:
            computed = _derived(year_to_date, kpi.basis, series, period.months()[-1])
    published = None if own is None else (
        ctx.texts.get((kpi.ref, sub, period.key)) or value_text(kpi, own), own)
    return _compared(ctx, kpi, sub, period, heading, period.key, published, computed)


def _ytd(ctx: Context, kpi: KpiDefinition, sub: str, series: Series, period: Period
         ) -> ValueCell:
    """The year to date at ``period`` (the period the row shows): as published with that
    period's figures, compared with the one worked out."""
    year = Period.full_year(ctx.period.year)
    heading = f"Year to Date {year.format('short')}"
    key = f"{ctx.period.year.label}-YTD"
    if period.year != ctx.period.year:  # an annual KPI's latest is last year's: none yet
        return ValueCell(key, heading, "", None, kpi.unit.value,
                         note=f"no value yet for {ctx.period.year.label}")
    through = period if period.kind is PeriodKind.MONTH else period.months()[-1]
    computed = _derived(year_to_date, kpi.basis, series, through)
    published = ctx.published_ytd.get((kpi.ref, sub, period.key))
    return _compared(ctx, kpi, sub, period, heading, key, published, computed)


def _direction(a: Assessment, label: str) -> DirectionView:
    t = a.travel
    note = ""
    if t.movement is Movement.NOT_COMPARABLE and t.reason.startswith("no value for ") and \
            t.reason.endswith(" to compare with"):
        needed = t.reason.removeprefix("no value for ").removesuffix(" to compare with")
        note = f"compared with {needed}, not published"
    return DirectionView(t.symbol, t.label, explain_travel(t), label, note)


def kpi_row(ctx: Context, kpi: KpiDefinition, sub: str = "", *, brief: bool = False) -> KpiRow:
    """The KPI's row as at ``ctx.period``; ``brief``: without the columns of other periods
    (months, quarters, previous years, year to date) and the chart — a KPI page's history
    shows each period's own figure, status, arrow and explanation only."""
    series = history_of(ctx, kpi, sub).series
    period, stale = shown_period(kpi, ctx.period, series)
    a = _assess(ctx, kpi, period, sub)
    children = tuple(kpi_row(ctx, kpi, s.code, brief=brief)
                     for s in kpi.sub_measures) if not sub else ()
    if children and not a.rating.is_override:
        child_assessments = [_assess(ctx, kpi, period, s.code) for s in kpi.sub_measures]
        a = roll_up(a, child_assessments, ctx.fw.rating_scheme_for(kpi))
    own_label = "" if period == ctx.period else short_label(period)
    n_months = 0 if brief else 6 if ctx.layout == "scorecard" else 2
    months: list[Period] = []
    m = ctx.period.months()[-1]
    for _ in range(n_months):
        months.insert(0, m)
        m = m.previous()
    month_cells = tuple(
        _cell(ctx, kpi, sub, p, observation_at(series, p, kpi.basis), p in series,
              status_view(_assess(ctx, kpi, p, sub).rating.status)
              if ctx.layout == "scorecard" and kpi.frequency is Frequency.MONTHLY else None)
        for p in months)
    if kpi.frequency is not Frequency.MONTHLY and ctx.layout in ("monthly", "scorecard"):
        month_cells = tuple(ValueCell(c.period, c.heading, "", None, c.unit) for c in month_cells)
    quarters = () if brief else tuple(
        _stored_or_worked_out(ctx, kpi, sub, series, q, q.format("report"))
        for q in ctx.period.year.quarters()[:quarters_done(ctx.period)])
    previous_years = () if brief else tuple(
        _stored_or_worked_out(ctx, kpi, sub, series, Period.full_year(y),
                              Period.full_year(y).format("report"))
        for y in (ctx.period.year.previous().previous(), ctx.period.year.previous()))
    rating = a.rating
    obs = a.observation
    not_reported = ""
    if obs is None or obs.state is not ValueState.VALUE:
        why = "no value" if obs is None else value_text(kpi, obs)
        not_reported = f"{why} for {period.label}"
        if obs is not None and obs.state is ValueState.IN_ARREARS:
            not_reported += f"; reported {kpi.arrears_months or 1} month(s) in arrears, so due " \
                            f"with the next report"
    elif stale:
        not_reported = stale
    status = status_view(rating.status, is_override=rating.is_override, period=own_label)
    current = _cell(ctx, kpi, sub, period, obs, period in series, status)
    if own_label or stale:
        current = replace(current, note="; ".join(x for x in (short_label(period), stale) if x),
                          flag="stale" if stale else "")
    chart = None if sub or brief else _chart(kpi, series, ctx.period, a.target)
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
        ytd=None if brief else _ytd(ctx, kpi, sub, series, period), quarters=quarters,
        months=month_cells,
        previous_years=previous_years, current=current,
        target=target_display(a, period), target_value=a.target,
        tolerance="" if sub else (kpi.tolerance.text or kpi.tolerance.describe()),
        status=status, direction=_direction(a, own_label),
        explanation=a.explanation, commentary_html=comment,
        chart=chart, sparkline=None if chart is None else _sparkline(chart),
        children=children, not_reported=not_reported,
        reported_period=short_label(period), stale=stale,
        theme=kpi.theme, sets=kpi_sets(kpi),
    )


def _chart(kpi: KpiDefinition, series: Series, period: Period,
           target: Decimal | None) -> Chart:
    """This year against last, by the KPI's own periods (months, quarters or halves); an
    annual KPI by year, over the last three years."""
    this, last = period.year, period.year.previous()
    last_month = period.months()[-1]
    if kpi.frequency is Frequency.MONTHLY:
        by, xs = "month", [m.format("short")[:3] for m in this.months()]
        lines = [(y.label, y.months()) for y in (last, this)]
    elif kpi.frequency is Frequency.HALF_YEARLY:
        by, xs = "half year", ["H1", "H2"]
        lines = [(y.label, (Period.half(y, 1), Period.half(y, 2))) for y in (last, this)]
    elif kpi.frequency is Frequency.ANNUAL:
        years = (last.previous(), last, this)
        by, xs = "year", [y.label for y in years]
        lines = [("Year", tuple(Period.full_year(y) for y in years))]
    else:
        by, xs = "quarter", ["Q1", "Q2", "Q3", "Q4"]
        lines = [(y.label, y.quarters()) for y in (last, this)]

    def points(year_periods: tuple[Period, ...]) -> tuple[tuple[str, Decimal | None], ...]:
        out = []
        for x, p in zip(xs, year_periods, strict=True):
            obs = observation_at(series, p, kpi.basis) if p.months()[-1] <= last_month \
                else None
            out.append((x, obs.value if obs is not None and obs.state is ValueState.VALUE
                        else None))
        return tuple(out)

    target = tidy(target)  # 85.0000000000 as stored → 85
    title = f"{kpi.ref}: {this.label} against {last.label}" if len(lines) == 2 else \
        f"{kpi.ref}: {xs[0]} to {xs[-1]}"
    alt = f"{kpi.ref} by {by}: " + (f"{this.label} against {last.label}" if len(lines) == 2
                                     else f"{xs[0]} to {xs[-1]}")
    return Chart(
        title=title, kind="line", x_labels=tuple(xs),
        series=tuple(ChartSeries(label, points(ps)) for label, ps in lines),
        unit=kpi.unit.value, target=target, target_label="Target" if target is not None else "",
        alt_text=alt + (f", with the target of {format_value(target, unit=kpi.unit)}"
                        if target is not None else "") + ".")


def _sparkline(chart: Chart) -> Chart:
    """This year's line alone (an annual KPI's years), small enough for a table cell."""
    this = chart.series[-1]
    shown = [v for _, v in this.points if v is not None]
    when = "this year" if len(chart.series) > 1 else "by year"
    return replace(chart, kind="sparkline", series=(this,), target=None,
                   alt_text=f"{chart.title.split(':')[0]} {when}: "
                   + (", ".join(f"{x} {v}" for x, v in this.points if v is not None)
                      if shown else "no values yet") + ".")
