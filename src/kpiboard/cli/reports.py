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
