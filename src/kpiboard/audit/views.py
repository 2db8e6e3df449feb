"""The audit trail: every event, newest first, filtered and paginated; and one KPI's events
interleaved with every change to its figures (``data.ValueRevision``, imports included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from kpiboard.audit.models import Action, AuditEvent
from kpiboard.data.models import ValueRevision
from kpiboard.kpis.models import Kpi
from kpiboard.workflow.views.common import (
    gate,
    kpi_url,
    organisation_of,
    year_parse,
    year_slug,
)

AUDIT_REFUSAL = ("The audit trail is for administrators and the performance team. You do "
                 "not have either role.")
PER_PAGE = 50
# Value changes are shown from ValueRevision on a KPI's page (with old and new figures), so
# these events, which say the same, are left out there.
VALUE_ACTIONS = (Action.VALUE_SAVED, Action.REVISED)


class AuditFilter(forms.Form):
    ref = forms.CharField(label="KPI ref", required=False, max_length=50)
    user = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(label="Action", required=False,
                               choices=[("", "Any action"), *Action.choices])
    period = forms.CharField(label="Period", required=False, max_length=16,
                             help_text="For example 2024-03")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("ref", "user", "period"):
            self.fields[name].widget.attrs["spellcheck"] = "false"


def _page(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _query(request: HttpRequest, page: int) -> str:
    params: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "page" and v}
    params["page"] = str(page)
    return "?" + urlencode(params)


def _pages(request: HttpRequest, page: Page[Any]) -> dict[str, Any]:
    return {
        "previous_url": _query(request, page.previous_page_number())
        if page.has_previous() else "",
        "next_url": _query(request, page.next_page_number()) if page.has_next() else "",
        "numbers": [(n, _query(request, n) if isinstance(n, int) else "")
                    for n in page.paginator.get_elided_page_range(page.number, on_each_side=2,
                                                                  on_ends=1)],
    }


def log(request: HttpRequest) -> HttpResponse:
    access = gate(request, "view_audit", AUDIT_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    org = organisation_of(access)
    form = AuditFilter(request.GET or None)
    events = AuditEvent.objects.filter(organisation=org).select_related(
        "user", "kpi", "kpi__kpi_set")
    if form.is_valid():
        d = form.cleaned_data
        if d["ref"].strip():
            events = events.filter(ref__iexact=d["ref"].strip())
        if d["user"].strip():
            events = events.filter(user__username__iexact=d["user"].strip())
        if d["action"]:
            events = events.filter(action=d["action"])
        if d["period"].strip():
            events = events.filter(period=d["period"].strip())
    page = _page(request, events.order_by("-at", "-id"))
    return render(request, "audit/log.html", {
        "form": form, "page": page, "pages": _pages(request, page),
        "filtered": form.is_bound and any(v for k, v in request.GET.items() if k != "page"),
        "rows": [(e, _audit_kpi_url(e)) for e in page.object_list],
    })


def _audit_kpi_url(event: AuditEvent) -> str:
    if event.kpi is None:
        return ""
    return reverse("audit:kpi", args=[year_slug(event.kpi.kpi_set.year), event.kpi.ref])


@dataclass(frozen=True)
class Entry:
    """One line of a KPI's trail: an event, or a change to one of its figures."""

    at: datetime
    who: str
    what: str
    period: str
    summary: str
    reason: str = ""
    source: str = ""


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def kpi_log(request: HttpRequest, year: str, ref: str) -> HttpResponse:
    access = gate(request, "view_audit", AUDIT_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    org = organisation_of(access)
    fy = year_parse(year)
    kpi = get_object_or_404(Kpi.objects.select_related("kpi_set"), kpi_set__organisation=org,
                            kpi_set__year=fy.label, ref=ref)
    entries = [Entry(e.at, _name(e.user), e.get_action_display(), e.period, e.summary)
               for e in AuditEvent.objects.filter(organisation=org).filter(
                   Q(kpi=kpi) | Q(kpi__isnull=True, ref=kpi.ref)).exclude(
                   action__in=VALUE_ACTIONS).select_related("user")]
    for r in ValueRevision.objects.filter(period_value__kpi=kpi).select_related(
            "period_value", "changed_by"):
        pv = r.period_value
        label = f"{kpi.ref}{'/' + pv.sub_measure if pv.sub_measure else ''}"
        summary = f"{label}: {r.old_text} → {r.new_text}" if r.revision > 1 or r.old_text \
            else f"{label}: {r.new_text}"
        what = "Value entered" if r.revision == 1 else (
            "Published value revised" if r.revision > pv.baseline_revision else "Value changed")
        entries.append(Entry(r.changed_at, _name(r.changed_by), what, pv.period, summary,
                             r.reason, "web" if r.source == "web" else
                             f"imported from {r.source}" if r.source else ""))
    entries.sort(key=lambda e: e.at, reverse=True)
    page = _page(request, entries, 100)
    return render(request, "audit/kpi.html", {
        "kpi": kpi, "page": page, "pages": _pages(request, page), "kpi_url": kpi_url(kpi),
    })
