"""What a loaded framework holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.periods import FinancialYear, Period
from kpiboard.engine.rating import RatingScheme
from kpiboard.engine.travel import DirectionScheme

if TYPE_CHECKING:
    from kpiboard.framework.removals import Removal


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a framework file, with where it is."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class FrameworkError(ValueError):
    """A framework file with problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        n = len(problems)
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the framework:\n{lines}")


@dataclass(frozen=True, slots=True)
class KeyCommitment:
    name: str
    code: str = ""
    priorities: tuple[str, ...] = ()


def fold(name: str) -> str:
    """A name as compared: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    teams: tuple[str, ...] = ()
    rating_scheme: str | None = None
    direction_scheme: str | None = None
    formerly: tuple[str, ...] = ()  # earlier names: the same service, renamed

    def is_named(self, name: str) -> bool:
        return bool(name) and fold(name) in {fold(n) for n in (self.name, *self.formerly)}


@dataclass(frozen=True, slots=True)
class Directorate:
    name: str
    services: tuple[Service, ...] = ()
    rating_scheme: str | None = None
    direction_scheme: str | None = None
    formerly: tuple[str, ...] = ()  # earlier names: the same directorate, renamed

    def is_named(self, name: str) -> bool:
        return bool(name) and fold(name) in {fold(n) for n in (self.name, *self.formerly)}


@dataclass(frozen=True, slots=True)
class KpiChange:
    """How a KPI differs from last year's set: new, changed, renumbered, moved, split, removed."""

    kind: str
    ref: str
    previous_refs: tuple[str, ...] = ()
    note: str = ""


def change_year(start: int) -> str:
    return FinancialYear(start).label


# Changes after which a KPI's figures cannot be compared with the year before.
COMPARABILITY_BREAKS = frozenset({"changed", "split", "merged"})


@dataclass(frozen=True, slots=True)
class KpiSet:
    year: str
    kpis: dict[str, KpiDefinition]
    changes: tuple[KpiChange, ...] = ()
    removed: tuple[KpiChange, ...] = ()
    removals: tuple[Removal, ...] = ()  # what the file removes from stored KPIs (removals.py)


@dataclass
class Framework:
    organisation: str
    short_name: str = ""
    terminology: dict[str, str] = field(default_factory=dict)
    rating_schemes: dict[str, RatingScheme] = field(default_factory=dict)
    direction_schemes: dict[str, DirectionScheme] = field(default_factory=dict)
    default_rating_scheme: str = ""
    default_direction_scheme: str = ""
    key_commitments: tuple[KeyCommitment, ...] = ()
    directorates: tuple[Directorate, ...] = ()
    years: dict[str, KpiSet] = field(default_factory=dict)
    source: str = ""

    def kpi(self, ref: str, year: str) -> KpiDefinition | None:
        kpi_set = self.years.get(year)
        return None if kpi_set is None else kpi_set.kpis.get(ref)

    def _scheme_names(self, kpi: KpiDefinition) -> tuple[str, str]:
        rating, direction = self.default_rating_scheme, self.default_direction_scheme
        for d in self.directorates:
            if d.name != kpi.directorate and not (d.formerly and d.is_named(kpi.directorate)):
                continue
            rating = d.rating_scheme or rating
            direction = d.direction_scheme or direction
            for s in d.services:
                if s.name == kpi.department or (s.formerly and s.is_named(kpi.department)):
                    rating = s.rating_scheme or rating
                    direction = s.direction_scheme or direction
        return kpi.rating_scheme or rating, kpi.direction_scheme or direction

    def definition_changes(self, ref: str) -> Callable[[Period, Period], str]:
        """For ``assess``: why ``ref`` is not comparable between two periods, or ""."""

        def changed(earlier: Period, later: Period) -> str:
            for year in range(earlier.year.start + 1, later.year.start + 1):
                kpi_set = self.years.get(FinancialYear(year).label)
                for change in () if kpi_set is None else kpi_set.changes:
                    if change.ref == ref and change.kind in COMPARABILITY_BREAKS:
                        note = f": {change.note}" if change.note else ""
                        return f"the definition was {change.kind} in {change_year(year)}{note}"
            return ""

        return changed

    def rating_scheme_for(self, kpi: KpiDefinition) -> RatingScheme:
        return self.rating_schemes[self._scheme_names(kpi)[0]]

    def direction_scheme_for(self, kpi: KpiDefinition) -> DirectionScheme:
        return self.direction_schemes[self._scheme_names(kpi)[1]]
