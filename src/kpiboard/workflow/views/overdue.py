"""Overdue: the KPIs whose figure for a reporting period is still missing (none entered, or
a draft, or returned) after the deadline, grouped by data owner, with days overdue; also as
CSV. Data owners see their own KPIs, approvers their directorates', the performance team
all."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from kpiboard.accounts.access import Access
from kpiboard.accounts.models import Role
from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Kpi
from kpiboard.workflow.models import ReportingPeriod
from kpiboard.workflow.selectors import DueItem, due_items, owners_by_kpi
from kpiboard.workflow.views.common import (
    entry_url,
    gate,
    organisation_of,
    reporting_choice,
    today,
)

OVERDUE_REFUSAL = ("This page is for data owners, approvers and the performance team. You do "
                   "not have any of those roles.")
NO_OWNER = "No owner assigned"


@dataclass(frozen=True)
class OverdueRow:
    item: DueItem
    owners: list[str]
    url: str  # the entry form, for those who may enter the figure


@dataclass(frozen=True)
class Overdue:
    reporting: Period
    rp: ReportingPeriod | None
    periods: list[ReportingPeriod]
    days: int  # days past the deadline (0 or less: not overdue yet)
    groups: list[tuple[str, list[OverdueRow]]]
    count: int


def _sees(access: Access, kpi: Kpi) -> bool:
    if access.roles & {Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}:
        return True
    return access.can_enter(kpi) or access.can_approve(kpi)


def _overdue(request: HttpRequest, access: Access) -> Overdue:
    org = organisation_of(access)
    reporting, rp, periods = reporting_choice(request, org)
    items = [i for i in due_items(organisation=org, reporting=reporting,
                                  include=lambda k: _sees(access, k)) if i.missing]
    owners = owners_by_kpi(organisation=org, kpis=[i.kpi for i in items])
    back = urlencode({"reporting": reporting.key})
    by_owner: dict[str, list[OverdueRow]] = {}
    for item in items:
        names = owners[item.kpi.pk]
        row = OverdueRow(item, names, f"{entry_url(item.kpi, item.period)}?{back}"
                         if access.can_enter(item.kpi) else "")
        for name in names or [NO_OWNER]:
            by_owner.setdefault(name, []).append(row)
    groups = sorted(by_owner.items(), key=lambda g: (g[0] == NO_OWNER, g[0].casefold()))
    days = (today() - rp.deadline).days if rp is not None else 0
    return Overdue(reporting, rp, periods, days, groups, len(items))


def overdue(request: HttpRequest) -> HttpResponse:
    access = gate(request, "view_overdue", OVERDUE_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    data = _overdue(request, access)
    return render(request, "workflow/overdue.html", {
        "o": data, "csv_query": urlencode({"period": data.reporting.key}),
    })


def overdue_csv(request: HttpRequest) -> HttpResponse:
    access = gate(request, "view_overdue", OVERDUE_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    data = _overdue(request, access)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = \
        f'attachment; filename="overdue-{data.reporting.key.replace("/", "-")}.csv"'
    writer = csv.writer(response)
    writer.writerow(["owner", "ref", "name", "directorate", "service", "team", "period",
                     "state", "deadline", "days_overdue"])
    for owner, rows in data.groups:
        for row in rows:
            kpi = row.item.kpi
            writer.writerow([owner, kpi.ref, kpi.name, kpi.directorate, kpi.department,
                             kpi.team, row.item.period.key, row.item.state_label,
                             data.rp.deadline.isoformat() if data.rp else "",
                             max(data.days, 0)])
    return response
