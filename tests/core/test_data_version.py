"""The data version (``kpiboard.core.dataversion``): the database moves it on whenever a watched
table changes, however the change is made — the ORM, a bulk update, raw SQL — and a database
emptied starts a new epoch. On SQLite and PostgreSQL both (the suite runs on each)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection

from kpiboard.core.dataversion import TABLES, UNWATCHED, WATCHED, data_version_get
from kpiboard.core.models import DataVersion
from kpiboard.data.models import PeriodValue
from kpiboard.kpis.models import Kpi
from tests.web.test_dashboard import load_nnc

pytestmark = pytest.mark.django_db


def test_every_model_of_the_framework_figures_and_cycle_is_watched() -> None:
    for label in WATCHED:
        names = {m.__name__ for m in apps.get_app_config(label).get_models()}
        assert names == set(WATCHED[label]) | set(UNWATCHED.get(label, ())), label


def test_each_watched_table_has_its_trigger() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT event_object_table FROM information_schema.triggers "
                           "WHERE trigger_name LIKE '%%_data_version'")
        else:
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE '%_data_version_%'")
        tables = {row[0] for row in cursor.fetchall()}
    assert tables == set(TABLES)


def test_every_kind_of_write_moves_the_version_on() -> None:
    load_nnc()
    seen = [data_version_get()]

    def moved() -> bool:
        seen.append(data_version_get())
        return seen[-1] != seen[-2]

    assert not moved()  # reading changes nothing
    pv = PeriodValue.objects.filter(period="2024-02").order_by("pk").first()
    assert pv is not None
    pv.save()
    assert moved()  # the ORM
    PeriodValue.objects.filter(pk=pv.pk).update(value=Decimal("1.5"))
    assert moved()  # a bulk update (no signals)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE kpis_kpi SET name = name || ' (renamed)' WHERE ref = 'STP16'")
    assert moved()  # raw SQL, as another program would
    with connection.cursor() as cursor:
        cursor.execute("UPDATE kpis_kpi SET name = name WHERE ref = 'no such KPI'")
    assert connection.vendor == "sqlite" or moved()  # PostgreSQL: per statement
    Kpi.objects.filter(ref="STP16").first()
    assert not moved()


def test_an_emptied_database_starts_a_new_epoch() -> None:
    load_nnc()
    before = data_version_get()
    DataVersion.objects.all().delete()
    after = data_version_get()
    assert after.split(":")[0] != before.split(":")[0]
    assert after.endswith(":0")
