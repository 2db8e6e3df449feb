"""The corpus of bad files, by area: each module here holds ``CASES`` (a list of ``Case``)
and may hold ``MAKERS`` (generated file name under the corpus -> a function writing it), for
files that are binary or large and so are made once per test session, not committed.

Modules are found by name, so an area's cases are added by adding a module; ``all_cases()``
and ``all_makers()`` gather them in module-name order.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    what: str  # values | framework | kpi-set
    file: str  # under files/, or made by make_corpus.py
    expect: tuple[str, ...]  # each must be in stderr
    args: tuple[str, ...] = ()  # more options for the command
    bug: str = ""  # a known kpiboard bug (the case xfails until it is fixed)

    @property
    def id(self) -> str:
        option = f"+{self.args[0].lstrip('-')}" if self.args else ""
        return f"{self.what}:{Path(self.file).name}{option}"


def V(file: str, *expect: str, args: tuple[str, ...] = (), bug: str = "") -> Case:
    return Case("values", f"values/{file}", expect, args, bug)


def F(file: str, *expect: str, bug: str = "") -> Case:
    return Case("framework", f"framework/{file}", expect, (), bug)


def K(file: str, *expect: str, bug: str = "") -> Case:
    return Case("kpi-set", f"kpiset/{file}", expect, (), bug)


def _modules() -> list[object]:
    return [importlib.import_module(f"{__name__}.{m.name}")
            for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)]


def all_cases() -> list[Case]:
    return [c for mod in _modules() for c in getattr(mod, "CASES", [])]


def all_makers() -> dict[str, Callable[[Path], None]]:
    makers: dict[str, Callable[[Path], None]] = {}
    for mod in _modules():
        for name, make in getattr(mod, "MAKERS", {}).items():
            assert name not in makers, f"two makers for {name}"
            makers[name] = make
    return makers
