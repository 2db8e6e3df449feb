"""The report model: plain data with every figure, status, arrow and comment decided.

Renderers (HTML, PDF, XLSX, DOCX, CSV, JSON) read only this; none computes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class StatusView:
    """A status as shown: text and symbol as well as colour."""

    code: str
    label: str
    symbol: str
    colour: str
    text_colour: str
    description: str = ""
    judged: bool = True
    override: bool = False  # set by hand; always shown as an override
    period: str = ""  # the period rated, when it is not the report's own ("Q3 2023/24")

    @property
    def display(self) -> str:
        text = f"{self.symbol} {self.label}".strip()
        text = f"{text} (override)" if self.override else text
        return f"{text}, {self.period}" if self.period else text


@dataclass(frozen=True, slots=True)
class DirectionView:
    symbol: str
    label: str  # the key's words for this symbol
    explanation: str
    period: str = ""  # the period compared, when it is not the report's own ("Q3 2023/24")
    note: str = ""  # why there is no arrow: "compared with December 2023/24, not published"

    @property
    def display(self) -> str:
        """The symbol with the period it belongs to and any note, as every format shows it."""
        extra = "; ".join(x for x in (self.period, self.note) if x)
        return f"{self.symbol} ({extra})" if extra else self.symbol


@dataclass(frozen=True, slots=True)
class ValueCell:
    """One period's figure as shown, with the number behind it."""

    period: str  # period key, e.g. 2024-02
    heading: str  # e.g. "February 2023/24"
    text: str  # as shown: "80.60%", "N/A", "3681 (Apr - Jan)"
    value: Decimal | None = None
    unit: str = ""  # engine Unit value: percent, count, money, days...
    revised: bool = False  # the figure was revised after it was first given
    status: StatusView | None = None  # the status for that period, where rated
    # What a reader must know about the figure, shown with it in every format: a published
    # figure that disagrees with the one worked out ("published; worked out from the
    # periods: 80.61%"), a published figure that cannot be worked out, or a stale value.
    note: str = ""
    computed: str = ""  # the figure worked out from the periods, where it differs
    flag: str = ""  # "" | "differs" (published and computed disagree) | "stale" | "published"


@dataclass(frozen=True, slots=True)
class ChartSeries:
    label: str  # e.g. "2023/24"
    points: tuple[tuple[str, Decimal | None], ...]  # (x label, value)


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart specification; renderers draw it as SVG (HTML, PDF) or PNG (Word, Excel)."""

    title: str
    kind: str  # "line" | "bar" | "sparkline"
    x_labels: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    unit: str = ""
    target: Decimal | None = None
    target_label: str = ""
    alt_text: str = ""  # a sentence describing the chart, for screen readers


@dataclass(frozen=True, slots=True)
class Comparator:
    label: str  # "Statistical neighbours", "England", "Benchmark"
    text: str
    value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class KpiRow:
    """A KPI (or one of its sub-measures) in a report."""

    ref: str
    name: str
    sub_measure: str = ""  # the sub-measure's code; "" for the KPI itself
    description: str = ""
    key_commitment: str = ""
    directorate: str = ""
    service: str = ""
    statutory: str = ""
    polarity: str = ""
    unit: str = ""
    frequency: str = ""
    benchmark: str = ""
    comparators: tuple[Comparator, ...] = ()
    ytd: ValueCell | None = None
    quarters: tuple[ValueCell, ...] = ()
    months: tuple[ValueCell, ...] = ()
    previous_years: tuple[ValueCell, ...] = ()  # outturns of earlier years
    current: ValueCell | None = None  # the value rated for the report period
    target: str = ""
    target_value: Decimal | None = None
    tolerance: str = ""
    status: StatusView | None = None
    direction: DirectionView | None = None
    explanation: str = ""
    commentary_html: str = ""  # sanitised HTML
    chart: Chart | None = None
    sparkline: Chart | None = None
    children: tuple[KpiRow, ...] = ()  # sub-measures
    not_reported: str = ""  # why there is no value this period, if there is none
    reported_period: str = ""  # the label of the period rated ("February 2023/24", "2022/23")
    stale: str = ""  # set when a newer value is overdue: what was due, and what is shown
    theme: str = ""
    sets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """A heading and its rows: a service under a directorate, or a key commitment."""

    title: str
    rows: tuple[KpiRow, ...]


@dataclass(frozen=True, slots=True)
class Section:
    title: str  # a directorate, key commitment or theme
    groups: tuple[Group, ...]

    @property
    def rows(self) -> tuple[KpiRow, ...]:
        return tuple(r for g in self.groups for r in g.rows)


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: StatusView
    count: int


@dataclass(frozen=True, slots=True)
class SectionSummary:
    title: str
    counts: tuple[StatusCount, ...]
    total: int


@dataclass(frozen=True, slots=True)
class KeyEntry:
    symbol: str
    label: str
    colour: str = ""
    text_colour: str = ""


@dataclass(frozen=True, slots=True)
class SchemeKey:
    """The key to a rating or direction scheme, as printed at the front of a report."""

    title: str
    description: str
    entries: tuple[KeyEntry, ...]


@dataclass(frozen=True, slots=True)
class Project:
    name: str
    status: StatusView
    due: str
    narrative: str
    key_commitment: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the main table: ``key`` names what a renderer puts in it."""

    key: str  # key_commitment, ref, description, chart, statutory, benchmark, ytd, q1..q4,
    # m0..m5 (months, oldest first), current (the latest value, with its period), direction,
    # polarity, target, tolerance, status, commentary, comparator0.., previous0..
    heading: str


@dataclass(frozen=True, slots=True)
class Report:
    organisation: str
    title: str
    layout: str  # "monthly" | "scorecard" | "summary"
    period: str  # key, e.g. 2024-02
    period_label: str  # "February 2023/24"
    kpi_set: str  # core, service, organisational health, all
    group_by: str  # directorate | key_commitment | theme | set
    columns: tuple[Column, ...]
    sections: tuple[Section, ...]
    rating_keys: tuple[SchemeKey, ...] = ()
    direction_keys: tuple[SchemeKey, ...] = ()
    terminology: tuple[tuple[str, str], ...] = ()
    summary: tuple[SectionSummary, ...] = ()
    overall: SectionSummary | None = None
    summary_chart: Chart | None = None
    exceptions: tuple[KpiRow, ...] = ()  # every red KPI, for a spotlight page each
    not_reported: tuple[KpiRow, ...] = ()
    projects: tuple[Project, ...] = ()
    generated: str = ""  # when, for the footer
    notes: tuple[str, ...] = field(default=())

    @property
    def rows(self) -> tuple[KpiRow, ...]:
        return tuple(r for s in self.sections for r in s.rows)
