from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    engine = Path(__file__).parent / "engine"
    for item in items:
        if engine in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.engine)
