"""Approvals: the submitted KPIs in the approver's directorates, each approved or returned
with a comment. With htmx the decided card is replaced in place; without it the form posts
and the page comes back."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kpiboard.accounts.access import Access
from kpiboard.data.models import Commentary, PeriodValue
from kpiboard.engine.periods import Period
from kpiboard.workflow.forms import DecisionForm
from kpiboard.workflow.models import Submission, SubmissionState
from kpiboard.workflow.selectors import self_approval_refusal
from kpiboard.workflow.services import (
    EditConflict,
    EntryInvalid,
    NotAllowed,
    WorkflowError,
    submission_decide,
)
from kpiboard.workflow.views.common import add_problems, gate, kpi_url, organisation_of

APPROVE_REFUSAL = ("This page is for approvers and the performance team, who approve "
                   "submitted KPI figures. You do not have either role.")


@dataclass
class Card:
    submission: Submission
    period: Period
    figures: list[tuple[str, str]]  # (label, text)
    commentary: str  # sanitised HTML
    form: DecisionForm
    kpi_url: str
    error: str = ""  # a refusal that belongs to no field (a conflict, say)
    decided: str = ""  # after an htmx decision: what happened
    own: str = ""  # why this person may not approve it (their own submission), if so
    errors: list[tuple[str, str]] = field(default_factory=list)  # for the error summary


def _card(sub: Submission, user: object, form: DecisionForm | None = None) -> Card:
    kpi = sub.kpi
    figures = [(f"{kpi.ref} {pv.sub_measure}".strip(), pv.text)
               for pv in PeriodValue.objects.filter(kpi=kpi, period=sub.period)
               .order_by("sub_measure")]
    commentary = Commentary.objects.filter(kpi=kpi, sub_measure="", period=sub.period).first()
    return Card(sub, Period.parse(sub.period), figures, commentary.html if commentary else "",
                form or DecisionForm(prefix=f"s{sub.pk}", initial={"version": sub.version}),
                kpi_url(kpi), own=self_approval_refusal(submission=sub, user=user))


def _waiting(access: Access) -> list[Submission]:
    subs = Submission.objects.filter(
        kpi__kpi_set__organisation=organisation_of(access), state=SubmissionState.SUBMITTED,
    ).select_related("kpi", "kpi__kpi_set", "submitted_by").order_by(
        "submitted_at", "kpi__kpi_set__year", "kpi__order")
    return [s for s in subs if access.can_approve(s.kpi)]


def approvals(request: HttpRequest, bound: Card | None = None) -> HttpResponse:
    access = gate(request, "approve", APPROVE_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    cards = [bound if bound is not None and bound.submission.pk == s.pk
             else _card(s, access.user)
             for s in _waiting(access)]
    if bound is not None and all(c is not bound for c in cards):
        cards.insert(0, bound)  # decided meanwhile by somebody else: still say what happened
    latest = organisation_of(access).kpi_sets.order_by("-year").values_list(
        "year", flat=True).first()
    return render(request, "workflow/approvals.html", {
        "cards": cards, "errors": bound.errors if bound else [],
        "scope_warnings": access.scope_warnings(latest) if latest else [],
    })


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    access = gate(request, "approve", APPROVE_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    sub = Submission.objects.select_related("kpi", "kpi__kpi_set", "submitted_by").filter(
        pk=pk, kpi__kpi_set__organisation=organisation_of(access)).first()
    if sub is None:
        raise Http404("No such submission")
    if not access.can_approve(sub.kpi):
        raise PermissionDenied(f"You cannot approve {sub.kpi.ref}: it is not in a directorate "
                               "you approve for.")
    htmx = request.headers.get("HX-Request") == "true"
    form = DecisionForm(request.POST, prefix=f"s{sub.pk}")
    approve = request.POST.get("action") == "approve"
    card = _card(sub, access.user, form)
    label = f"{sub.kpi.ref} {card.period.label}"
    if form.is_valid():
        try:
            submission_decide(access=access, kpi=sub.kpi, period=card.period,
                              version=form.cleaned_data["version"], approve=approve,
                              comment=form.cleaned_data["comment"])
        except NotAllowed as exc:
            if not card.own:  # not one's own submission: a page one may not use at all
                raise PermissionDenied(str(exc)) from exc
            card.error = str(exc)  # one's own: say why on the card, as it is shown
        except EntryInvalid as exc:
            add_problems(form, exc)
        except (EditConflict, WorkflowError) as exc:
            card.error = str(exc)
        else:
            done = f"{label} approved" if approve else f"{label} returned to its data owner"
            if htmx:
                card.decided = done
                return render(request, "workflow/_approval.html", {"card": card})
            messages.success(request, done)
            return redirect("workflow:approvals")
    if "version" in form.errors:  # a page changed by hand, or far out of date
        card.error = "This page is out of date: reload it and decide again"
    anchor = f"#{form['comment'].auto_id}"
    card.errors = [(str(e), anchor) for e in form.errors.get("comment", [])] + \
        [(str(e), "") for e in form.non_field_errors()] + \
        ([(card.error, f"#submission-{sub.pk}")] if card.error else [])
    if htmx:
        return render(request, "workflow/_approval.html", {"card": card})
    return approvals(request, card)
