"""The engine's modules depend on each other in one direction only: explanations depend on
rating and travel, never the other way round, and no module imports another that (directly
or not) imports it back — not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "src" / "kpiboard" / "engine"


def imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ENGINE.glob("*.py"):
        if path.stem == "__init__":
            continue
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module \
                    and node.module.startswith("kpiboard.engine."):
                found.add(node.module.rsplit(".", 1)[1])
        graph[path.stem] = found
    return graph


def test_the_engine_imports_nothing_outside_itself_but_the_standard_library() -> None:
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("django", "kpiboard.")) \
                    or node.module.startswith("kpiboard.engine"), (path.name, node.module)


def test_the_engine_has_no_import_cycles() -> None:
    graph = imports()

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in graph.get(todo.pop(), set()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(m for m in graph if m in reach(m))
    assert cycles == [], f"modules on an import cycle: {cycles}"


def test_explanations_depend_on_rating_and_travel_not_back() -> None:
    graph = imports()
    assert {"rating", "travel"} <= graph["explain"]
    assert "explain" not in graph["rating"] | graph["travel"]
