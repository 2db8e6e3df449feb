"""Tests for kpiboard.reports.charts: one Vega-Lite spec drawn as SVG and PNG."""

from __future__ import annotations

import dataclasses
import re
import struct
import time
from decimal import Decimal
from typing import Any

import pytest

from kpiboard.reports import charts
from kpiboard.reports.charts import (
    FONT,
    LAST_YEAR,
    NEUTRAL,
    TARGET,
    THIS_YEAR,
    chart_png,
    chart_svg,
    vega_lite_spec,
)
from kpiboard.reports.model import Chart, ChartSeries
from kpiboard.reports.sample import sample_report

D = Decimal
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def line() -> Chart:
    chart = sample_report().rows[0].chart
    assert chart is not None
    return chart


@pytest.fixture(scope="module")
def bar() -> Chart:
    chart = sample_report().summary_chart
    assert chart is not None
    return chart


@pytest.fixture(scope="module")
def sparkline(line: Chart) -> Chart:
    return dataclasses.replace(line, kind="sparkline")


def layer(spec: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    return [lay for lay in spec["layer"] if lay["mark"]["type"] == mark]


def png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def line_paths(svg: str, colour: str) -> list[str]:
    """The points of each line segment drawn in ``colour`` (a gap starts a new segment)."""
    return [m.group(1) for m in re.finditer(r'<polyline points="([^"]*)"[^>]*stroke="([^"]*)"',
                                            svg) if m.group(2) == colour]


# --- the specification -----------------------------------------------------------------------

def test_line_spec_has_one_line_per_series_coloured_this_year_and_last(line: Chart) -> None:
    spec = vega_lite_spec(line)
    assert spec["$schema"].endswith("/vega-lite/v5.json")
    (lines,) = layer(spec, "line")
    colour = lines["encoding"]["color"]
    assert colour["field"] == "series"
    assert colour["scale"]["domain"] == ["2022/23", "2023/24"]  # the last series is this year
    assert colour["scale"]["range"] == [LAST_YEAR, THIS_YEAR]
    assert lines["encoding"]["strokeDash"]["scale"]["range"] == [[5, 3], [1, 0]]
    assert {r["series"] for r in spec["data"]["values"]} == {"2022/23", "2023/24"}
    assert len(spec["data"]["values"]) == 24
    assert layer(spec, "point"), "points are drawn"
    assert lines["encoding"]["x"]["scale"]["domain"] == list(line.x_labels)


def test_line_spec_values_are_floats_and_none_stays_none(line: Chart) -> None:
    values = {(r["series"], r["x"]): r["value"] for r in vega_lite_spec(line)["data"]["values"]}
    assert values[("2023/24", "Feb")] == 46.43
    assert isinstance(values[("2023/24", "Feb")], float)
    assert values[("2023/24", "Mar")] is None


def test_line_spec_target_is_a_labelled_dashed_orange_rule(line: Chart) -> None:
    spec = vega_lite_spec(line)
    (rule,) = layer(spec, "rule")
    assert rule["mark"]["color"] == TARGET
    assert rule["mark"]["strokeDash"]
    assert rule["data"]["values"][0]["target"] == 85.0
    (label,) = layer(spec, "text")
    assert label["mark"]["color"] == TARGET
    assert label["data"]["values"][0]["label"] == "Target: 85%"


def test_no_target_no_rule(line: Chart) -> None:
    spec = vega_lite_spec(dataclasses.replace(line, target=None, target_label=""))
    assert not layer(spec, "rule")
    assert not layer(spec, "text")


def test_config_font_and_accessibility_fields(line: Chart) -> None:
    spec = vega_lite_spec(line)
    assert spec["config"]["font"] == FONT == "Liberation Sans, Arial, sans-serif"
    assert spec["description"] == line.alt_text
    assert spec["title"] == "STP16"


@pytest.mark.parametrize(("unit", "expected"), [("percent", "%"), ("money", "£")])
def test_value_axis_labels_carry_the_unit(line: Chart, unit: str, expected: str) -> None:
    spec = vega_lite_spec(dataclasses.replace(line, unit=unit))
    (lines,) = layer(spec, "line")
    assert expected in lines["encoding"]["y"]["axis"]["labelExpr"]


@pytest.mark.parametrize(("value", "unit", "text"), [
    (D("85"), "percent", "85%"), (D("97.50"), "percent", "97.5%"), (D("1E+3"), "count", "1,000"),
    (D("1250.5"), "money", "£1,250.5"), (D("-40"), "money", "-£40"), (D("3.0"), "days", "3"),
])
def test_value_text(value: Decimal, unit: str, text: str) -> None:
    assert charts.value_text(value, unit) == text


def test_money_target_label(line: Chart) -> None:
    spec = vega_lite_spec(dataclasses.replace(line, unit="money", target=D("12000"),
                                              target_label="Budget"))
    (label,) = layer(spec, "text")
    assert label["data"]["values"][0]["label"] == "Budget: £12,000"


def test_bar_spec_uses_x_labels_and_neutral_colour(bar: Chart) -> None:
    spec = vega_lite_spec(bar)
    (bars,) = layer(spec, "bar")
    assert bars["mark"]["color"] == NEUTRAL
    assert bars["encoding"]["x"]["scale"]["domain"] == list(bar.x_labels)
    assert [r["value"] for r in spec["data"]["values"]] == [1.0, 0.0, 1.0, 1.0, 1.0]
    assert [r["text"] for r in spec["data"]["values"]] == ["1", "0", "1", "1", "1"]


def test_sparkline_spec_is_tiny_with_no_axes(sparkline: Chart) -> None:
    spec = vega_lite_spec(sparkline)
    assert (spec["width"], spec["height"]) == (100, 24)
    assert spec["encoding"]["x"]["axis"] is None
    assert spec["encoding"]["y"]["axis"] is None
    assert spec["mark"]["type"] == "line"
    assert spec["mark"]["color"] == THIS_YEAR
    assert "title" not in spec
    assert {r["x"] for r in spec["data"]["values"]} == set(sparkline.x_labels)


def test_unknown_kind_is_refused(line: Chart) -> None:
    with pytest.raises(ValueError, match="pie"):
        vega_lite_spec(dataclasses.replace(line, kind="pie"))


# --- SVG ---------------------------------------------------------------------------------------

def test_svg_is_one_accessible_image(line: Chart) -> None:
    svg = chart_svg(line)
    root = re.match(r"<svg\b[^>]*>", svg)
    assert root is not None
    assert 'role="img"' in root.group(0)
    assert f'aria-label="{line.alt_text}"' in root.group(0)
    assert svg[root.end():].startswith("<title>STP16</title>")
    assert svg.count("role=") == 1  # Vega's own mark roles are gone: one image, one label
    assert svg.count("aria-label=") == 1
    assert "Liberation Sans" in svg


def test_svg_escapes_the_alt_text_and_title(line: Chart) -> None:
    chart = dataclasses.replace(line, title="A & B <c>", alt_text='Said "no" & <left>')
    svg = chart_svg(chart)
    assert 'aria-label="Said &quot;no&quot; &amp; &lt;left&gt;"' in svg
    assert "<title>A &amp; B &lt;c&gt;</title>" in svg


def test_svg_draws_both_series_and_the_target(line: Chart) -> None:
    svg = chart_svg(line)
    assert line_paths(svg, THIS_YEAR)
    assert line_paths(svg, LAST_YEAR)
    assert TARGET in svg
    assert "Target: 85%" in svg
    assert re.search(r">\d+%</text>", svg)  # a percent axis label


def test_none_is_a_gap_in_the_line(line: Chart) -> None:
    this_year = line.series[1]
    gappy = ChartSeries(this_year.label, tuple(
        (x, None if x in ("Jun", "Jul") else v) for x, v in this_year.points))
    svg = chart_svg(dataclasses.replace(line, series=(line.series[0], gappy)))
    assert len(line_paths(svg, THIS_YEAR)) == 2  # Apr-May, then Aug-Feb (Mar is None too)
    assert len(line_paths(svg, LAST_YEAR)) == 1


def test_all_none_and_empty_charts_render(line: Chart) -> None:
    empty = ChartSeries("2023/24", tuple((x, None) for x in line.x_labels))
    for chart in (dataclasses.replace(line, series=(empty,)),
                  dataclasses.replace(line, series=(), target=None),
                  dataclasses.replace(line, series=(), x_labels=()),
                  dataclasses.replace(line, kind="sparkline", series=()),
                  dataclasses.replace(line, kind="bar", series=(), x_labels=()),
                  dataclasses.replace(line, kind="sparkline", series=(empty,)),
                  dataclasses.replace(line, kind="bar", series=(empty,))):
        assert chart_svg(chart).startswith("<svg")
        assert chart_png(chart).startswith(PNG_SIGNATURE)


def test_bar_svg(bar: Chart) -> None:
    svg = chart_svg(bar)
    assert 'role="img"' in svg
    assert f'aria-label="{bar.alt_text}"' in svg
    assert "<title>KPIs by status</title>" in svg
    assert NEUTRAL in svg
    for label in bar.x_labels:
        assert f">{label}<" in svg


def test_sparkline_svg_is_100_by_24(sparkline: Chart) -> None:
    svg = chart_svg(sparkline)
    assert re.match(r'<svg\b[^>]*\bwidth="100" height="24"', svg)
    assert 'role="img"' in svg
    assert "<title>STP16</title>" in svg
    assert ">Apr<" not in svg  # no axes


def test_unique_ids_are_prefixed() -> None:
    svg = ('<svg><defs><clipPath id="clip1"><rect/></clipPath></defs>'
           '<g clip-path="url(#clip1)"><use href="#clip1"/></g></svg>')
    out = charts._unique_ids(svg, "spec")
    (new,) = re.findall(r'id="([^"]+)"', out)
    assert new.endswith("-clip1") and new != "clip1"
    assert f"url(#{new})" in out
    assert f'href="#{new}"' in out
    assert charts._unique_ids("<svg></svg>", "spec") == "<svg></svg>"


# --- PNG ---------------------------------------------------------------------------------------

def test_png(line: Chart, bar: Chart, sparkline: Chart) -> None:
    for chart in (line, bar):
        png = chart_png(chart)
        assert png.startswith(PNG_SIGNATURE)
        assert len(png) > 5000
    assert chart_png(sparkline).startswith(PNG_SIGNATURE)
    assert png_size(chart_png(sparkline)) == (100, 24)


def test_png_scale(line: Chart) -> None:
    width, height = png_size(chart_png(line))
    assert png_size(chart_png(line, scale=2)) == (2 * width, 2 * height)


# --- cache -------------------------------------------------------------------------------------

def test_cache_hit_is_fast(line: Chart) -> None:
    chart = dataclasses.replace(line, title="Cache test")
    first_svg, first_png = chart_svg(chart), chart_png(chart)
    hits = charts._native_svg.cache_info().hits
    start = time.perf_counter()
    svg = chart_svg(chart)
    svg_time = time.perf_counter() - start
    start = time.perf_counter()
    png = chart_png(chart)
    png_time = time.perf_counter() - start
    assert svg is first_svg and png is first_png
    assert charts._native_svg.cache_info().hits == hits + 1
    assert svg_time < 0.005
    assert png_time < 0.005


def test_equal_charts_share_a_render(line: Chart) -> None:
    copy = dataclasses.replace(line)
    assert copy is not line
    assert chart_svg(copy) is chart_svg(line)


def test_clear_cache(line: Chart) -> None:
    chart_svg(line)
    charts.clear_cache()
    assert charts._svg.cache_info().currsize == 0
    assert charts._png.cache_info().currsize == 0
