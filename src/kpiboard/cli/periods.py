"""``kpiboard period open|publish|close|reopen``: the reporting cycle."""

from __future__ import annotations

import argparse

from kpiboard.cli.common import fail, organisation, setup


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
        org = organisation(args.organisation)
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
