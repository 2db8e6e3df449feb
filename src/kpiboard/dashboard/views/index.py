"""The dashboard (``/``): a period's KPIs with counts by status, filters and a search.

The filters are a plain GET form; with JavaScript, htmx sends the same request as the form
would and swaps only the results region (``#dashboard-results``), pushing the address so the
back button and bookmarks work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from kpiboard.dashboard import filtering
from kpiboard.dashboard.forms import SET_LABELS, DashboardForm
from kpiboard.dashboard.selectors import period_slug, periods_get, report_get, year_slug
from kpiboard.dashboard.views.common import (
    access_of,
    choose_period,
    is_htmx_partial,
    no_organisation,
    with_period,
)
from kpiboard.reports.build import SETS

RESULTS = "dashboard-results"


def _pick(value: str, allowed: list[str]) -> str:
    """``value`` as written in ``allowed`` (ignoring case and spacing), or ""."""
    folded = filtering.fold(value)
    return next((a for a in allowed if filtering.fold(a) == folded), "") if folded else ""


def index(request: HttpRequest) -> HttpResponse:
    access = access_of(request)
    org = access.organisation
    if org is None:
        return no_organisation(request)
    periods = periods_get(organisation=org, visibility=access.visibility)
    period = choose_period(request, request.GET.get("period"), periods, access)
    if isinstance(period, HttpResponse):
        return period
    kpi_set = _pick(request.GET.get("set", ""), list(SETS)) or "all"
    report = report_get(organisation=org, period=period, layout="monthly", kpi_set=kpi_set,
                        visibility=access.visibility)
    key_commitments = filtering.options(report, "key_commitment")
    directorates = filtering.options(report, "directorate")
    statuses = filtering.statuses(report)
    status = request.GET.get("status", "")
    filters = filtering.Filters(
        key_commitment=_pick(request.GET.get("key_commitment", ""), key_commitments),
        directorate=_pick(request.GET.get("directorate", ""), directorates),
        status=status if status in {s.code for s in statuses} else "",
        q=request.GET.get("q", "").strip()[:200])
    sections = filtering.filter_sections(report, filters)
    rows = tuple(r for s in sections for r in s.rows)
    form = DashboardForm(
        initial={"period": period.key, "set": kpi_set, "key_commitment": filters.key_commitment,
         "directorate": filters.directorate, "status": filters.status, "q": filters.q},
        periods=with_period(periods.choices, period), key_commitments=key_commitments,
        directorates=directorates, statuses=statuses)
    context = {
        "report": report, "period": period, "period_slug": period_slug(period),
        "year_slug": year_slug(period.year.label),
        "kpi_set": kpi_set, "set_label": SET_LABELS.get(kpi_set, kpi_set), "filters": filters,
        "form": form, "sections": sections, "shown": len(rows), "total": len(report.rows),
        "counts": filtering.status_counts(report, rows), "results_id": RESULTS,
        "stale": [r for r in rows if r.stale],
        "public": access.is_public,
    }
    partial = is_htmx_partial(request, RESULTS)
    response = render(request, "dashboard/_results.html" if partial else "dashboard/index.html",
                      {**context, "partial": partial})
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
