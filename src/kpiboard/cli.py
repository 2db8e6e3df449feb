"""The ``kpiboard`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kpiboard",
        description="Performance management for councils: KPI frameworks, RAG rating, "
        "direction of travel and reports.",
    )
    p.add_argument("--version", action="version", version=_version())
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    rate = sub.add_parser(
        "rate", help="rate a CSV of values against a framework file (no database needed)",
        description="Rate a long table of values (columns ref, period, value; optionally "
        "numerator, denominator, sub_measure) against a framework file and print, per KPI and "
        "period: ref, period, value, target, status, direction of travel and the explanation.",
    )
    rate.add_argument("--framework", required=True, metavar="FILE",
                      help="the framework file (YAML; see docs/framework.md)")
    rate.add_argument("--values", required=True, metavar="FILE.csv", help="the values CSV")
    rate.add_argument("--period", metavar="P",
                      help="only this period (e.g. 2024-02, 'February 2023/24', 'Q3 2023-24')")
    rate.add_argument("--format", choices=["table", "csv", "json"], default="table",
                      help="output format (default: table)")

    check = sub.add_parser(
        "check-published",
        help="compare computed directions of travel with a published report",
        description="Compute the direction of travel for every row of a transcribed published "
        "report and list where the report agrees, and where it breaks its own key and why.",
    )
    check.add_argument("--framework", required=True, metavar="FILE")
    check.add_argument("--values", required=True, metavar="FILE.csv")
    check.add_argument("--published", required=True, metavar="FILE.csv",
                       help="CSV with columns ref, sub_measure, dot (the published arrows)")
    check.add_argument("--period", required=True, metavar="P")
    check.add_argument("--format", choices=["table", "csv"], default="table")

    demo = sub.add_parser("demo", help="run the example council demo",
                          description="Rate the example council's February 2024 values and "
                          "show the statuses and arrows.")
    demo.add_argument("--format", choices=["table", "csv", "json"], default="table")

    manage = sub.add_parser("manage", help="run a Django management command",
                            description="Run a Django management command with kpiboard's "
                            "settings, e.g. 'kpiboard manage migrate'.")
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its options")
    return p


def _version() -> str:
    from kpiboard import __version__

    return f"kpiboard {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "manage":
        from kpiboard.manage import run

        run(args.args)
        return 0
    from kpiboard import commands

    handler = getattr(commands, args.command.replace("-", "_"))
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
