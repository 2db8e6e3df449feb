from __future__ import annotations

import pytest

from tests.workflow.people import Council, council_load


@pytest.fixture
def council(db: None) -> Council:
    return council_load()
