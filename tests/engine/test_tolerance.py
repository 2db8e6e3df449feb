"""Tests for kpiboard.engine.tolerance: reading tolerance cells and describing them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kpiboard.engine.tolerance import (
    DEFAULT_TOLERANCE,
    NO_TOLERANCE,
    Tolerance,
    ToleranceError,
    ToleranceKind,
    parse_tolerance,
)

D = Decimal
K = ToleranceKind


@pytest.mark.parametrize(
    ("text", "target", "kind", "fields"),
    [
        # a bare percentage beside a high target is relative to that target
        ("5%", D(97), K.RELATIVE, {"amount": D(5)}),
        ("5%", None, K.RELATIVE, {"amount": D(5)}),
        ("+/- 5%", D(80), K.RELATIVE, {"amount": D(5)}),
        ("10", D(100), K.RELATIVE, {"amount": D(10)}),
        # ... while beside a target it is close to, it is the floor of amber
        ("50%", D(55), K.LIMIT, {"low": D(50)}),
        ("8", D(9), K.LIMIT, {"low": D(8)}),
        ("5% points", None, K.POINTS, {"amount": D(5)}),
        ("5 percentage points", None, K.POINTS, {"amount": D(5)}),
        ("2.5pp", None, K.POINTS, {"amount": D("2.5")}),
        ("3 points", None, K.POINTS, {"amount": D(3)}),
        ("85% - 90%", None, K.BAND, {"low": D(85), "high": D(90)}),
        ("9 to 12", None, K.BAND, {"low": D(9), "high": D(12)}),
        ("56 to 60 days", None, K.BAND, {"low": D(56), "high": D(60)}),
        ("18-21", None, K.BAND, {"low": D(18), "high": D(21)}),
        ("22-25", D(25), K.BAND, {"low": D(22), "high": D(25)}),
        ("80% – 85%", None, K.BAND, {"low": D(80), "high": D(85)}),
        ("15 to 10", None, K.BAND, {"low": D(10), "high": D(15)}),  # sorted
        ("No tolerance", None, K.NONE, {}),
        ("No Tolerance", None, K.NONE, {}),
        ("no tolerance.", None, K.NONE, {}),
        ("N/A", None, K.NONE, {}),
        ("n/a", None, K.NONE, {}),
        ("0%", D(90), K.NONE, {}),
        ("-", None, K.NONE, {}),
        ("99.5% and above is green, 99% and above is amber", D(100), K.THRESHOLDS,
         {"green": D("99.5"), "amber": D(99)}),
        ("2 and below is green, 4 and below is amber", D(0), K.THRESHOLDS,
         {"green": D(2), "amber": D(4)}),
        ("TBD - for now applied standard 5%", None, K.DEFAULT, {}),
        ("TBD", None, K.DEFAULT, {}),
        ("TBC", None, K.DEFAULT, {}),
        ("Corporate default", None, K.DEFAULT, {}),
        ("", None, K.DEFAULT, {}),
        ("   ", None, K.DEFAULT, {}),
        (None, None, K.DEFAULT, {}),
    ],
)
def test_parse_tolerance(text: str | None, target: Decimal | None, kind: ToleranceKind,
                         fields: dict[str, Decimal]) -> None:
    tol = parse_tolerance(text, target=target)
    assert tol.kind is kind
    for name, value in fields.items():
        assert getattr(tol, name) == value, name
    unset = {"amount", "low", "high", "green", "amber"} - set(fields)
    assert all(getattr(tol, name) is None for name in unset)
    assert tol.text == ("" if text is None else text)


@pytest.mark.parametrize(
    "text", ["garbage", "within reason", "5% of something", "about five", "abc 5", "5 %%"],
)
def test_unreadable_tolerance_raises_quoting_it(text: str) -> None:
    with pytest.raises(ToleranceError, match=re.escape(repr(text))):
        parse_tolerance(text)


@pytest.mark.parametrize(
    ("tol", "describe"),
    [
        (Tolerance.relative(5), "5% of target"),
        (Tolerance.points("2.5"), "2.5 points"),
        (Tolerance.band(80, 85), "80%–85%"),
        (Tolerance.limit(50), "limit 50%"),
        (Tolerance.thresholds("99.5", 99), "green from 99.5%, amber from 99%"),
        (NO_TOLERANCE, "no tolerance"),
        (DEFAULT_TOLERANCE, "the default tolerance"),
    ],
)
def test_describe(tol: Tolerance, describe: str) -> None:
    assert tol.describe("%") == describe


def test_constructors() -> None:
    assert Tolerance.band(90, 85) == Tolerance(K.BAND, low=D(85), high=D(90), text="85 to 90")
    assert Tolerance.relative("5").amount == D(5)
    assert Tolerance.limit(50).low == D(50)
    assert Tolerance.thresholds("99.5", "99").green == D("99.5")
    assert NO_TOLERANCE.kind is K.NONE and DEFAULT_TOLERANCE.kind is K.DEFAULT
