from __future__ import annotations

from pathlib import Path

import pytest

from kpiboard.example import demo_load
from kpiboard.kpis.models import Organisation
from tests.corpus.make_corpus import make_corpus
from tests.store.conftest import NNC

FILES = Path(__file__).resolve().parent / "files"


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workbooks and the 200,000-row file, made once per session (see make_corpus.py)."""
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture
def council(db: None) -> Organisation:
    """The example council, loaded as `kpiboard demo` loads it."""
    demo_load(NNC)
    return Organisation.objects.get()
