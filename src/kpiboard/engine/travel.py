"""Direction of travel: how a KPI moved since the period it is compared with.

A scheme is data (see ``docs/framework.md``): what it compares with, which change counts as
"the same", which deterioration is still acceptable, and the symbol and words for each
movement. Symbols may depend on the way the value moved: ``improved.up`` is ``↑G`` and
``improved.down`` is ``↓G`` in the seed council's key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from kpiboard.engine.types import Polarity, Unit

HUNDRED = Decimal(100)


class TravelError(ValueError):
    """A direction-of-travel scheme that is not self-consistent."""


class Movement(str, Enum):
    IMPROVED = "improved"
    SAME = "same"
    DETERIORATED_ACCEPTABLE = "deteriorated_acceptable"  # worse, but on target or within range
    DETERIORATED = "deteriorated"
    INCREASED = "increased"  # no polarity
    DECREASED = "decreased"  # no polarity
    UNCHANGED = "unchanged"  # no polarity
    NOT_COMPARABLE = "not_comparable"  # no earlier value, or the definition changed


class CompareWith(str, Enum):
    PREVIOUS = "previous"  # the previous period of the same kind
    SAME_PERIOD_LAST_YEAR = "same_period_last_year"


class TravelBasis(str, Enum):
    """What is compared: the value, its change in the period (for cumulative KPIs whose value
    always rises), or the percentage of the profiled target achieved."""

    VALUE = "value"
    INCREMENT = "increment"
    PERCENT_OF_TARGET = "percent_of_target"


_FALLBACK: dict[Movement, tuple[Movement, ...]] = {
    Movement.DETERIORATED_ACCEPTABLE: (Movement.DETERIORATED,),
    Movement.UNCHANGED: (Movement.SAME,),
}


@dataclass(frozen=True, slots=True)
class DirectionScheme:
    name: str
    title: str
    symbols: Mapping[str, str]  # "improved.up", "improved", "same", "increased", ...
    labels: Mapping[str, str] = field(default_factory=dict)  # key text per symbol key
    compare_with: CompareWith = CompareWith.PREVIOUS
    same_within: Decimal = Decimal(0)  # relative % change either way that counts as the same
    acceptable_within: Decimal | None = None  # relative % deterioration still acceptable
    acceptable_when_on_target: bool = False  # deterioration that still meets target
    description: str = ""
    table: Mapping[tuple[Movement, str], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bases = {m.value for m in Movement}
        for key in self.symbols:
            base, _, way = key.partition(".")
            if base not in bases or way not in ("", "up", "down"):
                raise TravelError(
                    f"direction scheme {self.name!r}: unknown symbol key {key!r}; keys are a "
                    f"movement ({', '.join(sorted(bases))}), optionally followed by .up or .down"
                )
        for needed in (Movement.IMPROVED, Movement.SAME, Movement.DETERIORATED):
            if not any(k.partition(".")[0] == needed.value for k in self.symbols):
                raise TravelError(f"direction scheme {self.name!r}: no symbol for {needed.value!r}")
        object.__setattr__(self, "table", {
            (m, way): self._symbol(m, way) for m in Movement for way in ("up", "down", "flat")})

    def symbol_key(self, movement: Movement, way: str) -> str:
        for m in (movement, *_FALLBACK.get(movement, ())):
            for key in (f"{m.value}.{way}", m.value):
                if key in self.symbols:
                    return key
        return movement.value

    def symbol(self, movement: Movement, way: str) -> str:
        return self.table[(movement, way)]

    def _symbol(self, movement: Movement, way: str) -> str:
        key = self.symbol_key(movement, way)
        return self.symbols.get(key, "–" if movement is Movement.NOT_COMPARABLE else "")


@dataclass(slots=True)
class Travel:
    """A direction of travel with what it compared (not frozen, for speed: treat as a value)."""

    movement: Movement
    symbol: str
    way: str  # "up", "down" or "flat": the direction the compared figure moved
    current: Decimal | None
    previous: Decimal | None
    polarity: Polarity
    scheme: DirectionScheme
    change: Decimal | None = None
    on_target: bool | None = None
    reason: str = ""  # why not comparable
    previous_label: str = ""
    basis: TravelBasis = TravelBasis.VALUE
    unit: Unit | None = None

    @property
    def relative_change(self) -> Decimal | None:
        """The change as a % of the previous figure (None when that was 0 or is missing)."""
        if self.change is None or not self.previous:
            return None
        return abs(self.change) / abs(self.previous) * HUNDRED

    @property
    def label(self) -> str:
        return self.scheme.labels.get(self.scheme.symbol_key(self.movement, self.way), "")


def travel(
    scheme: DirectionScheme,
    *,
    current: Decimal | None,
    previous: Decimal | None,
    polarity: Polarity,
    on_target: bool | None = None,
    comparable: bool = True,
    reason: str = "",
    previous_label: str = "",
    basis: TravelBasis = TravelBasis.VALUE,
    unit: Unit | None = None,
) -> Travel:
    """The direction of travel from ``previous`` to ``current``.

    ``on_target`` says whether ``current`` meets its target (for schemes where a deterioration
    that still meets target is acceptable). ``comparable=False`` (with a ``reason``) marks a
    definition change between the two periods.
    """
    if not comparable or current is None or previous is None:
        why = reason or ("no value for this period" if current is None
                         else "no value to compare with")
        return Travel(Movement.NOT_COMPARABLE, scheme.symbol(Movement.NOT_COMPARABLE, "flat"),
                      "flat", current, previous, polarity, scheme, reason=why,
                      previous_label=previous_label, basis=basis, unit=unit)
    change = current - previous
    way = "up" if change > 0 else "down" if change < 0 else "flat"
    # Relative comparisons by multiplication: |change| * 100 <= limit * |previous|.
    scaled = abs(change) * HUNDRED
    base = abs(previous)
    same = change == 0 or (
        previous != 0 and scheme.same_within > 0 and scaled <= scheme.same_within * base)
    if polarity is Polarity.NONE:
        movement = (Movement.UNCHANGED if same else
                    Movement.INCREASED if change > 0 else Movement.DECREASED)
    elif same:
        movement = Movement.SAME
    else:
        if polarity is Polarity.TARGET:
            better = bool(on_target)  # closeness to target: the caller judges it
        else:
            better = (change > 0) == (polarity is Polarity.HIGHER)
        if better:
            movement = Movement.IMPROVED
        elif (scheme.acceptable_when_on_target and on_target) or (
            scheme.acceptable_within is not None and previous != 0
            and scaled <= scheme.acceptable_within * base
        ):
            movement = Movement.DETERIORATED_ACCEPTABLE
        else:
            movement = Movement.DETERIORATED
    return Travel(movement, scheme.table[(movement, way)], way, current, previous, polarity,
                  scheme, change, on_target, "", previous_label, basis, unit)


def percent_of_target(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """The percentage of a (profiled) target achieved: the basis for cumulative KPIs' DoT."""
    if value is None or target is None or target == 0:
        return None
    return value / target * HUNDRED
