"""Handlers for the ``kpiboard`` subcommands that use the database."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any


def setup(*, migrate: bool = True) -> None:
    """Start Django and bring the database schema up to date (it is idempotent and quick)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpiboard.settings")
    import django
    from django.conf import settings

    django.setup()
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def fail(message: str) -> int:
    print(f"kpiboard: {message}", file=sys.stderr)
    return 2


def _organisation(name: str | None) -> Any:
    from kpiboard.kpis.models import Organisation

    orgs = Organisation.objects.all()
    if name:
        try:
            return orgs.get(name=name)
        except Organisation.DoesNotExist:
            names = ", ".join(o.name for o in orgs) or "none yet: import a framework first"
            raise LookupError(f"there is no organisation called {name!r} ({names})") from None
    if orgs.count() != 1:
        names = ", ".join(o.name for o in orgs) or "none yet: import a framework first"
        raise LookupError(f"say which organisation with --organisation ({names})")
    return orgs.get()


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
        org = _organisation(args.organisation)
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
        org = _organisation(args.organisation)
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
        org = _organisation(args.organisation)
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
            fw = framework_get(organisation=_organisation(args.organisation))
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


def report(args: argparse.Namespace) -> int:
    from kpiboard.engine.periods import Period, PeriodError
    from kpiboard.reports.build import ReportError, build_report
    from kpiboard.reports.render import FORMATS, write

    try:
        period = Period.parse(args.period)
    except PeriodError as exc:
        return fail(f"--period: {exc}")
    setup()
    formats = list(FORMATS) if not args.formats or "all" in args.formats else args.formats
    layouts = ["monthly", "scorecard", "summary"] if args.layout == "all" else [args.layout]
    try:
        org = _organisation(args.organisation)
        for layout in layouts:
            built = build_report(organisation=org, period=period, layout=layout,
                                 kpi_set=args.kpi_set, group_by=args.group_by)
            for path in write(built, formats, Path(args.out)):
                print(path)
    except (LookupError, ReportError) as exc:
        return fail(str(exc))
    return 0


def demo(args: argparse.Namespace) -> int:
    from kpiboard.commands import EXAMPLE, print_table
    from kpiboard.engine.periods import Period
    from kpiboard.framework import load_framework
    from kpiboard.ratecsv import render

    setup()
    from kpiboard.demo import demo_load

    summary = demo_load(EXAMPLE)
    from kpiboard.data.selectors import period_assess
    from kpiboard.kpis.selectors import organisation_get

    org = organisation_get(name=load_framework(EXAMPLE / "framework.yaml").organisation)
    from kpiboard.demo import DEMO_PASSWORD, demo_people, demo_periods

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
        from kpiboard.serve import serve as run_server

        run_server(host=args.host, port=args.port, workers=args.workers)
    return 0


def serve(args: argparse.Namespace) -> int:
    setup()
    from kpiboard.serve import serve as run_server

    print(f"Serving at http://{args.host}:{args.port}/ (press Ctrl+C to stop)", flush=True)
    run_server(host=args.host, port=args.port, workers=args.workers)
    return 0


def period(args: argparse.Namespace) -> int:
    """``kpiboard period open|publish|close|reopen --period P``: the workflow's services, run
    with an administrator's rights (see docs/workflow.md)."""
    from datetime import date, timedelta

    setup()
    from kpiboard.accounts.access import Access
    from kpiboard.accounts.models import Role
    from kpiboard.engine.periods import Period, PeriodError
    from kpiboard.workflow import services

    try:
        org = _organisation(args.organisation)
        p = Period.parse(args.period)
        deadline = date.fromisoformat(args.deadline) if args.deadline else \
            p.end + timedelta(days=15)
    except (LookupError, PeriodError) as exc:
        return fail(str(exc))
    except ValueError:
        return fail(f"--deadline {args.deadline!r} is not a date such as 2024-03-15")
    access = Access(org, None, frozenset({Role.ADMINISTRATOR}))
    try:
        if args.action == "open":
            rp = services.period_open(access=access, organisation=org, period=p,
                                      deadline=deadline)
            print(f"{p.label} is open: figures are due by {rp.deadline:%d %B %Y}")
        elif args.action == "publish":
            waiting = services.period_publish(access=access, organisation=org, period=p)
            print(f"{p.label} published" + (f"; {waiting} KPI(s) still waiting for approval "
                                             "stay unpublished until approved" if waiting
                                             else ""))
        else:
            services.period_close(access=access, organisation=org, period=p,
                                  reopen=args.action == "reopen")
            print(f"{p.label} {'reopened' if args.action == 'reopen' else 'closed'}")
    except services.WorkflowError as exc:
        return fail(str(exc))
    return 0
