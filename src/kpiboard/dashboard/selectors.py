"""Reads for the dashboard, KPI, report and framework pages.

Every page is built from the same report model as the reports (``reports.build``), so a
figure, status or arrow on a page is the one in the PDF. Built reports, and the periods with
data, are cached (Django's cache framework) under a key that includes the *data version*: a
counter the database moves on whenever the framework, a figure or the cycle changes, whoever
writes (``kpiboard.core.dataversion``), so any change is seen at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import QuerySet

from kpiboard.core.dataversion import data_version_get
from kpiboard.data.models import PeriodValue
from kpiboard.engine.periods import FinancialYear, Period, PeriodError, PeriodKind
from kpiboard.kpis.models import KpiSet, Organisation
from kpiboard.reports.build import build_report
from kpiboard.reports.model import Report
from kpiboard.workflow.models import PeriodState, ReportingPeriod
from kpiboard.workflow.selectors import PUBLIC

CACHE_SECONDS = 600

def data_version(*, organisation: Organisation) -> str:
    """A short text that changes whenever the data or framework does (the database's own
    counter: ``kpiboard.core.dataversion``) — one primary-key lookup."""
    return data_version_get()


def report_get(*, organisation: Organisation, period: Period, layout: str = "monthly",
               kpi_set: str = "all", group_by: str = "directorate",
               visibility: str = "all") -> Report:
    """``build_report`` with its arguments, from the cache when nothing has changed."""
    return _report_cached(organisation, period, layout, kpi_set, group_by, visibility)[0]


def report_rendered_get(*, organisation: Organisation, period: Period, layout: str,
                        kpi_set: str, group_by: str, visibility: str, name: str,
                        render: Callable[[Report], bytes]) -> tuple[Report, bytes]:
    """The report and ``render(report)`` (the page's HTML, a download), both
    from the cache when nothing has changed: drawing a report of hundreds of KPIs takes
    longer than building it. ``name`` tells the renderings apart."""
    report, key = _report_cached(organisation, period, layout, kpi_set, group_by, visibility)
    rendered: bytes | None = cache.get(f"{key}:{name}")
    if rendered is None:
        rendered = render(report)
        cache.set(f"{key}:{name}", rendered, CACHE_SECONDS)
    return report, rendered


def report_fingerprint_get(*, organisation: Organisation, period: Period, layout: str,
                           kpi_set: str, group_by: str, visibility: str) -> str:
    """The fingerprint of the report (what its stored files are keyed by), from the cache
    when nothing has changed — without reading the cached report model itself, so that a
    download of a stored file costs the data-version query and two cache reads."""
    from kpiboard.reportfiles.selectors import report_fingerprint

    key = _report_key(organisation, period, layout, kpi_set, group_by, visibility)
    found: str | None = cache.get(f"{key}:fingerprint")
    if found is None:
        report, _ = _report_cached(organisation, period, layout, kpi_set, group_by,
                                   visibility, key=key)
        found = report_fingerprint(report)
        cache.set(f"{key}:fingerprint", found, CACHE_SECONDS)
    return found


def _report_key(organisation: Organisation, period: Period, layout: str, kpi_set: str,
                group_by: str, visibility: str) -> str:
    parts = [str(organisation.pk), period.key, layout, kpi_set, group_by, visibility,
             data_version(organisation=organisation)]
    return "kpiboard:report:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _report_cached(organisation: Organisation, period: Period, layout: str, kpi_set: str,
                   group_by: str, visibility: str, key: str = "") -> tuple[Report, str]:
    key = key or _report_key(organisation, period, layout, kpi_set, group_by, visibility)
    report: Report | None = cache.get(key)
    if report is None:
        report = build_report(organisation=organisation, period=period, layout=layout,
                              kpi_set=kpi_set, group_by=group_by, visibility=visibility)
        cache.set(key, report, CACHE_SECONDS)
    return report, key


# -- periods -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Periods:
    """The periods a person may look at, newest first, and the one shown by default."""

    choices: tuple[Period, ...]
    default: Period | None
    published_through: date | None
    years: frozenset[str]  # financial years with a KPI set

    def allows(self, period: Period, *, public: bool) -> bool:
        if period.year.label not in self.years:
            return False
        if public:
            return self.published_through is not None and period.end <= self.published_through
        return True


def periods_get(*, organisation: Organisation, visibility: str) -> Periods:
    """Months (and any quarter reporting periods) with data or a reporting period, in years
    with a KPI set; the public's only up to the latest published period. The default is the
    latest published period for the public; for everyone else the latest reporting period
    or period with data, whichever is later. From the cache while the data version is the
    same (every page asks, and finding the periods with data reads every value)."""
    key = "kpiboard:periods:" + hashlib.sha256("\x1f".join(
        [str(organisation.pk), visibility, data_version(organisation=organisation)]
    ).encode("utf-8")).hexdigest()
    found: Periods | None = cache.get(key)
    if found is None:
        found = _periods(organisation, visibility)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _periods(organisation: Organisation, visibility: str) -> Periods:
    years = frozenset(KpiSet.objects.filter(organisation=organisation)
                      .values_list("year", flat=True))
    reporting = list(ReportingPeriod.objects.filter(organisation=organisation)
                     .values_list("period", "state", "period_end"))
    with_data = (PeriodValue.objects.filter(kpi__kpi_set__organisation=organisation)
                 .order_by().values_list("period", flat=True).distinct())
    through = max((end for _, state, end in reporting
                   if state in (PeriodState.PUBLISHED, PeriodState.CLOSED)), default=None)
    found: set[Period] = set()
    for key in [k for k, _, _ in reporting]:
        p = _parse(key)
        if p is not None and p.kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
            found.add(p)
    for key in with_data:
        p = _parse(key)
        if p is not None and p.kind is PeriodKind.MONTH:
            found.add(p)
    shown = [p for p in found if p.year.label in years
             and (visibility != PUBLIC or (through is not None and p.end <= through))]
    shown.sort(key=lambda p: (p.end, p.kind is PeriodKind.MONTH), reverse=True)
    if visibility == PUBLIC:
        default = next((p for p in shown for k, state, _ in reporting if p.key == k
                        and state in (PeriodState.PUBLISHED, PeriodState.CLOSED)),
                       shown[0] if shown else None)
    else:
        default = shown[0] if shown else None
    return Periods(tuple(shown), default, through, years)


def _parse(key: str) -> Period | None:
    try:
        return Period.parse(key)
    except PeriodError:
        return None


def year_parse(text: str) -> FinancialYear | None:
    """``2023-24`` or ``2023/24`` as a financial year, or None."""
    try:
        return FinancialYear.parse(text)
    except PeriodError:
        return None


def year_slug(year: str) -> str:
    """A year label as it is written in addresses: ``2023/24`` → ``2023-24``."""
    return year.replace("/", "-")


def period_slug(period: Period) -> str:
    return period.key.replace("/", "-")


def kpi_sets_get(*, organisation: Organisation) -> QuerySet[KpiSet]:
    return KpiSet.objects.filter(organisation=organisation).order_by("year")
