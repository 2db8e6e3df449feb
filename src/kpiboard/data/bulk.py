"""Fast bulk writes for imports: PostgreSQL COPY, or one executemany elsewhere.

Django's ``bulk_create`` prepares every field of every object in Python and, on SQLite, sends
batches of a few dozen rows; an import of a million values spends most of its time there.
These functions take plain tuples of database-ready values instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model

EXECUTEMANY_BATCH = 10_000


_MEMO_LIMIT = 1 << 16  # adapted values remembered (the same figures recur in an import)


def _adapter() -> Callable[[Sequence[Any]], list[Any]]:
    """A function that makes a row's values ready for the database (elsewhere than PostgreSQL,
    whose driver takes them as they are): decimals as the backend stores a DecimalField
    (30 digits, 10 places) and datetimes as it stores a DateTimeField."""
    ops = connection.ops
    decimals: dict[Decimal, Any] = {}  # equal decimals are stored alike, however written
    datetimes: dict[datetime, Any] = {}

    def adapt(row: Sequence[Any]) -> list[Any]:
        out = list(row)
        for i, value in enumerate(out):
            kind = type(value)
            if kind is Decimal:
                done = decimals.get(value) if value else None  # (0 and -0 are equal)
                if done is None:
                    done = ops.adapt_decimalfield_value(value, 30, 10)
                    if value and len(decimals) < _MEMO_LIMIT:
                        decimals[value] = done
                out[i] = done
            elif kind is datetime:
                done = datetimes.get(value)
                if done is None:
                    done = datetimes[value] = ops.adapt_datetimefield_value(value)
                out[i] = done
        return out

    return adapt


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def copying(table: str, columns: Sequence[str]) -> Iterator[Callable[[Sequence[Any]], None]]:
    """PostgreSQL only: COPY rows into ``table`` (a table name, not quoted); the block is given
    the function that writes one row (values in the order of ``columns``)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor, connection.execute_wrapper(_no_query_while_copying):
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with raw.copy(sql) as copy:
            yield copy.write_row


def _no_query_while_copying(*args: Any) -> Any:
    # the connection is busy with the COPY: a query would wait for it for ever
    raise RuntimeError("no query can run on the connection while a COPY is under way")


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL only: COPY ``rows`` into ``table`` (a table name, not quoted)."""
    count = 0
    with copying(table, columns) as write:
        for row in rows:
            write(row)
            count += 1
    return count


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in the order of ``columns``, which are column names)."""
    table = model._meta.db_table
    if is_postgresql():
        return copy_rows(table, columns, rows)
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES ({marks})"
    adapt = _adapter()
    return _executemany(sql, (adapt(row) for row in rows))


def update_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Set ``columns`` (column names) of the rows whose primary keys are given: each row is the
    primary key, then the values in the order of ``columns``."""
    meta = model._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    if not is_postgresql():
        sets = ", ".join(f"{quote(c)} = %s" for c in columns)
        sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"
        adapt = _adapter()
        return _executemany(sql, (adapt([*row[1:], row[0]]) for row in rows))
    # PostgreSQL: COPY the new values into a temporary table (typed like the real one), then
    # one UPDATE joining it
    changes = "kpiboard_bulk_update"
    names = [meta.pk.column, *columns]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {quote(changes)} ON COMMIT DROP AS "
                       f"SELECT {', '.join(quote(c) for c in names)} FROM {table} WITH NO DATA")
        count = copy_rows(changes, names, rows)
        sets = ", ".join(f"{quote(c)} = c.{quote(c)}" for c in columns)
        cursor.execute(f"UPDATE {table} AS t SET {sets} FROM {quote(changes)} AS c "
                       f"WHERE t.{pk} = c.{pk}")
        cursor.execute(f"DROP TABLE {quote(changes)}")
    return count


def _executemany(sql: str, rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= EXECUTEMANY_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
