"""The framework pages: KPI sets by year, the changes between years and the counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from kpiboard.framework.review import changes_csv, framework_changes, framework_counts
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.kpis.selectors import framework_get
from tests.web.test_dashboard import load_nnc, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def nnc() -> Organisation:
    return load_nnc()


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def test_kpi_sets_by_year(nnc: Organisation) -> None:
    response = Client().get("/framework/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-module="govuk-tabs"' in body
    assert 'id="year-2023-24"' in body and 'id="year-2024-25"' in body
    assert body.index('id="year-2024-25"') < body.index('id="year-2023-24"')  # latest first
    assert '<a class="govuk-link" href="/kpis/2023-24/STP16/">' in body
    page = text(body)
    assert "The 2023/24 KPIs" in page and "The 2024/25 KPIs" in page
    n23 = Kpi.objects.filter(kpi_set__year="2023/24").count()
    assert f"{n23} KPIs" in page
    stp16 = body[body.index("/kpis/2023-24/STP16/"):]
    stp16 = text(stp16[:stp16.index("</tr>")])
    assert "Place & Economy" in stp16 and "Monthly" in stp16
    assert "Higher is better" in stp16 and "85%" in stp16


def test_kpi_sets_as_csv(nnc: Organisation) -> None:
    response = Client().get("/framework/", {"year": "2023-24", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="nnc-kpi-sets-2023-24.csv"'
    table = rows(response.content)
    assert table[0] == ["year", "ref", "name", "directorate", "service", "frequency",
                        "polarity", "target", "sub_measures"]
    assert len(table) - 1 == Kpi.objects.filter(kpi_set__year="2023/24").count()
    assert {r[0] for r in table[1:]} == {"2023/24"}
    every = rows(Client().get("/framework/", {"format": "csv"}).content)
    assert len(every) - 1 == Kpi.objects.count()


def test_changes_between_years(nnc: Organisation) -> None:
    response = Client().get("/framework/changes/")
    assert response.status_code == 200
    page = text(response.content)
    assert "Changes to the KPIs from 2023/24 to 2024/25" in page
    changes = framework_changes(framework_get(organisation=nnc), from_year="2023/24",
                                to_year="2024/25")
    assert f"{len(changes)} changes from the 2023/24 KPI set" in page
    for kind, title in (("new", "New KPIs"), ("changed", "Changed"), ("removed", "Removed")):
        n = sum(1 for c in changes if c.kind == kind)
        assert n and f"{title} ({n})" in page
    assert "AFL26" in page
    # the links to last year's set: merged and renumbered KPIs with what they continue
    assert "Merged (1)" in page and "STP16, STP17" in page
    assert "AFL08 OFLOG" in page and "renumbered from AFL08" in page
    assert "previously named 'Number of children without a school place'" in page
    explicit = Client().get("/framework/changes/", {"from": "2023-24", "to": "2024-25"})
    assert text(explicit.content) == page


def test_changes_as_csv(nnc: Organisation) -> None:
    response = Client().get("/framework/changes/", {"from": "2023-24", "to": "2024-25",
                                                    "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "nnc-framework-changes-2023-24-to-2024-25.csv" in response["Content-Disposition"]
    fw = framework_get(organisation=nnc)
    expected = changes_csv(framework_changes(fw, from_year="2023/24", to_year="2024/25"))
    assert response.content.decode() == expected


def test_changes_need_two_different_known_years(nnc: Organisation) -> None:
    same = Client().get("/framework/changes/", {"from": "2023-24", "to": "2023-24"})
    assert same.status_code == 200
    page = text(same.content)
    assert page.startswith("Error:") and "Choose two different years to compare" in page
    unknown = text(Client().get("/framework/changes/", {"from": "2019-20"}).content)
    assert "Choose the year to compare from from the list" in unknown
    assert "there is no KPI set for 2019-20" in unknown


def test_counts(nnc: Organisation) -> None:
    response = Client().get("/framework/counts/", {"year": "2024-25"})
    assert response.status_code == 200
    page = text(response.content)
    assert "Number of KPIs in 2024/25" in page
    table = framework_counts(framework_get(organisation=nnc), year="2024/25")
    for label, numbers in table.rows:
        assert f"{label} {' '.join(str(n) for n in numbers)}" in page
    assert "Number of KPIs in 2024/25" in text(Client().get("/framework/counts/").content)


def test_counts_as_csv(nnc: Organisation) -> None:
    response = Client().get("/framework/counts/", {"year": "2023-24", "format": "csv"})
    assert response["Content-Disposition"] == \
        'attachment; filename="nnc-framework-counts-2023-24.csv"'
    table = framework_counts(framework_get(organisation=nnc), year="2023/24")
    assert response.content.decode() == table.as_csv()


def test_counts_of_an_unknown_year(nnc: Organisation) -> None:
    page = text(Client().get("/framework/counts/", {"year": "2030-31"}).content)
    assert page.startswith("Error:") and "Choose the year to count from the list" in page


def test_framework_pages_without_an_organisation(db: None) -> None:
    for url in ("/framework/", "/framework/changes/", "/framework/counts/"):
        assert "No organisation has been loaded yet" in text(Client().get(url).content)
