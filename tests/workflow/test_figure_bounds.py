"""The entry form stores only what every other source may store: numbers within the bounded
number type, and no negative figure for a KPI that does not allow negatives — each refused
with a GOV.UK error message beside its field, nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpiboard.data.models import PeriodValue
from kpiboard.kpis.models import Kpi
from kpiboard.workflow.services import EntryInvalid
from tests.store.conftest import database_fingerprint
from tests.workflow.people import IN_SCOPE, PERCENT, Council
from tests.workflow.test_services import march, save, value  # noqa: F401 (a fixture)
from tests.workflow.test_views import client, text

pytestmark = pytest.mark.django_db
FORM = f"/entry/2024-03/2023-24/{IN_SCOPE}/"
BIG = "1234567890123456789012345"


@pytest.mark.parametrize(("ref", "figure", "field", "words"), [
    (IN_SCOPE, {"text": BIG}, "value", f"Enter a value for {IN_SCOPE} that kpiboard can "
     f"store: {BIG} is too large"),
    (IN_SCOPE, {"text": "0.000000000001"}, "value", "has 12 decimal places"),
    (IN_SCOPE, {"text": "-5"}, "value", f"The value for {IN_SCOPE} must be 0 or more"),
    (PERCENT, {"numerator": BIG, "denominator": "10"}, "numerator",
     "Enter a numerator for STP38 that kpiboard can store"),
    (PERCENT, {"numerator": "1", "denominator": "0.000000000001"}, "denominator",
     "has 12 decimal places"),
    (IN_SCOPE, {"numerator": "99999999999999999999", "denominator": "0.0000000001"},
     "numerator", "is too large"),
])
def test_a_figure_that_cannot_be_stored_is_refused_at_its_field(
        march: Council, ref: str, figure: dict[str, str], field: str,  # noqa: F811
        words: str) -> None:
    before = database_fingerprint()
    with pytest.raises(EntryInvalid) as e:
        save(march, "owner", ref, **figure)
    assert [p.field for p in e.value.problems] == [field]
    assert words in e.value.problems[0].message
    assert database_fingerprint() == before


def test_a_kpi_that_allows_negatives_takes_one(march: Council) -> None:  # noqa: F811
    Kpi.objects.filter(pk=march.kpi(IN_SCOPE).pk).update(negatives_allowed=True)
    save(march, "owner", IN_SCOPE, text="-5")
    assert value(march, IN_SCOPE).value == Decimal(-5)


def test_the_page_shows_the_error_beside_the_field(march: Council) -> None:  # noqa: F811
    response = client(march, "owner").post(FORM, {"version": 0, "kind": "value",
                                                  "value": "-3", "action": "save"})
    assert response.status_code == 200
    page = text(response)
    assert 'class="govuk-error-summary"' in page
    assert f'<a href="#id_value">The value for {IN_SCOPE} must be 0 or more' in page
    assert 'id="id_value-error"' in page
    assert not PeriodValue.objects.filter(period="2024-03").exists()
