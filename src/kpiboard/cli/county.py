"""``kpiboard county``: a made-up county council at scale (``kpiboard.example.county``)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kpiboard.cli.common import fail, notice, setup
from kpiboard.imports.lock import import_lock


def county(args: argparse.Namespace) -> int:
    if args.kpis < 1 or args.years < 1:
        return fail("--kpis and --years must be 1 or more")
    setup(migrate=not args.write_only)  # the example package imports the models
    from kpiboard.example.county import county_counts, county_import, county_write

    started = time.perf_counter()
    if args.write_only:
        files = county_write(folder=Path(args.write_only), kpis=args.kpis, years=args.years,
                             seed=args.seed)
        print(f"wrote {files.framework} ({files.kpis} KPIs a year, {files.years[0]} to "
              f"{files.years[-1]}), {files.values} ({files.value_rows} values, "
              f"{files.commentaries} commentaries) and {len(files.revisions)} revisions "
              f"files ({files.revised_rows} revised values)")
        return 0
    with tempfile.TemporaryDirectory(prefix="kpiboard-county-") as tmp:
        files = county_write(folder=Path(tmp), kpis=args.kpis, years=args.years,
                             seed=args.seed)
        written = time.perf_counter()
        with import_lock("county", waiting=notice):
            org = county_import(files=files)
    loaded = time.perf_counter()
    n = county_counts(org)
    print(f"Loaded {org.name}: {n['kpis']} KPIs over {len(files.years)} years "
          f"({files.years[0]} to {files.years[-1]}), {n['values']} values ({n['revised']} "
          f"revised), {n['commentaries']} commentaries; files written in "
          f"{written - started:.1f} s, imported in {loaded - written:.1f} s")
    return 0
