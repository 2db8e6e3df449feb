"""How many KPI-periods the engine rates per second, and the peak memory.

    .venv/bin/python benchmarks/rate_throughput.py [--n 1000000]

Builds N KPI-periods (value, target, tolerance, polarity, last period's value) under the seed
council's rating and direction-of-travel presets, then times rating plus direction of travel
for all of them on one core. Explanations are sentences built on demand, so they are timed
separately on a sample. Goal: at least 200,000 KPI-periods a second.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from decimal import Decimal

from kpiboard.engine.explain import explain_rating, explain_travel
from kpiboard.engine.rating import Outcome, rate
from kpiboard.engine.tolerance import Tolerance
from kpiboard.engine.travel import travel
from kpiboard.engine.types import Polarity, Unit
from kpiboard.framework.schemes import preset_direction_scheme, preset_rating_scheme


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="KPI-periods to rate")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    scheme = preset_rating_scheme("nnc")
    dot = preset_direction_scheme("nnc")
    tolerances = [Tolerance.relative(5), Tolerance.points(5), Tolerance.band(80, 85),
                  Tolerance.thresholds("99.5", "99"), Tolerance.relative(10)]
    polarities = [Polarity.HIGHER, Polarity.LOWER]
    # A pool of distinct inputs, cycled: building a million Decimals would time the set-up.
    pool = []
    for _ in range(10_000):
        target = Decimal(rnd.randint(50, 100))
        value = (target * Decimal(rnd.randint(70, 130)) / 100).quantize(Decimal("0.01"))
        prev = (value * Decimal(rnd.randint(90, 110)) / 100).quantize(Decimal("0.01"))
        pool.append((value, prev, target, rnd.choice(tolerances), rnd.choice(polarities)))

    t0 = time.perf_counter()
    statuses: dict[str, int] = {}
    pool_size = len(pool)
    for i in range(args.n):
        value, prev, target, tol, pol = pool[i % pool_size]
        r = rate(scheme, value=value, target=target, polarity=pol, tolerance=tol,
                 unit=Unit.PERCENT)
        travel(dot, current=value, previous=prev, polarity=pol,
               on_target=r.outcome is Outcome.ON_TARGET, unit=Unit.PERCENT)
        statuses[r.status.code] = statuses.get(r.status.code, 0) + 1
    elapsed = time.perf_counter() - t0

    sample = min(args.n, 50_000)
    t1 = time.perf_counter()
    for i in range(sample):
        value, prev, target, tol, pol = pool[i % pool_size]
        r = rate(scheme, value=value, target=target, polarity=pol, tolerance=tol,
                 unit=Unit.PERCENT)
        t = travel(dot, current=value, previous=prev, polarity=pol, unit=Unit.PERCENT)
        _ = explain_rating(r), explain_travel(t)
    explained = time.perf_counter() - t1

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"KPI-periods rated (status + direction of travel): {args.n:,}")
    print(f"elapsed: {elapsed:.2f} s")
    print(f"throughput: {args.n / elapsed:,.0f} KPI-periods per second (goal 200,000)")
    print(f"with both explanation sentences: {sample / explained:,.0f} KPI-periods per second")
    print(f"statuses: {dict(sorted(statuses.items()))}")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
