"""The last guard before the database: a number beyond the bounded number type is refused by
``values_import`` and ``framework_save`` whatever the source (the readers refuse it first,
at its cell or line); a number the engine works out is rounded to the columns' 10 places."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpiboard.data.guard import framework_checked, storable, values_checked
from kpiboard.data.services import ValueInput, values_import
from kpiboard.engine.kpi import Benchmark
from kpiboard.engine.numbers import LARGEST, WIDE, NumberBoundsError, number_problem
from kpiboard.engine.periods import Period
from kpiboard.engine.targets import parse_target
from kpiboard.engine.types import ValueState
from kpiboard.framework.model import Framework
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.services import framework_save
from tests.store.conftest import database_fingerprint

pytestmark = pytest.mark.django_db


def _value(value: str, numerator: str | None = None) -> ValueInput:
    return ValueInput("AFL13", Period.parse("2024-01"), value, Decimal(value),
                      ValueState.VALUE, numerator=None if numerator is None
                      else Decimal(numerator))


@pytest.mark.parametrize(("value", "numerator", "message"), [
    ("1E+308", None, "AFL13 January 2023/24: the value: 1E+308 is too large"),
    ("1234567890123456789012345", None, "the value: 1234567890123456789012345 is too large"),
    ("5", "0.000000000001", "the numerator: 0.000000000001 has 12 decimal places"),
    ("Infinity", None, "Infinity is not a number that can be stored"),
])
def test_values_import_refuses_what_cannot_be_stored(
        nnc_framework: Framework, value: str, numerator: str | None, message: str) -> None:
    framework_save(framework=nnc_framework)
    org = Organisation.objects.get()
    before = database_fingerprint()
    with pytest.raises(NumberBoundsError) as e:
        values_import(organisation=org, values=[_value("5"), _value(value, numerator)],
                      source="api")
    assert message in str(e.value)
    assert database_fingerprint() == before


def test_framework_save_refuses_a_target_that_cannot_be_stored(
        nnc_framework: Framework) -> None:
    kpis = dict(nnc_framework.years["2023/24"].kpis)
    kpis["STP15"] = replace(kpis["STP15"], targets=MappingProxyType(
        {"2023/24": parse_target("12345678901234567890123").target}))
    kpis["AFL13"] = replace(kpis["AFL13"], benchmark=Benchmark(Decimal("0.000000000001")))
    sets = {"2023/24": replace(nnc_framework.years["2023/24"], kpis=kpis)}
    with pytest.raises(NumberBoundsError) as e:
        framework_save(framework=replace(nnc_framework, years=sets))
    assert "2023/24 STP15: targets.2023/24.annual: 12345678901234567890123 is too large" \
        in str(e.value)
    assert not Organisation.objects.exists()


def test_framework_save_refuses_a_small_whole_number_beyond_its_column(
        nnc_framework: Framework) -> None:
    kpis = dict(nnc_framework.years["2023/24"].kpis)
    kpis["STP15"] = replace(kpis["STP15"], arrears_months=10**20)
    sets = {"2023/24": replace(nnc_framework.years["2023/24"], kpis=kpis)}
    with pytest.raises(NumberBoundsError, match="arrears_months: 100000000000000000000 is not "
                       "a whole number from 0 to 32767"):
        framework_checked(replace(nnc_framework, years=sets))


def test_the_example_framework_passes(nnc_framework: Framework) -> None:
    framework_checked(nnc_framework)


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-LARGEST,
                   max_value=LARGEST))
def test_a_computed_figure_is_rounded_to_what_can_be_stored(number: Decimal) -> None:
    try:
        stored = storable(number, "outturn")
    except NumberBoundsError:  # it rounds to 10^20: one more digit than can be stored
        assert number.copy_abs() >= WIDE.subtract(LARGEST, Decimal("0.00000000005"))
        return
    assert stored is not None and number_problem(stored) is None
    assert abs(stored - number) <= Decimal("0.00000000005")


def test_a_computed_figure_too_large_is_refused() -> None:
    with pytest.raises(NumberBoundsError, match=r"STP15 outturn: .* is too large"):
        storable(Decimal(10) ** 21 / 3, "STP15 outturn")
    assert storable(Decimal(1) / 3, "x") == Decimal("0.3333333333")


def test_values_checked_takes_good_values() -> None:
    values_checked([_value("99999999999999999999.9999999999"), _value("-0.5"),
                    _value("1.50000000000")])
