"""What every command that uses the database shares: starting Django, failing with a
message, choosing the organisation, and turning what the machine refuses (a full disk, a
read-only database, a database that cannot be reached, another import in progress) into a
`kpiboard:` message with exit status 2 (``guarded``)."""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def setup(*, migrate: bool = True) -> None:
    """Start Django and bring the database schema up to date (it is idempotent and quick)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpiboard.settings")
    import django
    from django.conf import settings

    django.setup()
    from kpiboard.reportfiles.tasks import run_in_process

    run_in_process("sync")  # without a broker, a command ends with its report files built
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if migrate and _unapplied_migrations():
        from django.core.management import call_command

        from kpiboard.imports.lock import migration_lock

        with migration_lock(waiting=notice):  # not two commands creating the tables at once
            call_command("migrate", verbosity=0, interactive=False)


def _unapplied_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def fail(message: str) -> int:
    print(f"kpiboard: {message}", file=sys.stderr)
    return 2


def notice(message: str) -> None:
    """Say something on the error output while a command goes on (e.g. that it waits)."""
    print(f"kpiboard: {message}", file=sys.stderr, flush=True)


def organisation(name: str | None) -> Any:
    """The organisation called ``name``, or the only one there is."""
    from kpiboard.kpis.models import Organisation

    orgs = Organisation.objects.all()
    if name:
        try:
            return orgs.get(name=name)
        except Organisation.DoesNotExist:
            names = ", ".join(o.name for o in orgs) or "none yet: import a framework first"
            raise LookupError(f"there is no organisation called {name!r} ({names})") from None
    if orgs.count() != 1:
        names = ", ".join(o.name for o in orgs) or "none yet: import a framework first"
        raise LookupError(f"say which organisation with --organisation ({names})")
    return orgs.get()


def guarded(handler: Callable[[Any], int], args: Any) -> int:
    """Run a command's handler; what the environment refuses becomes a message (exit 2)
    instead of a traceback. Anything else is a kpiboard bug and is raised."""
    try:
        return handler(args)
    except Exception as exc:
        message = environment_problem(exc)
        if message is None:
            raise
        return fail(message)


def environment_problem(exc: BaseException) -> str | None:
    """The message for an error that comes from the environment rather than from kpiboard:
    another import holding the lock, a database error, a file that cannot be read or written.
    None for anything else."""
    from kpiboard.imports.limits import LimitsError
    from kpiboard.imports.lock import ImportBusy, LockSettingError

    if isinstance(exc, ImportBusy | LockSettingError | LimitsError):
        return str(exc)
    db = sys.modules.get("django.db")  # no database error is possible before Django is loaded
    if db is not None and isinstance(exc, db.DatabaseError):
        return database_problem(exc)
    if isinstance(exc, OSError):
        return file_problem(exc)
    return None


# SQLite's result codes and PostgreSQL's SQLSTATE classes, by what they mean to the user
_FULL = ("SQLITE_FULL", "53100", "53200", "53300", "53400")
_READ_ONLY = ("SQLITE_READONLY", "25006", "42501")
_UNREACHABLE = ("SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_CORRUPT", "08", "57P", "28")
_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED", "55P03", "40001", "40P01", "57014")


def database_problem(exc: BaseException) -> str:
    """What went wrong with the database, naming it (never its password)."""
    cause = exc.__cause__ or exc
    code = str(getattr(cause, "sqlite_errorname", None) or getattr(cause, "sqlstate", None)
               or "")
    detail = scrub(" ".join(str(exc).split()) or type(cause).__name__)
    where = database_label()
    if code.startswith(_FULL) or "disk is full" in detail or "No space left" in detail:
        return (f"{where} is full: there is no space left for what this command saves "
                f"({detail}). Nothing was saved; free some space and run it again.")
    if code.startswith(_READ_ONLY) or "readonly" in detail or "read-only" in detail:
        return (f"{where} cannot be written to: it is read-only, or its files or database "
                f"user lack write permission ({detail}). Nothing was saved.")
    if code.startswith(_BUSY):
        return (f"{where} is busy with another change ({detail}). Nothing was saved; run the "
                "command again when it has finished.")
    if code.startswith(_UNREACHABLE) or (not code and "connect" in detail):
        return (f"cannot use {where} ({detail}). Check DATABASE_URL, that the database is "
                "running and that its files can be opened.")
    return f"{where} refused this ({type(exc).__name__}: {detail}). Nothing was saved."


def database_label() -> str:
    """The database in use, as a user knows it: engine, name and host (never a password)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"the SQLite database {db['NAME']}"
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"the database {db.get('NAME')!s} on {host}{port}"


def scrub(text: str) -> str:
    """``text`` with any password of DATABASE_URL or the settings replaced by ``***``."""
    secrets = set()
    with_password = re.compile(r"(\w+://[^:/@\s]*:)([^@\s]+)@")
    for url in (os.environ.get("DATABASE_URL", ""), text):
        secrets |= {m.group(2) for m in with_password.finditer(url)}
    if "django.conf" in sys.modules:
        from django.conf import settings

        if settings.configured:
            secrets.add(str(settings.DATABASES.get("default", {}).get("PASSWORD") or ""))
    for secret in sorted(secrets - {""}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def file_problem(exc: OSError) -> str:
    """What went wrong with a file, in the words of its error number."""
    name = exc.filename or "a file"
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return f"{name}: there is no space left on the disk ({reason}). Free some space and " \
               "run the command again."
    if exc.errno == errno.EROFS:
        return f"{name}: the disk is read-only ({reason})."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{name}: not allowed to open it ({reason}). Check its permissions."
    if exc.errno == errno.ENOENT:
        return f"{name}: there is no such file or folder."
    return f"{name}: {reason}."
