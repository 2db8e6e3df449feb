"""Render a report model to files: one function per format, none computing anything."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kpiboard.reports.model import Report

FORMATS = ("html", "pdf", "xlsx", "docx", "csv", "json")


def render(report: Report, fmt: str) -> bytes:
    """The report as the bytes of a file in ``fmt``."""
    from kpiboard.reports import charts

    if fmt == "html":
        from kpiboard.reports.html import render_html

        return render_html(report, charts=charts.chart_svg).encode("utf-8")
    if fmt == "pdf":
        from kpiboard.reports.pdf import render_pdf

        return render_pdf(report, charts=charts.chart_svg)
    if fmt == "xlsx":
        from kpiboard.reports.xlsx import render_xlsx

        return render_xlsx(report, chart_png=charts.chart_png)
    if fmt == "docx":
        from kpiboard.reports.word import render_docx

        return render_docx(report, chart_png=charts.chart_png)
    if fmt == "csv":
        from kpiboard.reports.opendata import render_csv

        return render_csv(report).encode("utf-8")
    if fmt == "json":
        from kpiboard.reports.opendata import render_json

        return render_json(report).encode("utf-8")
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def file_name(report: Report, fmt: str) -> str:
    """e.g. ``nnc-2024-02-monthly-core-directorate.pdf``."""
    return file_name_of(organisation=report.organisation, period=report.period,
                        layout=report.layout, kpi_set=report.kpi_set,
                        group_by=report.group_by, fmt=fmt)


def file_name_of(*, organisation: str, period: str, layout: str, kpi_set: str, group_by: str,
                 fmt: str) -> str:
    """The name of a report's file, from what the report is of (``file_name``)."""
    org = re.sub(r"[^a-z0-9]+", "-", organisation.lower()).strip("-")
    parts = [org, period.replace("/", "-"), layout,
             re.sub(r"[^a-z0-9]+", "-", kpi_set.lower()), group_by]
    return "-".join(parts) + f".{fmt}"


def write(report: Report, formats: list[str], out: Path,
          timer: Callable[[str, float], None] | None = None) -> list[Path]:
    """Write ``report`` in each format into ``out``; returns the paths."""
    import time

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        start = time.perf_counter()
        path = out / file_name(report, fmt)
        path.write_bytes(render(report, fmt))
        if timer is not None:
            timer(fmt, time.perf_counter() - start)
        paths.append(path)
    return paths
