"""A KPI's page (``/kpis/<year>/<ref>/``): its definition, chart, every period's figures with
status, arrow and explanation, commentary, revisions, benchmarks, and how it changed from last
year. ``?period=`` chooses the period it is shown as at (by default the latest there is)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from kpiboard.dashboard.forms import period_choices
from kpiboard.dashboard.kpi_detail import KpiNotFound, kpi_page_get
from kpiboard.dashboard.selectors import Periods, periods_get, year_parse, year_slug
from kpiboard.dashboard.views.common import (
    access_of,
    no_organisation,
    not_found,
    parse_period,
)
from kpiboard.engine.periods import FinancialYear, Period


def _period_in_year(raw: str | None, year: FinancialYear, periods: Periods,
                    public: bool) -> Period | None:
    """The period asked for if it is in ``year`` and may be seen; else the latest one of the
    year that may be; else (nothing yet) the year's first month. None: not allowed."""
    if raw:
        asked = parse_period(raw)
        if asked is not None and asked.year == year and periods.allows(asked, public=public):
            return asked
        if asked is not None and asked.year == year:
            return None
    in_year = [p for p in periods.choices if p.year == year]
    if periods.default is not None and periods.default.year == year:
        return periods.default
    return in_year[0] if in_year else year.months()[0]


def kpi_page(request: HttpRequest, year: str, ref: str) -> HttpResponse:
    access = access_of(request)
    org = access.organisation
    if org is None:
        return no_organisation(request)
    fy = year_parse(year)
    if fy is None:
        return not_found(request, "Year not recognised",
                         f"“{year}” is not a financial year. Years are written like 2023-24.")
    periods = periods_get(organisation=org, visibility=access.visibility)
    period = _period_in_year(request.GET.get("period"), fy, periods, access.is_public)
    if period is None:
        return not_found(request, "No figures for that period",
                         "The figures for that period have not been published yet.")
    try:
        page = kpi_page_get(organisation=org, year=fy, ref=ref, period=period,
                            visibility=access.visibility)
    except KpiNotFound as exc:
        suggestions = [(r, reverse("dashboard:kpi", args=[year_slug(fy.label), r]))
                       for r in exc.refs if r.casefold().startswith(ref[:3].casefold())][:20]
        return not_found(
            request, "KPI not found", str(exc) + (
                " Check the reference, or find the KPI in the framework." if exc.refs else
                " Choose a year that has a KPI set."),
            suggestions=suggestions, suggestions_title="KPIs with a similar reference")
    if page.kpi.ref != ref:  # found ignoring case: send to the address as it is written
        url = reverse("dashboard:kpi", args=[year_slug(fy.label), page.kpi.ref])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    in_year = [p for p in periods.choices if p.year == fy]
    # A year with nothing the person may see yet (the public, before its first period is
    # published) shows the KPI's definition as at its first month, which nothing links to.
    seen = periods.allows(period, public=access.is_public)
    if period not in in_year and seen:
        in_year = sorted([*in_year, period], key=lambda p: p.end, reverse=True)
    dashboard_url = reverse("dashboard:index") + (
        f"?{urlencode({'period': period.key})}" if seen else "")
    return render(request, "dashboard/kpi.html", {
        "page": page, "kpi": page.kpi, "row": page.row, "period": period,
        "dashboard_url": dashboard_url, "kpi_url": reverse(
            "dashboard:kpi", args=[year_slug(fy.label), page.kpi.ref]),
        "year_slug": year_slug(fy.label), "period_choices": period_choices(in_year),
        "public": access.is_public, "staff": page.revisions is not None,
    })
