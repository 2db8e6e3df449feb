"""``kpiboard year close|open``: closing a financial year and opening the next."""

from __future__ import annotations

import argparse
from contextlib import nullcontext

from kpiboard.cli.common import fail, notice, organisation, setup
from kpiboard.imports.lock import import_lock


def year(args: argparse.Namespace) -> int:
    """Run ``year_close`` or ``year_open`` (``kpiboard.kpis.years``) with an administrator's
    rights; the audit trail records it with no user."""
    setup()
    from kpiboard.accounts.access import Access
    from kpiboard.accounts.models import Role
    from kpiboard.engine.periods import FinancialYear, PeriodError
    from kpiboard.imports.tabular import TableImportError
    from kpiboard.kpis.rollover import RolloverError
    from kpiboard.kpis.years import YearClosed, YearError, YearOpened, year_close, year_open

    try:
        org = organisation(args.organisation)
        label = FinancialYear.parse(args.year).label
    except (LookupError, PeriodError) as exc:
        return fail(str(exc))
    if args.action == "close" and args.from_file:
        return fail("--from-file is for opening a year (its KPI set)")
    access = Access(org, None, frozenset({Role.ADMINISTRATOR}))
    done: YearClosed | YearOpened
    try:
        if args.action == "close":
            done = year_close(access=access, organisation=org, year=label)
        else:
            with import_lock(f"year open {label}", waiting=notice) if args.from_file \
                    else nullcontext():
                done = year_open(access=access, organisation=org, year=label,
                                 kpi_set_file=args.from_file)
    except (YearError, RolloverError, TableImportError) as exc:
        return fail(str(exc))
    print(done.summary())
    return 0
