"""A small hand-made report for renderer tests and documentation examples."""

from __future__ import annotations

from decimal import Decimal as D

from kpiboard.reports.model import (
    Chart,
    ChartSeries,
    Column,
    Comparator,
    DirectionView,
    Group,
    KeyEntry,
    KpiRow,
    Project,
    Report,
    SchemeKey,
    Section,
    SectionSummary,
    StatusCount,
    StatusView,
    ValueCell,
)

GREEN = StatusView("green", "Green", "✔", "#00703c", "#ffffff", "On target or better")
AMBER = StatusView("amber", "Amber", "▲", "#ffdd00", "#0b0c0c", "Within tolerance")
RED = StatusView("red", "Red", "✖", "#d4351c", "#ffffff", "Outside tolerance")
TURQUOISE = StatusView("turquoise", "Turquoise", "◆", "#28a197", "#0b0c0c",
                       "Tracking indicator only", judged=False)
DARK_GREY = StatusView("dark_grey", "Dark grey", "?", "#383f43", "#ffffff", "Data missing",
                       judged=False)
MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


def _cell(period: str, heading: str, text: str, value: str | None, unit: str = "percent",
          status: StatusView | None = None, revised: bool = False) -> ValueCell:
    return ValueCell(period, heading, text, None if value is None else D(value), unit,
                     revised, status)


def _chart(title: str, this: list[str | None], last: list[str | None], target: str | None,
           unit: str) -> Chart:
    def pts(values: list[str | None]) -> tuple[tuple[str, D | None], ...]:
        return tuple((m, None if v is None else D(v)) for m, v in zip(MONTHS, values,
                                                                      strict=False))

    return Chart(title, "line", MONTHS, (ChartSeries("2022/23", pts(last)),
                                         ChartSeries("2023/24", pts(this))), unit,
                 None if target is None else D(target), "Target" if target else "",
                 f"{title}: this year against last year by month"
                 + (f", with the target of {target}" if target else "") + ".")


def sample_report() -> Report:
    """Three KPIs (one with sub-measures), a tracking KPI, a missing value and a project."""
    stp16 = KpiRow(
        ref="STP16", name="Percentage of minor planning applications determined within 8 weeks",
        key_commitment="Safe and thriving places", directorate="Place & Economy",
        service="Growth & Regeneration", statutory="Yes", polarity="Higher is better",
        unit="percent", frequency="monthly",
        benchmark="87% (Mean Average CIPFA Near Neighbours - LG Inform Q4 2022/23)",
        comparators=(Comparator("Benchmark", "87%", D(87)),),
        ytd=_cell("2023/24-YTD", "Year to Date 2023-24", "75.91%", "75.91"),
        quarters=(_cell("2023/24-Q1", "Quarter 1 23-24", "73.91%", "73.91"),
                  _cell("2023/24-Q2", "Quarter 2 23-24", "84.54%", "84.54"),
                  _cell("2023/24-Q3", "Quarter 3 23-24", "76.85%", "76.85")),
        months=(_cell("2024-01", "January 2023/24", "78.13%", "78.13", status=AMBER),
                _cell("2024-02", "February 2023/24", "46.43%", "46.43", status=RED,
                      revised=True)),
        current=_cell("2024-02", "February 2023/24", "46.43%", "46.43", status=RED),
        target="85%", target_value=D(85), tolerance="80% - 85%", status=RED,
        direction=DirectionView("↓R", "Performance has deteriorated from the last period – "
                                "Higher is better", "↓R: 46.43% is down 31.70 points"),
        explanation="Red: 46.43% is 38.57 points below the 85% target (higher is better); "
                    "the amber band is 80%–85%.",
        commentary_html="<p>Performance this month has dropped.</p><p>Recruitment continues.</p>",
        chart=_chart("STP16", ["73", "75", "74", "84", "85", "84", "77", "76", "77", "78.13",
                               "46.43", None],
                     ["70", "72", "71", "80", "81", "82", "79", "78", "80", "79", "81", "83"],
                     "85", "percent"),
    )
    p1 = KpiRow(ref="STP31", sub_measure="P1", name="P1 (Target response time within 24 hours)",
                unit="percent", months=(_cell("2024-01", "January 2023/24", "100%", "100"),
                                        _cell("2024-02", "February 2023/24", "N/A (0 out of 0)",
                                              None)),
                target="97.5%", status=DARK_GREY,
                direction=DirectionView("n/a", "Not comparable", "not comparable"),
                explanation="Dark grey: a value does not apply for this period.")
    p4 = KpiRow(ref="STP31", sub_measure="P4", name="P4 (Target response time within 26 weeks)",
                unit="percent", months=(_cell("2024-01", "January 2023/24", "99.53%", "99.53"),
                                        _cell("2024-02", "February 2023/24", "91.67%", "91.67")),
                target="90%", status=GREEN,
                direction=DirectionView("↓", "Deteriorated but on target", "↓: still on target"),
                explanation="Green: 91.67% is 1.67 points above the 90% target.")
    stp31 = KpiRow(
        ref="STP31", name="Percentage of defects responded to within the timeframes specified",
        key_commitment="Safe and thriving places", directorate="Place & Economy",
        service="Highways & Waste", statutory="No - Contractual", polarity="Higher is better",
        unit="percent", frequency="monthly",
        months=(_cell("2024-01", "January 2023/24", "96.08% (1202 out of 1251)", "96.08"),
                _cell("2024-02", "February 2023/24", "91.96% (1396 out of 1518)", "91.96")),
        target="P1 and P2 97.5% P3 and P4 90%", tolerance="No Tolerance", status=GREEN,
        direction=DirectionView("↓", "Deteriorated within 5%", "↓: within 5%"),
        explanation="Green: worst of its sub-measures with targets (P4 Green).",
        commentary_html="<p>All targets have been met this month.</p>", children=(p1, p4))
    afl15 = KpiRow(
        ref="AFL15", name="Total number of homeless approaches",
        key_commitment="Active, fulfilled lives", directorate="Adults & Housing",
        service="Housing Services", statutory="Yes", polarity="No polarity", unit="count",
        frequency="monthly", ytd=_cell("2023/24-YTD", "Year to Date 2023-24", "5466", "5466",
                                       "count"),
        months=(_cell("2024-01", "January 2023/24", "643", "643", "count"),
                _cell("2024-02", "February 2023/24", "498", "498", "count")),
        target="Tracking - monitoring levels of demand only", status=TURQUOISE,
        direction=DirectionView("↓", "Actual decreased", "↓: 498 is down 145 (22.55%)"),
        explanation="Turquoise: 498; tracking indicator only, with no target.")
    stp39 = KpiRow(
        ref="STP39", name="Number of repair jobs awaiting completion",
        key_commitment="Safe and thriving places", directorate="Adults & Housing",
        service="Housing Services", unit="count", frequency="monthly",
        months=(_cell("2024-01", "January 2023/24", "Data unavailable", None, "count"),
                _cell("2024-02", "February 2023/24", "Data unavailable", None, "count")),
        target="N/A - monitoring levels of demand", status=DARK_GREY,
        direction=DirectionView("n/a", "Not comparable", "not comparable: no value"),
        explanation="Dark grey: no value was provided for this period.",
        not_reported="Data unavailable: the 2023-24 data is being reviewed; reporting resumes "
                     "in April 2024.")
    columns = (
        Column("key_commitment", "Key Commitment"), Column("ref", "Ref No."),
        Column("description", "Description of Performance Indicator"),
        Column("chart", "Infographic / Chart"),
        Column("statutory", "Statutory Reporting Required? (Yes / No)"),
        Column("benchmark", "Benchmark"), Column("ytd", "Year to Date 2023-24"),
        Column("q1", "Quarter 1 23-24"), Column("q2", "Quarter 2 23-24"),
        Column("q3", "Quarter 3 23-24"), Column("m0", "January 2023/24"),
        Column("m1", "February 2023/24"),
        Column("direction", "Direction of Travel (since previous period reported)"),
        Column("polarity", "Polarity"), Column("target", "Target"),
        Column("tolerance", "Tolerance"), Column("status", "Status"),
        Column("commentary", "Comments"),
    )
    sections = (
        Section("Place & Economy", (Group("Growth & Regeneration", (stp16,)),
                                    Group("Highways & Waste", (stp31,)))),
        Section("Adults & Housing", (Group("Housing Services", (afl15, stp39)),)),
    )
    counts = (StatusCount(GREEN, 1), StatusCount(AMBER, 0), StatusCount(RED, 1),
              StatusCount(DARK_GREY, 1), StatusCount(TURQUOISE, 1))
    return Report(
        organisation="North Northamptonshire Council", title="Performance Report - February 2024",
        layout="monthly", period="2024-02", period_label="February 2023/24", kpi_set="core",
        group_by="directorate", columns=columns, sections=sections,
        rating_keys=(SchemeKey("Progress Status Key", "", tuple(
            KeyEntry(s.symbol, f"{s.label} - {s.description}", s.colour, s.text_colour)
            for s in (GREEN, AMBER, RED, DARK_GREY, TURQUOISE))),),
        direction_keys=(SchemeKey("Direction of Travel Key",
                                  "An acceptable range = within 5% of the last period's "
                                  "performance", (
                                      KeyEntry("↑G", "Performance has improved – Higher is "
                                               "better"),
                                      KeyEntry("↓R", "Performance has deteriorated from the "
                                               "last period – Higher is better"),
                                      KeyEntry("→", "Performance has stayed the same"))),),
        terminology=(("TBC", "To be confirmed"), ("n/a", "Not applicable")),
        summary=(SectionSummary("Place & Economy", counts[:3], 2),
                 SectionSummary("Adults & Housing", counts[3:], 2)),
        overall=SectionSummary("All KPIs", counts, 4),
        summary_chart=Chart("KPIs by status", "bar", tuple(c.status.label for c in counts),
                            (ChartSeries("February 2023/24", tuple(
                                (c.status.label, D(c.count)) for c in counts)),),
                            "count", alt_text="1 Green, 0 Amber, 1 Red, 1 Dark grey, "
                            "1 Turquoise."),
        exceptions=(stp16,), not_reported=(stp39,),
        projects=(Project("Local Plan review", AMBER, "31 March 2025",
                          "Consultation delayed by four weeks.", "Safe and thriving places"),),
        generated="23 November 2026 12:00",
    )
