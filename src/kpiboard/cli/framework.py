"""``kpiboard framework changes|counts``: review the KPI sets."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kpiboard.cli.common import fail, organisation, setup


def framework_review(args: argparse.Namespace) -> int:
    from kpiboard.engine.periods import FinancialYear, PeriodError
    from kpiboard.framework.review import changes_csv, framework_changes, framework_counts

    if args.framework:
        from kpiboard.framework import FrameworkError, load_framework

        try:
            fw = load_framework(args.framework)
        except FrameworkError as exc:
            return fail(str(exc))
    else:
        setup()
        from kpiboard.kpis.selectors import framework_get

        try:
            fw = framework_get(organisation=organisation(args.organisation))
        except LookupError as exc:
            return fail(str(exc))
    try:
        if args.review == "changes":
            a, b = FinancialYear.parse(args.from_year).label, FinancialYear.parse(args.to).label
            for y in (a, b):
                if y not in fw.years:
                    return fail(f"there is no {y} KPI set ({', '.join(sorted(fw.years))})")
            changes = framework_changes(fw, from_year=a, to_year=b)
            if args.format == "csv":
                sys.stdout.write(changes_csv(changes))
            else:
                _print_changes(changes, a, b)
        else:
            year = FinancialYear.parse(args.year).label
            if year not in fw.years:
                return fail(f"there is no {year} KPI set ({', '.join(sorted(fw.years))})")
            counts = framework_counts(fw, year=year)
            if args.format == "csv":
                sys.stdout.write(counts.as_csv())
            else:
                _print_counts(counts, year)
    except PeriodError as exc:
        return fail(str(exc))
    return 0


def _print_changes(changes: Any, a: str, b: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"KPI set changes from {a} to {b}", expand=True)
    for col in ("Change", "Ref", "Was", "How", "Note"):
        table.add_column(col, overflow="fold")
    for c in changes:
        table.add_row(c.kind, c.ref, ", ".join(c.previous_refs), "; ".join(c.how), c.note)
    Console(width=160).print(table)
    kinds: dict[str, int] = {}
    for c in changes:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    print(", ".join(f"{n} {k}" for k, n in kinds.items()) or "no changes")


def _print_counts(counts: Any, year: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"KPIs by key commitment and report section, {year}")
    table.add_column("Key commitment")
    for col in counts.columns:
        table.add_column(col, justify="right")
    for name, cells in counts.rows:
        table.add_row(name, *(str(c) for c in cells))
    Console(width=160).print(table)
