"""The ``kpiboard`` command: the parser here, a module per command group beside it.

Handlers are imported only when their command runs, and every handler that touches the
database calls ``kpiboard.cli.common.setup()`` before it imports a model.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module


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

    demo = sub.add_parser("demo", help="load the example council and rate February 2024",
                          description="Create the database (SQLite by default), load the "
                          "example council's framework, 2024/25 KPI set and published values, "
                          "say what was loaded, and show the February 2024 statuses and arrows "
                          "computed from the stored data. Running it again changes nothing.")
    demo.add_argument("--format", choices=["table", "csv", "json"], default="table")
    demo.add_argument("--reports", default="reports", metavar="DIR",
                      help="write the February 2024 reports, every layout and format, here "
                      "(default: ./reports; '' for none)")
    demo.add_argument("--serve", action="store_true",
                      help="then serve the web application (dashboard, reports, data entry) "
                      "and print its address and a sign-in for each role")
    _server_options(demo)

    cty = sub.add_parser("county", help="load a made-up county council at scale (a "
                         "benchmark fixture)",
                         description="Write a made-up county council — KPIs of every "
                         "frequency and unit, sub-measures, years of varied values, "
                         "commentary and revisions — as a framework file and values files, "
                         "and import them into the database as `kpiboard import` does "
                         "(or, with --write-only, only write the files).")
    cty.add_argument("--kpis", type=int, default=500, help="KPIs in each year's set "
                     "(default 500)")
    cty.add_argument("--years", type=int, default=10, help="financial years, ending with "
                     "2024/25 (default 10)")
    cty.add_argument("--seed", type=int, default=1, help="the random seed: the same seed "
                     "writes the same files (default 1)")
    cty.add_argument("--write-only", metavar="FOLDER", help="write the files into FOLDER "
                     "and import nothing")

    srv = sub.add_parser("serve", help="serve the web application",
                         description="Serve the web application with gunicorn (static files "
                         "included) until interrupted. The database is DATABASE_URL's.")
    _server_options(srv)

    imp = sub.add_parser("import", help="import a framework file, KPI set spreadsheet or values",
                         description="Import into the database. Every problem in the file is "
                         "reported at once (file, sheet, row, column); nothing is saved unless "
                         "the whole file is good. Re-importing the same file changes nothing; a "
                         "changed value becomes a new revision.")
    imp_sub = imp.add_subparsers(dest="what", metavar="WHAT", required=True)
    p_fw = imp_sub.add_parser("framework", help="a framework file (YAML)",
                              description="Import a framework file (docs/framework.md).")
    p_fw.add_argument("file", metavar="FILE")
    p_ks = imp_sub.add_parser("kpi-set", help="a KPI set spreadsheet (.xlsx or .csv)",
                              description="Import a KPI set spreadsheet in the Appendix B layout "
                              "(docs/imports.md), each KPI linked to the previous year's set "
                              "(Previous ref); how it is measured carries over from its "
                              "previous KPI unless the row says otherwise.")
    p_ks.add_argument("file", metavar="FILE")
    p_ks.add_argument("--year", help="the year the set is for (default: the later target year)")
    p_ks.add_argument("--sheet", help="the worksheet to read (default: the first that fits)")
    p_v = imp_sub.add_parser("values", help="period data, a long table (.csv or .xlsx)",
                             description="Import period values (columns ref, period, value; "
                             "optionally sub_measure, numerator, denominator, commentary).")
    p_v.add_argument("file", metavar="FILE")
    p_v.add_argument("--sheet", help="the worksheet to read (default: the first that fits)")
    p_v.add_argument("--reason", default="", help="why the values changed (kept with each "
                     "revision)")
    for q in (p_fw, p_ks, p_v):
        q.add_argument("--dry-run", action="store_true",
                       help="check everything and report what would change; save nothing")
        if q is not p_fw:
            q.add_argument("--organisation", help="the organisation (if there is more than one)")
        if q is not p_v:
            q.add_argument("--replace", action="store_true",
                           help="the file is the whole truth for each KPI it gives: their "
                           "sub-measures, targets, benchmarks and the year's change notes "
                           "that it leaves out are removed (each one listed)")

    exp = sub.add_parser("export", help="export the framework, a KPI set or the values",
                         description="Write what is stored in the same formats as the imports.")
    exp.add_argument("what", choices=["framework", "kpi-set", "values"])
    exp.add_argument("--out", required=True, metavar="FILE",
                     help="the file to write (.yaml; .xlsx or .csv)")
    exp.add_argument("--year", help="the financial year (kpi-set, values)")
    exp.add_argument("--organisation", help="the organisation (if there is more than one)")

    dump = sub.add_parser("dump", help="write the whole database to one JSON file",
                          description="Write every record to one JSON file that `kpiboard "
                          "restore` reads back exactly.")
    dump.add_argument("file", metavar="FILE.json")
    restore = sub.add_parser("restore", help="load a database dump",
                             description="Load a `kpiboard dump` file into an empty database "
                             "(or, with --replace, in place of what is there).")
    restore.add_argument("file", metavar="FILE.json")
    restore.add_argument("--replace", action="store_true",
                         help="delete the kpiboard data already there first")

    fwk = sub.add_parser("framework", help="review a framework: changes between years, counts",
                         description="Review the KPI sets stored (or in a framework file).")
    fwk_sub = fwk.add_subparsers(dest="review", metavar="REVIEW", required=True)
    ch = fwk_sub.add_parser("changes", help="KPIs new, changed, split, renumbered, removed",
                            description="List the KPIs new, changed (and how), split, "
                            "renumbered, moved and removed between two years, with their notes.")
    ch.add_argument("--from", dest="from_year", required=True, metavar="YEAR")
    ch.add_argument("--to", required=True, metavar="YEAR")
    co = fwk_sub.add_parser("counts", help="KPIs by key commitment and report section",
                            description="Count the KPIs of a year by key commitment and by "
                            "frequency and section (monthly; quarterly/annual service; "
                            "quarterly/annual organisational health).")
    co.add_argument("--year", required=True)
    for q in (ch, co):
        q.add_argument("--format", choices=["table", "csv"], default="table")
        q.add_argument("--framework", metavar="FILE", help="read a framework file instead of "
                       "the database")
        q.add_argument("--organisation", help="the organisation (if there is more than one)")

    rep = sub.add_parser("report", help="build a performance report (HTML, PDF, XLSX, DOCX, "
                         "CSV, JSON)",
                         description="Build a report for a period from the database and write "
                         "it in one or more formats.")
    rep.add_argument("--period", required=True, help="e.g. 2024-02, 'February 2023/24', "
                     "'Q3 2023-24'")
    rep.add_argument("--layout", default="monthly",
                     choices=["monthly", "scorecard", "summary", "all"])
    rep.add_argument("--set", dest="kpi_set", default="core",
                     help="core, service, 'organisational health' or all (default: core)")
    rep.add_argument("--group-by", default="directorate",
                     choices=["directorate", "key_commitment", "set", "theme"],
                     help="sections by directorate (then service), key commitment (then "
                     "directorate), KPI set or theme (default: directorate)")
    rep.add_argument("--format", action="append", dest="formats",
                     choices=["html", "pdf", "xlsx", "docx", "csv", "json", "all"],
                     help="repeat for several; default: all")
    rep.add_argument("--out", default="reports", metavar="DIR",
                     help="the folder to write into (default: ./reports)")
    rep.add_argument("--organisation", help="the organisation (if there is more than one)")

    files = sub.add_parser("reports", help="build the report files the web application serves",
                           description="The PDF, Word and Excel files that the web "
                           "application serves are built in the background when a period is "
                           "published (docs/reports.md, 'Report files').")
    files_sub = files.add_subparsers(dest="action", metavar="ACTION", required=True)
    fb = files_sub.add_parser("build", help="build (or send to the worker) missing or "
                              "out-of-date report files",
                              description="Build the report files of a period that are "
                              "missing or out of date — with KPIBOARD_BROKER_URL set, send "
                              "them to the worker — and say what was done. Files that are up "
                              "to date are left alone. Useful from cron after a failure, or to "
                              "build every combination.")
    fb.add_argument("--period", help="the period (default: the latest published)")
    fb.add_argument("--all", action="store_true",
                    help="every layout, KPI set and grouping (48 combinations), not just "
                    "those KPIBOARD_REPORT_FILES names")
    fb.add_argument("--force", action="store_true", help="draw the files again even when "
                    "they are up to date")
    fb.add_argument("--organisation", help="the organisation (if there is more than one)")

    wrk = sub.add_parser("worker", help="run the background worker (Celery) that builds "
                         "report files",
                         description="Run the Celery worker that builds report files, "
                         "taking jobs from the broker KPIBOARD_BROKER_URL (Redis), until "
                         "interrupted. Without a broker there is no worker to run: files are "
                         "built in-process.")
    wrk.add_argument("--concurrency", type=int, default=None,
                     help="jobs at once, each in its own process (default: CPU cores, at "
                     "most 4)")
    wrk.add_argument("--loglevel", default="INFO",
                     choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="how much the worker logs (default: INFO)")

    per = sub.add_parser("period", help="open, publish, close or reopen a reporting period",
                         description="The reporting cycle from the command line, with the "
                         "administrator's rights (docs/workflow.md). The audit trail records "
                         "the change with no user.")
    per.add_argument("action", choices=["open", "publish", "close", "reopen"])
    per.add_argument("--period", required=True, help="the reporting period, e.g. 2024-02")
    per.add_argument("--deadline", metavar="YYYY-MM-DD",
                     help="open: the day figures are due by (default: 15 days after the "
                     "period ends)")
    per.add_argument("--organisation", help="the organisation (if there is more than one)")

    yr = sub.add_parser("year", help="close a financial year or open the next",
                        description="Close a year: record every KPI's outturn and lock the "
                        "year's reporting periods. Open a year: import its KPI set first "
                        "(--from-file), check every KPI's link to the previous year's set and "
                        "create its monthly reporting periods. Run with the administrator's "
                        "rights; the audit trail records it. Nothing is stored if anything "
                        "is wrong.")
    yr.add_argument("action", choices=["close", "open"])
    yr.add_argument("--year", required=True, help="the financial year, e.g. 2023/24")
    yr.add_argument("--from-file", metavar="FILE",
                    help="open: the year's KPI set spreadsheet to import first")
    yr.add_argument("--organisation", help="the organisation (if there is more than one)")

    manage = sub.add_parser("manage", help="run a Django management command",
                            description="Run a Django management command with kpiboard's "
                            "settings, e.g. 'kpiboard manage migrate'.")
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its options")
    return p


def _server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                   "127.0.0.1; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes (default: CPU cores + 1, at most 4)")


def _version() -> str:
    from kpiboard import __version__

    return f"kpiboard {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "manage":
        from kpiboard.manage import run

        run(args.args)
        return 0
    from kpiboard.cli.common import guarded

    return guarded(_handler(args), args)  # a full disk, a read-only database: a message


# command (or "import WHAT") → (module in this package, handler function)
HANDLERS: dict[str, tuple[str, str]] = {
    "rate": ("rating", "rate"), "check-published": ("rating", "check_published"),
    "demo": ("server", "demo"), "serve": ("server", "serve"), "county": ("county", "county"),
    "import framework": ("data", "import_framework"),
    "import kpi-set": ("data", "import_kpi_set"), "import values": ("data", "import_values"),
    "export": ("data", "export"), "dump": ("data", "dump"), "restore": ("data", "restore"),
    "framework": ("framework", "framework_review"), "report": ("reports", "report"),
    "period": ("periods", "period"), "year": ("years", "year"),
    "reports": ("reports", "report_files"), "worker": ("worker", "worker"),
}


def _handler(args: argparse.Namespace) -> Callable[[argparse.Namespace], int]:
    key = f"import {args.what}" if args.command == "import" else args.command
    module, name = HANDLERS[key]
    fn: Callable[[argparse.Namespace], int] = getattr(import_module(f"kpiboard.cli.{module}"), name)
    return fn

if __name__ == "__main__":
    sys.exit(main())
