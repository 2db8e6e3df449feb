"""Import throughput: value rows per second from a CSV into the database, and peak memory.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kpiboard_bench \\
        .venv/bin/python benchmarks/import_values.py [--rows 1000000]

Creates a throwaway database (the one DATABASE_URL names is dropped and re-created on
PostgreSQL; a temporary file on SQLite), a framework of KPIs with sub-measures, and a long
table of values in the real forms councils use (none of which is timed); then runs
``kpiboard import values FILE`` in this process, exactly as a user runs it, twice: the first
import, and a second import of the same file (nothing changes). Each is timed in its steps:
reading and checking the file (``read_period_data``), handing the records over to the store
(the command builds its inputs), and storing them (``values_import``: values and their first
revisions, committed); "overall" is from the start of reading to the end of storing. The
command's own start-up (checking migrations, loading the framework) is shown apart.
Goal: 50,000 rows a second overall on PostgreSQL.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PERIODS = [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in range(1, 4)]
FORMS = ["{v}%", "{n}", "{v}% ({a} out of {b})", "N/A", "{n}", "Data unavailable"]


def make_framework(path: Path, kpis: int, subs: int) -> None:
    lines = ["kpiboard: 1", "organisation: {name: Benchmark Borough}",
             "rating_schemes: {c: {preset: nnc}}", "direction_schemes: {c: {preset: nnc}}",
             "defaults: {rating_scheme: c, direction_scheme: c}", "years:", "  2024/25:",
             "    kpis:"]
    for i in range(kpis):
        lines.append(f"      - {{ref: K{i:05d}, name: KPI {i}, polarity: higher, unit: percent,"
                     f" basis: ratio, target: 90%, sub_measures: "
                     f"[{', '.join(f'S{j}' for j in range(subs))}]}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_values(path: Path, rows: int, kpis: int, subs: int, rnd: random.Random) -> int:
    written = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ref", "sub_measure", "period", "value", "commentary"])
        for i in range(kpis):
            for j in range(subs):
                for period in PERIODS:
                    if written >= rows:
                        return written
                    b = rnd.randint(50, 5000)
                    a = rnd.randint(0, b)
                    form = rnd.choice(FORMS)
                    text = form.format(v=round(a * 100 / b, 2), n=a, a=a, b=b)
                    w.writerow([f"K{i:05d}", f"S{j}", period, text, ""])
                    written += 1
    return written


class Timed:
    """Wraps a function of a module so that each call's start and end are recorded (the
    command imports it at run time, so it picks the wrapper up)."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name = module, name
        self.original: Callable[..., Any] = getattr(module, name)
        self.start = self.end = 0.0
        setattr(module, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.start = time.perf_counter()
        try:
            return self.original(*args, **kwargs)
        finally:
            self.end = time.perf_counter()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--subs", type=int, default=20, help="sub-measures per KPI")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kpiboard-bench-"))
    url = os.environ.get("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["DATABASE_URL"] = url
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    kpis = -(-args.rows // (args.subs * len(PERIODS)))
    rnd = random.Random(1)
    make_framework(work / "fw.yaml", kpis, args.subs)
    total = make_values(work / "values.csv", args.rows, kpis, args.subs, rnd)
    print(f"database: {url.split('@')[-1]}; {total:,} value rows for {kpis:,} KPIs x "
          f"{args.subs} sub-measures x {len(PERIODS)} months", flush=True)

    from kpiboard.cli.common import setup

    setup()
    import kpiboard.data.services
    import kpiboard.imports.values
    from kpiboard.cli import main as command
    from kpiboard.data.models import PeriodValue, ValueRevision
    from kpiboard.framework import load_framework
    from kpiboard.kpis.services import framework_save

    framework_save(framework=load_framework(work / "fw.yaml"))
    read = Timed(kpiboard.imports.values, "read_period_data")
    store = Timed(kpiboard.data.services, "values_import")

    def run(title: str) -> None:
        started = time.perf_counter()
        status = command(["import", "values", str(work / "values.csv")])  # prints the summary
        ended = time.perf_counter()
        if status:
            sys.exit(f"the import failed ({status})")
        read_s, hand_s = read.end - read.start, store.start - read.end
        store_s, overall = store.end - store.start, store.end - read.start
        print(f"{title}: read and check {read_s:.1f} s ({total / read_s:,.0f} rows/s); "
              f"hand-over {hand_s:.1f} s; store {store_s:.1f} s ({total / store_s:,.0f} rows/s)")
        print(f"  overall {overall:.1f} s: {total / overall:,.0f} rows/s (goal 50,000); the "
              f"whole command {ended - started:.1f} s (start-up "
              f"{ended - started - overall:.1f} s); peak memory so far {peak_mb():,.0f} MB",
              flush=True)

    run("first import")
    run("re-import of the same file")
    print(f"values stored: {PeriodValue.objects.count():,}; revisions: "
          f"{ValueRevision.objects.count():,}")
    print(f"peak memory (max RSS): {peak_mb():,.0f} MB")
    sys.stdout.flush()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
