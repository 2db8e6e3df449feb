"""``kpiboard serve`` and ``kpiboard demo``: the web application under gunicorn (several
worker processes), and the example council loaded and served."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from kpiboard.cli.common import setup

ACCESS_LOG_FORMAT = ('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
                     'request_id=%({x-request-id}o)s')


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from kpiboard.wsgi import application

        return application


def run_server(*, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None,
          threads: int = 4, quiet: bool = False) -> None:
    """Serve until interrupted. Static files come from WhiteNoise, so nothing else is
    needed in front for a demo or a small deployment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpiboard.settings")
    _Server({
        "bind": f"{host}:{port}",
        "workers": workers or min(4, (os.cpu_count() or 1) + 1),
        "threads": threads,
        "accesslog": None if quiet else "-",
        # Each request's id (kpiboard.core.requestid) ends its access-log line, so a line in
        # the access log leads to the error and traceback logged under the same id.
        "access_log_format": ACCESS_LOG_FORMAT,
        # gunicorn's own errors (a worker that crashed or timed out, with the traceback) go to
        # standard error with Django's (docs/deploy.md#logs).
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 60,
    }).run()


def demo(args: argparse.Namespace) -> int:
    from kpiboard.cli.rating import print_table
    from kpiboard.engine.periods import Period
    from kpiboard.framework import load_framework
    from kpiboard.framework.rate import render

    setup()
    from kpiboard.example import EXAMPLE, demo_load

    summary = demo_load(EXAMPLE)
    from kpiboard.data.selectors import period_assess
    from kpiboard.kpis.selectors import organisation_get

    org = organisation_get(name=load_framework(EXAMPLE / "framework.yaml").organisation)
    from kpiboard.example import DEMO_PASSWORD, demo_people, demo_periods

    cycle = demo_periods(org)
    people = demo_people(org)
    rated = period_assess(organisation=org, period=Period.parse("2024-02"))
    if args.format != "table":
        sys.stdout.write(render(rated, args.format))
        return 0
    print_table(rated, f"{org.name} (example) — February 2023/24, from the database")
    print(summary)
    if args.reports:
        from kpiboard.reports.build import build_report
        from kpiboard.reports.render import FORMATS, write

        print(f"\nFebruary 2024 reports, every layout and format, in {args.reports}/:")
        for layout in ("monthly", "scorecard", "summary"):
            built = build_report(organisation=org, period=Period.parse("2024-02"),
                                 layout=layout, kpi_set="all")
            for path in write(built, list(FORMATS), Path(args.reports)):
                print(f"  {path}")
    print(cycle)
    _report_files(org, Period.parse("2024-02"))
    if args.serve:
        print(f"\nServing {org.name} at http://{args.host}:{args.port}/ "
              "(press Ctrl+C to stop). Sign in at "
              f"http://{args.host}:{args.port}/sign-in/ as:")
    else:
        print("\nSign-ins for `kpiboard serve` (or `kpiboard demo --serve`):")
    for role, username, scope in people:
        print(f"  {role:<22} {username:<12} password {DEMO_PASSWORD}"
              + (f"  ({scope})" if scope else ""))
    print("  The public: no sign-in; sees published figures only.")
    if args.serve:
        sys.stdout.flush()
        run_server(host=args.host, port=args.port, workers=args.workers)
    return 0


def _report_files(org: Any, period: Any) -> None:
    """The files the web application serves for the latest published period: built now
    (no broker) or sent to the worker (docs/reports.md, "Report files")."""
    import time

    from django.conf import settings

    from kpiboard.reportfiles.selectors import combinations_on_publish
    from kpiboard.reportfiles.services import files_build_now

    started = time.perf_counter()
    n = files_build_now(organisation=org, period=period,
                        combinations=combinations_on_publish())
    if settings.BROKER_URL:
        print(f"\nReport files: {n} report(s) of {period.label} sent to the worker "
              "(kpiboard worker)")
    elif n:
        print(f"\nReport files: {n} report(s) of {period.label} as PDF, Word and Excel, "
              f"up to date in {settings.REPORT_FILES_DIR} "
              f"({time.perf_counter() - started:.0f} s)")


def serve(args: argparse.Namespace) -> int:
    setup()
    print(f"Serving at http://{args.host}:{args.port}/ (press Ctrl+C to stop)", flush=True)
    run_server(host=args.host, port=args.port, workers=args.workers)
    return 0
