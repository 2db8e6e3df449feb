"""Reporting periods, for the performance team: each period's state, deadline and how far its
KPIs have got; open a period (or change its deadline), publish it, close it, and (for
administrators) reopen it. Publishing and closing ask first."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kpiboard.accounts.access import Access
from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Organisation
from kpiboard.workflow.forms import PeriodOpenForm
from kpiboard.workflow.models import PeriodState, ReportingPeriod
from kpiboard.workflow.selectors import (
    STATE_LABELS,
    due_items,
    reporting_periods_get,
    state_counts,
)
from kpiboard.workflow.services import (
    NotAllowed,
    WorkflowError,
    period_close,
    period_open,
    period_publish,
)
from kpiboard.workflow.views.common import gate, organisation_of, period_parse, period_slug

PUBLISH_REFUSAL = ("This page is for the performance team, who open, publish and close "
                   "reporting periods. You are not in the performance team.")
ACTIONS = ("publish", "close", "reopen")


@dataclass(frozen=True)
class PeriodRow:
    rp: ReportingPeriod
    period: Period
    slug: str
    counts: dict[str, int]
    total: int

    @property
    def waiting(self) -> int:
        """KPIs due whose figure is not approved yet."""
        return self.total - self.counts["approved"]


def _row(rp: ReportingPeriod) -> PeriodRow:
    period = Period.parse(rp.period)
    items = due_items(organisation=rp.organisation, reporting=period)
    return PeriodRow(rp, period, period_slug(period), state_counts(items), len(items))


def periods(request: HttpRequest) -> HttpResponse:
    access = gate(request, "publish", PUBLISH_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    org = organisation_of(access)
    form = PeriodOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        period: Period = form.cleaned_data["period"]
        try:
            rp = period_open(access=access, organisation=org, period=period,
                             deadline=form.cleaned_data["deadline"])
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except WorkflowError as exc:
            form.add_error("period", str(exc))
        else:
            messages.success(request, f"{period.label} is open: figures are due by "
                                      f"{rp.deadline:%-d %B %Y}")
            return redirect("workflow:periods")
    rows = [_row(rp) for rp in reporting_periods_get(organisation=org)]
    deadline = form["deadline"].value() if form.is_bound else None
    return render(request, "workflow/periods.html", {
        "rows": rows, "form": form, "labels": [(k, v) for k, v in STATE_LABELS.items()
                                               if k != "imported"],
        "deadline_parts": list(deadline) if isinstance(deadline, list | tuple) else
        ["", "", ""], "is_admin": access.can("admin"),
    })


def period_action(request: HttpRequest, period: str, action: str) -> HttpResponse:
    access = gate(request, "publish", PUBLISH_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    if action not in ACTIONS:
        raise Http404(f"No such action: {action}")
    org = organisation_of(access)
    p = period_parse(period)
    rp = ReportingPeriod.objects.filter(organisation=org, period=p.key).first()
    if rp is None:
        raise Http404(f"{p.label} has not been opened")
    if action == "reopen" and not access.can("admin"):
        raise PermissionDenied("Only an administrator can reopen a closed period.")
    row = _row(rp)
    problem = ""
    if request.method == "POST":
        try:
            done = _do(access, org, p, action)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except WorkflowError as exc:
            problem = str(exc)
        else:
            messages.success(request, done)
            return redirect("workflow:periods")
    allowed = {"publish": rp.state == PeriodState.OPEN,
               "close": rp.state == PeriodState.PUBLISHED,
               "reopen": rp.state == PeriodState.CLOSED}[action]
    return render(request, "workflow/period_action.html", {
        "row": row, "action": action, "allowed": allowed, "problem": problem,
        "also": _also_affected(rp, action),
    })


def _also_affected(rp: ReportingPeriod, action: str) -> list[ReportingPeriod]:
    """Publishing publishes the earlier periods still open, closing closes the earlier ones
    not closed yet; a later closed period stops a reopening."""
    qs = ReportingPeriod.objects.filter(organisation=rp.organisation)
    if action == "publish":
        qs = qs.filter(period_end__lt=rp.period_end, state=PeriodState.OPEN)
    elif action == "close":
        qs = qs.filter(period_end__lt=rp.period_end).exclude(state=PeriodState.CLOSED)
    else:
        qs = qs.filter(period_end__gt=rp.period_end, state=PeriodState.CLOSED)
    return list(qs.order_by("period_end"))


def _do(access: Access, org: Organisation, p: Period, action: str) -> str:
    if action == "publish":
        waiting = period_publish(access=access, organisation=org, period=p)
        return f"{p.label} published" + (
            f". {waiting} KPI{'s' if waiting != 1 else ''} still waiting for approval "
            f"stay{'s' if waiting == 1 else ''} unpublished until approved" if waiting else "")
    if action == "close":
        period_close(access=access, organisation=org, period=p)
        return f"{p.label} closed: its figures can no longer be changed"
    period_close(access=access, organisation=org, period=p, reopen=True)
    return f"{p.label} reopened: the performance team can revise its figures again"
