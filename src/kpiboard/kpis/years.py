"""Closing a financial year and opening the next: the performance team's rollover.

``year_close`` records every KPI's outturn (its figure for the whole year) and locks the
year's reporting periods; ``year_open`` (optionally importing the new KPI set first) checks
the new set's links to the previous one and creates its twelve monthly reporting periods.
Both are performance team or administrator only, one transaction each, and audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kpiboard.accounts.access import Access
from kpiboard.audit.models import Action, audit_record
from kpiboard.data.guard import storable
from kpiboard.engine.aggregate import AggregationError, Observation, year_to_date
from kpiboard.engine.numbers import NumberBoundsError
from kpiboard.engine.periods import FinancialYear, Period
from kpiboard.engine.types import ValueBasis
from kpiboard.kpis import models as m


class YearError(ValueError):
    """A year that cannot be closed or opened, and why."""


class YearNotAllowed(YearError):
    """The person is not in the performance team."""


@dataclass
class YearClosed:
    year: str
    outturns: int = 0
    without_outturn: list[str] = field(default_factory=list)  # refs with no figure
    periods_closed: int = 0

    def summary(self) -> str:
        missing = (f"; no outturn for {len(self.without_outturn)}: "
                   f"{', '.join(self.without_outturn[:10])}"
                   f"{'…' if len(self.without_outturn) > 10 else ''}"
                   if self.without_outturn else "")
        return (f"{self.year} closed: {self.outturns} outturns recorded{missing}; "
                f"{self.periods_closed} reporting periods locked.")


@dataclass
class YearOpened:
    year: str
    kinds: dict[str, int] = field(default_factory=dict)  # link kind -> KPIs
    periods_created: int = 0
    imported: str = ""

    def summary(self) -> str:
        links = ", ".join(f"{n} {k}" for k, n in sorted(self.kinds.items())) or "no KPIs"
        head = f"{self.imported}\n" if self.imported else ""
        return (f"{head}{self.year} open: {links}; {self.periods_created} reporting periods "
                "created.")


def _allowed(access: Access) -> None:
    if not access.can("publish"):
        raise YearNotAllowed("Only the performance team can close or open a year")


def _kpi_set(organisation: m.Organisation, year: str) -> m.KpiSet:
    found = m.KpiSet.objects.filter(organisation=organisation, year=year).first()
    if found is None:
        have = ", ".join(organisation.kpi_sets.values_list("year", flat=True)) or "none"
        raise YearError(f"there is no {year} KPI set (there are: {have})")
    return found


@transaction.atomic
def year_close(*, access: Access, organisation: m.Organisation, year: str) -> YearClosed:
    """Record the outturn of every KPI and sub-measure of ``year`` and lock the year's
    reporting periods (every period ending by 31 March is closed)."""
    from kpiboard.data.selectors import value_rows_get
    from kpiboard.workflow.models import PeriodState, ReportingPeriod

    _allowed(access)
    fy = FinancialYear.parse(year)
    kpi_set = _kpi_set(organisation, fy.label)
    if kpi_set.closed_at is not None:
        closed = timezone.localtime(kpi_set.closed_at)
        raise YearError(f"{fy.label} was closed on {closed:%d %B %Y}")
    series: dict[tuple[str, str], dict[Period, Observation]] = defaultdict(dict)
    for row in value_rows_get(organisation=organisation, years=[fy.label]):
        series[(row.ref, row.sub_measure)][row.period] = row.observation
    result = YearClosed(fy.label)
    whole, march = Period.full_year(fy), fy.months()[-1]
    outturns = []
    for kpi in kpi_set.kpis.prefetch_related("sub_measures"):
        for sub in ["", *(s.code for s in kpi.sub_measures.all())]:
            got = series.get((kpi.ref, sub), {})
            obs, derived = got.get(whole), False
            if obs is None and got:
                try:
                    obs, derived = year_to_date(ValueBasis(kpi.basis), got, march), True
                except (AggregationError, ValueError):
                    obs = None
            if obs is None:
                result.without_outturn.append(f"{kpi.ref}/{sub}" if sub else kpi.ref)
                continue
            label = f"{kpi.ref}/{sub}" if sub else kpi.ref
            try:  # a computed figure (a mean, a sum) rounded to the columns' 10 places
                figures = [storable(n, f"{label} outturn") for n in
                           (obs.value, obs.numerator, obs.denominator)]
            except NumberBoundsError:
                result.without_outturn.append(f"{label} (too large to store)")
                continue
            outturns.append(m.Outturn(kpi=kpi, sub_measure=sub, value=figures[0],
                                      numerator=figures[1], denominator=figures[2],
                                      state=obs.state.value, derived=derived))
    m.Outturn.objects.filter(kpi__kpi_set=kpi_set).delete()
    m.Outturn.objects.bulk_create(outturns)
    result.outturns = len(outturns)
    now = timezone.now()
    _rp, created = ReportingPeriod.objects.get_or_create(
        organisation=organisation, period=march.key,
        defaults={"period_end": march.end, "deadline": march.end, "state": PeriodState.CLOSED})
    result.periods_closed = ReportingPeriod.objects.filter(
        organisation=organisation, period_end__lte=fy.months()[-1].end).exclude(
        state=PeriodState.CLOSED).update(state=PeriodState.CLOSED, closed_at=now) + (
        1 if created else 0)
    kpi_set.closed_at = now
    kpi_set.save(update_fields=["closed_at"])
    audit_record(organisation=organisation, action=Action.YEAR_CLOSED, user=access.user,
                 period=fy.label, summary=result.summary(),
                 detail={"outturns": result.outturns, "without_outturn": result.without_outturn,
                         "periods_closed": result.periods_closed})
    return result


@transaction.atomic
def year_open(*, access: Access, organisation: m.Organisation, year: str,
              kpi_set_file: str | None = None, deadline_day: int = 15) -> YearOpened:
    """Open ``year``: import its KPI set first if ``kpi_set_file`` is given (linked to the
    previous year's), check every KPI's link to the previous set, and create the year's
    monthly reporting periods (figures due on ``deadline_day`` of the following month).
    Raises ``YearError``, ``RolloverError`` or ``TableImportError``; nothing is stored then."""
    from kpiboard.framework.lineage import check_links, links
    from kpiboard.kpis.rollover import kpi_set_import
    from kpiboard.kpis.selectors import framework_get
    from kpiboard.workflow.models import ReportingPeriod

    _allowed(access)
    fy = FinancialYear.parse(year)
    result = YearOpened(fy.label)
    if kpi_set_file:
        result.imported = kpi_set_import(organisation=organisation, path=kpi_set_file,
                                         year=fy.label).summary()
    kpi_set = _kpi_set(organisation, fy.label)
    previous = fy.previous().label
    fw = framework_get(organisation=organisation, years=[previous, fy.label])
    problems = [msg for _, msg in check_links(fw.years[fy.label], fw.years.get(previous))] \
        if previous in fw.years else []
    if problems:
        raise YearError(f"the {fy.label} set's links to {previous} are wrong:\n"
                        + "\n".join(f"  - {p}" for p in problems))
    for link in links(fw, fy.label).values():
        result.kinds[link.kind] = result.kinds.get(link.kind, 0) + 1
    for month in fy.months():
        nxt = month.next().start
        _rp, created = ReportingPeriod.objects.get_or_create(
            organisation=organisation, period=month.key,
            defaults={"period_end": month.end, "deadline": date(nxt.year, nxt.month,
                                                                deadline_day)})
        result.periods_created += created
    if kpi_set.opened_at is None:
        kpi_set.opened_at = timezone.now()
        kpi_set.save(update_fields=["opened_at"])
    audit_record(organisation=organisation, action=Action.YEAR_OPENED, user=access.user,
                 period=fy.label, summary=result.summary(),
                 detail={"links": result.kinds, "periods_created": result.periods_created})
    return result


def years_get(*, organisation: m.Organisation) -> list[dict[str, Any]]:
    """Each KPI set with its state (open, closed, not opened), KPI and outturn counts."""
    out = []
    for s in organisation.kpi_sets.order_by("-year"):
        state = "closed" if s.closed_at else "open" if s.opened_at else "not opened"
        out.append({"year": s.year, "slug": s.year.replace("/", "-"), "state": state,
                    "kpis": s.kpis.count(), "outturns": m.Outturn.objects.filter(
                        kpi__kpi_set=s).count(), "closed_at": s.closed_at,
                    "opened_at": s.opened_at})
    return out


def outturn_text(o: m.Outturn) -> str:
    if o.value is None:
        return o.state.replace("_", " ")
    return format(Decimal(o.value).normalize(), "f")
