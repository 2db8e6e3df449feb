"""The PDF renderer: the HTML report printed by WeasyPrint on A4 landscape.

The print rules live in the report's stylesheet (``@page``, repeated table headers, a bookmark
per section and group), so the PDF and the web page never disagree.
"""

from __future__ import annotations

from typing import Any

from kpiboard.reports.html import TEMPLATES, ChartRenderer, print_html
from kpiboard.reports.model import Report

# Tagged PDF, so that screen readers get headings, tables and the alt text of charts.
PDF_OPTIONS: dict[str, Any] = {"pdf_tags": True}


def pdf_document(report: Report, *, charts: ChartRenderer | None = None) -> Any:
    """The laid-out ``weasyprint.Document`` (pages, bookmarks) before it is written."""
    import weasyprint  # imported here: it is slow to import and only the PDF needs it

    html = print_html(report, charts=charts)
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render(**PDF_OPTIONS)


def render_pdf(report: Report, *, charts: ChartRenderer | None = None) -> bytes:
    """The report as a PDF: A4 landscape, a page header and numbered footer, bookmarks."""
    pdf: bytes = pdf_document(report, charts=charts).write_pdf(**PDF_OPTIONS)
    return pdf
