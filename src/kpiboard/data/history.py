"""The history is append-only: value revisions and audit events are never changed or deleted.

Three layers keep it so (ADR 8):

- the **admin** shows records read-only (``data.admin``, ``audit.admin``);
- **PROTECT** foreign keys: a KPI, organisation, value or person that has history cannot be
  deleted (a person is deactivated instead), on every database;
- on **PostgreSQL**, triggers (migration ``data.0005_history_append_only``) refuse any UPDATE
  or DELETE of a row of ``data_valuerevision`` or ``audit_auditevent``, whoever sends it.

The one way past the triggers is :func:`history_rewrite`, which sets the transaction-local
``kpiboard.allow_history_rewrite`` to ``on`` for the block. kpiboard uses it in exactly two
places: ``kpiboard restore --replace`` (which replaces the whole database with a dump) and
the scaled example council of the benchmarks (``kpiboard.example.scaled``, which removes
its own copies of KPIs). TRUNCATE fires no row triggers; kpiboard never truncates these
tables (the test runner does, between tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

SETTING = "kpiboard.allow_history_rewrite"
TABLES = ("data_valuerevision", "audit_auditevent")
FUNCTION = "kpiboard_history_append_only"

# The trigger's message names the table and the operation, and what to do instead.
CREATE_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('{SETTING}', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'kpiboard: % refused on %: value revisions and audit events are never '
        'changed or deleted. Correct a figure on its page in kpiboard, giving a reason.',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
""" + "".join(f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
""" for table in TABLES)

DROP_SQL = "".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};\n"
                   for table in TABLES) + f"DROP FUNCTION IF EXISTS {FUNCTION}();\n"


@contextmanager
def history_rewrite() -> Iterator[None]:
    """Allow, inside the block and its transaction only, what the triggers refuse. Only for
    replacing the whole database (restore) and removing the scaled example's copies."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
        yield  # an error rolls the block back, and the setting with it
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])


def kpis_delete_with_history(kpi_ids: Iterable[int]) -> None:
    """Delete KPIs together with their records and history — for the copies
    of the scaled example only (the PROTECT foreign keys refuse it otherwise)."""
    from kpiboard.audit.models import AuditEvent
    from kpiboard.data.models import (
        Commentary,
        PeriodValue,
        PublishedFigure,
        StatusOverride,
        ValueRevision,
    )
    from kpiboard.kpis.models import Kpi

    ids = list(kpi_ids)
    with history_rewrite():
        ValueRevision.objects.filter(period_value__kpi__in=ids).delete()
        for model in (PeriodValue, PublishedFigure, Commentary, StatusOverride, AuditEvent):
            model._default_manager.filter(kpi__in=ids).delete()
        Kpi.objects.filter(pk__in=ids).delete()
