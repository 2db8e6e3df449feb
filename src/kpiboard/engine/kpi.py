"""A KPI's definition: every attribute councils record for it, for one financial year."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from types import MappingProxyType

from kpiboard.engine.targets import Target
from kpiboard.engine.tolerance import DEFAULT_TOLERANCE, Tolerance
from kpiboard.engine.travel import TravelBasis
from kpiboard.engine.types import Frequency, Polarity, Unit, ValueBasis

_NO_TARGETS: Mapping[str, Target] = MappingProxyType({})


class KpiStatus(str, Enum):
    """Whether a KPI is new in this year's set or carried over."""

    NEW = "new"
    EXISTING = "existing"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A comparator figure, e.g. ``94% (Mean Average CIPFA Near Neighbours - LG Inform)``."""

    value: Decimal | None
    text: str = ""
    source: str = ""
    period: str = ""
    group: str = ""  # CIPFA near neighbours, statistical neighbours, England average, ...


@dataclass(frozen=True, slots=True)
class SubMeasure:
    """A breakdown of a KPI (defect category P1, area Corby, age 65+), maybe with targets."""

    code: str
    name: str = ""
    # year label -> target
    targets: Mapping[str, Target] = field(default_factory=lambda: _NO_TARGETS)
    polarity: Polarity | None = None  # None: as the KPI
    tolerance: Tolerance | None = None  # None: as the KPI

    @property
    def title(self) -> str:
        return self.name or self.code


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    """One KPI as defined in one year's KPI set."""

    ref: str
    name: str
    description: str = ""
    key_commitment: str = ""
    priority: str = ""
    directorate: str = ""
    department: str = ""
    team: str = ""
    portfolio: str = ""
    statutory: bool | None = None
    statutory_text: str = ""
    data_source: str = ""
    frequency: Frequency = Frequency.MONTHLY
    arrears_months: int = 0
    unit: Unit = Unit.NUMBER
    decimals: int | None = None
    polarity: Polarity = Polarity.HIGHER
    basis: ValueBasis = ValueBasis.SNAPSHOT
    # year label -> target
    targets: Mapping[str, Target] = field(default_factory=lambda: _NO_TARGETS)
    tolerance: Tolerance = DEFAULT_TOLERANCE
    benchmark: Benchmark | None = None
    comparators: tuple[Benchmark, ...] = ()
    sub_measures: tuple[SubMeasure, ...] = ()
    status: KpiStatus = KpiStatus.EXISTING
    rationale: str = ""
    notes: str = ""
    sets: tuple[str, ...] = ()  # report sections: core, service, organisational health, ...
    theme: str = ""  # e.g. an organisational-health theme: Financial, Customer, Workforce
    rating_scheme: str | None = None  # None: the organisation's default
    direction_scheme: str | None = None
    travel_basis: TravelBasis = TravelBasis.VALUE
    # Whether a value or numerator may be below zero (a balance, a net change); by default
    # a figure is refused when it is negative, whatever the unit (docs/framework.md).
    negatives_allowed: bool = False

    def target_for(self, year: str, sub_measure: str | None = None) -> Target | None:
        """This year's target for the KPI or one of its sub-measures."""
        own = self.targets.get(year)
        if sub_measure:
            sub = self.sub_measure(sub_measure)
            if sub is not None and year in sub.targets:
                return sub.targets[year]
            # A breakdown without a target of its own follows its KPI's (a tracking KPI's
            # sub-measures are tracking too), unless the KPI's targets are per sub-measure.
            if own is not None and (own.is_set or own.none is not None):
                return own
            return None
        return own

    def sub_measure(self, code: str) -> SubMeasure | None:
        for sub in self.sub_measures:
            if sub.code == code or sub.name == code:
                return sub
        return None

    def polarity_for(self, sub_measure: str | None) -> Polarity:
        sub = self.sub_measure(sub_measure) if sub_measure else None
        return sub.polarity if sub is not None and sub.polarity is not None else self.polarity

    def tolerance_for(self, sub_measure: str | None) -> Tolerance:
        sub = self.sub_measure(sub_measure) if sub_measure else None
        return sub.tolerance if sub is not None and sub.tolerance is not None else self.tolerance
