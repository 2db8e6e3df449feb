"""``kpiboard import``, ``export``, ``dump`` and ``restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kpiboard.cli.common import fail, notice, organisation, setup
from kpiboard.imports.lock import import_lock


def import_framework(args: argparse.Namespace) -> int:
    from kpiboard.framework import FrameworkError, load_framework

    try:
        fw = load_framework(args.file)
    except FrameworkError as exc:
        return fail(str(exc))
    setup()
    from kpiboard.engine.numbers import NumberBoundsError
    from kpiboard.kpis.services import framework_save

    try:
        with import_lock(f"import framework {Path(args.file).name}", waiting=notice):
            report = framework_save(framework=fw, dry_run=args.dry_run, replace=args.replace,
                                    source=args.file)
    except NumberBoundsError as exc:
        return fail(f"{Path(args.file).name}: {exc}")
    print(report.summary())
    return 0


def import_kpi_set(args: argparse.Namespace) -> int:
    """Import a KPI set spreadsheet, linked to the stored previous year's set (see
    ``kpiboard.kpis.rollover``): nothing is guessed, every problem is listed."""
    from kpiboard.imports.tabular import TableImportError

    setup()
    from kpiboard.engine.numbers import NumberBoundsError
    from kpiboard.kpis.rollover import RolloverError, kpi_set_import

    try:
        org = organisation(args.organisation)
        with import_lock(f"import kpi-set {Path(args.file).name}", waiting=notice):
            report = kpi_set_import(organisation=org, path=args.file, year=args.year,
                                    sheet=args.sheet, dry_run=args.dry_run,
                                    replace=args.replace)
    except (LookupError, TableImportError, RolloverError) as exc:
        return fail(str(exc))
    except NumberBoundsError as exc:
        return fail(f"{Path(args.file).name}: {exc}")
    print(report.summary())
    return 0


def import_values(args: argparse.Namespace) -> int:
    from kpiboard.imports.tabular import TableImportError
    from kpiboard.imports.values import read_period_data

    setup()
    from kpiboard.data.services import values_import
    from kpiboard.kpis.selectors import framework_get

    try:
        org = organisation(args.organisation)
        fw = framework_get(organisation=org)
        records = read_period_data(args.file, fw, sheet=args.sheet)
    except LookupError as exc:
        return fail(f"{Path(args.file).name}: {exc}")
    except TableImportError as exc:
        return fail(str(exc))
    # The records go straight in: they have every attribute of a ValueInput, and copying a
    # million of them would cost seconds.
    from kpiboard.data.services import UnknownKpi
    from kpiboard.engine.numbers import NumberBoundsError

    try:
        with import_lock(f"import values {Path(args.file).name}", waiting=notice):
            report = _with_progress(len(records), lambda progress: values_import(
                organisation=org, values=records, source=Path(args.file).name,
                reason=args.reason, dry_run=args.dry_run, progress=progress,
                read_checked=True))
    except (NumberBoundsError, UnknownKpi) as exc:
        return fail(f"{Path(args.file).name}: {exc}")
    print(report.summary())
    if not args.dry_run and (report.created or report.revised or report.commentary_written
                             or report.published_written):
        from kpiboard.audit.models import Action, audit_record

        audit_record(organisation=org, action=Action.IMPORTED,
                     summary=f"{Path(args.file).name} imported: {report.created} new values, "
                             f"{report.revised} revised, {report.commentary_written} "
                             f"commentaries, {report.published_written} published years "
                             "to date" + (f" (reason: {args.reason})" if args.reason
                                                else ""),
                     detail={"file": Path(args.file).name, "created": report.created,
                             "revised": report.revised,
                             "published_written": report.published_written})
    for line in report.revisions[:20]:
        print(f"  revised {line}")
    if len(report.revisions) > 20:
        print(f"  … and {len(report.revisions) - 20} more revisions")
    return 0


def _with_progress(total: int, work: Any) -> Any:
    if total < 20_000 or not sys.stderr.isatty():
        return work(None)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("importing values", total=total)
        return work(lambda n: bar.advance(task, n))


def export(args: argparse.Namespace) -> int:
    setup()
    from kpiboard.kpis.selectors import framework_get

    try:
        org = organisation(args.organisation)
    except LookupError as exc:
        return fail(str(exc))
    out = Path(args.out)
    from kpiboard.data.files import atomic_output

    with atomic_output(out) as partial:
        if args.what == "framework":
            from kpiboard.framework.dump import dump_framework_text

            partial.write_text(dump_framework_text(framework_get(organisation=org)),
                               encoding="utf-8")
        elif args.what == "kpi-set":
            from kpiboard.engine.periods import FinancialYear
            from kpiboard.imports.kpiset import write_kpi_set

            fw = framework_get(organisation=org)
            year = FinancialYear.parse(args.year).label if args.year else max(fw.years)
            previous = FinancialYear.parse(year).previous().label
            prev = fw.years.get(previous)
            write_kpi_set(fw.years[year].kpis.values(), partial, year=year,
                          previous_year=previous if prev else None,
                          previous_targets={r: k.targets[previous] for r, k in prev.kpis.items()
                                            if previous in k.targets} if prev else None,
                          changes=[*fw.years[year].changes, *fw.years[year].removed])
        else:
            from kpiboard.data.exports import values_export

            values_export(organisation=org, path=partial, year=args.year)
    print(f"wrote {out}")
    return 0


def dump(args: argparse.Namespace) -> int:
    setup()
    from kpiboard.data.backup import database_dump

    count = database_dump(Path(args.file))
    print(f"wrote {count} records to {args.file}")
    return 0


def restore(args: argparse.Namespace) -> int:
    setup()
    from kpiboard.data.backup import RestoreError, database_restore

    try:
        with import_lock(f"restore {Path(args.file).name}", waiting=notice):
            count = database_restore(Path(args.file), replace=args.replace)
    except RestoreError as exc:
        return fail(str(exc))
    print(f"restored {count} records from {args.file}")
    return 0
