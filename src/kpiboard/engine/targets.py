"""Targets: annual, profiled per period, per sub-measure, or absent for a stated reason."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from itertools import pairwise
from types import MappingProxyType

from kpiboard.engine.periods import FinancialYear, Period, PeriodKind
from kpiboard.engine.types import ValueBasis

_NUM = r"[-+]?£?\d[\d,]*(?:\.\d+)?"


class TargetError(ValueError):
    """A target text that cannot be read; the message quotes it."""


class NoTargetReason(str, Enum):
    """Why a KPI has no target: each has its own status in most rating schemes."""

    TRACKING = "tracking"  # tracking indicator only
    MONITORING_DEMAND = "monitoring_demand"  # tracking, monitoring levels of demand
    UNDER_REVIEW = "under_review"
    TO_BE_DECIDED = "to_be_decided"  # TBD / TBC / to be set
    NOT_SET = "not_set"  # no target set, no reason given

    @property
    def label(self) -> str:
        return {
            NoTargetReason.TRACKING: "No target - tracking indicator only",
            NoTargetReason.MONITORING_DEMAND: "No target - monitoring levels of demand",
            NoTargetReason.UNDER_REVIEW: "Target under review",
            NoTargetReason.TO_BE_DECIDED: "Target to be decided",
            NoTargetReason.NOT_SET: "No target set",
        }[self]


_EMPTY: Mapping[str, Decimal] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Target:
    """One year's target for a KPI (or one sub-measure).

    ``annual`` is the year's figure. ``per_month`` is a flat monthly figure (``252 (21 per
    month)``). ``profile`` maps a period key (``2024-01``, ``2023/24-Q2``) to that period's
    figure; when ``cumulative_profile`` is set the figures are cumulative to the period end
    (``1,688 / 3,377 / 5,065 / 6,755``). ``straight_line`` profiles ``annual`` evenly across the
    months for a cumulative KPI. ``band`` is the target range for close-to-target KPIs.
    ``qualifier`` keeps ``>`` or ``<`` from texts such as ``>99`` (the target is not met on
    equality). ``none`` gives the reason when there is no target.
    """

    annual: Decimal | None = None
    per_month: Decimal | None = None
    profile: Mapping[str, Decimal] = field(default_factory=lambda: _EMPTY)
    cumulative_profile: bool = False
    straight_line: bool = False
    band: tuple[Decimal, Decimal] | None = None
    qualifier: str | None = None
    none: NoTargetReason | None = None
    text: str = ""

    @property
    def is_set(self) -> bool:
        return self.none is None and (
            self.annual is not None
            or self.per_month is not None
            or bool(self.profile)
            or self.band is not None
        )

    def for_period(self, period: Period, basis: ValueBasis) -> Decimal | None:
        """The target that a value for ``period`` is judged against.

        Profiled figures win. For counts that add up (in-period basis), a flat monthly figure
        or the annual figure is scaled to the months in the period; for a cumulative KPI a flat
        monthly figure accumulates month by month, and the annual target is profiled
        straight-line when asked; otherwise the annual figure applies to every period
        (percentages, rates, snapshots).
        """
        if self.none is not None:
            return None
        points = self._profile_in(period.year) if self.profile else {}
        exact = points.get(period)
        if exact is not None:
            return exact
        months = len(period.months())
        if points and period.kind is not PeriodKind.MONTH and not self.cumulative_profile:
            parts = [points.get(m) for m in period.months()]
            if all(p is not None for p in parts):
                return sum((p for p in parts if p is not None), Decimal(0))
        if self.cumulative_profile and self.profile:
            return self._from_cumulative_profile(period, points)
        elapsed = period.months()[-1].index  # months from April to the period's end
        if basis is ValueBasis.IN_PERIOD:
            if self.per_month is not None:
                return self.per_month * months
            if self.annual is not None:
                return self.annual * months / 12
        elif basis is ValueBasis.CUMULATIVE:
            # a stated monthly figure accumulates; an annual one only when asked
            if self.per_month is not None:
                return self.per_month * elapsed
            if self.straight_line and self.annual is not None:
                return self.annual * elapsed / 12
        elif self.per_month is not None:
            return self.per_month  # a stated monthly figure applies to each month's value
        if self.annual is not None:
            return self.annual
        if self.per_month is not None:
            return self.per_month
        if self.band is not None:
            return self.band[1] if self.band[0] == self.band[1] else None
        return None

    def _profile_in(self, year: FinancialYear) -> dict[Period, Decimal]:
        """The profile's figures placed in periods of ``year``. Keys are period keys
        (``2023/24-Q2``, ``2024-01``) or, for a profile read without a year, ``H1``, ``Q2``,
        ``M7`` (month 7 = October), which apply to every year."""
        placed: dict[Period, Decimal] = {}
        for key, figure in self.profile.items():
            rel = re.fullmatch(r"([HQM])(\d{1,2})", key.strip().upper())
            if rel:
                kind = {"H": PeriodKind.HALF, "Q": PeriodKind.QUARTER, "M": PeriodKind.MONTH}[
                    rel.group(1)]
                p = Period(year, kind, int(rel.group(2)))
            else:
                p = Period.parse(key)
            if p.year == year:
                placed[p] = figure
        return placed

    def _from_cumulative_profile(
        self, period: Period, placed: Mapping[Period, Decimal]
    ) -> Decimal | None:
        """Interpolate a cumulative profile (e.g. quarterly) to the end of ``period``."""
        end_index = period.months()[-1].index
        points: list[tuple[int, Decimal]] = [(0, Decimal(0))]
        points += sorted((p.months()[-1].index, figure) for p, figure in placed.items())
        for (m0, v0), (m1, v1) in pairwise(points):
            if m0 <= end_index <= m1 and m1 > m0:
                return v0 + (v1 - v0) * (end_index - m0) / (m1 - m0)
        return points[-1][1] if len(points) > 1 else None


@dataclass(frozen=True, slots=True)
class TargetText:
    """What a target cell says: one target, or one per sub-measure (``P1 and P2 97.5%``)."""

    target: Target
    by_sub_measure: Mapping[str, Target] = field(default_factory=lambda: MappingProxyType({}))


_NO_TARGET_PATTERNS: list[tuple[re.Pattern[str], NoTargetReason]] = [
    (re.compile(r"under review", re.I), NoTargetReason.UNDER_REVIEW),
    (re.compile(r"demand", re.I), NoTargetReason.MONITORING_DEMAND),
    (re.compile(r"tracking|track only|monitor", re.I), NoTargetReason.TRACKING),
    (re.compile(r"^\s*(tbd|tbc|to be (decided|determined|confirmed|set|agreed))\b", re.I),
     NoTargetReason.TO_BE_DECIDED),
    (re.compile(r"^\s*(no target|none|n/?a|not applicable|-|–|—)?\s*(set)?\s*\.?$", re.I),
     NoTargetReason.NOT_SET),
    (re.compile(r"^\s*no target", re.I), NoTargetReason.NOT_SET),
]


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("£", ""))


def _single(text: str) -> Target | None:
    t = text.strip()
    m = re.fullmatch(rf"([<>]=?|≤|≥)?\s*({_NUM})\s*(%|days?|weeks?)?", t, re.I)
    if m:
        return Target(annual=_num(m.group(2)), qualifier=m.group(1), text=text)
    m = re.fullmatch(rf"({_NUM})\s*%?\s*\(\s*({_NUM})\s*(?:per|a|each)\s+month\s*\)", t, re.I)
    if m:
        return Target(annual=_num(m.group(1)), per_month=_num(m.group(2)), text=text)
    m = re.fullmatch(rf"({_NUM})\s*(%|days?|weeks?)?\s*\((?:annual|year[- ]end)[^)]*\)", t, re.I)
    if m:
        return Target(annual=_num(m.group(1)), text=text)
    m = re.search(rf"year[- ]end target:?\s*({_NUM})", t, re.I)
    if m:
        monthly = re.search(rf"monthly target:?\s*({_NUM})", t, re.I)
        return Target(
            annual=_num(m.group(1)),
            per_month=_num(monthly.group(1)) if monthly else None,
            straight_line=True,
            text=text,
        )
    m = re.fullmatch(rf"({_NUM})\s*%?\s*(?:-|–|to)\s*({_NUM})\s*%?", t)
    if m:
        low, high = sorted((_num(m.group(1)), _num(m.group(2))))
        return Target(band=(low, high), text=text)
    m = re.fullmatch(rf"(?:annual target (?:of )?)({_NUM})\s*%?.*", t, re.I)
    if m:
        return Target(annual=_num(m.group(1)), text=text)
    parts = [p.strip() for p in re.split(r"\s*/\s*", t)]
    if len(parts) in (2, 4, 12) and all(re.fullmatch(_NUM, p) for p in parts):
        return Target(annual=_num(parts[-1]), cumulative_profile=True, text=text)
    return None


_AND = r"\s*(?:,|&|\band\b)\s*"
_SUB_TARGET = re.compile(
    rf"((?:[A-Za-z0-9]+)(?:{_AND}[A-Za-z0-9]+)*)\s*[:=-]?\s*({_NUM})\s*(%)?", re.I
)


def parse_target(text: str | None, *, year_start: int | None = None) -> TargetText:
    """Read a target cell as published: ``90%``, ``252 (21 per month)``, ``>99``, ``TBD``,
    ``1,688 / 3,377 / 5,065 / 6,755``, ``Year-end target: 564 Monthly target: 47``,
    ``P1 and P2 97.5% P3 and P4 90%``, ``No target - tracking indicator only``.

    ``year_start`` (e.g. 2024 for 2024/25) places a cumulative profile's figures in periods.
    """
    raw = "" if text is None else str(text)
    t = " ".join(raw.split())
    for pattern, reason in _NO_TARGET_PATTERNS:
        if pattern.search(t):
            return TargetText(Target(none=reason, text=raw))
    single = _single(t)
    if single is not None:
        single = replace(single, text=raw)  # the cell as written, like every other form
        if single.cumulative_profile:
            single = _place_profile(single, raw, year_start)
        return TargetText(single)
    # "P1 and P2 97.5% - P3 and P4 90%": a dash or semicolon between groups is a separator
    t = re.sub(r"(?<=\s)(\d[\d.]*%?)\s*[-–;]\s*(?=[A-Za-z])", r"\1 ", t)
    subs = _SUB_TARGET.findall(t)
    names = [(n.strip(), number, pct) for names, number, pct in subs
             for n in re.split(_AND, names, flags=re.I) if n.strip()]
    # one name and a number ("About 90%") is not a list of sub-measure targets
    if len(names) >= 2 and "".join(f"{a}{b}{c}" for a, b, c in subs).replace(" ", "") == (
        t.replace(" ", "").replace(":", "").replace("=", "")
    ):
        by_sub = {n: Target(annual=_num(number), text=f"{number}{pct}")
                  for n, number, pct in names}
        return TargetText(Target(text=raw), MappingProxyType(by_sub))
    raise TargetError(
        f"cannot read target {raw!r}: expected a number (90%, 252, >99), a monthly figure "
        "(252 (21 per month)), a profile (1,688 / 3,377 / 5,065 / 6,755), targets per "
        "sub-measure (P1 and P2 97.5% P3 and P4 90%) or a reason for no target "
        "(Tracking, Target under review, TBD)"
    )


def _place_profile(target: Target, raw: str, year_start: int | None) -> Target:
    figures = [_num(p) for p in re.split(r"\s*/\s*", " ".join(raw.split()))]
    kind = {2: PeriodKind.HALF, 4: PeriodKind.QUARTER, 12: PeriodKind.MONTH}[len(figures)]
    if year_start is None:  # relative keys (H1, Q2, M7): the profile applies to any year
        letter = {PeriodKind.HALF: "H", PeriodKind.QUARTER: "Q", PeriodKind.MONTH: "M"}[kind]
        keys = [f"{letter}{i + 1}" for i in range(len(figures))]
    else:
        keys = [Period(FinancialYear(year_start), kind, i + 1).key for i in range(len(figures))]
    return Target(
        annual=figures[-1],
        profile=MappingProxyType(dict(zip(keys, figures, strict=True))),
        cumulative_profile=True,
        text=raw,
    )


def target_number_problems(*targets: Target) -> list[str]:
    """Why any number of ``targets`` cannot be stored (kpiboard's bounded number type:
    ``kpiboard.engine.numbers``), e.g. a 25-digit target read from text; [] when all can."""
    from kpiboard.engine.numbers import number_problem

    problems: list[str] = []
    for t in targets:
        figures = [t.annual, t.per_month, *t.profile.values(), *(t.band or ())]
        for figure in figures:
            problem = None if figure is None else number_problem(figure)
            if problem is not None and problem not in problems:
                problems.append(problem)
    return problems
