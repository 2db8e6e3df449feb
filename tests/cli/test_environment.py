"""What the machine refuses — a full disk, a read-only database, a database that cannot be
reached — gives a `kpiboard:` message naming the database (never its password), exit status
2, and leaves the database as it was.

The disks are real: a SQLite database on a tiny tmpfs, or made read-only by a read-only bind
mount, each inside a private mount namespace (``unshare -m``, which needs root, as the CI
machine runs); as another user, a read-only database is made with chmod. On PostgreSQL a
read-only database is ``default_transaction_read_only``, and a full disk is a tablespace on a
tiny tmpfs (root, and the server on this machine). Where a disk cannot be made, the test is
skipped and says why; ``test_a_full_sqlite_database_in_process`` then still checks the
message for SQLite's own "database or disk is full" error (SQLITE_FULL, which SQLite also
gives for a full disk), made with ``PRAGMA max_page_count``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpiboard.cli import main
from tests.imports.scratch import NNC, Scratch, admin_sql, postgresql, scratch_database

VALUES = str(NNC / "values.csv")
ROOT_USER = os.geteuid() == 0
sqlite_only = pytest.mark.skipif(postgresql(), reason="SQLite's disk (the run on SQLite)")
postgresql_only = pytest.mark.skipif(not postgresql(), reason="needs DATABASE_URL=postgresql")


def _namespaces() -> bool:
    if not ROOT_USER or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


NAMESPACES = _namespaces()


def _in_namespace(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                          env=env, capture_output=True, text=True, timeout=300)


def _sqlite(folder: Path) -> Scratch:
    return Scratch(f"sqlite:///{folder / 'kpiboard.sqlite3'}", folder)


def _refused(done: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("kpiboard: "), done.stderr
    assert "Traceback" not in done.stderr
    for part in parts:
        assert part in done.stderr


# -- SQLite ------------------------------------------------------------------------------------

@sqlite_only
@pytest.mark.skipif(not NAMESPACES, reason="needs root and unshare -m to mount a tiny disk")
def test_a_full_disk_under_a_sqlite_database(tmp_path: Path) -> None:
    db = _sqlite(tmp_path)
    db.load_example()
    before = db.dump()
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    inner = _sqlite(tiny)
    size = db.sqlite_file.stat().st_size + 64 * 1024
    script = (f"mount -t tmpfs -o size={size} tmpfs {tiny} && cp {db.sqlite_file} {tiny}/ && "
              f"{shlex.join(inner.command('import', 'values', VALUES))}; rc=$?; "
              f"cp {inner.sqlite_file} {tmp_path}/after.sqlite3; exit $rc")
    done = _in_namespace(script, inner.env)
    _refused(done, f"the SQLite database {inner.sqlite_file} is full",
             "Nothing was saved; free some space")
    shutil.copy(tmp_path / "after.sqlite3", db.sqlite_file)
    assert db.dump() == before


@sqlite_only
@pytest.mark.parametrize("what", ["values", "framework", "kpi-set", "restore"])
def test_a_read_only_sqlite_database(what: str, tmp_path: Path) -> None:
    db = _sqlite(tmp_path)
    db.load_example()
    before = db.dump()
    args = {"values": ("import", "values", VALUES),
            "framework": ("import", "framework", str(NNC / "framework.yaml")),
            "kpi-set": ("import", "kpi-set", str(NNC / "kpi_set_2024-25.csv")),
            "restore": ("restore", "--replace", str(_dump_file(db, tmp_path)))}[what]
    (tmp_path / "stray").unlink(missing_ok=True)
    if NAMESPACES:  # root ignores file permissions: a read-only mount it cannot ignore
        script = (f"mount --bind {tmp_path} {tmp_path} && "
                  f"mount -o remount,bind,ro {tmp_path} && {shlex.join(db.command(*args))}")
        done = _in_namespace(script, db.env)
    elif not ROOT_USER:
        db.sqlite_file.chmod(0o444)
        tmp_path.chmod(0o555)
        try:
            done = db.run(*args)
        finally:
            tmp_path.chmod(0o755)
            db.sqlite_file.chmod(0o644)
    else:
        pytest.skip("root without unshare -m: no way to make a file read-only for root")
    _refused(done, f"the SQLite database {db.sqlite_file} cannot be written to",
             "Nothing was saved.")
    assert db.dump() == before


def _dump_file(db: Scratch, folder: Path) -> Path:
    path = folder / "backup.json"
    path.write_text(db.dump(), encoding="utf-8")
    return path


@sqlite_only
@pytest.mark.django_db
def test_a_full_sqlite_database_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite's SQLITE_FULL, as a full disk gives it, from a database allowed no more pages."""
    from django.db import connection

    from tests.store.conftest import database_fingerprint

    assert main(["import", "framework", str(NNC / "framework.yaml")]) == 0
    capsys.readouterr()
    before = database_fingerprint()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 2}")
    try:
        code = main(["import", "kpi-set", str(NNC / "kpi_set_2024-25.csv")])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("kpiboard: the SQLite database "), err
    assert " is full: there is no space left for what this command saves (database or disk " \
           "is full). Nothing was saved; free some space and run it again.\n" in err
    assert database_fingerprint() == before


# -- PostgreSQL --------------------------------------------------------------------------------

@postgresql_only
@pytest.mark.parametrize("what", ["values", "framework", "restore"])
def test_a_read_only_postgresql_database(what: str, tmp_path: Path) -> None:
    with scratch_database(tmp_path) as db:
        db.load_example()
        before = db.dump()
        name = db.url.rsplit("/", 1)[1]
        args = {"values": ("import", "values", VALUES),
                "framework": ("import", "framework", str(NNC / "framework.yaml")),
                "restore": ("restore", "--replace", str(_dump_file(db, tmp_path)))}[what]
        admin_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        try:
            done = db.run(*args)
        finally:
            admin_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
        if what == "restore":  # loaddata's error becomes the restore's own message
            _refused(done, "read-only transaction")
        else:
            _refused(done, f"the database {name} on ", " cannot be written to: it is read-only",
                     "in a read-only transaction)", "Nothing was saved.")
        assert db.dump() == before


def _server_is_here() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return ROOT_USER and ("@127.0.0.1" in url or "@localhost" in url) \
        and shutil.which("mount") is not None


@pytest.fixture
def tiny_tablespace(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A tablespace on a 64 MB tmpfs owned by the server's user (and the folder)."""
    folder = Path(f"/tmp/kpiboard-tiny-{uuid.uuid4().hex[:8]}")
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0700,uid=postgres,"
                              "gid=postgres", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tiny disk: {mounted.stderr!r}")
    name = f"kpiboard_tiny_{uuid.uuid4().hex[:8]}"
    try:
        admin_sql(f"CREATE TABLESPACE {name} LOCATION '{folder}'")
        yield name, folder
    finally:
        admin_sql(f"DROP TABLESPACE IF EXISTS {name}")
        subprocess.run(["umount", str(folder)], check=True)
        folder.rmdir()


@postgresql_only
@pytest.mark.skipif(not _server_is_here(), reason="needs root and the PostgreSQL server here")
def test_a_full_disk_under_a_postgresql_database(tiny_tablespace: tuple[str, Path],
                                                 tmp_path: Path) -> None:
    space, folder = tiny_tablespace
    name = f"kpiboard_full_{uuid.uuid4().hex[:8]}"
    admin_sql(f'CREATE DATABASE "{name}" TABLESPACE {space}')
    try:
        db = Scratch(os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name, tmp_path)
        db.load_example()
        before = db.dump()
        used = os.statvfs(folder)
        taken = (used.f_blocks - used.f_bfree) * used.f_frsize
        subprocess.run(["mount", "-o", f"remount,size={taken + 128 * 1024}", str(folder)],
                       check=True)
        done = db.run("import", "values", VALUES)
        subprocess.run(["mount", "-o", "remount,size=64m", str(folder)], check=True)
        _refused(done, f"the database {name} on ", " is full: there is no space left",
                 "No space left on device", "Nothing was saved; free some space")
        assert db.dump() == before
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- any database ------------------------------------------------------------------------------

def test_a_database_that_cannot_be_reached_is_named_without_its_password(
        tmp_path: Path) -> None:
    db = Scratch("postgresql://kpi:s3cret-Pa55@127.0.0.1:9/council", tmp_path)
    done = db.run("import", "values", VALUES)
    _refused(done, "cannot use the database council on 127.0.0.1:9 (",
             "Check DATABASE_URL, that the database is running")
    assert "s3cret" not in done.stderr


def test_a_file_that_cannot_be_written(tmp_path: Path) -> None:
    db = _sqlite(tmp_path)
    db.load_example()
    done = db.run("export", "values", "--out", str(tmp_path / "no" / "such" / "folder.csv"))
    _refused(done, f"{tmp_path}/no/such/folder.csv: there is no such file or folder.")
