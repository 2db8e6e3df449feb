"""The monthly cycle driven through the pages with Django's test client, as people click:
open a period on Periods, fill in a KPI's form and submit it, approve or return on Approvals,
publish and close on a period's page. Each step reads the page first (as a person does: the
form's version comes from the page) and checks where it lands.

The client raises the exception of any view that fails, so a server error stops the
simulation with its traceback.
"""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Kpi
from kpiboard.workflow.models import Submission
from kpiboard.workflow.views.common import period_slug
from tests.simulation.cycle import deadline, figure_text

VERSION = re.compile(r'name="(?:(s\d+)-)?version"[^>]*value="(\d+)"|value="(\d+)"[^>]*'
                     r'name="(?:(s\d+)-)?version"')


def _version(html: str, prefix: str = "") -> str:
    for m in VERSION.finditer(html):
        got_prefix = m.group(1) or m.group(4) or ""
        if got_prefix == prefix:
            return m.group(2) or m.group(3)
    raise AssertionError(f"no version field{' ' + prefix if prefix else ''} on the page")


def _landed(response: object, status: int = 200) -> str:
    code = getattr(response, "status_code", 0)
    assert code == status, code
    return getattr(response, "content", b"").decode()


def open_period(client: Client, reporting: Period) -> None:
    due = deadline(reporting)
    response = client.post(reverse("workflow:periods"), {
        "period": reporting.key, "deadline_0": due.day, "deadline_1": due.month,
        "deadline_2": due.year}, follow=True)
    assert f"{reporting.label} is open" in _landed(response)


def entry_url(kpi: Kpi, period: Period) -> str:
    return reverse("workflow:entry_form", args=[period_slug(period),
                                                kpi.kpi_set.year.replace("/", "-"), kpi.ref])


def enter(client: Client, kpi: Kpi, period: Period, reporting: Period, *,
          text: str | None = None, submit: bool = True, reason: str = "") -> str:
    """Open the KPI's form from the owner's list, fill in the figures (its own and each
    sub-measure's) and save or submit; returns the page it lands on."""
    listing = _landed(client.get(reverse("workflow:entry"), {"period": reporting.key}))
    url = entry_url(kpi, period)
    assert url in listing or reason, f"{url} is not on Your KPIs for {reporting.label}"
    form_url = f"{url}?reporting={reporting.key}"
    html = _landed(client.get(form_url))
    data = {"version": _version(html), "reporting": reporting.key, "kind": "value",
            "value": text or figure_text(kpi, period),
            "commentary": f"{kpi.ref}: {period.label}, entered on the web.",
            "action": "submit" if submit else "save"}
    for i, code in enumerate(kpi.sub_measures.order_by("order").values_list("code",
                                                                               flat=True)):
        data[f"sub-{i}-kind"] = "value"
        data[f"sub-{i}-value"] = figure_text(kpi, period, code)
    if reason:
        data["reason"] = reason
    response = client.post(form_url, data, follow=True)
    page = _landed(response)
    assert "govuk-error-summary" not in page, page[page.find("govuk-error-summary"):][:800]
    return page


def decide(client: Client, kpi: Kpi, period: Period, *, approve: bool = True,
           comment: str = "") -> str:
    """Approve (or return with ``comment``) a submitted KPI on the Approvals page."""
    sub = Submission.objects.get(kpi=kpi, period=period.key)
    html = _landed(client.get(reverse("workflow:approvals")))
    prefix = f"s{sub.pk}"
    response = client.post(reverse("workflow:decide", args=[sub.pk]), {
        f"{prefix}-version": _version(html, prefix), f"{prefix}-comment": comment,
        "action": "approve" if approve else "return"}, follow=True)
    page = _landed(response)
    done = "approved" if approve else "returned to its data owner"
    assert f"{kpi.ref} {period.label} {done}" in page.replace("&amp;", "&"), done
    return page


def period_action(client: Client, reporting: Period, action: str) -> str:
    """Publish, close or reopen a period from its page (which asks first)."""
    url = reverse("workflow:period_action", args=[period_slug(reporting), action])
    _landed(client.get(url))
    return _landed(client.post(url, follow=True))
