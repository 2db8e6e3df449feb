"""The number of SQL queries per page stays the same when the number of KPIs grows tenfold.

Each page is requested with the example council as it is, then with every KPI copied ten
times over (``kpiboard.example.scaled``), with the cache switched off so every request builds
everything; the counts must be equal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kpiboard.core.dataversion import data_version_get
from kpiboard.example.scaled import load_scaled_example
from kpiboard.kpis.models import Kpi, Organisation
from tests.web.test_dashboard import publish

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/?directorate=Place+%26+Economy&status=red&q=planning&set=core",
    "/kpis/2023-24/STP16/",
    "/kpis/2023-24/STP29/",
    "/kpis/2024-25/BBF22/",
    "/reports/",
    "/reports/2024-02/monthly/?set=all",
    "/reports/2024-02/scorecard/?set=all&group_by=key_commitment",
    "/reports/2024-02/summary/?set=all",
    "/reports/2024-02/monthly.csv?set=all",
    "/framework/",
    "/framework/?format=csv",
    "/framework/changes/",
    "/framework/counts/",
]
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "dashboard-results"}


@pytest.fixture(autouse=True)
def no_cache(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def load(factor: int) -> Organisation:
    org = load_scaled_example(factor)
    publish(org)
    data_version_get()  # made on first use in an emptied database (four queries, once)
    return org


def measure(client: Client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/?status=red", **HTMX).status_code == 200
    counts["/?status=red (htmx)"] = len(queries)
    return counts


def compare(make_client: Callable[[], Client]) -> None:
    load(1)
    once = measure(make_client())
    load(10)
    assert Kpi.objects.filter(kpi_set__year="2023/24").count() == 450
    tenfold = measure(make_client())
    print()
    for url in once:
        print(f"  {once[url]:3d} queries at 1x, {tenfold[url]:3d} at 10x  {url}")
    assert tenfold == once


def test_the_public(db: None) -> None:
    compare(Client)


def test_staff(make_user: Callable[..., User]) -> None:
    user: list[User] = []

    def signed_in() -> Client:
        if not user:
            user.append(make_user("performance_officer"))
        client = Client()
        client.force_login(user[0])
        return client

    compare(signed_in)
