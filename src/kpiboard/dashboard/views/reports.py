"""The reports in the browser: choose one (``/reports/``), read it inside the site
(``/reports/<period>/<layout>/?set=&group_by=``) and download it in every format
(``/reports/<period>/<layout>.<fmt>``). The public sees published figures only. PDF, Word
and Excel files are built in the background and served from disk (kpiboard.reportfiles)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from kpiboard.dashboard.forms import (
    GROUP_LABELS,
    LAYOUT_HINTS,
    LAYOUT_LABELS,
    SET_LABELS,
    ReportChoiceForm,
)
from kpiboard.dashboard.selectors import (
    Periods,
    period_slug,
    periods_get,
    report_fingerprint_get,
    report_rendered_get,
)
from kpiboard.dashboard.views.common import (
    access_of,
    choose_period,
    no_organisation,
    not_found,
    with_period,
)
from kpiboard.engine.periods import Period
from kpiboard.reportfiles.selectors import FILE_FORMATS
from kpiboard.reportfiles.views import file_download
from kpiboard.reports import render as renderer
from kpiboard.reports.build import GROUPINGS, SETS
from kpiboard.reports.charts import chart_svg
from kpiboard.reports.html import render_html
from kpiboard.reports.html import stylesheet as report_stylesheet
from kpiboard.reports.layouts import LAYOUTS
from kpiboard.reports.model import Report

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FORMAT_LABELS = {"pdf": "PDF", "xlsx": "Excel spreadsheet", "docx": "Word document",
                 "csv": "CSV open data", "json": "JSON open data", "html": "Web page (HTML)"}
DOWNLOADS = ("pdf", "xlsx", "docx", "csv", "json", "html")


@require_GET
def choose(request: HttpRequest) -> HttpResponse:
    """The choice of report; a complete choice goes straight to the report's page."""
    access = access_of(request)
    org = access.organisation
    if org is None:
        return no_organisation(request)
    periods = periods_get(organisation=org, visibility=access.visibility)
    data = request.GET if "period" in request.GET else None
    form = ReportChoiceForm(data, periods=periods.choices, initial={
        "period": periods.default.key if periods.default else "", "layout": "monthly",
        "set": "core", "group_by": "directorate"})
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        url = reverse("dashboard:report", args=[period_slug(Period.parse(c["period"])),
                                                c["layout"]])
        return redirect(f"{url}?{urlencode({'set': c['set'], 'group_by': c['group_by']})}")
    return render(request, "dashboard/reports.html", {
        "form": form, "periods": periods, "layout_hints": LAYOUT_HINTS,
        "public": access.is_public})


def _choice(request: HttpRequest, period_text: str, layout: str) -> (
        tuple[Period, str, str, Periods] | HttpResponse):
    """The period, KPI set and grouping asked for, and the periods; or a page that says why
    not."""
    access = access_of(request)
    org = access.organisation
    if org is None:
        return no_organisation(request)
    if layout not in LAYOUTS:
        return not_found(request, "Report not found",
                         f"There is no “{layout}” report. The reports are: "
                         f"{', '.join(LAYOUT_LABELS[k].lower() for k in LAYOUTS)}.",
                         links=[("choose a report", reverse("dashboard:reports"))])
    periods = periods_get(organisation=org, visibility=access.visibility)
    period = choose_period(request, period_text, periods, access)
    if isinstance(period, HttpResponse):
        return period
    kpi_set = request.GET.get("set") or "core"
    group_by = request.GET.get("group_by") or "directorate"
    if kpi_set not in SETS or group_by not in GROUPINGS:
        return not_found(request, "Report not found",
                         f"The KPI set is one of {', '.join(SETS)}, and the grouping one of "
                         f"{', '.join(GROUPINGS)}.",
                         links=[("choose a report", reverse("dashboard:reports"))])
    return period, kpi_set, group_by, periods


def _report(request: HttpRequest, period_text: str, layout: str, fmt: str) -> (
        tuple[Report, Periods, bytes] | HttpResponse):
    """The report asked for rendered as ``fmt`` ("page": the HTML for the site's page), and
    the periods; or a page that says why not."""
    found = _choice(request, period_text, layout)
    if isinstance(found, HttpResponse):
        return found
    period, kpi_set, group_by, periods = found
    access = access_of(request)
    assert access.organisation is not None  # _choice answered otherwise
    draw: Callable[[Report], bytes] = (
        (lambda r: render_html(r, charts=chart_svg, standalone=False).encode("utf-8"))
        if fmt == "page" else (lambda r: renderer.render(r, fmt)))
    report, rendered = report_rendered_get(
        organisation=access.organisation, period=period, layout=layout, kpi_set=kpi_set,
        group_by=group_by, visibility=access.visibility, name=fmt, render=draw)
    return report, periods, rendered


@require_GET
def report_page(request: HttpRequest, period: str, layout: str) -> HttpResponse:
    found = _report(request, period, layout, "page")
    if isinstance(found, HttpResponse):
        return found
    report, periods, body = found
    shown = Period.parse(report.period)
    query = urlencode({"set": report.kpi_set, "group_by": report.group_by})
    downloads = [
        (FORMAT_LABELS[fmt], fmt, reverse("dashboard:report_download",
                                          args=[period_slug(shown), report.layout, fmt])
         + f"?{query}") for fmt in DOWNLOADS]
    form = ReportChoiceForm(initial={"period": shown.key, "layout": report.layout,
                                     "set": report.kpi_set, "group_by": report.group_by},
                            periods=with_period(periods.choices, shown))
    html = body.decode("utf-8")
    return render(request, "dashboard/report.html", {
        "report": report, "body": mark_safe(html), "downloads": downloads, "form": form,
        "layout_label": LAYOUT_LABELS[report.layout],
        "set_label": SET_LABELS.get(report.kpi_set, report.kpi_set),
        "group_label": GROUP_LABELS.get(report.group_by, report.group_by),
        "public": access_of(request).is_public})


@require_GET
def download(request: HttpRequest, period: str, layout: str, fmt: str) -> HttpResponseBase:
    if fmt not in CONTENT_TYPES:
        return not_found(request, "Format not available",
                         f"Reports can be downloaded as {', '.join(DOWNLOADS)}, not “{fmt}”.",
                         links=[("choose a report", reverse("dashboard:reports"))])
    if fmt in FILE_FORMATS:
        return _file(request, period, layout, fmt)
    found = _report(request, period, layout, fmt)
    if isinstance(found, HttpResponse):
        return found
    report, _, content = found
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{renderer.file_name(report, fmt)}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _file(request: HttpRequest, period: str, layout: str, fmt: str) -> HttpResponseBase:
    """A PDF, Word or Excel file: built in the background (kpiboard.reportfiles), served
    from disk; never drawn on the request. Only the report's fingerprint is read (from the
    cache when nothing has changed), which names the file that shows it."""
    found = _choice(request, period, layout)
    if isinstance(found, HttpResponse):
        return found
    shown, kpi_set, group_by, _ = found
    access = access_of(request)
    org = access.organisation
    assert org is not None  # _choice answered otherwise
    version = report_fingerprint_get(organisation=org, period=shown, layout=layout,
                                     kpi_set=kpi_set, group_by=group_by,
                                     visibility=access.visibility)
    return file_download(
        request, access=access, organisation=org, period=shown, layout=layout,
        kpi_set=kpi_set, group_by=group_by, fmt=fmt, version=version,
        file_name=renderer.file_name_of(organisation=org.name, period=shown.key, layout=layout,
                                        kpi_set=kpi_set, group_by=group_by, fmt=fmt),
        content_type=CONTENT_TYPES[fmt],
        labels={"layout": LAYOUT_LABELS[layout], "set": SET_LABELS.get(kpi_set, kpi_set),
                "group": GROUP_LABELS.get(group_by, group_by)})


def stylesheet(request: HttpRequest) -> HttpResponse:
    """The reports' own CSS, for a report shown inside the site."""
    response = HttpResponse(report_stylesheet(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
