"""A report file as a download: the stored file when it is built, else a page that says it
is being prepared (503 with Retry-After for the public, who never start a build; 202 for
signed-in staff, whose request queues one). Used by the dashboard's download view."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, urlencode

from kpiboard.accounts.access import Access
from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Organisation
from kpiboard.reportfiles.models import ReportFile
from kpiboard.reportfiles.selectors import file_find, file_pending, files_root
from kpiboard.reportfiles.services import file_request

FORMAT_NAMES = {"pdf": "PDF", "xlsx": "Excel spreadsheet", "docx": "Word document"}
ON_DEMAND = (("CSV open data", "csv"), ("JSON open data", "json"), ("a web page (HTML)", "html"))
RETRY_QUEUED, RETRY_LATER = 60, 600  # seconds


def file_download(request: HttpRequest, *, access: Access, organisation: Organisation,
                  period: Period, layout: str, kpi_set: str, group_by: str, fmt: str,
                  version: str, file_name: str, content_type: str, labels: dict[str, str],
                  ) -> HttpResponseBase:
    found = file_find(organisation=organisation, period=period, layout=layout,
                      kpi_set=kpi_set, group_by=group_by, fmt=fmt, version=version)
    if found is not None:
        return _serve(request, found, file_name, content_type)
    pending = file_pending(organisation=organisation, period=period, layout=layout,
                           kpi_set=kpi_set, group_by=group_by, visibility=access.visibility,
                           fmt=fmt)
    last = ReportFile.objects.filter(
        organisation=organisation, period=period.key, layout=layout, kpi_set=kpi_set,
        group_by=group_by, visibility=access.visibility, fmt=fmt).first()
    can_queue = not access.is_public
    if can_queue:
        file_request(organisation=organisation, period=period, layout=layout, kpi_set=kpi_set,
                     group_by=group_by, visibility=access.visibility, user=access.user)
    state = ("queued" if pending is not None or can_queue else
             "failed" if last is not None and last.error else "missing")
    query = urlencode({"set": kpi_set, "group_by": group_by})
    slug = period.key.replace("/", "-")
    retry = RETRY_QUEUED if state == "queued" else RETRY_LATER
    response = render(request, "reportfiles/preparing.html", {
        "title": ("This file is being prepared" if state == "queued"
                  else "This file is not ready yet"),
        "what": f"The {FORMAT_NAMES[fmt]} of the {labels['layout'].lower()} for "
                f"{period.label} ({labels['set'].lower()}, by {labels['group'].lower()}).",
        "state": state, "error": last.error if last is not None and can_queue else "",
        "can_queue": can_queue, "retry_minutes": max(1, retry // 60),
        "page_url": reverse("dashboard:report", args=[slug, layout]) + f"?{query}",
        "download_url": request.get_full_path(),
        "now": [(label, reverse("dashboard:report_download", args=[slug, layout, f])
                 + f"?{query}") for label, f in ON_DEMAND],
    }, status=202 if can_queue else 503)
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    return response


def _serve(request: HttpRequest, row: ReportFile, file_name: str,
           content_type: str) -> HttpResponseBase:
    etag = f'"{row.sha256}"' if row.sha256 else None
    modified = int(row.built_at.timestamp()) if row.built_at else None
    unchanged = get_conditional_response(request, etag=etag, last_modified=modified)
    if unchanged is not None:
        return unchanged
    response = FileResponse((files_root() / row.path).open("rb"), as_attachment=True,
                            filename=file_name, content_type=content_type)
    if etag:
        response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, no-cache"
    return response
