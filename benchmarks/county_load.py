"""The county fixture: the time to write and to load the made-up county council
(``kpiboard.example.county``, 500 KPIs × 10 years by default), and what was loaded.

    .venv/bin/python benchmarks/county_load.py [--kpis 500] [--years 10] [--seed 1]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kpiboard_bench \\
        .venv/bin/python benchmarks/county_load.py

Creates a throwaway database (the one DATABASE_URL names is dropped and re-created on
PostgreSQL; a temporary file on SQLite), writes the county's files, and imports them through
the importers (the framework, the values, then each year's revisions), each step timed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--kpis", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kpiboard-county-bench-"))
    url = os.environ.get("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["DATABASE_URL"] = url
    os.environ["KPIBOARD_DATA_DIR"] = str(work / "var")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    from kpiboard.cli.common import setup

    setup()
    from kpiboard.example.county import county_counts, county_import, county_write

    print(f"database: {url.split('@')[-1]}; county of {args.kpis} KPIs x {args.years} years "
          f"(seed {args.seed})", flush=True)
    started = time.perf_counter()
    files = county_write(folder=work / "files", kpis=args.kpis, years=args.years,
                         seed=args.seed)
    written = time.perf_counter()
    size = sum(p.stat().st_size for p in files.folder.iterdir())
    print(f"write: {written - started:.1f} s — {files.value_rows:,} value rows, "
          f"{files.revised_rows:,} revisions in {len(files.revisions)} files, "
          f"{files.commentaries:,} commentaries; {size / 1e6:.1f} MB "
          f"(framework.yaml {files.framework.stat().st_size / 1e6:.2f} MB)", flush=True)
    org = county_import(files=files)
    loaded = time.perf_counter()
    n = county_counts(org)
    print(f"load: {loaded - written:.1f} s ({n['values'] / (loaded - written):,.0f} values/s)"
          f" — {n['kpis']:,} KPIs ({n['kpis'] // args.years} a year), {n['values']:,} values, "
          f"{n['revised']:,} revised, {n['commentaries']:,} commentaries")
    print(f"total: {loaded - started:.1f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
