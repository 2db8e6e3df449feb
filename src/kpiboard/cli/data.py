"""``kpiboard import``, ``export``, ``dump`` and ``restore``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from kpiboard.cli.common import fail, organisation, setup


def import_framework(args: argparse.Namespace) -> int:
    from kpiboard.framework import FrameworkError, load_framework

    try:
        fw = load_framework(args.file)
    except FrameworkError as exc:
        return fail(str(exc))
    setup()
    from kpiboard.kpis.services import framework_save

    report = framework_save(framework=fw, dry_run=args.dry_run)
    print(report.summary())
    return 0


def import_kpi_set(args: argparse.Namespace) -> int:
    from kpiboard.imports.kpiset import read_kpi_set
    from kpiboard.imports.tabular import TableImportError

    setup()
    from kpiboard.kpis.selectors import framework_get
    from kpiboard.kpis.services import framework_save

    try:
        org = organisation(args.organisation)
        result = read_kpi_set(args.file, year=args.year)
    except (LookupError, TableImportError) as exc:
        return fail(str(exc))
    fw = framework_get(organisation=org)
    merged, problems = merge_kpi_set(fw, result, default_polarity=args.default_polarity)
    if problems:
        return fail("\n".join(problems))
    report = framework_save(framework=merged, dry_run=args.dry_run)
    print(report.summary())
    return 0


def merge_kpi_set(fw: Any, result: Any, *, default_polarity: str | None) -> tuple[Any, list[str]]:
    """A KPI set spreadsheet names, places and targets KPIs; how each is measured (polarity,
    unit, basis, frequency, tolerance, sub-measures, schemes) carries over from the previous
    year's definition of the same ref (or the ref it was renumbered from)."""
    from kpiboard.engine.periods import FinancialYear
    from kpiboard.engine.types import Polarity
    from kpiboard.framework.model import KpiSet

    year = result.year
    previous = FinancialYear.parse(year).previous().label
    prev_set = fw.years.get(previous)
    this_set = fw.years.get(year)  # a set imported before: how each KPI is measured stays
    renamed = {c.ref: c.previous_refs[0] for c in result.changes if c.previous_refs}
    kpis: dict[str, Any] = {}
    problems: list[str] = []
    for kpi in result.kpis:
        old = None if this_set is None else this_set.kpis.get(kpi.ref)
        if old is None and prev_set is not None:
            old = prev_set.kpis.get(renamed.get(kpi.ref, kpi.ref))
        if old is not None:
            subs = kpi.sub_measures or old.sub_measures
            kpi = replace(kpi, polarity=old.polarity, unit=old.unit, basis=old.basis,
                          frequency=old.frequency, arrears_months=old.arrears_months,
                          decimals=old.decimals, tolerance=old.tolerance,
                          benchmark=old.benchmark, comparators=old.comparators,
                          sub_measures=subs, sets=kpi.sets or old.sets,
                          rating_scheme=old.rating_scheme,
                          direction_scheme=old.direction_scheme,
                          travel_basis=old.travel_basis)
        elif kpi.ref in result.unknown_polarity:
            if default_polarity is None:
                where = f"{result.file}, row {result.rows.get(kpi.ref, '?')}, column 'Ref'"
                problems.append(f"{where}: {kpi.ref} is new in {year}, so its polarity is not "
                                "known; import a framework file that defines it first, or "
                                "pass --default-polarity")
                continue
            kpi = replace(kpi, polarity=Polarity(default_polarity))
        kpis[kpi.ref] = kpi
    changes = tuple(c for c in result.changes if c.kind != "removed")
    removed = tuple(c for c in result.changes if c.kind == "removed")
    years = dict(fw.years)
    years[year] = KpiSet(year, kpis, changes, removed)
    return replace(fw, years=years), problems


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
    report = _with_progress(len(records), lambda progress: values_import(
        organisation=org, values=records, source=Path(args.file).name, reason=args.reason,
        dry_run=args.dry_run, progress=progress))
    print(report.summary())
    if not args.dry_run and (report.created or report.revised or report.commentary_written):
        from kpiboard.audit.models import Action, audit_record

        audit_record(organisation=org, action=Action.IMPORTED,
                     summary=f"{Path(args.file).name} imported: {report.created} new values, "
                             f"{report.revised} revised, {report.commentary_written} "
                             f"commentaries" + (f" (reason: {args.reason})" if args.reason
                                                else ""),
                     detail={"file": Path(args.file).name, "created": report.created,
                             "revised": report.revised})
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
    if args.what == "framework":
        from kpiboard.framework.dump import dump_framework_text

        out.write_text(dump_framework_text(framework_get(organisation=org)), encoding="utf-8")
    elif args.what == "kpi-set":
        from kpiboard.engine.periods import FinancialYear
        from kpiboard.imports.kpiset import write_kpi_set

        fw = framework_get(organisation=org)
        year = FinancialYear.parse(args.year).label if args.year else max(fw.years)
        previous = FinancialYear.parse(year).previous().label
        prev = fw.years.get(previous)
        write_kpi_set(fw.years[year].kpis.values(), out, year=year,
                      previous_year=previous if prev else None,
                      previous_targets={r: k.targets[previous] for r, k in prev.kpis.items()
                                        if previous in k.targets} if prev else None,
                      changes=[*fw.years[year].changes, *fw.years[year].removed])
    else:
        from kpiboard.data.exports import values_export

        values_export(organisation=org, path=out, year=args.year)
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
        count = database_restore(Path(args.file), replace=args.replace)
    except RestoreError as exc:
        return fail(str(exc))
    print(f"restored {count} records from {args.file}")
    return 0
