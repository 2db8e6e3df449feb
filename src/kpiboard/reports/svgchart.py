"""Charts drawn directly as small, accessible SVG: fast enough for a report of hundreds of KPIs.

The drawing is plain SVG (lines, circles, rectangles, text) that browsers, WeasyPrint and the
PNG rasteriser all read the same way, so one drawing serves HTML, PDF, Word and Excel.
"""

from __future__ import annotations

import math
from html import escape

from kpiboard.reports.model import Chart

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
THIS_YEAR, LAST_YEAR, TARGET, NEUTRAL = "#1d70b8", "#5694ca", "#f47738", "#505a5f"
TEXT, GRID = "#0b0c0c", "#e5e5e5"


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"
    return {"percent": f"{text}%", "money": f"£{text}"}.get(unit, text)


def _ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    out, v = [round(start, 10)], start
    while v < hi - step * 0.001:  # up to the first tick at or above ``hi``, so no value is
        v += step  # drawn above the top of the plot
        out.append(round(v, 10))
    return out


def _open(chart: Chart, width: int, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-label="{escape(chart.alt_text or chart.title)}" '
            f'font-family="{FONT}" font-size="9" fill="{TEXT}">',
            f"<title>{escape(chart.title)}</title>"]


def draw(chart: Chart) -> str:
    """The chart as SVG markup with ``role="img"``, an ``aria-label`` and a ``<title>``."""
    if chart.kind == "sparkline":
        return _sparkline(chart)
    if chart.kind == "bar":
        return _bar(chart)
    return _line(chart)


def _values(chart: Chart) -> list[float]:
    vals = [float(v) for s in chart.series for _, v in s.points if v is not None]
    if chart.target is not None:
        vals.append(float(chart.target))
    return vals


def _line(chart: Chart, width: int = 360, height: int = 170) -> str:
    left, right, top, bottom = 44, 10, 24, 22
    vals = _values(chart) or [0.0, 1.0]
    lo = min(0.0, min(vals))
    ticks = _ticks(lo, max(vals) * 1.05 if max(vals) > 0 else 1.0)
    lo, hi = ticks[0], ticks[-1]
    xs = chart.x_labels or tuple(x for x, _ in (chart.series[0].points if chart.series else ()))
    pw, ph = width - left - right, height - top - bottom
    step = pw / max(len(xs), 1)

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return top + ph - (v - lo) / (hi - lo) * ph

    out = _open(chart, width, height)
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
                   f'stroke="{GRID}"/><text x="{left - 4}" y="{y(t) + 3:.1f}" '
                   f'text-anchor="end">{_fmt(t, chart.unit)}</text>')
    for i, label in enumerate(xs):
        out.append(f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle">'
                   f"{escape(label)}</text>")
    if chart.target is not None:
        ty = y(float(chart.target))
        label_y = ty - 3 if ty > 32 else ty + 11  # below the line when above would clip
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
                   f'stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="5 3"/>'
                   f'<text x="{width - right}" y="{label_y:.1f}" text-anchor="end" '
                   f'fill="#6f3011">{escape(chart.target_label or "Target")}: '
                   f"{_fmt(float(chart.target), chart.unit)}</text>")
    n = len(chart.series)
    legend_x = left
    for k, series in enumerate(chart.series):
        colour = THIS_YEAR if k == n - 1 else LAST_YEAR
        dash = "" if k == n - 1 else ' stroke-dasharray="4 3"'
        index = {label: i for i, label in enumerate(xs)}
        segment: list[str] = []
        segments: list[list[str]] = []
        for label, value in series.points:
            if value is None or label not in index:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(index[label]):.1f},{y(float(value)):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            out.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                       f'stroke-width="2"{dash}/>')
            out.extend(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="2.2" '
                       f'fill="{colour}"/>' for p in seg)
        out.append(f'<line x1="{legend_x}" x2="{legend_x + 16}" y1="10" y2="10" '
                   f'stroke="{colour}" stroke-width="2"{dash}/><text x="{legend_x + 20}" '
                   f'y="13">{escape(series.label)}</text>')
        legend_x += 30 + 6 * len(series.label)
    out.append("</svg>")
    return "".join(out)


def _bar(chart: Chart, width: int = 360, height: int = 170) -> str:
    left, right, top, bottom = 30, 10, 22, 22  # room above the tallest bar for its label
    points = chart.series[0].points if chart.series else ()
    values = [float(v or 0) for _, v in points]
    ticks = _ticks(0.0, max([*values, 1.0]) * 1.1)
    hi = ticks[-1]
    pw, ph = width - left - right, height - top - bottom
    step = pw / max(len(points), 1)
    out = _open(chart, width, height)
    for t in ticks:
        ty = top + ph - t / hi * ph
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
                   f'stroke="{GRID}"/><text x="{left - 4}" y="{ty + 3:.1f}" '
                   f'text-anchor="end">{_fmt(t, chart.unit)}</text>')
    for i, ((label, _), v) in enumerate(zip(points, values, strict=True)):
        bh = v / hi * ph
        bx = left + step * i + step * 0.15
        out.append(f'<rect x="{bx:.1f}" y="{top + ph - bh:.1f}" width="{step * 0.7:.1f}" '
                   f'height="{bh:.1f}" fill="{NEUTRAL}"/><text x="{bx + step * 0.35:.1f}" '
                   f'y="{top + ph - bh - 3:.1f}" text-anchor="middle">{v:.0f}</text>'
                   f'<text x="{bx + step * 0.35:.1f}" y="{height - 8}" '
                   f'text-anchor="middle">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def _sparkline(chart: Chart, width: int = 100, height: int = 24) -> str:
    points = chart.series[-1].points if chart.series else ()
    vals = [float(v) for _, v in points if v is not None] or [0.0]
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    step = width / max(len(points) - 1, 1)
    coords = [f"{i * step:.1f},{height - 2 - (float(v) - lo) / span * (height - 4):.1f}"
              for i, (_, v) in enumerate(points) if v is not None]
    out = _open(chart, width, height)
    out.append(f'<polyline points="{" ".join(coords)}" fill="none" stroke="{THIS_YEAR}" '
               'stroke-width="1.5"/></svg>')
    return "".join(out)
