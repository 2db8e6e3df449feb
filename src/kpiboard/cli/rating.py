"""``kpiboard rate`` and ``kpiboard check-published``: a values file rated against a
framework file, with no database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpiboard.cli.common import fail
from kpiboard.engine.periods import Period, PeriodError
from kpiboard.framework import FrameworkError, load_framework
from kpiboard.framework.rate import InputError, RatedRow, rate_rows, read_values, render


def _rate(framework_path: str | Path, values_path: str | Path,
          period_text: str | None) -> list[RatedRow] | int:
    try:
        framework = load_framework(framework_path)
        rows = read_values(values_path, framework)
        period = Period.parse(period_text) if period_text else None
    except (FrameworkError, InputError) as exc:
        return fail(str(exc))
    except PeriodError as exc:
        return fail(f"--period: {exc}")
    return rate_rows(framework, rows, period)


def rate(args: argparse.Namespace) -> int:
    rated = _rate(args.framework, args.values, args.period)
    if isinstance(rated, int):
        return rated
    if args.format == "table":
        print_table(rated)
    else:
        sys.stdout.write(render(rated, args.format))
    return 0


def print_table(rated: list[RatedRow], title: str = "") -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title or None, show_lines=False, expand=True)
    for name, ratio in (("Ref", 1), ("Period", 1), ("Value", 1), ("Target", 1), ("Status", 1),
                        ("DoT", 1), ("Explanation", 6)):
        table.add_column(name, ratio=ratio, overflow="fold")
    for r in rated:
        d = r.as_dict()
        status = r.assessment.rating.status
        table.add_row(d["ref"], d["period"], d["value"], d["target"],
                      f"[{status.colour}]{status.display}[/]" if status.judged
                      else status.display, d["direction"], d["explanation"])
    Console(width=160 if not sys.stdout.isatty() else None).print(table)


def check_published(args: argparse.Namespace) -> int:
    from kpiboard.framework.published import check, print_check, write_check_csv

    try:
        framework = load_framework(args.framework)
        rows = read_values(args.values, framework)
        period = Period.parse(args.period)
        result = check(framework, rows, Path(args.published), period)
    except (FrameworkError, InputError) as exc:
        return fail(str(exc))
    except PeriodError as exc:
        return fail(f"--period: {exc}")
    if args.format == "csv":
        write_check_csv(result, sys.stdout)
    else:
        print_check(result)
    return 0


