"""The report layouts: their columns, and the keys printed at the front."""

from __future__ import annotations

from decimal import Decimal

from kpiboard.engine.periods import Period
from kpiboard.engine.rating import RatingScheme
from kpiboard.engine.travel import DirectionScheme
from kpiboard.reports.model import (
    Chart,
    ChartSeries,
    Column,
    KeyEntry,
    SchemeKey,
    SectionSummary,
)

LAYOUTS = ("monthly", "scorecard", "summary")


def columns(layout: str, period: Period, quarters_done: int, *,
            latest: bool = False) -> tuple[Column, ...]:
    """The main table's columns for ``layout`` (keys explained in ``reports.model.Column``).
    ``latest`` adds a column with each KPI's latest value and its period, for reports with
    KPIs whose latest value is in no other column (half-yearly and annual KPIs, stale
    values); the summary always has it."""
    year = period.year
    month = period.months()[-1]
    heading = f"Latest value ({month.format('report')} unless stated)"
    current = (Column("current", heading),) if latest else ()
    ytd = Column("ytd", f"Year to Date {Period.full_year(year).format('short')}")
    quarters = tuple(Column(f"q{i + 1}", q.format("report"))
                     for i, q in enumerate(year.quarters()[:quarters_done]))
    if layout == "monthly":
        months = (Column("m0", month.previous().format("report")),
                  Column("m1", month.format("report")))
        return (
            Column("key_commitment", "Key Commitment"), Column("ref", "Ref No."),
            Column("description", "Description of Performance Indicator"),
            Column("chart", "Chart"),
            Column("statutory", "Statutory Reporting Required? (Yes / No)"),
            Column("benchmark", "Benchmark"), ytd, *quarters, *months, *current,
            Column("direction", "Direction of Travel (since previous period reported)"),
            Column("polarity", "Polarity"), Column("target", "Target"),
            Column("tolerance", "Tolerance"), Column("status", "Status"),
            Column("commentary", "Comments"),
        )
    if layout == "scorecard":
        six: list[Period] = []
        m = month
        for _ in range(6):
            six.insert(0, m)
            m = m.previous()
        return (
            Column("ref", "Ref"), Column("description", "Indicator"),
            *(Column(f"m{i}", p.format("short")) for i, p in enumerate(six)), *current, ytd,
            Column("comparator0", "Benchmark / neighbours"), Column("target", "Target"),
            Column("previous0", f"Outturn {year.previous().previous().label}"),
            Column("previous1", f"Outturn {year.previous().label}"),
            Column("direction", "Direction of travel"), Column("status", "Status"),
        )
    return (
        Column("ref", "Ref"), Column("description", "Indicator"),
        Column("current", heading), Column("target", "Target"),
        Column("status", "Status"), Column("direction", "Direction of travel"),
        Column("commentary", "Commentary"),
    )


def rating_key(scheme: RatingScheme) -> SchemeKey:
    return SchemeKey(scheme.title, scheme.description, tuple(
        KeyEntry(s.symbol, f"{s.label} - {s.description}" if s.description else s.label,
                 s.colour, s.text_colour) for s in scheme.statuses))


# The order of a direction key, whatever order the scheme's symbols were stored in (a
# PostgreSQL jsonb column does not keep the order of a mapping's keys).
KEY_ORDER = ("improved", "deteriorated_acceptable", "deteriorated", "same", "increased",
             "unchanged", "decreased", "not_comparable")


def direction_key(scheme: DirectionScheme) -> SchemeKey:
    def rank(key: str) -> tuple[int, int]:
        base, _, way = key.partition(".")
        order = KEY_ORDER.index(base) if base in KEY_ORDER else len(KEY_ORDER)
        return order, ("up", "down", "").index(way) if way in ("up", "down") else 2

    entries = [KeyEntry(scheme.symbols[key], scheme.labels.get(
        key, key.replace("_", " ").replace(".", ", "))) for key in sorted(scheme.symbols,
                                                                           key=rank)]
    return SchemeKey(scheme.title, scheme.description, tuple(entries))


def summary_chart(overall: SectionSummary, period: Period) -> Chart:
    counts = [(c.status.label, Decimal(c.count)) for c in overall.counts]
    alt = ", ".join(f"{int(n)} {label}" for label, n in counts)
    return Chart(f"KPIs by status, {period.label}", "bar", tuple(x for x, _ in counts),
                 (ChartSeries(period.label, tuple((x, n) for x, n in counts)),), "count",
                 alt_text=f"KPIs by status for {period.label}: {alt}.")
