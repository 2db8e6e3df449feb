"""Reading framework fields with every problem recorded at its file, line and path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from kpiboard.engine.numbers import number_problem
from kpiboard.engine.periods import Period, PeriodError
from kpiboard.engine.targets import (
    NoTargetReason,
    Target,
    TargetError,
    parse_target,
    target_number_problems,
)
from kpiboard.engine.tolerance import (
    DEFAULT_TOLERANCE,
    NO_TOLERANCE,
    Tolerance,
    ToleranceError,
    parse_tolerance,
    tolerance_problems,
)
from kpiboard.engine.types import Polarity
from kpiboard.framework.model import FrameworkError, Problem


class Reader:
    """Collects problems while a framework is read, so that all are reported at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.failed_schemes: set[str] = set()  # declared, but with problems (reported)
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

    def problem(self, message: str, node: Any = None, key: str | None = None, *,
                line: int | None = None) -> None:
        if line is not None:
            self.problems.append(Problem(self.file, line, self.path.lstrip("."), message))
            return
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

    def text(self, data: Mapping[str, Any], key: str, *, required: bool = False,
             max_len: int | None = None) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(f"{key!r} is required", data)
            return ""
        if isinstance(value, (Mapping, list)):
            self.problem(f"expected text, found {_kind(value)}", data, key)
            return ""
        text = _plain(value)
        if max_len is not None:
            self.check_length(text, max_len, data, key)
        return text

    def check_length(self, text: str, max_len: int, node: Any = None,
                     key: str | None = None) -> bool:
        """Whether ``text`` fits a column of ``max_len`` characters (a problem if not)."""
        if len(text) <= max_len:
            return True
        self.problem(f"{_short(text)} is {len(text)} characters long; kpiboard keeps at most "
                     f"{max_len} here", node, key)
        return False

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
            return number(value)
        except NumberError as exc:
            self.problem(str(exc), data, key)
            return None

    def integer(self, data: Mapping[str, Any], key: str, default: int = 0, *,
                low: int = 0, high: int | None = None) -> int:
        value = data.get(key)
        if value is None:
            return default
        text = _plain(value) if not isinstance(value, (Mapping, list)) else ""
        if not re.fullmatch(r"[-+]?\d{1,30}", text):
            self.problem(f"expected a whole number, found {_kind(value)}", data, key)
            return default
        whole = int(text)
        if whole < low or (high is not None and whole > high):
            most = f" to {high}" if high is not None else " or more"
            self.problem(f"expected a whole number from {low}{most}, found {whole}", data, key)
            return default
        return whole

    def boolean(self, data: Mapping[str, Any], key: str, *, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        flag = truth(value)
        if flag is None:
            self.problem(f"expected true or false, found {_kind(value)}", data, key)
            return default
        return flag

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


def _on_line(node: Any, key: Any) -> str:
    lines = getattr(node, "lines", None)
    return f" (line {lines[key]})" if isinstance(lines, dict) and key in lines else ""


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return _short(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}…'"


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


TRUE_WORDS = frozenset({"true", "yes", "on"})
FALSE_WORDS = frozenset({"false", "no", "off"})


def truth(value: Any) -> bool | None:
    """``true``/``yes``/``on`` or ``false``/``no``/``off`` (any case); None for anything else."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


class NumberError(ValueError):
    """A number field's text that is not a number kpiboard can store; the message says why."""


# 1234, -5, 97.5, .5, 1,234.5, 1_000, 1E+3, 97.5%: what a number field accepts.
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)?(?:\.\d*)?(?:[eE][-+]?\d{1,4})?")


def number(value: Any) -> Decimal:
    """A number field's value as an exact Decimal, within kpiboard's bounded number type
    (``kpiboard.engine.numbers``); ``NumberError`` saying why not."""
    if isinstance(value, Decimal):
        text = format(value, "f") if value.is_finite() else str(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise NumberError(f"expected a number, found {_kind(value)}")
    digits = text[:-1].rstrip() if text.endswith("%") else text
    if not digits or not any(c.isdigit() for c in digits) or not _NUMBER.fullmatch(digits):
        raise NumberError(f"expected a number, found {_short(text)}")
    try:
        result = Decimal(digits.replace(",", "").replace("_", ""))
    except (InvalidOperation, ArithmeticError):  # pragma: no cover - the pattern is a number
        raise NumberError(f"expected a number, found {_short(text)}") from None
    problem = number_problem(result)
    if problem is not None:
        raise NumberError(problem)
    return result


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
                if not isinstance(arg, list) or len(arg) != 2:
                    raise TypeError
                low, high = (number(x) for x in arg)
                tolerance = Tolerance.band(low, high)
            elif kind == "thresholds":
                if not isinstance(arg, Mapping) or set(arg) != {"green", "amber"}:
                    raise KeyError
                tolerance = Tolerance.thresholds(number(arg["green"]), number(arg["amber"]))
            elif kind in ("none", "default"):
                return NO_TOLERANCE if kind == "none" else DEFAULT_TOLERANCE
            else:
                figure = number(arg)
                tolerance = {"relative": Tolerance.relative, "points": Tolerance.points,
                             "limit": Tolerance.limit}[kind](figure)
        except NumberError as exc:
            r.problem(f"tolerance {kind}: {exc}", value, kind)
            return DEFAULT_TOLERANCE
        except (ValueError, TypeError, KeyError):
            r.problem(f"tolerance {kind} needs {_TOL_ARGS[kind]}, found {_kind(arg)}", value,
                      kind)
            return DEFAULT_TOLERANCE
    else:
        try:
            tolerance = parse_tolerance(_plain(value), target=target)
        except ToleranceError as exc:
            r.problem(str(exc))
            return DEFAULT_TOLERANCE
    for problem in tolerance_problems(tolerance):
        r.problem(problem, value, next(iter(value)) if isinstance(value, Mapping) else None)
    return tolerance


_TOL_ARGS = {"relative": "a number", "points": "a number", "limit": "a number",
             "band": "[LOW, HIGH]", "thresholds": "{green: N, amber: N}", "none": "nothing",
             "default": "nothing"}
TARGET_KEYS = {"annual", "per_month", "profile", "cumulative", "straight_line", "band",
               "none", "qualifier", "text", "profile_total"}
# profile_total: what an in-period profile adds up to (see checks.profile_problems)
PROFILE_TOTALS = ["annual", "not the annual target"]


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
        with r.at("profile", value):
            first: dict[str, Any] = {}
            for k, v in raw_profile.items():
                try:
                    key = Period.parse(str(k)).key
                except PeriodError as exc:
                    r.problem(f"profile entry {k!r}: {exc}", raw_profile, str(k))
                    continue
                if key in first:
                    r.problem(f"profile entry {k!r} is the same period as {first[key]!r}"
                              f"{_on_line(raw_profile, first[key])}; give each period once",
                              raw_profile, str(k))
                    continue
                first[key] = k
                try:
                    profile[key] = number(v)
                except NumberError as exc:
                    r.problem(f"profile entry {k!r}: {exc}", raw_profile, str(k))
        band = None
        if "band" in value:
            try:
                if not isinstance(value["band"], list) or len(value["band"]) != 2:
                    raise TypeError
                lo, hi = sorted(number(x) for x in value["band"])
                band = (lo, hi)
            except NumberError as exc:
                r.problem(f"band: {exc}", value, "band")
            except (ValueError, TypeError):
                r.problem(f"band must be [LOW, HIGH], found {_kind(value['band'])}", value,
                          "band")
        r.choice(value, "profile_total", PROFILE_TOTALS)
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
    for problem in target_number_problems(parsed.target, *parsed.by_sub_measure.values()):
        r.problem(problem)
    return parsed.target, dict(parsed.by_sub_measure)
