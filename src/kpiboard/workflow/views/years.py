"""Financial years, for the performance team: each KPI set's state; close a year (record
its outturns, lock its periods) and open the next (check its links to the previous set,
create its reporting periods). Both ask first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kpiboard.kpis.years import YearError, YearNotAllowed, year_close, year_open, years_get
from kpiboard.workflow.views.common import gate, organisation_of, year_parse

YEAR_REFUSAL = ("This page is for the performance team, who close a financial year and "
                "open the next. You are not in the performance team.")


def years(request: HttpRequest) -> HttpResponse:
    access = gate(request, "publish", YEAR_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    return render(request, "workflow/years.html",
                  {"years": years_get(organisation=organisation_of(access))})


def year_action(request: HttpRequest, year: str, action: str) -> HttpResponse:
    access = gate(request, "publish", YEAR_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    if action not in ("close", "open"):
        raise Http404(f"No such action: {action}")
    org = organisation_of(access)
    fy = year_parse(year)
    row = next((y for y in years_get(organisation=org) if y["year"] == fy.label), None)
    if row is None:
        raise Http404(f"There is no {fy.label} KPI set")
    problem = ""
    if request.method == "POST":
        try:
            done = (year_close if action == "close" else year_open)(
                access=access, organisation=org, year=fy.label)
        except YearNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except (YearError, ValueError) as exc:
            problem = str(exc)
        else:
            messages.success(request, done.summary())
            return redirect("workflow:years")
    allowed = row["state"] != "closed" if action == "close" else row["state"] == "not opened"
    return render(request, "workflow/year_action.html", {
        "row": row, "action": action, "allowed": allowed, "problem": problem})
