"""``kpiboard report``: build a report from the database and write it."""

from __future__ import annotations

import argparse
from pathlib import Path

from kpiboard.cli.common import fail, organisation, setup


def report(args: argparse.Namespace) -> int:
    from kpiboard.engine.periods import Period, PeriodError

    try:
        period = Period.parse(args.period)
    except PeriodError as exc:
        return fail(f"--period: {exc}")
    setup()  # before anything that imports models
    from kpiboard.reports.build import ReportError, build_report
    from kpiboard.reports.render import FORMATS, write

    formats = list(FORMATS) if not args.formats or "all" in args.formats else args.formats
    layouts = ["monthly", "scorecard", "summary"] if args.layout == "all" else [args.layout]
    try:
        org = organisation(args.organisation)
        for layout in layouts:
            built = build_report(organisation=org, period=period, layout=layout,
                                 kpi_set=args.kpi_set, group_by=args.group_by)
            for path in write(built, formats, Path(args.out)):
                print(path)
    except (LookupError, ReportError) as exc:
        return fail(str(exc))
    return 0


def report_files(args: argparse.Namespace) -> int:
    """``kpiboard reports build``: the files the web application serves."""
    from django.conf import settings

    from kpiboard.engine.periods import Period, PeriodError

    setup()
    from kpiboard.reportfiles import tasks
    from kpiboard.reportfiles.models import ReportFile
    from kpiboard.reportfiles.selectors import ALL, combinations_on_publish, latest_public_period
    from kpiboard.reportfiles.services import files_build_now

    try:
        org = organisation(args.organisation)
    except LookupError as exc:
        return fail(str(exc))
    key = args.period or latest_public_period(organisation=org)
    if key is None:
        return fail("no period has been published yet: give --period")
    try:
        period = Period.parse(key)
    except PeriodError as exc:
        return fail(f"--period: {exc}")
    combos = ALL if args.all else combinations_on_publish()
    if not combos:
        return fail("KPIBOARD_REPORT_FILES is none: give --all")
    n = files_build_now(organisation=org, period=period, combinations=combos, force=args.force)
    if settings.BROKER_URL:
        print(f"{n} report(s) of {period.label} (PDF, Word and Excel each) sent to the worker")
        return 0
    tasks.wait_idle()
    rows = ReportFile.objects.filter(organisation=org, period=period.key, visibility="public")
    failed = [r for r in rows if r.error]
    for r in rows.exclude(path="").order_by("layout", "kpi_set", "group_by", "fmt"):
        print(f"{settings.REPORT_FILES_DIR / r.path}")
    print(f"{n} report(s) of {period.label}: {len(combos) * 3 - len(failed)} file(s) up to date "
          f"in {settings.REPORT_FILES_DIR}" + (f", {len(failed)} failed" if failed else ""))
    for r in failed:
        print(f"  {r}: {r.error}")
    return 1 if failed else 0
