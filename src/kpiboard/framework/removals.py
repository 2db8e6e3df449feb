"""Explicit removals in a framework file: what an import may delete, and nothing else.

An import adds and changes: a KPI entry that leaves out a sub-measure, a target year, a
benchmark or its change note keeps what is stored. To delete one, the KPI's entry says so::

    - ref: STP29
      name: ...
      remove: [sub_measures.P4, targets.2022/23, sub_measures.P1.targets.2022/23,
               benchmark, comparators, change]

``sub_measures.CODE`` removes a sub-measure (with its targets); ``targets.YEAR`` one of the
KPI's targets; ``sub_measures.CODE.targets.YEAR`` one of a sub-measure's targets;
``benchmark`` the benchmark; ``comparators`` every comparator; ``change`` the KPI's change
note in this year's set. (``kpiboard import framework --replace`` instead makes the file the
whole truth for every KPI it gives.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kpiboard.engine.periods import FinancialYear, PeriodError
from kpiboard.framework.fields import Reader

_FORMS = ("sub_measures.CODE, targets.YEAR, sub_measures.CODE.targets.YEAR, benchmark, "
          "comparators or change")
_SUB_TARGET = re.compile(r"sub_measures\.(?P<code>.+)\.targets\.(?P<year>[^.]+)")


@dataclass(frozen=True, slots=True)
class Removal:
    """One thing a framework file removes from a stored KPI of ``year``."""

    year: str  # the KPI set's year
    ref: str
    what: str  # sub_measure | target | benchmark | comparators | change
    code: str = ""  # the sub-measure's code (sub_measure; a sub-measure's target)
    target_year: str = ""  # the target's year (target)


def removals_read(r: Reader, item: Any, year: str, ref: str) -> list[Removal]:
    """The KPI entry's ``remove:`` list, each item checked (a problem at its line if not)."""
    out: list[Removal] = []
    if not hasattr(item, "get") or item.get("remove") is None:
        return out
    for raw in r.seq(item, "remove"):
        found = _removal(str(raw).strip() if isinstance(raw, (str, int)) else repr(raw),
                         year, ref)
        if isinstance(found, str):
            r.problem(found, item, "remove")
        else:
            out.append(found)
    return out


def _removal(text: str, year: str, ref: str) -> Removal | str:
    if text in ("benchmark", "comparators", "change"):
        return Removal(year, ref, text)
    match = _SUB_TARGET.fullmatch(text)
    if match is not None:
        target_year = _year(match["year"])
        if target_year is None:
            return f"{match['year']!r} is not a financial year such as 2024/25"
        return Removal(year, ref, "target", match["code"], target_year)
    head, _dot, rest = text.partition(".")
    if head == "sub_measures" and rest:
        return Removal(year, ref, "sub_measure", rest)
    if head == "targets" and rest:
        target_year = _year(rest)
        if target_year is None:
            return f"{rest!r} is not a financial year such as 2024/25"
        return Removal(year, ref, "target", "", target_year)
    return f"cannot remove {text!r}: expected {_FORMS}"


def _year(text: str) -> str | None:
    try:
        return FinancialYear.parse(text).label
    except PeriodError:
        return None
