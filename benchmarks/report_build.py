"""Report build times: the example council's full February 2024 report in each format.

    .venv/bin/python benchmarks/report_build.py [--layout monthly] [--repeat 3] [--format pdf]

Loads the example council into a throwaway SQLite database, builds the report model once,
then renders every format (warm: the best of --repeat runs after one warm-up) and prints the
times, the total and the peak memory. Goals: all formats together under 5 s, HTML alone under
0.5 s, memory under 300 MB.

Each format's time is wall-clock; the CPU time of the same runs is printed beside it, since on
a busy machine (other processes on its two cores) the wall-clock time is mostly waiting.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", default="monthly",
                        choices=["monthly", "scorecard", "summary"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", action="append", dest="formats",
                        help="only this format (may be repeated; default: all)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kpiboard-report-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"

    from kpiboard.cli.common import setup

    setup()
    from kpiboard.engine.periods import Period
    from kpiboard.example import EXAMPLE, demo_load
    from kpiboard.kpis.models import Organisation
    from kpiboard.reports.build import build_report
    from kpiboard.reports.render import FORMATS, render

    demo_load(EXAMPLE)
    org = Organisation.objects.get()
    period = Period.parse("2024-02")
    start, cpu_start = time.perf_counter(), time.process_time()
    report = build_report(organisation=org, period=period, layout=args.layout, kpi_set="all")
    model_s, model_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"{args.layout} report, {len(report.rows)} KPIs; model built in {model_s:.2f} s")
    total, total_cpu = model_s, model_cpu
    for fmt in args.formats or FORMATS:
        render(report, fmt)  # warm-up: fonts, the PNG rasteriser, template compilation
        runs = [_timed(render, report, fmt) for _ in range(args.repeat)]
        best, cpu = min(wall for wall, _ in runs), min(cpu for _, cpu in runs)
        size = len(render(report, fmt))
        total += best
        total_cpu += cpu
        goal = " (goal 0.5 s)" if fmt == "html" else ""
        print(f"  {fmt:5} {best:6.2f} s  {size / 1024:8.0f} KB  (CPU {cpu:.2f} s){goal}")
    print(f"all formats together (with the model): {total:.2f} s (goal 5 s); "
          f"CPU {total_cpu:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB (goal 300 MB)")


def _timed(fn: object, *args: object) -> tuple[float, float]:
    """The wall-clock and CPU seconds of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start, time.process_time() - cpu


if __name__ == "__main__":
    main()
