"""Writes for report files: asking for builds (after a publication, a change to published
figures, or a member of staff's download) and the build itself, which runs in the worker
(``tasks``), never on a web request.

A build draws the report once and writes each format atomically (``data.files.atomic_output``)
to a path named by the report's fingerprint; a file whose report has not changed is not
drawn again, and a file another visibility already has (the same fingerprint) is shared.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kpiboard.data.files import atomic_output
from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Organisation
from kpiboard.reportfiles import tasks
from kpiboard.reportfiles.models import ReportFile
from kpiboard.reportfiles.selectors import (
    FILE_FORMATS,
    file_path,
    files_root,
    public_combinations,
    report_fingerprint,
)

log = logging.getLogger("kpiboard.reportfiles")


def _rows(organisation: Organisation, period: str, layout: str, kpi_set: str, group_by: str,
          visibility: str, formats: Iterable[str]) -> list[ReportFile]:
    rows = []
    for fmt in formats:
        key: dict[str, Any] = {
            "organisation": organisation, "period": period, "layout": layout,
            "kpi_set": kpi_set, "group_by": group_by, "visibility": visibility, "fmt": fmt}
        try:
            row, _ = ReportFile.objects.get_or_create(**key)
        except IntegrityError:  # made at the same moment by another build
            row = ReportFile.objects.get(**key)
        rows.append(row)
    return rows


def _queue(organisation: Organisation, period: str, layout: str, kpi_set: str, group_by: str,
           visibility: str, formats: tuple[str, ...], user: Any = None, *,
           background: bool = False) -> None:
    """Mark the files as being prepared and send their build to the worker."""
    rows = _rows(organisation, period, layout, kpi_set, group_by, visibility, formats)
    ReportFile.objects.filter(pk__in=[r.pk for r in rows]).update(
        queued_at=timezone.now(), requested_by=user if getattr(
            user, "is_authenticated", False) else None)
    tasks.dispatch("build", {
        "organisation_id": organisation.pk, "period": period, "layout": layout,
        "kpi_set": kpi_set, "group_by": group_by, "visibility": visibility,
        "formats": list(formats)}, background=background)


def file_request(*, organisation: Organisation, period: Period, layout: str, kpi_set: str,
                 group_by: str, visibility: str, user: Any) -> None:
    """A signed-in person asked for a file that is not built: queue the build of the
    combination's files (every format), after the request's transaction commits, always in
    the background (the worker, or the web process's background thread) — never on the
    request itself. Nothing is queued again while a build is waiting."""
    if ReportFile.objects.filter(
            organisation=organisation, period=period.key, layout=layout, kpi_set=kpi_set,
            group_by=group_by, visibility=visibility, queued_at__isnull=False).exists():
        return
    transaction.on_commit(lambda: _queue(organisation, period.key, layout, kpi_set, group_by,
                                         visibility, FILE_FORMATS, user, background=True))


def files_refresh_later(*, organisation: Organisation, period: str | None = None) -> None:
    """After the current transaction commits: (re)build the public files that a
    publication of ``period`` (None: a change to published figures) may have changed — see
    ``selectors.public_combinations``. Each combination is a job of its own for the worker."""
    org_id = organisation.pk
    transaction.on_commit(lambda: files_refresh(organisation_id=org_id, period=period))


def files_refresh(*, organisation_id: int, period: str | None = None) -> int:
    """Queue the build of every public combination that a change may concern (see
    ``files_refresh_later``); returns how many were queued. Never raises: the change that
    asked for it has been saved, and ``kpiboard reports build`` rebuilds what is missing."""
    try:
        organisation = Organisation.objects.get(pk=organisation_id)
        combos = public_combinations(organisation=organisation, period=period)
        for key, (layout, kpi_set, group_by) in combos:
            _queue(organisation, key, layout, kpi_set, group_by, "public", FILE_FORMATS)
        return len(combos)
    except Exception:
        log.exception("report files were not queued after a change to published figures")
        return 0


def files_build(*, organisation_id: int, period: str, layout: str, kpi_set: str,
                group_by: str, visibility: str, formats: list[str] | tuple[str, ...] = FILE_FORMATS,
                force: bool = False) -> int:
    """The worker's job: draw the report as it is now and write each format that is not on
    disk yet. Returns how many files were written (0: all were up to date). A format that
    fails is recorded on its row (``error``) and logged; the others are still written."""
    from kpiboard.reports.build import build_report
    from kpiboard.reports.render import render

    organisation = Organisation.objects.get(pk=organisation_id)
    rows = _rows(organisation, period, layout, kpi_set, group_by, visibility, formats)
    ReportFile.objects.filter(pk__in=[r.pk for r in rows]).update(building_since=timezone.now())
    written = 0
    try:
        report = build_report(organisation=organisation, period=Period.parse(period),
                              layout=layout, kpi_set=kpi_set, group_by=group_by,
                              visibility=visibility)
        version = report_fingerprint(report)
    except Exception as exc:
        log.exception("report %s %s %s %s could not be built", period, layout, kpi_set, group_by)
        ReportFile.objects.filter(pk__in=[r.pk for r in rows]).update(
            error=f"{type(exc).__name__}: {exc}", queued_at=None, building_since=None)
        return 0
    root = files_root()
    for row in rows:
        rel = file_path(organisation=organisation, period=period, layout=layout,
                        kpi_set=kpi_set, group_by=group_by, fmt=row.fmt, version=version)
        target = root / rel
        started = time.perf_counter()
        try:
            if force or not target.is_file():
                data = render(report, row.fmt)
                target.parent.mkdir(parents=True, exist_ok=True)
                with atomic_output(target) as partial:
                    partial.write_bytes(data)
                written += 1
                digest = hashlib.sha256(data).hexdigest()
                built_at = timezone.now()
            elif row.built_version == version and row.path == rel and row.sha256:
                digest, built_at = row.sha256, row.built_at or timezone.now()
            else:  # on disk already: another visibility's identical report
                digest = hashlib.sha256(target.read_bytes()).hexdigest()
                built_at = timezone.now()
        except Exception as exc:
            log.exception("%s could not be written", rel)
            ReportFile.objects.filter(pk=row.pk).update(
                error=f"{type(exc).__name__}: {exc}", queued_at=None, building_since=None)
            continue
        old = row.path if row.path and row.path != rel else ""
        ReportFile.objects.filter(pk=row.pk).update(
            built_version=version, path=rel, size=target.stat().st_size, sha256=digest,
            built_at=built_at, seconds=round(time.perf_counter() - started, 3), error="",
            queued_at=None, building_since=None)
        if old and not ReportFile.objects.filter(organisation=organisation, path=old).exists():
            (root / old).unlink(missing_ok=True)  # the report changed: its old file goes
    return written


def files_build_now(*, organisation: Organisation, period: Period,
                    combinations: Iterable[tuple[str, str, str]], visibility: str = "public",
                    force: bool = False) -> int:
    """Build (or send to the worker) the files of each combination: ``kpiboard reports
    build`` and the demo. Returns how many combinations were sent."""
    n = 0
    for layout, kpi_set, group_by in combinations:
        rows = _rows(organisation, period.key, layout, kpi_set, group_by, visibility,
                     FILE_FORMATS)
        ReportFile.objects.filter(pk__in=[r.pk for r in rows]).update(queued_at=timezone.now())
        tasks.dispatch("build", {
            "organisation_id": organisation.pk, "period": period.key, "layout": layout,
            "kpi_set": kpi_set, "group_by": group_by, "visibility": visibility,
            "formats": list(FILE_FORMATS), "force": force})
        n += 1
    return n
