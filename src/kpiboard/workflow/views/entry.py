"""Data entry: "Your KPIs" for a reporting period, and one KPI's figures and commentary."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from kpiboard.accounts.access import Access
from kpiboard.data.models import Commentary, PeriodValue
from kpiboard.engine.periods import Period, PeriodError
from kpiboard.engine.types import Unit
from kpiboard.engine.values import format_value
from kpiboard.kpis.models import Kpi, Organisation, Target
from kpiboard.web.fields import FieldView, field_view
from kpiboard.workflow.forms import (
    MISSING,
    RATIO,
    VALUE,
    EntryForm,
    FigureSpec,
    figure_initial,
    figure_specs,
)
from kpiboard.workflow.models import PeriodState, Submission, SubmissionState
from kpiboard.workflow.selectors import DueItem, due_items, reporting_period_get
from kpiboard.workflow.services import (
    EditConflict,
    EntryInvalid,
    NotAllowed,
    WorkflowError,
    entry_save,
    figure_lock,
    lock_state,
)
from kpiboard.workflow.views.common import (
    add_problems,
    entry_url,
    gate,
    kpi_url,
    organisation_of,
    period_parse,
    reporting_choice,
    today,
    year_parse,
    year_slug,
)

INPUT_WIDTHS = {"value": "govuk-input--width-20", "numerator": "govuk-input--width-10",
                "denominator": "govuk-input--width-10", "missing_reason": ""}
ENTER_REFUSAL = ("This page is for data owners and the performance team, who enter KPI "
                 "figures. You do not have either role.")


@dataclass(frozen=True)
class EntryRow:
    item: DueItem
    url: str
    kpi_url: str


def entry_list(request: HttpRequest) -> HttpResponse:
    access = gate(request, "enter_values", ENTER_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    org = organisation_of(access)
    reporting, rp, periods = reporting_choice(request, org)
    items = due_items(organisation=org, reporting=reporting, include=access.can_enter)
    back = urlencode({"reporting": reporting.key})
    rows = [EntryRow(i, f"{entry_url(i.kpi, i.period)}?{back}", kpi_url(i.kpi)) for i in items]
    groups = [(directorate or "No directorate", list(rs)) for directorate, rs in
              groupby(sorted(rows, key=lambda r: r.item.kpi.directorate),
                      key=lambda r: r.item.kpi.directorate)]
    late = rp is not None and rp.deadline < today()
    return render(request, "workflow/entry.html", {
        "reporting": reporting, "rp": rp, "periods": periods, "groups": groups,
        "count": len(rows), "late": late,
        "waiting": sum(1 for r in rows if r.item.missing),
        "lock": lock_state(organisation=org, period=reporting),
        "scope_warnings": access.scope_warnings(reporting.year.label),
    })


@dataclass
class FigureView:
    """One figure of the form with what helps to fill it in."""

    spec: FigureSpec
    fields: dict[str, Any]  # kind, value, numerator, denominator, missing_reason (bound)
    kind: str  # the chosen kind, to check the radio and reveal its fields
    previous: str  # last period's figure, as stored
    target: str
    stored: str  # the figure stored now
    errors: bool
    inputs: dict[str, FieldView]  # value, numerator, denominator, missing_reason as shown


def _kinds_filled_in(data: QueryDict, specs: list[FigureSpec]) -> QueryDict:
    """With JavaScript off every input shows: when no kind was chosen but one kind's fields
    were typed in, choose that kind (so its inputs show, and only they count)."""
    data = data.copy()
    for spec in specs:
        if data.get(spec.name("kind")):
            continue
        typed = [kind for kind, names in ((VALUE, ["value"]),
                                          (RATIO, ["numerator", "denominator"]),
                                          (MISSING, ["missing_reason"]))
                 if any(data.get(spec.name(n), "").strip() for n in names)]
        if len(typed) == 1:
            data[spec.name("kind")] = typed[0]
    return data


def _target_text(target: Target | None, unit: Unit) -> str:
    if target is None:
        return ""
    if target.text:
        return target.text
    if target.no_target:
        return "No target (" + target.no_target.replace("_", " ") + ")"
    if target.annual is not None:
        return format_value(target.annual.normalize(), unit=unit)
    return ""


def entry_form(request: HttpRequest, period: str, year: str, ref: str) -> HttpResponse:
    access = gate(request, "enter_values", ENTER_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    org = organisation_of(access)
    fy, p = year_parse(year), period_parse(period)
    if p.year != fy:
        raise Http404(f"{p.label} is not in {fy.label}")
    kpi = get_object_or_404(Kpi.objects.select_related("kpi_set"), kpi_set__organisation=org,
                            kpi_set__year=fy.label, ref=ref)
    if not access.can_enter(kpi):
        raise PermissionDenied(f"{kpi.ref} is not one of your KPIs: you enter figures for "
                               "the teams and services your administrator gave you.")
    reporting_key = request.POST.get("reporting") or request.GET.get("reporting") or ""
    try:
        reporting = Period.parse(reporting_key) if reporting_key else None
    except PeriodError:
        reporting = None
    back = reverse("workflow:entry") + (f"?{urlencode({'period': reporting.key})}"
                                        if reporting else "")

    lock = figure_lock(kpi=kpi, period=p)
    revising = lock == PeriodState.PUBLISHED and access.can("revise_published")
    editable = lock == PeriodState.OPEN or revising
    specs = figure_specs(kpi.ref, list(kpi.sub_measures.order_by("order")
                                       .values_list("code", "name")))
    unit = Unit(kpi.unit)

    conflict = ""
    if request.method == "POST":
        form = EntryForm(_kinds_filled_in(request.POST, specs), specs=specs,
                         percent=unit is Unit.PERCENT, revising=revising)
        if not editable:
            form.full_clean()
            form.add_error(None, _locked_message(lock, p))
        elif form.is_valid():
            submit = request.POST.get("action") == "submit" and not revising
            try:
                result = entry_save(
                    access=access, kpi=kpi, period=p, version=form.cleaned_data["version"],
                    figures=form.figures(), commentary=form.cleaned_data["commentary"],
                    submit=submit, reason=form.cleaned_data.get("reason", ""))
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except EntryInvalid as exc:
                add_problems(form, exc)
            except EditConflict as exc:
                conflict = str(exc)
                # Keep what they typed, at the version now stored: saving again after
                # reading the other person's figures is a deliberate choice.
                data = _kinds_filled_in(request.POST, specs)
                current = Submission.objects.filter(kpi=kpi, period=p.key).first()
                data["version"] = str(current.version if current else 0)
                form = EntryForm(data, specs=specs, percent=unit is Unit.PERCENT,
                                 revising=revising)
            except WorkflowError as exc:  # a period locked meanwhile, and the like
                form.add_error(None, str(exc))
            else:
                return _saved(request, kpi, p, result.submission, submit, revising,
                              result.changed, back, reporting)
    else:
        form = None

    submission = Submission.objects.filter(kpi=kpi, period=p.key).select_related(
        "updated_by", "submitted_by", "decided_by").first()
    stored = {pv.sub_measure: pv for pv in PeriodValue.objects.filter(kpi=kpi, period=p.key)}
    commentary = Commentary.objects.filter(kpi=kpi, sub_measure="", period=p.key).first()
    if form is None:
        initial: dict[str, Any] = {"version": submission.version if submission else 0,
                                   "commentary": commentary.html if commentary else ""}
        for spec in specs:
            initial.update(figure_initial(spec, stored.get(spec.code)))
        form = EntryForm(initial=initial, specs=specs, percent=unit is Unit.PERCENT,
                         revising=revising)

    previous = p.previous()
    before = {pv.sub_measure: pv.text for pv in PeriodValue.objects.filter(
        kpi__kpi_set__organisation=org, kpi__ref=kpi.ref, period=previous.key)}
    targets = {(t.sub_measure.code if t.sub_measure else ""): t
               for t in Target.objects.filter(kpi=kpi, year=fy.label).select_related(
                   "sub_measure")}
    figures = []
    for spec in specs:
        fields = {name: form[spec.name(name)] for name in
                  ("kind", "value", "numerator", "denominator", "missing_reason")}
        kind = str(fields["kind"].value() or "")
        pv = stored.get(spec.code)
        # Inside a chosen option every input counts: none is marked "(optional)".
        inputs = {name: replace(field_view(fields[name], input_classes=width), optional=False)
                  for name, width in INPUT_WIDTHS.items()}
        figures.append(FigureView(spec, fields, kind, before.get(spec.code, ""),
                                  _target_text(targets.get(spec.code), unit),
                                  pv.text if pv else "",
                                  any(f.errors for f in fields.values()), inputs))

    errors = list(form.errors.items()) if form.is_bound else []
    return render(request, "workflow/entry_form.html", {
        "kpi": kpi, "period": p, "previous": previous, "form": form, "figures": figures,
        "submission": submission, "commentary": commentary, "stored": stored,
        "lock": lock, "revising": revising, "editable": editable, "conflict": conflict,
        "conflict_errors": [(conflict, "#their-figures")] if conflict else [],
        "has_errors": bool(errors) or bool(conflict), "back": back, "reporting": reporting,
        "kpi_url": kpi_url(kpi), "audit_url": _audit_url(access, kpi),
        "deadline": _deadline(org, reporting or p),
    })


def _locked_message(lock: str, p: Period) -> str:
    if lock == PeriodState.CLOSED:
        return f"{p.label} is closed: its figures can no longer be changed"
    return (f"{p.label} has been published: ask the performance team to revise a published "
            "figure")


def _saved(request: HttpRequest, kpi: Kpi, p: Period, submission: Submission, submit: bool,
           revising: bool, changed: list[str], back: str,
           reporting: Period | None) -> HttpResponse:
    if revising:
        messages.success(request, f"{kpi.ref} {p.label} revised" + (
            "" if changed else ": nothing had changed") + (
            ". You submitted it, so it still waits for another approver"
            if submission.state == SubmissionState.SUBMITTED else ""))
        return redirect(request.get_full_path())
    if submit:
        messages.success(request, f"{kpi.ref} {p.label} submitted for approval")
        return redirect(back)
    if submission.state == SubmissionState.RETURNED:
        messages.success(request, f"{kpi.ref} {p.label} saved. It is still returned: submit "
                                  "it for approval when it is ready")
    else:
        messages.success(request, f"Draft of {kpi.ref} {p.label} saved. Submit it for approval "
                                  "when it is ready")
    return redirect(request.get_full_path())


def _deadline(org: Organisation, reporting: Period) -> date | None:
    rp = reporting_period_get(organisation=org, period=reporting)
    return rp.deadline if rp else None


def _audit_url(access: Access, kpi: Kpi) -> str:
    if not access.can("view_audit"):
        return ""
    return reverse("audit:kpi", args=[year_slug(kpi.kpi_set.year), kpi.ref])
