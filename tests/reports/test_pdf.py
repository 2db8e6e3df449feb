"""The PDF report: A4 landscape, page furniture, bookmarks, and the sample's figures as text."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

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
    """A long section: all 18 columns on every page, the header row on each."""
    rows = tuple(dataclasses.replace(r, ref=f"T{i:02}") for i, r in
                 enumerate(report.sections[0].groups[0].rows * 12))
    long = dataclasses.replace(report, sections=(Section("Long", (Group("Rows", rows),)),))
    doc = pdf_document(long)
    text_pages = [page for page in _page_texts(doc.write_pdf()) if "T0" in page or "T1" in page]
    assert len(text_pages) >= 2
    for page in text_pages:
        assert "Ref No." in page and "Comments" in page and "Tolerance" in page
    right = (297 - 10) / 25.4 * 96  # A4 landscape less its 10 mm margin, in CSS px
    tables = [t for page in doc.pages for t in _tables(page._page_box)]
    assert len(tables) >= 4
    for table in tables:  # no table runs into the margin: all 18 columns fit
        assert table.position_x + table.border_width() <= right + 0.5


def _page_texts(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True)
    return out.stdout.decode("utf-8").split("\f")


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
