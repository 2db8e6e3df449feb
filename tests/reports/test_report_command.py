"""`kpiboard report` end to end on the example council: every format, read back."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from kpiboard.cli import main
from kpiboard.example import demo_load
from tests.store.conftest import NNC

pytestmark = pytest.mark.django_db


def test_every_format_of_the_monthly_report(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    demo_load(NNC)
    code = main(["report", "--period", "February 2023/24", "--set", "all", "--out",
                 str(tmp_path)])
    assert code == 0
    paths = [Path(p) for p in capsys.readouterr().out.split()]
    assert sorted(p.suffix for p in paths) == [".csv", ".docx", ".html", ".json", ".pdf",
                                                ".xlsx"]
    by = {p.suffix: p for p in paths}

    html = by[".html"].read_text(encoding="utf-8")
    assert "<h1" in html and "STP16" in html and "✖ Red" in html and "<script" not in html

    text = subprocess.run(["pdftotext", "-layout", str(by[".pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "STP16" in text and "Page 1 of" in text
    info = subprocess.run(["pdfinfo", str(by[".pdf"])], capture_output=True, text=True,
                          check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert pages >= 5
    assert "841.89 x 595.276 pts (A4)" in info  # A4 landscape

    book = load_workbook(by[".xlsx"])
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "STP16" in cells and 46.43 in cells

    doc = Document(str(by[".docx"]))
    words = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "STP16" in words and "Red" in words

    rows = list(csv.DictReader(io.StringIO(by[".csv"].read_text(encoding="utf-8"))))
    stp16 = next(r for r in rows if r["ref"] == "STP16" and r["period"] == "2024-02")
    assert (stp16["value"], stp16["status"], stp16["direction"]) == ("46.43", "Red", "↓R")
    data = json.loads(by[".json"].read_text(encoding="utf-8"))
    assert len(data["rows"]) == len(rows)


def test_report_needs_a_known_period(capsys: pytest.CaptureFixture[str]) -> None:
    demo_load(NNC)
    assert main(["report", "--period", "Smarch 2024"]) == 2
    assert "cannot read period 'Smarch 2024'" in capsys.readouterr().err
    assert main(["report", "--period", "2030-01", "--format", "csv"]) == 2
    assert "no 2029/30 KPI set" in capsys.readouterr().err
