"""Tolerances: how far off target a KPI may be and still be Amber rather than Red."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

_NUM = r"[-+]?\d[\d,]*(?:\.\d+)?"


class ToleranceError(ValueError):
    """A tolerance text that cannot be read; the message quotes it."""


class ToleranceKind(str, Enum):
    RELATIVE = "relative"  # "5%": within 5% of the target's value
    POINTS = "points"  # "5% points": within 5 units (percentage points) of the target
    BAND = "band"  # "85% - 90%", "9 to 12": an explicit amber band beside the target
    LIMIT = "limit"  # "50%" for a 55% target: the floor (or ceiling) of amber
    THRESHOLDS = "thresholds"  # "99.5% and above is green, 99% and above is amber"
    NONE = "none"  # "No tolerance": anything short of target is Red
    DEFAULT = "default"  # blank or "TBD - for now applied standard 5%": the organisation's


@dataclass(frozen=True, slots=True)
class Tolerance:
    """One KPI's tolerance. Which fields are set depends on ``kind``:

    RELATIVE and POINTS use ``amount``; BAND uses ``low`` and ``high``; LIMIT uses ``low`` (the
    limit value, whichever side of the target it is); THRESHOLDS uses ``green`` and ``amber``
    (the values from which each status starts, in the KPI's better direction).
    """

    kind: ToleranceKind
    amount: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    green: Decimal | None = None
    amber: Decimal | None = None
    text: str = ""

    @classmethod
    def relative(cls, amount: Decimal | int | str) -> Tolerance:
        return cls(ToleranceKind.RELATIVE, amount=Decimal(amount), text=f"{amount}%")

    @classmethod
    def points(cls, amount: Decimal | int | str) -> Tolerance:
        return cls(ToleranceKind.POINTS, amount=Decimal(amount), text=f"{amount} points")

    @classmethod
    def band(cls, low: Decimal | int | str, high: Decimal | int | str) -> Tolerance:
        lo, hi = sorted((Decimal(low), Decimal(high)))
        return cls(ToleranceKind.BAND, low=lo, high=hi, text=f"{lo} to {hi}")

    @classmethod
    def limit(cls, value: Decimal | int | str) -> Tolerance:
        return cls(ToleranceKind.LIMIT, low=Decimal(value), text=f"limit {value}")

    @classmethod
    def thresholds(cls, green: Decimal | int | str, amber: Decimal | int | str) -> Tolerance:
        return cls(ToleranceKind.THRESHOLDS, green=Decimal(green), amber=Decimal(amber),
                   text=f"green from {green}, amber from {amber}")

    def describe(self, unit_suffix: str = "") -> str:
        """A short phrase for explanations: ``5%``, ``5 points``, ``80%–85%``."""
        s = unit_suffix
        if self.kind is ToleranceKind.RELATIVE:
            return f"{_fmt(self.amount)}% of target"
        if self.kind is ToleranceKind.POINTS:
            return f"{_fmt(self.amount)} points"
        if self.kind is ToleranceKind.BAND:
            return f"{_fmt(self.low)}{s}–{_fmt(self.high)}{s}"
        if self.kind is ToleranceKind.LIMIT:
            return f"limit {_fmt(self.low)}{s}"
        if self.kind is ToleranceKind.THRESHOLDS:
            return f"green from {_fmt(self.green)}{s}, amber from {_fmt(self.amber)}{s}"
        return "no tolerance" if self.kind is ToleranceKind.NONE else "the default tolerance"


NO_TOLERANCE = Tolerance(ToleranceKind.NONE, text="No tolerance")
DEFAULT_TOLERANCE = Tolerance(ToleranceKind.DEFAULT, text="")


def _fmt(d: Decimal | None) -> str:
    if d is None:
        return ""
    s = format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
    return s


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def parse_tolerance(text: str | None, *, target: Decimal | None = None) -> Tolerance:
    """Read a tolerance cell as published.

    A bare percentage is ambiguous: ``5%`` beside a 97% target is relative, while ``50%``
    beside a 55% target is the floor of amber. When the target is known and the figure is at
    least half of it, the figure is read as a LIMIT; otherwise as RELATIVE. A framework file
    states the kind explicitly and needs no guessing.
    """
    raw = "" if text is None else str(text)
    t = " ".join(raw.split()).strip().rstrip(".")
    low = t.lower()
    if not t or low.startswith(("tbd", "tbc")) or "standard" in low or "default" in low:
        return Tolerance(ToleranceKind.DEFAULT, text=raw)
    if low in {"n/a", "na", "none", "no tolerance", "-", "–", "—", "0", "0%"} or low.startswith(
        ("no tolerance", "n/a", "national target")
    ):
        return Tolerance(ToleranceKind.NONE, text=raw)
    m = re.fullmatch(
        rf"({_NUM})\s*%?\s*and (above|over|below|under) is green,?\s*({_NUM})\s*%?\s*"
        r"and (above|over|below|under) is amber",
        low,
    )
    if m:
        return Tolerance(ToleranceKind.THRESHOLDS, green=_num(m.group(1)), amber=_num(m.group(3)),
                         text=raw)
    m = re.fullmatch(rf"\+?/?-?\s*({_NUM})\s*(?:%\s*points?|percentage points?|pp|points?)", low)
    if m:
        return Tolerance(ToleranceKind.POINTS, amount=_num(m.group(1)), text=raw)
    m = re.fullmatch(
        rf"({_NUM})\s*%?\s*(?:days?|weeks?)?\s*(?:-|–|to)\s*({_NUM})\s*%?\s*(?:days?|weeks?)?", low
    )
    if m:
        a, b = sorted((_num(m.group(1)), _num(m.group(2))))
        return Tolerance(ToleranceKind.BAND, low=a, high=b, text=raw)
    m = re.fullmatch(rf"\+?/?-?\s*({_NUM})\s*(%)?", low)
    if m:
        figure = _num(m.group(1))
        if target is not None and target != 0 and figure * 2 >= abs(target):
            return Tolerance(ToleranceKind.LIMIT, low=figure, text=raw)
        return Tolerance(ToleranceKind.RELATIVE, amount=figure, text=raw)
    raise ToleranceError(
        f"cannot read tolerance {raw!r}: expected 5% (relative), 5% points, a band "
        "(85% - 90%, 9 to 12), thresholds (99.5% and above is green, 99% and above is "
        "amber), No tolerance, or blank/TBD for the default"
    )


def tolerance_problems(tol: Tolerance) -> list[str]:
    """Why ``tol`` makes no sense whatever the KPI: a negative relative or points amount, or a
    number kpiboard cannot store. (Thresholds in the wrong order for a KPI's polarity are
    checked where the polarity is known: :func:`threshold_problem`.)"""
    from kpiboard.engine.numbers import number_problem

    problems = [p for d in (tol.amount, tol.low, tol.high, tol.green, tol.amber)
                if d is not None and (p := number_problem(d)) is not None]
    if tol.kind in (ToleranceKind.RELATIVE, ToleranceKind.POINTS) and tol.amount is not None \
            and tol.amount < 0:
        word = "relative tolerance" if tol.kind is ToleranceKind.RELATIVE else "tolerance in points"
        problems.append(f"a {word} cannot be negative, found {_fmt(tol.amount)}: it is how far "
                        "from target a value may be and still be within tolerance")
    return problems


def threshold_problem(tol: Tolerance, higher: bool) -> str | None:
    """Thresholds whose amber is on the better side of green for the KPI's polarity (amber
    above green when higher is better), so that amber could never be shown; else None."""
    if tol.kind is not ToleranceKind.THRESHOLDS or tol.green is None or tol.amber is None:
        return None
    if (tol.amber > tol.green) if higher else (tol.amber < tol.green):
        side, better = ("above", "higher") if higher else ("below", "lower")
        return (f"the amber threshold ({_fmt(tol.amber)}) is {side} the green threshold "
                f"({_fmt(tol.green)}), but {better} is better for this KPI: amber starts "
                f"{'below' if higher else 'above'} green")
    return None
