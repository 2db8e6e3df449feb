"""One import at a time into a database: the import lock.

Two imports into one database at once (values, a framework, a KPI set, a restore, opening a
year from a KPI set file) could each read what is stored, then both write the same rows: the
loser used to die with a duplicate-key error. ``import_lock`` makes them take turns. The
second import waits for the first to finish — up to ``KPIBOARD_IMPORT_WAIT_SECONDS`` (60 by
default; 0 refuses at once) — and is then refused with :class:`ImportBusy`, having written
nothing.

- **PostgreSQL**: a transaction-level advisory lock (``pg_try_advisory_xact_lock``) on one key
  for "kpiboard import", taken as the import's transaction begins and released by PostgreSQL
  when it commits or rolls back — also if the process is killed. The import's transaction
  carries its description as its ``application_name``, so a waiting import can say which
  import holds the lock and since when (``pg_stat_activity.xact_start``).
- **SQLite**: an exclusive ``flock`` on a lock file next to the database
  (``kpiboard.sqlite3.import-lock``), which the operating system releases when the process
  ends. While held, the file says which import holds it and since when. If the lock file
  cannot be created (a read-only folder), no lock is taken: nothing can be written there
  anyway, and the write itself gives the error.

The lock is for imports only; other writes (the web application's data entry) are not held
up by it (SQLite's own write lock, with its busy timeout, keeps them apart).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

WAIT_VARIABLE = "KPIBOARD_IMPORT_WAIT_SECONDS"
DEFAULT_WAIT = 60.0
# The advisory lock's key for "kpiboard import": the bytes of "KPIBIMPT", as a bigint.
ADVISORY_KEY = 0x4B50_4942_494D_5054
POLL = 0.1  # seconds between tries


class ImportBusy(RuntimeError):
    """Another import held the lock for longer than this one would wait."""


class LockSettingError(ValueError):
    """KPIBOARD_IMPORT_WAIT_SECONDS is set to something that is not a number of seconds."""


def wait_seconds() -> float:
    """How long an import waits for another to finish: KPIBOARD_IMPORT_WAIT_SECONDS."""
    text = os.environ.get(WAIT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_WAIT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise LockSettingError(f"{WAIT_VARIABLE} must be a number of seconds from 0 to 86400, "
                               f"found {text!r}")
    return value


@contextmanager
def import_lock(description: str, *, wait: float | None = None,
                waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the import lock, inside a transaction, for the ``with`` block: everything in the
    block is saved at its end, or (on any error) nothing is. ``description`` says what the
    import is (e.g. "import values q3.csv"); ``waiting`` is called once with a message if the
    lock is held by another import. Raises :class:`ImportBusy` after ``wait`` seconds
    (default: KPIBOARD_IMPORT_WAIT_SECONDS)."""
    from django.db import connection, transaction

    limit = wait_seconds() if wait is None else wait
    if connection.vendor == "postgresql":
        with transaction.atomic():
            _advisory_lock(description, limit, waiting)
            yield
        return
    with _file_lock(description, limit, waiting), transaction.atomic():
        yield


@contextmanager
def migration_lock(*, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the import lock, outside any transaction, while the database's schema is brought
    up to date: two commands run at once on a new database must not both create its tables."""
    from django.db import connection

    limit = wait_seconds()
    if connection.vendor != "postgresql":
        with _file_lock("migrate the database", limit, waiting):
            yield
        return
    _advisory_lock("migrate the database", limit, waiting, session=True)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])


def _refusal(holder: str, waited: float) -> ImportBusy:
    return ImportBusy(f"another import is in progress ({holder}); try again when it has "
                      f"finished (waited {waited:g} s; {WAIT_VARIABLE} sets how long to wait)")


def _started(when: datetime | None) -> str:
    if when is None:
        return "started at a time not known"
    return f"started {when.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


# -- PostgreSQL ----------------------------------------------------------------------------------

def _advisory_lock(description: str, limit: float, waiting: Callable[[str], None] | None,
                   *, session: bool = False) -> None:
    from django.db import connection

    deadline = time.monotonic() + limit
    told = False
    with connection.cursor() as cursor:
        while True:
            if session:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            else:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_KEY])
            if cursor.fetchone()[0]:
                if not session:  # for the duration of this transaction: what holds the lock
                    cursor.execute("SELECT set_config('application_name', %s, true)",
                                   [_ascii(f"kpiboard {description}")[:63]])
                return
            if time.monotonic() >= deadline:
                raise _refusal(_advisory_holder(cursor), limit)
            if waiting and not told and limit >= 1:
                waiting(f"waiting up to {limit:g} s for another import to finish "
                        f"({_advisory_holder(cursor)})")
                told = True
            time.sleep(POLL)


def _advisory_holder(cursor: object) -> str:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT a.application_name, coalesce(a.xact_start, a.query_start), a.pid "
        "FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
        "AND l.classid = %s AND l.objid = %s",
        [ADVISORY_KEY >> 32, ADVISORY_KEY & 0xFFFF_FFFF])
    row = cursor.fetchone()  # type: ignore[attr-defined]
    if row is None:
        return "it has just finished"
    name, start, pid = row
    what = name.removeprefix("kpiboard ") if name and name.startswith("kpiboard ") else ""
    return f"{what + ', ' if what else ''}{_started(start)}, database process {pid}"


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")


# -- SQLite ----------------------------------------------------------------------------------

def lock_file() -> Path:
    """The lock file of the SQLite database in use."""
    from django.db import connection

    return Path(f"{connection.settings_dict['NAME']}.import-lock")


@contextmanager
def _file_lock(description: str, limit: float,
               waiting: Callable[[str], None] | None) -> Iterator[None]:
    import fcntl

    from django.db import connection

    if connection.is_in_memory_db():  # type: ignore[attr-defined]  # no one to take turns with
        yield
        return
    try:
        handle = lock_file().open("a+", encoding="utf-8")
    except OSError:  # a read-only folder: nothing can be written, so there is nothing to guard
        yield
        return
    deadline = time.monotonic() + limit
    told = False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _refusal(_file_holder(handle), limit) from None
                if waiting and not told and limit >= 1:
                    waiting(f"waiting up to {limit:g} s for another import to finish "
                            f"({_file_holder(handle)})")
                    told = True
                time.sleep(POLL)
        with suppress(OSError):  # who holds it, for a waiting import to say
            handle.seek(0)
            handle.truncate()
            handle.write(f"{datetime.now(UTC).isoformat()}\t{os.getpid()}\t{description}\n")
            handle.flush()
        try:
            yield
        finally:
            with suppress(OSError):
                handle.seek(0)
                handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _file_holder(handle: IO[str]) -> str:
    try:
        with open(handle.name, encoding="utf-8") as f:
            started, pid, what = f.readline().rstrip("\n").split("\t", 2)
        when: datetime | None = datetime.fromisoformat(started)
    except (OSError, ValueError):
        return _started(None)
    return f"{what}, {_started(when)}, process {pid}"
