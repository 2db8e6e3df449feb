"""The KPI framework: each year's KPI set (``/framework/``), the changes between two years
(``/framework/changes/?from=&to=``) and the counts by key commitment and report section
(``/framework/counts/?year=``). Each has a CSV download (``&format=csv``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kpiboard.dashboard.forms import YearForm, YearsForm
from kpiboard.dashboard.selectors import year_parse, year_slug
from kpiboard.dashboard.views.common import access_of, no_organisation, slug
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.values import format_value
from kpiboard.framework.model import Framework
from kpiboard.framework.review import KIND_ORDER, changes_csv, framework_changes, framework_counts
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.selectors import framework_get

KIND_TITLES = {"new": "New KPIs", "split": "Split", "merged": "Merged",
               "renumbered": "Renumbered", "moved": "Moved",
               "renamed": "Directorate or service renamed", "changed": "Changed",
               "removed": "Removed"}


@dataclass(frozen=True)
class KpiLine:
    ref: str
    name: str
    directorate: str
    service: str
    frequency: str
    polarity: str
    target: str
    sub_measures: int


@dataclass(frozen=True)
class YearView:
    year: str
    slug: str
    kpis: tuple[KpiLine, ...]


def target_words(kpi: KpiDefinition, year: str) -> str:
    t = kpi.targets.get(year)
    if t is None:
        return "No target"
    if t.text.strip():
        return " ".join(t.text.split())
    if t.none is not None:
        return t.none.label
    if t.annual is not None:
        return format_value(t.annual, unit=kpi.unit)
    if t.per_month is not None:
        return f"{format_value(t.per_month, unit=kpi.unit)} a month"
    if t.band is not None:
        return f"{format_value(t.band[0], unit=kpi.unit)}–{format_value(t.band[1], unit=kpi.unit)}"
    return "Profiled by period" if t.profile else "No target"


def _line(kpi: KpiDefinition, year: str) -> KpiLine:
    return KpiLine(kpi.ref, kpi.name, kpi.directorate, kpi.department,
                   kpi.frequency.value.replace("_", "-").capitalize(), kpi.polarity.label,
                   target_words(kpi, year), len(kpi.sub_measures))


def _csv_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _org_slug(org: Organisation) -> str:
    return slug(org.short_name or org.name)


def _framework(request: HttpRequest) -> tuple[Organisation, Framework] | HttpResponse:
    org = access_of(request).organisation
    if org is None:
        return no_organisation(request)
    return org, framework_get(organisation=org)


@require_GET
def kpi_sets(request: HttpRequest) -> HttpResponse:
    found = _framework(request)
    if isinstance(found, HttpResponse):
        return found
    org, fw = found
    years = [YearView(y, year_slug(y), tuple(_line(k, y) for k in fw.years[y].kpis.values()))
             for y in sorted(fw.years, reverse=True)]
    if request.GET.get("format") == "csv":
        wanted = year_parse(request.GET.get("year", ""))
        chosen = [y for y in years if wanted is None or y.year == wanted.label]
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(["year", "ref", "name", "directorate", "service", "frequency", "polarity",
                      "target", "sub_measures"])
        for y in chosen:
            out.writerows([y.year, k.ref, k.name, k.directorate, k.service, k.frequency,
                           k.polarity, k.target, k.sub_measures] for k in y.kpis)
        suffix = f"-{chosen[0].slug}" if wanted is not None and chosen else ""
        return _csv_response(buf.getvalue(), f"{_org_slug(org)}-kpi-sets{suffix}.csv")
    return render(request, "dashboard/framework.html", {"years": years, "fw": fw})


@require_GET
def changes(request: HttpRequest) -> HttpResponse:
    found = _framework(request)
    if isinstance(found, HttpResponse):
        return found
    org, fw = found
    labels = sorted(fw.years)
    from_year = labels[-2] if len(labels) > 1 else ""
    to_year = labels[-1] if labels else ""
    if "from" in request.GET or "to" in request.GET:
        data = {"from": request.GET.get("from", year_slug(from_year)),
                "to": request.GET.get("to", year_slug(to_year))}
        form = YearsForm(data, years=labels)
        if form.is_valid():
            from_year = _label(form.cleaned_data["from"])
            to_year = _label(form.cleaned_data["to"])
            if from_year == to_year:
                form.add_error("to", "Choose two different years to compare")
    else:
        form = YearsForm(initial={"from": year_slug(from_year), "to": year_slug(to_year)},
                         years=labels)
    compared = len(labels) > 1 and not form.errors
    found_changes = framework_changes(fw, from_year=from_year, to_year=to_year) \
        if compared else []
    if request.GET.get("format") == "csv" and compared:
        return _csv_response(changes_csv(found_changes), f"{_org_slug(org)}-framework-changes-"
                             f"{year_slug(from_year)}-to-{year_slug(to_year)}.csv")
    groups = [(kind, KIND_TITLES.get(kind, kind.capitalize()),
               [c for c in found_changes if c.kind == kind])
              for kind in (*KIND_ORDER, *sorted({c.kind for c in found_changes}
                                                 - set(KIND_ORDER)))]
    return render(request, "dashboard/framework_changes.html", {
        "form": form, "compared": compared, "enough_years": len(labels) > 1,
        "from_year": from_year, "to_year": to_year,
        "groups": [g for g in groups if g[2]], "total": len(found_changes),
        "from_slug": year_slug(from_year), "to_slug": year_slug(to_year)})


def _label(slug_text: str) -> str:
    year = year_parse(slug_text)
    return year.label if year else slug_text


@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    found = _framework(request)
    if isinstance(found, HttpResponse):
        return found
    org, fw = found
    labels = sorted(fw.years)
    year = labels[-1] if labels else ""
    if "year" in request.GET:
        form = YearForm(request.GET, years=labels)
        if form.is_valid():
            year = _label(form.cleaned_data["year"])
    else:
        form = YearForm(initial={"year": year_slug(year)}, years=labels)
    table = framework_counts(fw, year=year) if year and not form.errors else None
    if table is not None and request.GET.get("format") == "csv":
        return _csv_response(table.as_csv(),
                             f"{_org_slug(org)}-framework-counts-{year_slug(year)}.csv")
    return render(request, "dashboard/framework_counts.html", {
        "form": form, "year": year, "year_slug": year_slug(year), "table": table})
