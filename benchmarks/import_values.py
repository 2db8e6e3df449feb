"""Import throughput: value rows per second from a CSV into the database, and peak memory.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kpiboard_bench \\
        .venv/bin/python benchmarks/import_values.py [--rows 1000000]

Creates a throwaway database (the one DATABASE_URL names is dropped and re-created on
PostgreSQL; a temporary file on SQLite), a framework of KPIs with sub-measures, and a long
table of values in the real forms councils use; then times `kpiboard import values` in two
steps — reading and checking the file, and storing it (values and first revisions) — and a
second import of the same file (nothing changes). Goal: 50,000 rows a second on PostgreSQL.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

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

    from kpiboard.dbcli import setup

    setup()
    from kpiboard.data.models import PeriodValue
    from kpiboard.data.services import ValueInput, values_import
    from kpiboard.framework import load_framework
    from kpiboard.imports.values import read_period_data
    from kpiboard.kpis.selectors import framework_get
    from kpiboard.kpis.services import framework_save

    framework_save(framework=load_framework(work / "fw.yaml"))
    from kpiboard.kpis.models import Organisation

    org = Organisation.objects.get()
    fw = framework_get(organisation=org)

    def run() -> tuple[float, float, object]:
        t0 = time.perf_counter()
        records = read_period_data(work / "values.csv", fw)
        values = [ValueInput(r.ref, r.period, r.text, r.value, r.state, r.sub_measure,
                             r.numerator, r.denominator, r.commentary) for r in records]
        t1 = time.perf_counter()
        report = values_import(organisation=org, values=values, source="bench.csv")
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, report

    read_s, store_s, report = run()
    print(f"first import: read and check {read_s:.1f} s ({total / read_s:,.0f} rows/s); "
          f"store {store_s:.1f} s ({total / store_s:,.0f} rows/s)")
    print(f"  overall {total / (read_s + store_s):,.0f} rows/s (goal 50,000) — {report}")
    read2, store2, report2 = run()
    print(f"re-import of the same file: {total / (read2 + store2):,.0f} rows/s — "
          f"{report2.summary()}")
    print(f"values stored: {PeriodValue.objects.count():,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:,.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
