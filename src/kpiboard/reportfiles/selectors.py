"""Reads for report files: which combinations are built when a period is published, the
fingerprint of a report (what a file is keyed by), where a file lives and whether it is
there."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Organisation
from kpiboard.reportfiles.models import ReportFile
from kpiboard.reports.build import GROUPINGS, SETS
from kpiboard.reports.layouts import LAYOUTS
from kpiboard.reports.model import Report
from kpiboard.workflow.models import PeriodState, ReportingPeriod

# The formats built in the background and served as files. CSV, JSON and HTML take a tenth
# of a second or less and are drawn on request (and cached) as before.
FILE_FORMATS = ("pdf", "xlsx", "docx")
Combination = tuple[str, str, str]  # layout, KPI set, grouping
# "main": every layout of the report the site offers first (core KPIs by directorate)
MAIN: tuple[Combination, ...] = tuple((layout, "core", "directorate") for layout in LAYOUTS)
ALL: tuple[Combination, ...] = tuple((layout, s, g) for layout in LAYOUTS for s in SETS
                                     for g in GROUPINGS)


def combinations_on_publish() -> tuple[Combination, ...]:
    """The combinations built for a period when it is published (``KPIBOARD_REPORT_FILES``):
    ``main`` (3), ``all`` (48), ``none``, or a list ``layout/set/grouping,...``."""
    value = str(settings.REPORT_FILES_ON_PUBLISH).strip()
    if value in ("", "main"):
        return MAIN
    if value == "all":
        return ALL
    if value == "none":
        return ()
    found: list[Combination] = []
    for item in value.split(","):
        parts = tuple(p.strip() for p in item.split("/"))
        if (len(parts) != 3 or parts[0] not in LAYOUTS or parts[1] not in SETS
                or parts[2] not in GROUPINGS):
            raise ImproperlyConfigured(
                f"KPIBOARD_REPORT_FILES: {item.strip()!r} is not layout/set/grouping (layouts "
                f"{', '.join(LAYOUTS)}; sets {', '.join(SETS)}; groupings "
                f"{', '.join(GROUPINGS)}), nor main, all or none")
        found.append((parts[0], parts[1], parts[2]))
    return tuple(found)


def report_fingerprint(report: Report) -> str:
    """What a report file is keyed by: a hash of everything the report shows (its figures,
    statuses, comments, columns...) except the time it was generated. Two reports with the
    same fingerprint give the same file, whoever asked (public or staff)."""
    text = repr(dataclasses.replace(report, generated=""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def files_root() -> Path:
    return Path(settings.REPORT_FILES_DIR)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_path(*, organisation: Organisation, period: str, layout: str, kpi_set: str,
              group_by: str, fmt: str, version: str) -> str:
    """Where a file is kept, relative to ``files_root()``: by organisation and period, then
    layout, set, grouping and the report's fingerprint, e.g.
    ``org-1/2024-02/monthly-core-directorate-3f2a….pdf``."""
    return (f"org-{organisation.pk}/{period.replace('/', '-')}/"
            f"{layout}-{_slug(kpi_set)}-{group_by}-{version}.{fmt}")


def file_find(*, organisation: Organisation, period: Period, layout: str, kpi_set: str,
              group_by: str, fmt: str, version: str) -> ReportFile | None:
    """A built file of the report with fingerprint ``version`` that is on disk, or None."""
    rows = ReportFile.objects.filter(
        organisation=organisation, period=period.key, layout=layout, kpi_set=kpi_set,
        group_by=group_by, fmt=fmt, built_version=version).exclude(path="")
    for row in rows:
        if (files_root() / row.path).is_file():
            return row
    return None


def file_pending(*, organisation: Organisation, period: Period, layout: str, kpi_set: str,
                 group_by: str, visibility: str, fmt: str) -> ReportFile | None:
    """The row of a build waiting or running for this combination and visibility, or None."""
    return ReportFile.objects.filter(
        organisation=organisation, period=period.key, layout=layout, kpi_set=kpi_set,
        group_by=group_by, visibility=visibility, fmt=fmt, queued_at__isnull=False).first()


def latest_public_period(*, organisation: Organisation) -> str | None:
    """The key of the latest published (or closed) reporting period, or None."""
    key: str | None = (ReportingPeriod.objects.filter(
        organisation=organisation, state__in=[PeriodState.PUBLISHED, PeriodState.CLOSED])
        .order_by("-period_end").values_list("period", flat=True).first())
    return key


def public_combinations(*, organisation: Organisation,
                        period: str | None) -> list[tuple[str, Combination]]:
    """What to (re)build after a publication or a change to published figures: the
    combinations of ``combinations_on_publish`` for ``period`` (default: the latest public
    period), and every public combination that already has a file on disk (someone wanted
    it), in any period. The builder skips a file whose report has not changed."""
    key = period or latest_public_period(organisation=organisation)
    wanted: dict[tuple[str, Combination], None] = {}
    if key is not None:
        for combo in combinations_on_publish():
            wanted[(key, combo)] = None
    root = files_root()
    for p, layout, kpi_set, group_by, path in (ReportFile.objects.filter(
            organisation=organisation, visibility="public").exclude(path="")
            .values_list("period", "layout", "kpi_set", "group_by", "path")
            .order_by("period", "layout", "kpi_set", "group_by")):
        if (root / path).is_file():  # not a row whose files were removed (or moved)
            wanted[(p, (layout, kpi_set, group_by))] = None
    return list(wanted)
