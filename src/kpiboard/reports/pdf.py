"""The PDF renderer: the HTML report printed by WeasyPrint on A4 landscape.

The print rules live in the report's stylesheet (``@page``, repeated table headers, a bookmark
per section and group), so the PDF and the web page never disagree.

Speed (see ``benchmarks/report_build.py``): the stylesheet is parsed once per thread and handed
to WeasyPrint as a parsed ``CSS`` together with the ``FontConfiguration`` it was made with, so
that each report pays neither the CSS parse nor fontconfig's and Pango's font loading again.
Both are per thread because Pango's objects are not safe to share between threads. The print
rules themselves avoid what makes WeasyPrint slow (see the print part of ``report.css``).
"""

from __future__ import annotations

import threading
from typing import Any

from kpiboard.reports.html import TEMPLATES, ChartRenderer, print_html, stylesheet
from kpiboard.reports.model import Report

# Tagged PDF, so that screen readers get headings, tables and the alt text of charts.
PDF_OPTIONS: dict[str, Any] = {"pdf_tags": True}

_local = threading.local()


def _resources() -> tuple[Any, Any]:
    """This thread's ``(FontConfiguration, CSS)``: the report's stylesheet, parsed once."""
    cached: tuple[Any, Any] | None = getattr(_local, "resources", None)
    if cached is None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        css = weasyprint.CSS(string=stylesheet(), base_url=str(TEMPLATES), font_config=fonts)
        cached = _local.resources = (fonts, css)
    return cached


def pdf_document(report: Report, *, charts: ChartRenderer | None = None) -> Any:
    """The laid-out ``weasyprint.Document`` (pages, bookmarks) before it is written."""
    import weasyprint  # imported here: it is slow to import and only the PDF needs it

    fonts, css = _resources()
    html = print_html(report, charts=charts, inline_css=False)
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render(
        stylesheets=[css], font_config=fonts, **PDF_OPTIONS)


def render_pdf(report: Report, *, charts: ChartRenderer | None = None) -> bytes:
    """The report as a PDF: A4 landscape, a page header and numbered footer, bookmarks."""
    pdf: bytes = pdf_document(report, charts=charts).write_pdf(**PDF_OPTIONS)
    return pdf
