"""Dashboard latency and throughput of the web application, served as `kpiboard serve` serves it.

For the example council and for ten times its KPIs (``kpiboard.example.scaled``), this loads a fresh
PostgreSQL database, starts the server (gunicorn) in its own process, then:

* latency: N sequential requests for the dashboard (one client, keep-alive), p50 and p95;
  also the first request after a data change (the report model is rebuilt then);
* throughput: requests per second from a second process on loopback, C concurrent clients.

    .venv/bin/python benchmarks/web_dashboard.py [--requests 200] [--clients 8] [--seconds 10]

DATABASE_URL defaults to postgresql://postgres@127.0.0.1:5432/kpiboard_bench_web (created and
emptied for each size).
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from serving import ensure_database, start_server

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/kpiboard_bench_web"
PAGES = {"dashboard (public)": "/", "dashboard, filtered": "/?status=red&q=a",
         "KPI page (monthly)": "/kpis/2023-24/{monthly}/",
         "KPI page (quarterly)": "/kpis/2023-24/{quarterly}/",
         "/healthz": "/healthz"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load(url: str, size: str) -> tuple[str, str, str]:
    """Fresh database with the example council ×factor (``size`` "1", "10"...) or the county
    (``size`` "county": 500 KPIs × 10 years, kpiboard.example.county); returns the number of
    2023/24 KPIs and a monthly and a quarterly KPI's ref."""
    load = ("from kpiboard.example.county import county_load\norg = county_load()"
            if size == "county" else
            f"from kpiboard.example.scaled import load_scaled_example\n"
            f"org = load_scaled_example({int(size)})")
    code = f"""
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "kpiboard.settings"
from kpiboard.cli.common import setup
setup(migrate=False)
from django.core.management import call_command
call_command("flush", interactive=False, verbosity=0)
call_command("migrate", verbosity=0, interactive=False)
from kpiboard.example import demo_periods
from kpiboard.kpis.models import Kpi
{load}
demo_periods(org)
kpis = Kpi.objects.filter(kpi_set__organisation=org, kpi_set__year="2023/24")
monthly = kpis.filter(frequency="monthly").order_by("order").values_list("ref", flat=True)
quarterly = kpis.filter(frequency="quarterly").order_by("order").values_list("ref", flat=True)
print(kpis.count(), monthly[0], quarterly[0], sep="\t")
"""
    ensure_database(url)
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "DATABASE_URL": url},
                         check=True, capture_output=True, text=True, cwd=ROOT)
    count, monthly, quarterly = out.stdout.strip().splitlines()[-1].split("\t")
    return count, monthly, quarterly


def _latencies(port: int, path: str, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise SystemExit(f"GET {path}: HTTP {r.status}")
        out.append(time.perf_counter() - t)
    return out


LOAD = """
import http.client, sys, threading, time
port, path, clients, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
counts, errors, stop = [0] * clients, [0], time.perf_counter() + seconds
def run(i):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < stop:
        conn.request("GET", path)
        r = conn.getresponse(); r.read()
        if r.status == 200: counts[i] += 1
        else: errors[0] += 1
threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
start = time.perf_counter()
[t.start() for t in threads]; [t.join() for t in threads]
print(sum(counts), errors[0], time.perf_counter() - start)
"""


def _throughput(port: int, path: str, clients: int, seconds: float) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", LOAD, str(port), path, str(clients),
                          str(seconds)], check=True, capture_output=True, text=True)
    done, errors, elapsed = out.stdout.split()
    return int(done) / float(elapsed), int(errors)


def _touch(url: str) -> None:
    """Change one value, as a data owner would, so the next request rebuilds the report."""
    code = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "kpiboard.settings"
from kpiboard.cli.common import setup
setup(migrate=False)
from kpiboard.data.models import PeriodValue
pv = PeriodValue.objects.filter(period="2024-02").order_by("pk").first()
pv.save()
"""
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "DATABASE_URL": url},
                   check=True, cwd=ROOT)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--factors", default="1,10",
                    help="sizes: copies of the example council, or 'county' (e.g. 1,10,county)")
    args = ap.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    workers = args.workers or min(4, (os.cpu_count() or 1) + 1)
    print(f"kpiboard serve with {workers} gunicorn workers, {url}; "
          f"{os.cpu_count()} CPU cores shared by server and clients")
    p95s: dict[tuple[str, str], float] = {}
    sizes = [f.strip() for f in args.factors.split(",")]
    for factor in sizes:
        kpis, monthly, quarterly = _load(url, factor)
        port = _free_port()
        proc = start_server({**os.environ, "DATABASE_URL": url}, port, workers)
        try:
            print(f"\n{'the county' if factor == 'county' else '×' + factor}: {kpis} KPIs in "
                  f"2023/24 ({monthly} and {quarterly} for the KPI pages)")
            for label, template in PAGES.items():
                path = template.format(monthly=monthly, quarterly=quarterly)
                _latencies(port, path, 3 * workers)  # every worker warm
                lat = sorted(_latencies(port, path, args.requests))
                p50 = statistics.median(lat) * 1000
                p95 = lat[int(len(lat) * 0.95) - 1] * 1000
                p95s[(factor, label)] = p95
                print(f"  {label:<22} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                      f"({args.requests} sequential requests)")
            _touch(url)
            cold = _latencies(port, "/", 1)[0] * 1000
            print(f"  {'first after a change':<22} {cold:7.1f} ms (report model rebuilt)")
            _latencies(port, "/", 3 * workers)  # every worker has rebuilt it before the load
            rps, errors = _throughput(port, "/", args.clients, args.seconds)
            print(f"  throughput             {rps:7.1f} requests/s ({args.clients} clients in a "
                  f"second process, {args.seconds:.0f} s, {errors} errors)")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    low = sizes[0]
    for high in sizes[1:]:
        print(f"\np95 at {high} against {low} (goal for a KPI page: within 1.5×):")
        for label in PAGES:
            if (low, label) in p95s and (high, label) in p95s:
                print(f"  {label:<28} {p95s[(high, label)] / p95s[(low, label)]:5.2f}×")


if __name__ == "__main__":
    main()
