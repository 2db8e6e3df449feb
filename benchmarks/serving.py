"""What the web benchmarks share: a PostgreSQL database made when missing, and `kpiboard serve`
started in its own process and waited for (its /healthz answers 200)."""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named at the end of ``url`` unless it exists."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def start_server(env: dict[str, str], port: int,
                 workers: int | None = None) -> subprocess.Popen[bytes]:
    """``kpiboard serve`` on ``port`` (``workers`` gunicorn workers, or its default), once it
    answers; the benchmark stops with the server's error output if it never does."""
    args = [str(Path(sys.executable).parent / "kpiboard"), "serve", "--port", str(port)]
    if workers:
        args += ["--workers", str(workers)]
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
