"""A cheap data version: what the caches of built reports, page fragments and the periods
with data are keyed by.

Triggers (migration ``core.0001``) add one to ``core_dataversion.n`` whenever a statement
(PostgreSQL) or a row (SQLite) inserts, updates or deletes one of the ``WATCHED`` tables —
every table of the framework, the figures and the cycle — inside the writer's transaction.
Whatever writes — a service, the admin, an import's bulk SQL, another process, a restore —
the version moves on, and a reader sees the new version exactly when it sees the new data.
Reading it is one primary-key lookup, whatever the size of the council.

On PostgreSQL, concurrent writers take turns at the counter's row at commit: a long import
holds it until it commits (the imports take turns already: docs/imports.md).
"""

from __future__ import annotations

import secrets

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

# app label → the models whose tables are watched (tests/core check that every model of
# these apps is here or in UNWATCHED, so a new model cannot be forgotten)
WATCHED: dict[str, tuple[str, ...]] = {
    "kpis": ("Organisation", "RatingScheme", "DirectionScheme", "KeyCommitment", "Directorate",
             "Service", "KpiSet", "Kpi", "SubMeasure", "Target", "Benchmark", "KpiChange",
             "Outturn"),
    "data": ("PeriodValue", "Commentary", "StatusOverride", "ProjectStatus", "PublishedFigure"),
    "workflow": ("ReportingPeriod", "Submission"),
}
# Not watched: each value revision is written with a change to its value (which is).
UNWATCHED = {"data": ("ValueRevision",)}
TABLES = tuple(f"{app}_{name.lower()}" for app, names in WATCHED.items() for name in names)


def data_version_get(using: str = DEFAULT_DB_ALIAS) -> str:
    """The data version, e.g. ``9f2c41d07ab3e615:1042``: one primary-key lookup."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT epoch, n FROM core_dataversion WHERE id = 1")
        row = cursor.fetchone()
    if row is None:  # a new or emptied database: a new epoch
        from kpiboard.core.models import DataVersion

        try:
            with transaction.atomic(using=using):
                DataVersion.objects.using(using).create(id=1, n=0, epoch=secrets.token_hex(8))
        except IntegrityError:  # made at the same moment by another request
            pass
        return data_version_get(using)
    return f"{row[0]}:{row[1]}"
