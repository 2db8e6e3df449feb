from __future__ import annotations

from pathlib import Path

import pytest

from kpiboard.framework import load_framework
from kpiboard.framework.model import Framework

NNC = Path(__file__).resolve().parents[2] / "examples" / "nnc"


@pytest.fixture(scope="session")
def nnc_framework() -> Framework:
    return load_framework(NNC / "framework.yaml")


def table_counts() -> dict[str, int]:
    """Row count of every kpiboard table: proof that a rejected import changed nothing."""
    from django.apps import apps

    counts = {}
    for label in ("kpis", "data"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


def database_fingerprint() -> str:
    """Every row of every kpiboard table, serialised: equal fingerprints, identical data."""
    from django.apps import apps
    from django.core import serializers

    objects = []
    for label in ("kpis", "data"):
        for model in apps.get_app_config(label).get_models():
            objects.extend(model._default_manager.order_by("pk"))
    return serializers.serialize("json", objects)
