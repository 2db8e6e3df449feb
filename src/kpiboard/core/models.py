"""The data version: one row that the database itself moves on whenever the framework, the
figures or the cycle change (see ``kpiboard.core.dataversion``)."""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """``n`` goes up by one with every statement (PostgreSQL) or row (SQLite) that inserts,
    updates or deletes a watched table — triggers do it, in the writer's own transaction, so a
    reader sees the new number exactly when it sees the new data. ``epoch`` is drawn when the
    row is made: a database emptied or restored starts a new epoch, never an old number."""

    n = models.BigIntegerField(default=0)
    epoch = models.CharField(max_length=32)

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return f"{self.epoch}:{self.n}"
