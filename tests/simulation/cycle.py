"""The monthly cycle driven through the workflow services, as the people of a council do it:
open the period, enter every figure due, submit, approve, publish, revise a published figure
with a reason, close.

Shared by the two-year simulation and the web crawl of the example council. Values are made up
but deterministic (the same KPI and period always gets the same figure), so a test can say
what the pages must show.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User

from kpiboard.accounts.access import Access, access_for
from kpiboard.engine.periods import Period
from kpiboard.engine.types import Unit
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.workflow.models import PeriodState, Submission, SubmissionState
from kpiboard.workflow.selectors import DueItem, due_items
from kpiboard.workflow.services import (
    Figure,
    entry_save,
    figure_lock,
    period_close,
    period_open,
    period_publish,
    submission_decide,
)


@dataclass
class People:
    """The organisation and one user per role, by name (see tests/workflow/people.py)."""

    org: Organisation
    users: dict[str, User]

    def access(self, name: str) -> Access:
        return access_for(self.users[name], self.org)


def deadline(reporting: Period) -> date:
    """The 15th of the month after the reporting period, as the example council sets it."""
    nxt = reporting.next().start
    return date(nxt.year, nxt.month, 15)


def figure_text(kpi: Kpi, period: Period, sub_measure: str = "") -> str:
    """A made-up but repeatable figure for ``kpi`` in ``period``, written as a council would
    (a percentage between 60% and 99.9%, else a count)."""
    seed = zlib.crc32(f"{kpi.ref}|{sub_measure}|{period.key}".encode())
    if Unit(kpi.unit) is Unit.PERCENT:
        return f"{60 + seed % 400 / 10:.1f}%"
    return f"{10 + seed % 990:,}"


def figures_for(kpi: Kpi, period: Period) -> list[Figure]:
    """The KPI's own figure and one for each of its sub-measures."""
    codes = list(kpi.sub_measures.order_by("order").values_list("code", flat=True))
    return [Figure(text=figure_text(kpi, period)),
            *(Figure(sub_measure=c, text=figure_text(kpi, period, c),
                     prefix=f"sub-{i}-") for i, c in enumerate(codes))]


def open_period(people: People, reporting: Period) -> None:
    period_open(access=people.access("officer"), organisation=people.org, period=reporting,
                deadline=deadline(reporting))


def due(people: People, reporting: Period) -> list[DueItem]:
    return due_items(organisation=people.org, reporting=reporting)


def enter(people: People, item: DueItem, *, who: str = "officer", submit: bool = True,
          commentary: str = "") -> None:
    """Enter (and submit) the figures of one due item, at the version stored now.

    A figure whose period is locked (published) by the time it is entered can only be
    revised by the performance team, with a reason; it is entered that way."""
    sub = Submission.objects.filter(kpi=item.kpi, period=item.period.key).first()
    locked = figure_lock(kpi=item.kpi, period=item.period) != PeriodState.OPEN
    entry_save(access=people.access("officer" if locked else who), kpi=item.kpi,
               period=item.period, version=sub.version if sub else 0,
               figures=figures_for(item.kpi, item.period),
               commentary=commentary or f"{item.kpi.ref} in {item.period.label}.",
               submit=submit and not locked,
               reason="Reported in arrears, after its month was published" if locked else "")


def approve(people: People, item: DueItem, *, who: str = "admin") -> None:
    """Approve a submitted item — by the administrator, as the performance officer entered
    most of them and nobody approves what they submitted."""
    sub = Submission.objects.get(kpi=item.kpi, period=item.period.key)
    if sub.state == SubmissionState.SUBMITTED:
        submission_decide(access=people.access(who), kpi=item.kpi, period=item.period,
                          version=sub.version, approve=True)


def revise(people: People, kpi: Kpi, period: Period, text: str, reason: str) -> None:
    """The performance team revises a published figure, giving the reason."""
    sub = Submission.objects.filter(kpi=kpi, period=period.key).first()
    entry_save(access=people.access("officer"), kpi=kpi, period=period,
               version=sub.version if sub else 0, figures=[Figure(text=text)],
               commentary="", reason=reason)


def publish(people: People, reporting: Period) -> int:
    return period_publish(access=people.access("officer"), organisation=people.org,
                          period=reporting)


def close(people: People, reporting: Period) -> None:
    period_close(access=people.access("officer"), organisation=people.org, period=reporting)


def run_month(people: People, reporting: Period, *, stage: str) -> list[DueItem]:
    """One month's cycle through the services, as far as ``stage``: ``open`` (opened,
    nothing entered), ``draft`` (every figure saved, none submitted), ``submitted``,
    ``approved`` or ``published``. Returns the items that were due."""
    open_period(people, reporting)
    items = due(people, reporting)
    if stage == "open":
        return items
    for item in items:
        if item.state in ("approved", "imported", "submitted"):
            continue  # already through (an imported figure, or entered earlier)
        enter(people, item, submit=stage != "draft")
    if stage in ("approved", "published"):
        for item in items:
            if Submission.objects.filter(kpi=item.kpi, period=item.period.key).exists():
                approve(people, item)
    if stage == "published":
        publish(people, reporting)
    return items
