"""What every workflow (and audit) page needs: the person's access checked, addresses of
periods and KPIs, and the reporting period asked for."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kpiboard.accounts.access import Access
from kpiboard.engine.periods import FinancialYear, Period, PeriodError, PeriodKind
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.web.context_processors import request_access
from kpiboard.workflow.models import ReportingPeriod
from kpiboard.workflow.selectors import current_reporting_period
from kpiboard.workflow.services import EntryInvalid


def gate(request: HttpRequest, action: str, refusal: str) -> Access | HttpResponse:
    """The person's access if they may ``action``; the sign-in page for the public; else
    403 with ``refusal`` (what the page is for and who may use it)."""
    access = request_access(request)
    if access.can(action):
        if access.organisation is None:
            raise Http404("There is no organisation yet: load a framework first")
        return access
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(refusal)


def organisation_of(access: Access) -> Organisation:
    org = access.organisation
    if org is None:  # gate() has checked
        raise Http404("There is no organisation yet")
    return org


def year_slug(year: str) -> str:
    """``2023/24`` → ``2023-24``, as years are written in addresses."""
    return year.replace("/", "-")


def year_parse(text: str) -> FinancialYear:
    try:
        return FinancialYear.parse(text)
    except PeriodError:
        raise Http404(f"“{text}” is not a financial year: years are written like "
                      "2023-24") from None


def period_slug(period: Period) -> str:
    """A period as written in addresses: 2024-03, 2023-24-Q4, fy2023-24 (a whole year has the
    "fy" so that it cannot be read as a month: 2011-12 is December 2011)."""
    slug = period.key.replace("/", "-")
    return f"fy{slug}" if period.kind is PeriodKind.YEAR else slug


def period_parse(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError:
        raise Http404(f"“{text}” is not a period: periods are written like 2024-03 or "
                      "2023-24-Q4") from None


def kpi_url(kpi: Kpi) -> str:
    """The KPI's page on the dashboard (or nothing when the dashboard is not installed)."""
    try:
        return reverse("dashboard:kpi", args=[year_slug(kpi.kpi_set.year), kpi.ref])
    except NoReverseMatch:
        return ""


def entry_url(kpi: Kpi, period: Period) -> str:
    return reverse("workflow:entry_form",
                   args=[period_slug(period), year_slug(kpi.kpi_set.year), kpi.ref])


def today() -> date:
    return timezone.localdate()


def reporting_choice(request: HttpRequest, organisation: Organisation,
                     ) -> tuple[Period, ReportingPeriod | None, list[ReportingPeriod]]:
    """The reporting period asked for (``?period=``), else the one being collected, else
    last month; with its ReportingPeriod (if it was opened) and every opened one."""
    periods = list(ReportingPeriod.objects.filter(organisation=organisation)
                   .order_by("-period_end"))
    raw = request.GET.get("period", "").strip()
    if raw:
        period = period_parse(raw)
    else:
        current = current_reporting_period(organisation=organisation)
        period = Period.parse(current.period) if current else \
            Period.of_date(today()).previous()
    found = next((rp for rp in periods if rp.period == period.key), None)
    return period, found, periods


def add_problems(form: forms.Form, exc: EntryInvalid) -> None:
    """Put a service's problems on the form: on their field where the form has it (the
    error summary links there), else on the form as a whole."""
    for problem in exc.problems:
        form.add_error(problem.field if problem.field in form.fields else None,
                       problem.message)
