"""The docs are part of the product: a setting, command or framework field that is not
documented fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpiboard.cli import _parser
from kpiboard.engine.rating import Outcome
from kpiboard.engine.travel import Movement, TravelBasis
from kpiboard.engine.types import Frequency, Polarity, Unit, ValueBasis
from kpiboard.framework import load
from kpiboard.framework import schemes as scheme_module
from kpiboard.framework.fields import TARGET_KEYS, TOLERANCE_KEYS
from kpiboard.framework.schemes import preset_data

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def settings_used() -> set[str]:
    names: set[str] = set()
    for path in [*(ROOT / "src").rglob("*.py"), ROOT / "run"]:
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"os\.environ(?:\.get)?\(\s*\"([A-Z_]+)\"", text))
        names |= set(re.findall(r"\b(KPIBOARD_[A-Z_]+)\b", text))
    return names


@pytest.mark.parametrize("name", sorted(settings_used()))
def test_every_setting_is_documented(name: str) -> None:
    assert f"### {name}" in doc("settings.md")


def subcommands() -> list[str]:
    action = next(a for a in _parser()._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", subcommands())
def test_every_command_is_documented(name: str) -> None:
    assert re.search(rf"^#+ .*kpiboard {re.escape(name)}\b", doc("commands.md"), re.M)


FIELDS = sorted(
    load.TOP_KEYS | load.ORG_KEYS | load.DEFAULT_KEYS | load.COMMITMENT_KEYS
    | load.DIRECTORATE_KEYS | load.SERVICE_KEYS | load.YEAR_KEYS | load.KPI_KEYS
    | load.SUB_KEYS | load.BENCHMARK_KEYS | load.CHANGE_KEYS | set(load.CHANGE_KINDS)
    | scheme_module.RATING_KEYS | scheme_module.STATUS_KEYS | scheme_module.BAND_KEYS
    | scheme_module.DIRECTION_KEYS | TARGET_KEYS | TOLERANCE_KEYS
)
WORDS = sorted(
    {o.value for o in Outcome} | {m.value for m in Movement} | {b.value for b in TravelBasis}
    | {p.value for p in Polarity} | {b.value for b in ValueBasis} | {u.value for u in Unit}
    | {f.value for f in Frequency} | set(preset_data("rating")) | set(preset_data("direction"))
)


@pytest.mark.parametrize("name", FIELDS)
def test_every_framework_field_is_documented(name: str) -> None:
    assert f"`{name}" in doc("framework.md")


@pytest.mark.parametrize("word", WORDS)
def test_every_option_and_preset_is_documented(word: str) -> None:
    assert f"`{word}" in doc("framework.md") + doc("values.md")
