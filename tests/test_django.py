"""The Django shell: the project starts, migrates and talks to its database (SQLite or
PostgreSQL, whichever DATABASE_URL names)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_health_check_reaches_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


@pytest.mark.django_db
def test_home_page_without_an_organisation_says_how_to_load_one(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"No organisation has been loaded yet" in response.content


def test_database_is_the_configured_one() -> None:
    import os

    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
