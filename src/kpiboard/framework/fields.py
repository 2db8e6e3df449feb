"""Reading framework fields with every problem recorded at its file, line and path."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from kpiboard.engine.periods import Period, PeriodError
from kpiboard.engine.targets import NoTargetReason, Target, TargetError, parse_target
from kpiboard.engine.tolerance import (
    DEFAULT_TOLERANCE,
    NO_TOLERANCE,
    Tolerance,
    ToleranceError,
    parse_tolerance,
)
from kpiboard.engine.types import Polarity
from kpiboard.framework.model import FrameworkError, Problem


class Reader:
    """Collects problems while a framework is read, so that all are reported at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._path: list[str] = []
        self._line = 0

    @contextmanager
    def at(self, part: str, node: Any = None) -> Iterator[None]:
        saved = self._line
        self._path.append(part)
        line = getattr(node, "line", 0)
        if isinstance(node, Mapping) and hasattr(node, "lines") and part in node.lines:
            line = node.lines[part]
        self._line = line or saved
        try:
            yield
        finally:
            self._path.pop()
            self._line = saved

    @property
    def path(self) -> str:
        return ".".join(self._path).replace(".[", "[")

    def problem(self, message: str, node: Any = None, key: str | None = None) -> None:
        line = self._line
        if key is not None and hasattr(node, "lines") and key in node.lines:
            line = node.lines[key]
        elif getattr(node, "line", 0):
            line = node.line
        path = self.path + (f".{key}" if key else "")
        self.problems.append(Problem(self.file, line, path.lstrip("."), message))

    def raise_if_problems(self) -> None:
        if self.problems:
            raise FrameworkError(self.problems)

    # -- shapes -----------------------------------------------------------------------------
    def expect_mapping(self, data: Any, allowed: set[str]) -> bool:
        if not isinstance(data, Mapping):
            self.problem(f"expected a mapping of fields, found {_kind(data)}", data)
            return False
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else (
                    f"; the fields are {', '.join(sorted(allowed))}")
                self.problem(f"unknown field {key!r}{hint}", data, str(key))
        return True

    def seq(self, data: Mapping[str, Any], key: str, *, required: bool = False) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"{key!r} is required", data)
            return []
        if not isinstance(value, list):
            self.problem(f"expected a list, found {_kind(value)}", data, key)
            return []
        return value

    def text(self, data: Mapping[str, Any], key: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(f"{key!r} is required", data)
            return ""
        if isinstance(value, (Mapping, list)):
            self.problem(f"expected text, found {_kind(value)}", data, key)
            return ""
        return _plain(value)

    def text_mapping(self, data: Mapping[str, Any], key: str) -> dict[str, str]:
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problem(f"expected a mapping, found {_kind(value)}", data, key)
            return {}
        return {str(k): _plain(v) for k, v in value.items()}

    def decimal(self, data: Mapping[str, Any], key: str) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            return _to_decimal(value)
        except (InvalidOperation, ValueError):
            self.problem(f"expected a number, found {value!r}", data, key)
            return None

    def integer(self, data: Mapping[str, Any], key: str, default: int = 0) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"expected a whole number, found {value!r}", data, key)
            return default
        return value

    def boolean(self, data: Mapping[str, Any], key: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"expected true or false, found {value!r}", data, key)
            return default
        return value

    def choice(self, data: Mapping[str, Any], key: str, options: list[str]) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        text = _plain(value)
        if text not in options:
            close = difflib.get_close_matches(text, options, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.problem(f"{text!r} is not one of {', '.join(options)}{hint}", data, key)
            return None
        return text


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    text = str(value).strip().replace(",", "").rstrip("%").strip()
    return Decimal(text)


POLARITY_WORDS = {
    "higher": Polarity.HIGHER, "higher is better": Polarity.HIGHER, "high": Polarity.HIGHER,
    "lower": Polarity.LOWER, "lower is better": Polarity.LOWER, "low": Polarity.LOWER,
    "target": Polarity.TARGET, "close to target": Polarity.TARGET,
    "close to target is best": Polarity.TARGET, "in band": Polarity.TARGET,
    "none": Polarity.NONE, "no polarity": Polarity.NONE, "n/a": Polarity.NONE,
    "n/a - tracking": Polarity.NONE, "tracking": Polarity.NONE, "neither": Polarity.NONE,
}


def polarity_from(r: Reader, data: Mapping[str, Any], key: str = "polarity") -> Polarity | None:
    if key not in data or data[key] is None:
        return None
    word = " ".join(_plain(data[key]).lower().split())
    if word in POLARITY_WORDS:
        return POLARITY_WORDS[word]
    r.problem(f"polarity {data[key]!r} is not one of higher, lower, target, none (or the "
              "published forms 'Higher is better', 'Lower is better', 'No polarity')", data, key)
    return None


TOLERANCE_KEYS = {"relative", "points", "band", "limit", "thresholds", "none", "default"}


def tolerance_from(r: Reader, value: Any, *, target: Decimal | None = None) -> Tolerance:
    """``{relative: 5}``, ``{points: 5}``, ``{band: [85, 90]}``, ``{limit: 50}``,
    ``{thresholds: {green: 99.5, amber: 99}}``, ``none``, ``default``, or published text."""
    if value is None or value == "default":
        return DEFAULT_TOLERANCE
    if value == "none":
        return NO_TOLERANCE
    if isinstance(value, Mapping):
        if len(value) != 1 or next(iter(value)) not in TOLERANCE_KEYS:
            r.problem("a tolerance is one of {relative: N}, {points: N}, {band: [LOW, HIGH]}, "
                      "{limit: N}, {thresholds: {green: N, amber: N}}, none, default", value)
            return DEFAULT_TOLERANCE
        kind, arg = next(iter(value.items()))
        try:
            if kind == "band":
                low, high = (_to_decimal(x) for x in arg)
                return Tolerance.band(low, high)
            if kind == "thresholds":
                return Tolerance.thresholds(_to_decimal(arg["green"]), _to_decimal(arg["amber"]))
            if kind in ("none", "default"):
                return NO_TOLERANCE if kind == "none" else DEFAULT_TOLERANCE
            number = _to_decimal(arg)
            return {"relative": Tolerance.relative, "points": Tolerance.points,
                    "limit": Tolerance.limit}[kind](number)
        except (InvalidOperation, ValueError, TypeError, KeyError):
            r.problem(f"tolerance {kind} needs {_TOL_ARGS[kind]}, found {arg!r}", value, kind)
            return DEFAULT_TOLERANCE
    try:
        return parse_tolerance(_plain(value), target=target)
    except ToleranceError as exc:
        r.problem(str(exc))
        return DEFAULT_TOLERANCE


_TOL_ARGS = {"relative": "a number", "points": "a number", "limit": "a number",
             "band": "[LOW, HIGH]", "thresholds": "{green: N, amber: N}", "none": "nothing",
             "default": "nothing"}
TARGET_KEYS = {"annual", "per_month", "profile", "cumulative", "straight_line", "band",
               "none", "qualifier", "text"}


def target_from(r: Reader, value: Any, year: str) -> tuple[Target | None, dict[str, Target]]:
    """A target cell's text, a number, or a mapping; returns it and any per-sub-measure
    targets the text gives (``P1 and P2 97.5% P3 and P4 90%``)."""
    if value is None:
        return None, {}
    year_start = int(year[:4]) if year[:4].isdigit() else None
    if isinstance(value, Mapping):
        if not r.expect_mapping(value, TARGET_KEYS):
            return None, {}
        reason = r.choice(value, "none", [x.value for x in NoTargetReason])
        profile: dict[str, Decimal] = {}
        raw_profile = value.get("profile") or {}
        if not isinstance(raw_profile, Mapping):
            r.problem("profile must map periods to figures, e.g. {2023/24-Q1: 1688}", value,
                      "profile")
            raw_profile = {}
        for k, v in raw_profile.items():
            try:
                profile[Period.parse(str(k)).key] = _to_decimal(v)
            except (PeriodError, InvalidOperation, ValueError) as exc:
                r.problem(f"profile entry {k!r}: {exc}", raw_profile, str(k))
        band = None
        if "band" in value:
            try:
                lo, hi = sorted(_to_decimal(x) for x in value["band"])
                band = (lo, hi)
            except (InvalidOperation, ValueError, TypeError):
                r.problem(f"band must be [LOW, HIGH], found {value['band']!r}", value, "band")
        return Target(
            annual=r.decimal(value, "annual"), per_month=r.decimal(value, "per_month"),
            profile=MappingProxyType(profile),
            cumulative_profile=r.boolean(value, "cumulative", default=False),
            straight_line=r.boolean(value, "straight_line", default=False), band=band,
            qualifier=r.choice(value, "qualifier", ["<", ">", "<=", ">=", "≤", "≥"]),
            none=NoTargetReason(reason) if reason else None, text=r.text(value, "text"),
        ), {}
    try:
        parsed = parse_target(_plain(value), year_start=year_start)
    except TargetError as exc:
        r.problem(str(exc))
        return None, {}
    return parsed.target, dict(parsed.by_sub_measure)
