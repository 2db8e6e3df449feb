"""Charts: one Vega-Lite specification per :class:`Chart`, drawn as SVG and PNG.

The same specification serves every format: SVG for HTML and PDF, PNG for Word and Excel.
Rendering is offline, with ``vl-convert`` (its own JavaScript runtime; no browser, no network).

* :func:`vega_lite_spec` builds the specification (a plain ``dict``; Vega-Lite v5).
* :func:`chart_svg` draws it as SVG markup, made accessible: ``role="img"``, an
  ``aria-label`` with the chart's alt text and a ``<title>``; the marks inside are hidden
  from screen readers, so the chart is read as one image.
* :func:`chart_png` draws it as PNG, rasterising the cached SVG (much faster than a second
  pass through Vega: a few milliseconds instead of tens).

Renders are cached by the specification's JSON text, so a chart drawn for HTML and again for
PDF is drawn once (and a PNG once per scale: Word and Excel should ask for the same scale).
The first render in a process starts the JavaScript runtime (about half a second); after that
a line chart's SVG takes some 30-50 ms (Vega's layout and text measuring; threads do not help,
vl-convert serialises calls), its PNG another 12-20 ms, a sparkline's 3-4 ms and under 1 ms.

Values are ``Decimal`` in the model; they become ``float`` only inside the specification.
A ``None`` value is a gap: the line breaks there and no point is drawn.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

import vl_convert as vlc

from kpiboard.reports.model import Chart, ChartSeries

__all__ = [
    "FONT",
    "LAST_YEAR",
    "NEUTRAL",
    "TARGET",
    "THIS_YEAR",
    "chart_png",
    "chart_svg",
    "clear_cache",
    "spec_json",
    "value_text",
    "vega_lite_spec",
]

VL_VERSION = "5.21"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "Liberation Sans, Arial, sans-serif"
THIS_YEAR = "#1d70b8"  # dark blue, solid
LAST_YEAR = "#5694ca"  # light blue, dashed
TARGET = "#f47738"  # orange, dashed
NEUTRAL = "#505a5f"  # bars, until status colours are wanted
TEXT = "#0b0c0c"
GRID = "#e5e5e5"
DASHED = [5, 3]
SOLID = [1, 0]
GAP = "break-paths-filter-domains"  # Vega-Lite 5.21's mark.invalid: nulls break lines

LINE_SIZE = (320, 160)
BAR_SIZE = (320, 160)
SPARK_SIZE = (100, 24)

Spec = dict[str, Any]


# --- the specification ---------------------------------------------------------------------

def vega_lite_spec(chart: Chart) -> Spec:
    """The Vega-Lite v5 specification of ``chart`` (a JSON-ready ``dict``)."""
    if chart.kind == "line":
        spec = _line(chart)
    elif chart.kind == "bar":
        spec = _bar(chart)
    elif chart.kind == "sparkline":
        spec = _sparkline(chart)
    else:
        raise ValueError(f"unknown chart kind {chart.kind!r}: expected line, bar or sparkline")
    spec = {"$schema": SCHEMA, **spec}
    # description: the alt text (Vega-Lite's own field for it); usermeta is ignored by Vega
    # and carries the title for the SVG's <title>, also for charts that draw no title.
    spec["description"] = chart.alt_text or chart.title
    spec["usermeta"] = {"title": chart.title or chart.alt_text}
    spec["config"] = _config(spec.pop("config", {}))
    return spec


def _config(extra: Spec) -> Spec:
    config: Spec = {
        "font": FONT,
        "aria": False,  # the SVG is one image to screen readers: see chart_svg
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": TEXT,
                 "titleColor": TEXT, "gridColor": GRID, "domainColor": "#b1b4b6",
                 "tickColor": "#b1b4b6"},
        "legend": {"labelFontSize": 11, "labelColor": TEXT, "symbolStrokeWidth": 2},
        "title": {"fontSize": 13, "anchor": "start", "color": TEXT, "fontWeight": "bold"},
    }
    config.update(extra)
    return config


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _plain(value: Decimal) -> str:
    """``Decimal('85.0')`` -> ``85``, ``Decimal('1E+3')`` -> ``1,000``."""
    value = value.normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return f"{value:,f}"


def value_text(value: Decimal, unit: str) -> str:
    """A value as labelled on a chart: ``85%``, ``£1,200``, ``498``."""
    if unit == "percent":
        return f"{_plain(value)}%"
    if unit == "money":
        return f"-£{_plain(-value)}" if value < 0 else f"£{_plain(value)}"
    return _plain(value)


def _value_axis(unit: str) -> Spec:
    """Axis label formatting for a unit: percent values are 0-100, money is pounds."""
    if unit == "percent":
        return {"labelExpr": "datum.label + '%'"}
    if unit == "money":
        return {"labelExpr": "(datum.value < 0 ? '-£' : '£') + format(abs(datum.value), ',')"}
    if unit == "count":  # whole numbers: no ticks between them (tickMinStep is lost in v5)
        return {"format": ",d",
                "tickCount": {"expr": "min(ceil(height / 40), max(1, span(domain('y'))))"}}
    return {}


def _x_domain(chart: Chart) -> list[str]:
    domain = list(dict.fromkeys(chart.x_labels))
    for series in _series(chart):
        for x, _ in series.points:
            if x not in domain:
                domain.append(x)
    return domain


def _series(chart: Chart) -> tuple[ChartSeries, ...]:
    """The chart's series; a chart with none draws empty axes (Vega fails on no data)."""
    return chart.series or (ChartSeries("", tuple((x, None) for x in chart.x_labels)
                                        or (("", None),)),)


def _rows(chart: Chart) -> list[Spec]:
    return [{"x": x, "series": s.label, "value": _num(v)}
            for s in _series(chart) for x, v in s.points]


def _legend(chart: Chart) -> Spec | None:
    return {"orient": "bottom", "direction": "horizontal"} if chart.series else None


def _series_scales(chart: Chart) -> tuple[list[str], list[str], list[list[int]]]:
    """Series labels with their colours and dashes: the last series is this year."""
    labels = list(dict.fromkeys(s.label for s in _series(chart)))
    earlier = len(labels) - 1
    return (labels, [LAST_YEAR] * earlier + [THIS_YEAR],
            [DASHED] * earlier + [SOLID])


def _target_layers(chart: Chart) -> list[Spec]:
    if chart.target is None:
        return []
    label = f"{chart.target_label or 'Target'}: {value_text(chart.target, chart.unit)}"
    data = {"values": [{"target": float(chart.target), "label": label}]}
    y = {"field": "target", "type": "quantitative"}
    return [
        {"data": data,
         "mark": {"type": "rule", "color": TARGET, "strokeDash": DASHED, "strokeWidth": 2},
         "encoding": {"y": y}},
        {"data": data,
         "mark": {"type": "text", "color": TARGET, "align": "right", "baseline": "bottom",
                  "dy": -3, "fontSize": 11, "fontWeight": "bold"},
         "encoding": {"y": y, "x": {"value": "width"}, "text": {"field": "label"}}},
    ]


def _line(chart: Chart) -> Spec:
    labels, colours, dashes = _series_scales(chart)
    x = {"field": "x", "type": "ordinal", "title": None,
         "scale": {"domain": _x_domain(chart)}, "axis": {"labelAngle": 0}}
    y = {"field": "value", "type": "quantitative", "title": None,
         "scale": {"zero": False}, "axis": _value_axis(chart.unit)}
    colour = {"field": "series", "type": "nominal", "title": None,
              "scale": {"domain": labels, "range": colours}, "legend": _legend(chart)}
    dash = {"field": "series", "type": "nominal", "title": None,
            "scale": {"domain": labels, "range": dashes}, "legend": _legend(chart)}
    width, height = LINE_SIZE
    return {
        "title": chart.title,
        "width": width,
        "height": height,
        "data": {"values": _rows(chart)},
        "layer": [
            # a null value breaks the line (a gap) and stays out of the scale's domain
            {"mark": {"type": "line", "strokeWidth": 2, "invalid": GAP},
             "encoding": {"x": x, "y": y, "color": colour, "strokeDash": dash}},
            # points: the default ("filter") drops nulls, so a gap has no point
            {"mark": {"type": "point", "filled": True, "size": 30, "opacity": 1},
             "encoding": {"x": x, "y": y, "color": {**colour, "legend": None}}},
            *_target_layers(chart),
        ],
    }


def _bar(chart: Chart) -> Spec:
    labels = list(dict.fromkeys(s.label for s in _series(chart)))
    x: Spec = {"field": "x", "type": "nominal", "title": None,
               "scale": {"domain": _x_domain(chart)},
               "axis": {"labelAngle": 0, "labelLimit": 90}}
    y = {"field": "value", "type": "quantitative", "title": None,
         "axis": _value_axis(chart.unit)}
    encoding: Spec = {"x": x, "y": y}
    if len(labels) > 1:  # grouped bars, the last series darkest
        shades = ["#b1b4b6", "#6f777b", NEUTRAL]
        encoding["xOffset"] = {"field": "series", "type": "nominal",
                               "scale": {"domain": labels}}
        encoding["color"] = {"field": "series", "type": "nominal", "title": None,
                             "scale": {"domain": labels,
                                       "range": shades[-len(labels):] if len(labels) <= 3
                                       else shades},
                             "legend": _legend(chart)}
    width, height = BAR_SIZE
    layers: list[Spec] = [{"mark": {"type": "bar", "color": NEUTRAL}, "encoding": encoding}]
    if len(labels) == 1:  # the figure above each bar
        layers.append({
            "mark": {"type": "text", "baseline": "bottom", "dy": -2, "fontSize": 11,
                     "color": TEXT},
            "encoding": {"x": x, "y": y, "text": {"field": "text"}},
        })
    rows = [{**row, "text": None if v is None else value_text(v, chart.unit)}
            for row, v in zip(_rows(chart), (v for s in _series(chart) for _, v in s.points),
                              strict=True)]
    return {"title": chart.title, "width": width, "height": height,
            "data": {"values": rows}, "layer": layers}


def _sparkline(chart: Chart) -> Spec:
    """A tiny line of the current (last) series: no axes, legend, points or target."""
    current = _series(chart)[-1:]
    width, height = SPARK_SIZE
    return {
        "width": width,
        "height": height,
        "padding": 2,
        "autosize": {"type": "fit", "contains": "padding"},
        "background": "transparent",
        "data": {"values": [{"x": x, "value": _num(v)} for s in current for x, v in s.points]},
        "mark": {"type": "line", "strokeWidth": 1.5, "color": THIS_YEAR, "invalid": GAP},
        "encoding": {
            "x": {"field": "x", "type": "ordinal", "axis": None,
                  "scale": {"domain": _x_domain(chart), "padding": 0}},
            "y": {"field": "value", "type": "quantitative", "axis": None,
                  "scale": {"zero": False}},
        },
    }


# --- rendering -----------------------------------------------------------------------------

def spec_json(chart: Chart) -> str:
    """The specification as canonical JSON text: the cache key for renders."""
    return json.dumps(vega_lite_spec(chart), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def chart_svg(chart: Chart) -> str:
    """The chart as SVG markup: ``role="img"``, ``aria-label`` (the alt text), ``<title>``.

    Drawn directly (``reports.svgchart``: well under a millisecond a chart) rather than
    through Vega, which takes 30-50 ms a chart and makes WeasyPrint slow; the Vega-Lite
    specification (:func:`vega_lite_spec`) stays available for interactive pages."""
    return _native_svg(chart)


def chart_png(chart: Chart, *, scale: float = 1.0) -> bytes:
    """The chart as PNG (the same drawing rasterised); ``scale=2`` for Word and Excel."""
    return _native_png(chart, float(scale))


@lru_cache(maxsize=4096)
def _native_svg(chart: Chart) -> str:
    from kpiboard.reports.svgchart import draw

    return draw(chart)


@lru_cache(maxsize=4096)
def _native_png(chart: Chart, scale: float) -> bytes:
    png: bytes = vlc.svg_to_png(_native_svg(chart), scale=scale)
    return png


def clear_cache() -> None:
    _svg.cache_clear()
    _png.cache_clear()
    _native_svg.cache_clear()
    _native_png.cache_clear()


_ROOT = re.compile(r"<svg\b[^>]*>")
# Vega labels its marks for screen readers ("line mark container", "Title text ..."); the
# chart is one image with one label, so those go (aria-hidden stays: it hides, not labels).
_A11Y = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')


@lru_cache(maxsize=512)
def _svg(text: str) -> str:
    spec = json.loads(text)
    svg: str = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    return _accessible(_unique_ids(svg, text), spec["description"], spec["usermeta"]["title"])


@lru_cache(maxsize=512)
def _png(text: str, scale: float) -> bytes:
    png: bytes = vlc.svg_to_png(_svg(text), scale=scale)
    return png


def _accessible(svg: str, label: str, title: str) -> str:
    svg = _A11Y.sub("", svg)
    root = _ROOT.search(svg)
    if root is None:  # pragma: no cover - vl-convert always returns an <svg> element
        raise ValueError("vl-convert returned no <svg> element")
    tag = (f'{root.group(0)[:-1]} role="img" aria-label="{html.escape(label, quote=True)}">'
           f"<title>{html.escape(title, quote=False)}</title>")
    return svg[:root.start()] + tag + svg[root.end():]


def _unique_ids(svg: str, text: str) -> str:
    """Prefix ids (clip paths, gradients) so several charts can share one HTML page."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    prefix = "c" + hashlib.sha1(text.encode()).hexdigest()[:10] + "-"
    pattern = re.compile(r'(\bid="|url\(#|href="#)(' + "|".join(map(re.escape, ids))
                         + r')(?=["\)])')
    return pattern.sub(lambda m: m.group(1) + prefix + m.group(2), svg)
