"""A database of its own for a test that runs the real ``kpiboard`` command in other processes
(concurrent imports, a full disk, a read-only database): a SQLite file in the test's folder, or
a new PostgreSQL database on the server of DATABASE_URL (dropped afterwards)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
NNC = ROOT / "examples" / "nnc"
MAIN = "import sys; from kpiboard.cli import main; sys.exit(main(sys.argv[1:]))"
HOLD = """
import sys
from kpiboard.cli.common import setup
setup(migrate=False)
from kpiboard.imports.lock import import_lock
with import_lock(sys.argv[1], wait=0):
    print("held", flush=True)
    sys.stdin.readline()
"""


def postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _server_url(name: str) -> str:
    base = os.environ["DATABASE_URL"]
    return base.rsplit("/", 1)[0] + "/" + name


def admin_sql(sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
    """Run ``sql`` on the PostgreSQL server (autocommit), outside Django."""
    import psycopg

    with psycopg.connect(_server_url(database), autocommit=True) as conn:
        cur = conn.execute(sql)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


class Scratch:
    """One database, and the ``kpiboard`` command pointed at it."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items()
                    if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
                    and not k.startswith("KPIBOARD_IMPORT_")}
        self.env["DATABASE_URL"] = url
        self.env["PYTHONPATH"] = str(ROOT / "src")
        self.env["KPIBOARD_DATA_DIR"] = str(folder)

    @property
    def sqlite_file(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-c", MAIN, *args]

    def run(self, *args: str, wait: float | None = None, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*args), env=self._env(wait, env), cwd=self.folder,
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def start(self, *args: str, wait: float | None = None) -> Running:
        """Start ``kpiboard ARGS`` without waiting for it (its error output to a file)."""
        err = (self.folder / f"stderr-{uuid.uuid4().hex[:8]}.txt").open("w+", encoding="utf-8")
        proc = subprocess.Popen(self.command(*args), env=self._env(wait), cwd=self.folder,
                                stdout=subprocess.PIPE, stderr=err, text=True,
                                stdin=subprocess.DEVNULL)
        return Running(proc, err)

    def _env(self, wait: float | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(self.env)
        if wait is not None:
            env["KPIBOARD_IMPORT_WAIT_SECONDS"] = str(wait)
        env.update(extra or {})
        return env

    @contextmanager
    def holding(self, description: str = "import values held.csv") -> Iterator[None]:
        """The import lock held by another process for the ``with`` block, as an import in
        progress holds it."""
        proc = subprocess.Popen([sys.executable, "-c", HOLD, description], env=self.env,
                                cwd=self.folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdin is not None
        line = proc.stdout.readline()
        assert line == "held\n", (line, proc.stderr.read() if proc.stderr else "")
        try:
            yield
        finally:
            proc.stdin.write("\n")
            proc.stdin.close()
            assert proc.wait(timeout=60) == 0

    def load_example(self, values: bool = False) -> None:
        """The example council's framework and 2024/25 KPI set (and its values)."""
        for args in (("framework", str(NNC / "framework.yaml")),
                     ("kpi-set", str(NNC / "kpi_set_2024-25.csv")),
                     *([("values", str(NNC / "values.csv"))] if values else [])):
            done = self.run("import", *args)
            assert done.returncode == 0, done.stderr

    def dump(self) -> str:
        """Every record, as `kpiboard dump` writes it (the dump's own audit entries aside)."""
        out = self.folder / f"dump-{uuid.uuid4().hex[:8]}.json"
        done = self.run("dump", str(out))
        assert done.returncode == 0, done.stderr
        return out.read_text(encoding="utf-8")


class Running:
    def __init__(self, proc: subprocess.Popen[str], err: IO[str]) -> None:
        self.proc = proc
        self.err = err

    def stderr(self) -> str:
        self.err.seek(0)
        return self.err.read()

    def wait_for(self, text: str, timeout: float = 120) -> None:
        """Wait until ``text`` is on its error output."""
        end = time.monotonic() + timeout
        while text not in self.stderr():
            assert self.proc.poll() is None, f"ended early: {self.stderr()}"
            assert time.monotonic() < end, f"no {text!r} in {self.stderr()!r}"
            time.sleep(0.1)

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        out, _ = self.proc.communicate(timeout=timeout)
        code = self.proc.returncode
        err = self.stderr()
        self.err.close()
        return code, out, err


@contextmanager
def scratch_database(folder: Path) -> Iterator[Scratch]:
    """A new, empty database (migrated on first use by the command)."""
    if not postgresql():
        yield Scratch(f"sqlite:///{folder / 'kpiboard.sqlite3'}", folder)
        return
    name = f"kpiboard_scratch_{uuid.uuid4().hex[:10]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield Scratch(_server_url(name), folder)
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
