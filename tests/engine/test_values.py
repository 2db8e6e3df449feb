"""Tests for reading period values from report cells (kpiboard.engine.values)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpiboard.engine.types import Unit, ValueState
from kpiboard.engine.values import (
    ParsedValue,
    ValueParseError,
    format_value,
    parse_value,
    to_decimal,
)

D = Decimal
V = ValueState.VALUE
PCT, DAYS, WEEKS, MONEY = Unit.PERCENT, Unit.DAYS, Unit.WEEKS, Unit.MONEY
COMPUTED = "computed from numerator and denominator"

# text, value, numerator, denominator, unit, qualifier, note, decimals
VALUES: list[tuple[str, str, str | None, str | None, Unit | None, str | None, str | None, int]] = [
    ("80.60%", "80.60", None, None, PCT, None, None, 2),
    ("3735", "3735", None, None, None, None, None, 0),
    ("1,197", "1197", None, None, None, None, None, 0),
    ("408.4", "408.4", None, None, None, None, None, 1),
    ("60.9 days", "60.9", None, None, DAYS, None, None, 1),
    ("1 day", "1", None, None, DAYS, None, None, 0),
    ("8 weeks", "8", None, None, WEEKS, None, None, 0),
    ("£71,233,944.18", "71233944.18", None, None, MONEY, None, None, 2),
    ("-£1,200", "-1200", None, None, MONEY, None, None, 0),
    ("£-1,200", "-1200", None, None, MONEY, None, None, 0),
    ("(1,200)", "-1200", None, None, None, None, None, 0),
    ("(£1,200.50)", "-1200.50", None, None, MONEY, None, None, 2),
    ("(12.5%)", "-12.5", None, None, PCT, None, None, 1),
    ("-3.5", "-3.5", None, None, None, None, None, 1),
    ("−3.5", "-3.5", None, None, None, None, None, 1),
    ("+3.5", "3.5", None, None, None, None, None, 1),
    ("-0", "0", None, None, None, None, None, 0),
    (".5", "0.5", None, None, None, None, None, 1),
    ("93.4% (12938 out of 13852)", "93.4", "12938", "13852", PCT, None, None, 1),
    ("93.4%(12,938 Out Of 13,852)", "93.4", "12938", "13852", PCT, None, None, 1),
    ("93.4% (12938/13852)", "93.4", "12938", "13852", PCT, None, None, 1),
    ("100% 15 out of 15)", "100", "15", "15", PCT, None, None, 0),
    ("100% (15 out of 15", "100", "15", "15", PCT, None, None, 0),
    ("27.3% (8,263)", "27.3", None, "8263", PCT, None, None, 1),
    (
        "132487583.04 out of 137395604.79",
        "96.43",
        "132487583.04",
        "137395604.79",
        PCT,
        None,
        COMPUTED,
        2,
    ),
    ("1116 out of 1919", "58.16", "1116", "1919", PCT, None, COMPUTED, 2),
    ("12938/13852", "93.40", "12938", "13852", PCT, None, COMPUTED, 2),
    ("1 / 8", "12.50", "1", "8", PCT, None, COMPUTED, 2),
    ("1 out of 200", "0.50", "1", "200", PCT, None, COMPUTED, 2),  # 0.5 exactly
    ("1 out of 400", "0.25", "1", "400", PCT, None, COMPUTED, 2),
    ("1 out of 800", "0.13", "1", "800", PCT, None, COMPUTED, 2),  # 0.125 rounds half up
    ("3681 (Apr - Jan)", "3681", None, None, None, None, "Apr - Jan", 0),
    ("0% (Q1-3 2023)", "0", None, None, PCT, None, "Q1-3 2023", 0),
    ("0% (2022/23)", "0", None, None, PCT, None, "2022/23", 0),
    ("1,200 (YTD)", "1200", None, None, None, None, "YTD", 0),
    ("1,200 (2,000)", "1200", None, None, None, None, "2,000", 0),  # a count is not a cohort
    ("27.3% (8,263.5)", "27.3", None, None, PCT, None, "8,263.5", 1),
    ("252 (21 per month)", "252", None, None, None, None, "21 per month", 0),
    (
        "94% (Mean Average CIPFA Near Neighbours - LG Inform Q4 2022/23)",
        "94",
        None,
        None,
        PCT,
        None,
        "Mean Average CIPFA Near Neighbours - LG Inform Q4 2022/23",
        0,
    ),
    ("<10.00%", "10.00", None, None, PCT, "<", None, 2),
    (">99", "99", None, None, None, ">", None, 0),
    ("<=5", "5", None, None, None, "<=", None, 0),
    (">= 5", "5", None, None, None, ">=", None, 0),
    ("≤ 5 days", "5", None, None, DAYS, "<=", None, 0),
    ("≥95%", "95", None, None, PCT, ">=", None, 0),
    ("12.5 %", "12.5", None, None, PCT, None, None, 1),
    ("  1,197 ", "1197", None, None, None, None, None, 0),
    ("\u00a01,197\u00a0", "1197", None, None, None, None, None, 0),
    ("60.9\u00a0days", "60.9", None, None, DAYS, None, None, 1),
    ("£\u202f1,200", "1200", None, None, MONEY, None, None, 0),
    ("12.5\u200b%", "12.5", None, None, PCT, None, None, 1),
    ("60.9 DAYS", "60.9", None, None, DAYS, None, None, 1),
    ("60.9days", "60.9", None, None, DAYS, None, None, 1),
]


@pytest.mark.parametrize(
    ("text", "value", "numerator", "denominator", "unit", "qualifier", "note", "decimals"),
    VALUES,
)
def test_parses_values(
    text: str,
    value: str,
    numerator: str | None,
    denominator: str | None,
    unit: Unit | None,
    qualifier: str | None,
    note: str | None,
    decimals: int,
) -> None:
    parsed = parse_value(text)
    assert parsed.text == text
    assert parsed.state is V
    assert parsed.has_value
    assert parsed.value == D(value)
    assert str(parsed.value) == value  # exact, including trailing zeros
    assert parsed.numerator == (None if numerator is None else D(numerator))
    assert parsed.denominator == (None if denominator is None else D(denominator))
    assert parsed.unit is unit
    assert parsed.qualifier == qualifier
    assert parsed.note == note
    assert parsed.decimals == decimals


NON_VALUES: list[tuple[str, ValueState, str | None, str | None, str | None]] = [
    ("N/A", ValueState.NOT_APPLICABLE, None, None, None),
    ("n/a", ValueState.NOT_APPLICABLE, None, None, None),
    ("NA", ValueState.NOT_APPLICABLE, None, None, None),
    ("N.A.", ValueState.NOT_APPLICABLE, None, None, None),
    ("Not applicable", ValueState.NOT_APPLICABLE, None, None, None),
    (" not APPLICABLE. ", ValueState.NOT_APPLICABLE, None, None, None),
    ("N/A (0 out of 0)", ValueState.NOT_APPLICABLE, "0", "0", None),
    ("N/A (new indicator)", ValueState.NOT_APPLICABLE, None, None, "new indicator"),
    (
        "N/A - monitoring levels of demand",
        ValueState.NOT_APPLICABLE,
        None,
        None,
        "monitoring levels of demand",
    ),
    ("5 out of 0", ValueState.NOT_APPLICABLE, "5", "0", "denominator is 0"),
    ("0/0", ValueState.NOT_APPLICABLE, "0", "0", "denominator is 0"),
    ("Data unavailable", ValueState.MISSING, None, None, None),
    ("data unavailable.", ValueState.MISSING, None, None, None),
    ("Not available", ValueState.MISSING, None, None, None),
    ("No data", ValueState.MISSING, None, None, None),
    ("-", ValueState.MISSING, None, None, None),
    ("–", ValueState.MISSING, None, None, None),
    ("—", ValueState.MISSING, None, None, None),
    (" -- ", ValueState.MISSING, None, None, None),
    ("", ValueState.MISSING, None, None, None),
    ("   ", ValueState.MISSING, None, None, None),
    ("\u00a0", ValueState.MISSING, None, None, None),
    (
        "N/A Reporting one month in arrears",
        ValueState.IN_ARREARS,
        None,
        None,
        "Reporting one month in arrears",
    ),
    (
        "N/A reported one month in arrears",
        ValueState.IN_ARREARS,
        None,
        None,
        "reported one month in arrears",
    ),
    (
        "Reported two months in ARREARS.",
        ValueState.IN_ARREARS,
        None,
        None,
        "Reported two months in ARREARS",
    ),
    ("45 (one month in arrears)", ValueState.IN_ARREARS, None, None, "45 (one month in arrears)"),
    ("TBC", ValueState.TO_BE_CONFIRMED, None, None, None),
    ("tbc!", ValueState.TO_BE_CONFIRMED, None, None, None),
    ("TBD", ValueState.TO_BE_CONFIRMED, None, None, None),
    ("To be confirmed", ValueState.TO_BE_CONFIRMED, None, None, None),
    ("To be determined.", ValueState.TO_BE_CONFIRMED, None, None, None),
    ("TBC (est. 45%)", ValueState.TO_BE_CONFIRMED, None, None, "est. 45%"),
]


@pytest.mark.parametrize(("text", "state", "numerator", "denominator", "note"), NON_VALUES)
def test_parses_non_values(
    text: str,
    state: ValueState,
    numerator: str | None,
    denominator: str | None,
    note: str | None,
) -> None:
    parsed = parse_value(text)
    assert parsed.text == text
    assert parsed.state is state
    assert parsed.value is None
    assert not parsed.has_value
    assert parsed.numerator == (None if numerator is None else D(numerator))
    assert parsed.denominator == (None if denominator is None else D(denominator))
    assert parsed.note == note
    assert parsed.qualifier is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not a number or a known non-value"),
        ("12..5", "not a well-formed number"),
        ("1,2,3", "not a well-formed number"),
        ("1197,5", "not a well-formed number"),
        ("1,1970", "not a well-formed number"),
        ("12.", "not a well-formed number"),
        ("12 out of", "incomplete fraction"),
        ("out of 12", "not a number"),
        ("93.4% (12938 out of)", "incomplete fraction"),
        ("%", "not a number"),
        ("£", "not a number"),
        ("1.5E+3", "not a well-formed number"),
        ("1e5", "not a well-formed number"),
        ("2024/25", "financial year"),
        ("2024-25", "financial year"),
        ("85% - 90%", "must be in brackets"),
        ("12 YTD", "must be in brackets"),
        ("93.4% 12938 out of 13852", "must be in brackets"),
        ("1,688 / 3,377 / 5,065", "must be in brackets"),
        ("93.4% (a) (b)", "one bracketed remark"),
        ("12 ()", "one bracketed remark"),
        ("12 (?!)", "unreadable remark"),
        ("£5%", "together"),
        ("--5", "more than one sign"),
        ("-£-5", "more than one sign"),
        ("(-5)", "not a number"),
        ("(Apr - Jan)", "not a number"),
        ("1 2", "must be in brackets"),
        ("Target under review", "not a number"),
        ("nan", "not a number"),
        ("12 daysx", "must be in brackets"),
        ("NAN", "not a number"),
        ("N/A (3 out of)", "incomplete fraction"),
    ],
)
def test_rejects_unreadable_text(text: str, reason: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_value(text)
    message = str(caught.value)
    assert message.startswith(f"cannot read value {text!r}: ")
    assert reason in message
    assert caught.value.text == text
    assert isinstance(caught.value, ValueError)


def test_error_message_names_the_known_non_values() -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_value("abc")
    assert str(caught.value) == (
        "cannot read value 'abc': not a number or a known non-value "
        "(N/A, TBC, Data unavailable, ...)"
    )


# --- cells that are already numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "text", "value", "decimals"),
    [
        (1197, "1197", "1197", 0),
        (-5, "-5", "-5", 0),
        (D("80.60"), "80.60", "80.60", 2),
        (D("1E+3"), "1E+3", "1E+3", 0),
        (0.1, "0.1", "0.1", 1),
        (80.6, "80.6", "80.6", 1),
        (1e-7, "1e-07", "1E-7", 7),
        (-0.0, "-0.0", "0.0", 1),
        (3.0, "3.0", "3.0", 1),
    ],
)
def test_numbers_pass_through(
    cell: int | float | Decimal, text: str, value: str, decimals: int
) -> None:
    parsed = parse_value(cell)
    assert parsed.text == text
    assert parsed.state is V
    assert str(parsed.value) == value
    assert parsed.decimals == decimals
    assert parsed.unit is None


def test_none_is_missing() -> None:
    assert parse_value(None) == ParsedValue("", ValueState.MISSING, None)


@pytest.mark.parametrize("cell", [float("nan"), float("inf"), D("NaN"), D("-Infinity"), True])
def test_rejects_non_finite_and_boolean_cells(cell: float | Decimal | bool) -> None:
    with pytest.raises(ValueParseError):
        parse_value(cell)


# --- the expected unit ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "unit"),
    [
        ("1,197", Unit.COUNT),
        ("12.3", Unit.RATE),
        (1197, Unit.COUNT),
        (D("4.5"), Unit.NUMBER),
        ("80.60%", PCT),
        ("60.9 days", DAYS),
        ("£5", MONEY),
        ("1116 out of 1919", PCT),
        ("3681 (Apr - Jan)", Unit.COUNT),
        ("N/A", PCT),
        (None, MONEY),
    ],
)
def test_expected_unit_is_used_when_the_text_states_none(
    cell: str | int | Decimal | None, unit: Unit
) -> None:
    assert parse_value(cell, unit=unit).unit is unit


def test_expected_percent_makes_a_bare_bracketed_count_the_denominator() -> None:
    parsed = parse_value("27.3 (8,263)", unit=PCT)
    assert parsed.denominator == D("8263")
    assert parsed.note is None


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("80.60%", Unit.COUNT),
        ("60.9 days", WEEKS),
        ("£5", PCT),
        ("1116 out of 1919", Unit.COUNT),
        ("8 weeks", DAYS),
    ],
)
def test_text_unit_contradicting_the_expected_unit_is_an_error(text: str, unit: Unit) -> None:
    with pytest.raises(ValueParseError, match="was expected"):
        parse_value(text, unit=unit)


# --- ParsedValue ------------------------------------------------------------------------------


def test_parsed_value_is_frozen() -> None:
    parsed = parse_value("80.60%")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = D(1)  # type: ignore[misc]


def test_parsed_value_state_and_value_must_agree() -> None:
    with pytest.raises(ValueError, match="does not agree"):
        ParsedValue("5", ValueState.MISSING, D(5))
    with pytest.raises(ValueError, match="does not agree"):
        ParsedValue("", ValueState.VALUE, None)


# --- to_decimal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,197", "1197"),
        ("408.4", "408.4"),
        ("-3.5", "-3.5"),
        (" 1,234,567.89 ", "1234567.89"),
        ("\u00a012", "12"),
        ("0.50", "0.50"),
        ("-0", "0"),
    ],
)
def test_to_decimal(text: str, value: str) -> None:
    result = to_decimal(text)
    assert isinstance(result, Decimal)
    assert str(result) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12..5", "12%", "£5", "(5)", "1e3", "N/A"])
def test_to_decimal_rejects(text: str) -> None:
    with pytest.raises(ValueParseError, match="cannot read value"):
        to_decimal(text)


# --- format_value ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        ("80.60", PCT, None, "80.60%"),
        ("80.6", PCT, 2, "80.60%"),
        ("1197", None, None, "1,197"),
        ("1197", Unit.COUNT, None, "1,197"),
        ("71233944.18", MONEY, None, "£71,233,944.18"),
        ("-1200", MONEY, None, "-£1,200"),
        ("60.9", DAYS, None, "60.9 days"),
        ("1", DAYS, None, "1 day"),
        ("8", WEEKS, None, "8 weeks"),
        ("1", WEEKS, None, "1 week"),
        ("0.125", PCT, 2, "0.13%"),  # half up
        ("-0.125", None, 2, "-0.13"),
        ("-0.001", PCT, 2, "0.00%"),  # never "-0.00"
        ("1E+3", None, None, "1,000"),
        ("12.3456", Unit.RATE, 1, "12.3"),
        ("2.5", None, 0, "3"),
    ],
)
def test_format_value(value: str, unit: Unit | None, decimals: int | None, text: str) -> None:
    assert format_value(D(value), unit=unit, decimals=decimals) == text


def test_format_missing_value() -> None:
    assert format_value(None, unit=PCT) == "—"


@pytest.mark.parametrize(("value", "decimals"), [(D("NaN"), None), (D("1"), -1)])
def test_format_value_rejects(value: Decimal, decimals: int | None) -> None:
    with pytest.raises(ValueError):
        format_value(value, unit=None, decimals=decimals)


# --- properties ------------------------------------------------------------------------------

STATED_UNITS = {PCT, DAYS, WEEKS, MONEY}
sane_decimals = st.decimals(
    min_value=D("-1e12"), max_value=D("1e12"), allow_nan=False, allow_infinity=False
)
units = st.one_of(st.none(), st.sampled_from(Unit))


@given(value=sane_decimals, unit=units, places=st.integers(min_value=0, max_value=6))
def test_format_then_parse_round_trips(value: Decimal, unit: Unit | None, places: int) -> None:
    text = format_value(value, unit=unit, decimals=places)
    parsed = parse_value(text)
    expected = value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert parsed.value == expected
    assert parsed.decimals == places
    assert parsed.unit is (unit if unit in STATED_UNITS else None)
    assert parse_value(text, unit=unit).unit is unit


@given(value=sane_decimals, unit=units)
def test_format_as_held_then_parse_keeps_the_value(value: Decimal, unit: Unit | None) -> None:
    assert parse_value(format_value(value, unit=unit)).value == value


@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_read_from_their_shortest_repr(number: float) -> None:
    parsed = parse_value(number)
    assert parsed.value == Decimal(repr(number))
    assert parsed.text == repr(number)


NON_VALUE_WORDS = [
    "N/A",
    "n/a",
    "NA",
    "Not applicable",
    "Data unavailable",
    "Not available",
    "-",
    "–",
    "—",
    "",
    "No data",
    "N/A Reporting one month in arrears",
    "N/A reported one month in arrears",
    "TBC",
    "TBD",
    "To be confirmed",
    "To be determined",
]


@given(
    word=st.sampled_from(NON_VALUE_WORDS),
    case=st.sampled_from([str.lower, str.upper, str.title, str]),
    before=st.sampled_from(["", " ", "  ", "\u00a0", "\t"]),
    after=st.sampled_from(["", " ", ".", "!", ". ", "\u00a0", ";", ":"]),
    unit=units,
)
def test_non_values_never_give_a_value(
    word: str, case: Callable[[str], str], before: str, after: str, unit: Unit | None
) -> None:
    text = before + case(word) + after
    parsed = parse_value(text, unit=unit)
    assert parsed.value is None
    assert parsed.state is not V
    assert parsed.text == text


@given(text=st.text(max_size=40) | st.from_regex(r"[-£(<>≤ ]{0,2}[0-9,.]{1,12}[ %)(a-z/]{0,12}"))
def test_any_text_is_kept_or_refused_with_a_value_parse_error(text: str) -> None:
    try:
        parsed = parse_value(text)
    except ValueParseError as error:
        assert repr(text) in str(error)
    else:
        assert parsed.text == text
        assert parsed.has_value == (parsed.value is not None)
        if parsed.value is not None:
            assert parsed.value.is_finite()
