"""The restore drill of docs/deploy.md, as IT would run it: back up the example council with
`kpiboard dump`, restore it into an empty database with `kpiboard restore`, and dump that
again: the two dumps are the same bytes. On PostgreSQL, the same with `pg_dump` and
`pg_restore`, into a new database. (tests/store/test_values_store.py checks the dump and
restore functions themselves; this runs the commands, in processes of their own.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

KPIBOARD = str(Path(sys.executable).parent / "kpiboard")
SRC = Path(__file__).resolve().parents[2] / "src"
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def kpiboard(*args: str, database: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env["DATABASE_URL"] = database
    env["KPIBOARD_DATA_DIR"] = str(cwd / "var")
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    done = subprocess.run([KPIBOARD, *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"kpiboard {' '.join(args)}:\n{done.stderr}"
    return done


def drill(source: str, target: str, tmp_path: Path) -> None:
    """The example council in ``source``; dump, restore into ``target`` (empty), compare."""
    kpiboard("demo", "--reports", "", database=source, cwd=tmp_path)
    backup, again = tmp_path / "backup.json", tmp_path / "restored.json"
    written = kpiboard("dump", str(backup), database=source, cwd=tmp_path)
    restored = kpiboard("restore", str(backup), database=target, cwd=tmp_path)
    count = written.stdout.split()[1]
    assert int(count) > 900  # the whole example council (991 records), users and audit trail
    assert f"restored {count} records" in restored.stdout
    kpiboard("dump", str(again), database=target, cwd=tmp_path)
    assert again.read_bytes() == backup.read_bytes()


def test_the_restore_drill_on_sqlite(tmp_path: Path) -> None:
    drill(f"sqlite:///{tmp_path / 'live.sqlite3'}", f"sqlite:///{tmp_path / 'drill.sqlite3'}",
          tmp_path)


def _database(name: str) -> str:
    """A new, empty PostgreSQL database on the test server; its URL."""
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(url._replace(path=f"/{name}"))


def _drop(*names: str) -> None:
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not POSTGRES, reason="pg_dump and pg_restore need PostgreSQL")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="no pg_dump on this machine")
def test_the_restore_drill_on_postgresql(tmp_path: Path) -> None:
    base = urlsplit(os.environ["DATABASE_URL"]).path.strip("/") or "kpiboard"
    names = [f"{base}_drill_live", f"{base}_drill_json", f"{base}_drill_pg"]
    live, from_json, from_pg = (_database(n) for n in names)
    try:
        drill(live, from_json, tmp_path)  # kpiboard dump → kpiboard restore
        archive = tmp_path / "kpiboard.pgdump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={archive}",
                        f"--dbname={live}"], check=True, timeout=600)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={from_pg}",
                        str(archive)], check=True, timeout=600)
        again = tmp_path / "from-pg.json"
        kpiboard("dump", str(again), database=from_pg, cwd=tmp_path)
        assert again.read_bytes() == (tmp_path / "backup.json").read_bytes()
        # the restored database serves: its schema is complete (no migration left to run)
        plan = kpiboard("manage", "migrate", "--check", database=from_pg, cwd=tmp_path)
        assert plan.returncode == 0
    finally:
        _drop(*names)
