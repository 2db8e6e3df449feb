"""What every page of the dashboard app needs: the person's access, the organisation (or the
page that says there is none), the period asked for, and pages that explain a 404."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kpiboard.accounts.access import Access
from kpiboard.dashboard.selectors import Periods
from kpiboard.engine.periods import Period, PeriodError
from kpiboard.web.context_processors import request_access


def access_of(request: HttpRequest) -> Access:
    return request_access(request)


def no_organisation(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/no_organisation.html")


def not_found(request: HttpRequest, title: str, message: str, *,
              links: list[tuple[str, str]] | None = None, **extra: Any) -> HttpResponse:
    """A 404 page in the site's shell that says what was not found and where to go."""
    return render(request, "dashboard/not_found.html",
                  {"title": title, "message": message, "links": links or [], **extra},
                  status=404)


def parse_period(text: str) -> Period | None:
    try:
        return Period.parse(text.strip())
    except PeriodError:
        return None


def choose_period(request: HttpRequest, raw: str | None, periods: Periods,
                  access: Access) -> Period | HttpResponse:
    """The period asked for (``raw``), else the default; or a 404 page that says why not."""
    if not raw:
        if periods.default is None:
            message = ("No figures have been published yet." if access.is_public
                       else "There are no reporting periods or figures yet.")
            return not_found(request, "No figures yet", message)
        return periods.default
    period = parse_period(raw)
    if period is None:
        return not_found(request, "Period not recognised",
                         f"“{raw}” is not a period. Periods are written like 2024-02 "
                         "(February 2024) or 2023/24-Q3.")
    if not periods.allows(period, public=access.is_public):
        if period.year.label not in periods.years:
            message = f"There is no {period.year.label} KPI set, so there are no figures " \
                      f"for {period.label}."
        else:
            message = f"The figures for {period.label} have not been published yet."
        return not_found(request, f"No figures for {period.label}", message)
    return period


def with_period(periods: tuple[Period, ...], period: Period) -> list[Period]:
    """The periods to choose from, with ``period`` among them."""
    if period in periods:
        return list(periods)
    return sorted([*periods, period], key=lambda p: p.end, reverse=True)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def is_htmx_partial(request: HttpRequest, target: str) -> bool:
    """An htmx request for the region ``target`` alone (not a history restore)."""
    headers = request.headers
    return (headers.get("HX-Request") == "true" and headers.get("HX-Target") == target
            and headers.get("HX-History-Restore-Request") != "true")
