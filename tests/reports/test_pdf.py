"""The PDF report: A4 landscape, page furniture, bookmarks, and the sample's figures as text."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import threading
import zlib
from pathlib import Path
from typing import Any

import pytest

from kpiboard.reports import pdf as pdf_renderer
from kpiboard.reports.model import Group, Report, Section
from kpiboard.reports.pdf import pdf_document, render_pdf
from kpiboard.reports.sample import sample_report

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None
                                   or shutil.which("pdfinfo") is None,
                                   reason="poppler-utils (pdftotext, pdfinfo) not installed")


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def pdf(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_pdf(report))
    return path


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return {k.strip(): v.strip() for k, _, v in (line.partition(":")
                                                 for line in out.stdout.splitlines())}


def pdftext(path: Path, *pages: int) -> str:
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def test_a_pdf(pdf: Path) -> None:
    assert pdf.read_bytes().startswith(b"%PDF-")


@needs_poppler
def test_a4_landscape_tagged_with_metadata(pdf: Path) -> None:
    info = pdfinfo(pdf)
    assert int(info["Pages"]) >= 1
    width, height = (float(n) for n in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (842, 595)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "North Northamptonshire Council Performance Report - February 2024"
    assert info["Author"] == "North Northamptonshire Council"


@needs_poppler
def test_the_text_of_the_report(pdf: Path) -> None:
    text = pdftext(pdf)
    pages = int(pdfinfo(pdf)["Pages"])
    for expected in ("North Northamptonshire Council", "STP16", "STP31", "AFL15", "STP39",
                     "✖ Red", "▲ Amber", "46.43%", "Performance this month has dropped.",
                     "Spotlight on exceptions", "KPIs not reported this period",
                     "Local Plan review", f"Page 1 of {pages}", f"Page {pages} of {pages}",
                     "Generated 23 November 2026 12:00"):
        assert expected in text, expected
    assert "Why STP16" not in text  # disclosures are for the web page only


@needs_poppler
def test_every_page_has_the_title_and_its_number(pdf: Path) -> None:
    pages = int(pdfinfo(pdf)["Pages"])
    for n in range(1, pages + 1):
        text = pdftext(pdf, n)
        assert "North Northamptonshire Council Performance Report - February 2024" in text
        assert f"Page {n} of {pages}" in text


@needs_poppler
def test_the_main_table_fits_the_page_and_repeats_its_header(report: Report) -> None:
    """A long section: all 17 columns on every page, the header row on each, and under each
    KPI's row its comments (the 18th column of the web page), never parted from it."""
    rows = tuple(dataclasses.replace(r, ref=f"T{i:02}") for i, r in
                 enumerate(report.sections[0].groups[0].rows * 12))
    long = dataclasses.replace(report, sections=(Section("Long", (Group("Rows", rows),)),))
    doc = pdf_document(long)
    text_pages = [page for page in _page_texts(doc.write_pdf()) if "T0" in page or "T1" in page]
    assert len(text_pages) >= 2
    for page in text_pages:
        assert "Ref No." in page and "Tolerance" in page and "Status" in page  # the header
        assert "Comments" in page and "Performance this month has dropped." in page
    right = (297 - 10) / 25.4 * 96  # A4 landscape less its 10 mm margin, in CSS px
    tables = [t for page in doc.pages for t in _tables(page._page_box)
              if "kpi-main" in t.element.get("class", "")]
    assert len(tables) >= 2
    for table in tables:  # no table runs into the margin: all 17 columns fit
        assert table.position_x + table.border_width() <= right + 0.5
        body = [row for group in table.children if not group.is_header for row in group.children]
        classes = [row.element.get("class") for row in body]
        assert classes[0] == "kpi-row"  # a page never starts with comments
        assert classes.count("kpi-comments") == classes.count("kpi-row")  # each KPI has them


def test_the_spotlight_and_keys_pages(report: Report) -> None:
    """In print the spotlight's facts and chart, and the keys, sit side by side (floats and
    inline blocks, not flex or CSS columns: see the print stylesheet), inside their box."""
    doc = pdf_document(report)
    article = next(b for page in doc.pages for b in _descendants(page._page_box)
                   if b.element_tag == "article")
    text, chart = (next(b for b in _descendants(article) if b.element is not None
                        and b.element.get("class") == cls and b.element_tag == "div")
                   for cls in ("kpi-spotlight-text", "kpi-spotlight-chart"))
    assert text.position_x < chart.position_x  # side by side: the chart on the right
    assert abs(text.position_y - chart.position_y) < 1
    bottom = article.position_y + article.margin_height()
    for box in (text, chart):  # the article (with its red rule) holds both
        assert box.position_y + box.margin_height() <= bottom + 0.5
    keys = [b for page in doc.pages for b in _descendants(page._page_box)
            if b.element is not None and b.element.get("class") == "kpi-key"
            and b.element_tag == "div"]
    assert len(keys) == 3
    assert len({round(k.position_y) for k in keys}) == 1  # one row of three
    assert keys[0].position_x < keys[1].position_x < keys[2].position_x


def test_the_stylesheet_is_parsed_once_a_thread() -> None:
    first = pdf_renderer._resources()
    assert pdf_renderer._resources() is first
    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(pdf_renderer._resources()))
    thread.start()
    thread.join()
    assert other[0] is not first and other[0][0] is not first[0]  # its own fonts too


def _page_texts(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True)
    return out.stdout.decode("utf-8").split("\f")


def _descendants(box: Any) -> list[Any]:
    found = [box]
    for child in getattr(box, "children", []):
        found += _descendants(child)
    return found


def _tables(box: Any) -> list[Any]:
    from weasyprint.formatting_structure import boxes

    found = [box] if isinstance(box, boxes.TableBox) else []
    for child in getattr(box, "children", []):
        found += _tables(child)
    return found


def test_a_bookmark_per_section_and_group(report: Report) -> None:
    # a subtree is (label, (page index, x, y), children, state)
    tree = pdf_document(report).make_bookmark_tree()
    assert [label for label, *_ in tree] == [
        "Key to status, direction of travel and terms", "Summary by status",
        "Place & Economy", "Adults & Housing", "Spotlight on exceptions",
        "KPIs not reported this period", "Projects"]
    _, (page, _, _), groups, _ = tree[2]
    assert [label for label, *_ in groups] == ["Growth & Regeneration", "Highways & Waste"]
    assert page == 2  # a section starts a page (the third: keys, then the summary)
    assert [label for label, *_ in tree[4][2]] == [
        "STP16: Percentage of minor planning applications determined within 8 weeks"]


def test_the_outline_is_written(pdf: Path) -> None:
    """The PDF's catalogue has /Outlines (inside a compressed object stream)."""
    data = pdf.read_bytes()
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
    text = b"".join(_inflate(s) for s in streams) + data
    assert b"/Outlines" in text
    assert b"(Place & Economy)" in text or "Place & Economy".encode("utf-16-be") in text


def _inflate(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""


@needs_poppler
def test_with_charts_drawn(report: Report, tmp_path: Path) -> None:
    from kpiboard.reports.charts import chart_svg

    path = tmp_path / "charts.pdf"
    path.write_bytes(render_pdf(report, charts=chart_svg))
    text = pdftext(path)
    assert "Target: 85%" in text  # drawn by the chart, not its (web only) data table
    assert "No value" not in text
    assert int(pdfinfo(path)["Pages"]) >= 1
