"""A KPI's page (``/kpis/<year>/<ref>/``) with the example council's data."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kpiboard.data.services import ValueInput, values_import
from kpiboard.engine.periods import Period
from kpiboard.engine.types import ValueState
from kpiboard.kpis.models import Organisation
from tests.web.test_dashboard import client_for, draft, load_nnc, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def nnc() -> Organisation:
    return load_nnc()


@pytest.fixture
def staff(nnc: Organisation, make_user: Callable[..., User]) -> Client:
    return client_for(make_user, "performance_officer")


@pytest.fixture
def member(nnc: Organisation, make_user: Callable[..., User]) -> Client:
    return client_for(make_user, "viewer")


STP16 = "/kpis/2023-24/STP16/"


def section(html: bytes, ident: str) -> str:
    """The words of the page from the heading ``id=ident`` to the next h2."""
    body = html.decode()
    start = body.index(f'id="{ident}"')
    end = body.find("<h2", start)
    return text(body[start:end if end > 0 else None])


def revise(org: Organisation, ref: str, key: str, figure: str, reason: str) -> None:
    values_import(organisation=org, source="corrections.csv", reason=reason, values=[
        ValueInput(ref, Period.parse(key), figure, Decimal(figure.rstrip("%")),
                   ValueState.VALUE)])


def test_the_kpi_at_a_glance(nnc: Organisation) -> None:
    response = Client().get(STP16)
    assert response.status_code == 200
    html = response.content
    assert "<h1 class=\"govuk-heading-l\">Percentage of minor planning applications" in \
        html.decode()
    now = section(html, "now")
    assert "February 2023/24" in now and "46.43%" in now and "85%" in now
    assert "✖ Red" in now and "↓R" in now
    assert "Red: 46.43% is 38.57 points below the 85% target" in now
    assert "Quarter 1 23-24 73.91%" in now


def test_the_definition_is_a_summary_list(nnc: Organisation) -> None:
    html = Client().get(STP16).content
    body = html.decode()
    assert '<dl class="govuk-summary-list">' in body
    definition = section(html, "definition")
    for words in ("Reference STP16", "Directorate Place & Economy",
                  "Service Growth & Regeneration", "Frequency Monthly",
                  "Polarity Higher is better", "Target 85%", "Tolerance 80% - 85%"):
        assert words in definition


def test_the_chart_has_a_text_alternative_and_a_data_table(nnc: Organisation) -> None:
    body = Client().get(STP16).content.decode()
    chart = body[body.index('id="chart"'):body.index('id="history"')]
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in chart
    assert 'aria-label="STP16 by month: 2023/24 against 2022/23' in chart
    assert "<caption" in chart and "STP16: 2023/24 against 2022/23" in chart
    assert re.search(r"<th scope=\"row\" class=\"govuk-table__header\">Feb</th>"
                     r"<td[^>]*>No value</td><td[^>]*>46.43%</td>", chart)


def test_the_history_has_every_period_with_status_arrow_and_why(nnc: Organisation) -> None:
    history = section(Client().get(STP16).content, "history")
    for month in ("April 2023/24", "January 2023/24", "February 2023/24"):
        assert month in history
    assert "March 2023/24" not in history  # not yet
    assert "Q2 2023/24 84.54% 85% ▲ Amber ↑G" in history
    assert "January 2023/24 78.13%" in history
    assert "46.43% is down 31.70 points" in history


def test_sub_measures_have_their_own_history(nnc: Organisation) -> None:
    html = Client().get("/kpis/2023-24/STP29/").content
    assert "Sub-measures, February 2023/24" in text(html)
    history = section(html, "history")
    for code in ("P1", "P2", "P3", "P4"):
        assert f"Sub-measure: {code} (Target response time" in history


def test_commentary_benchmarks_and_changes(nnc: Organisation) -> None:
    html = Client().get(STP16).content
    assert "Performance this month has dropped" in section(html, "commentary")
    assert "87% (Mean Average CIPFA" in section(html, "benchmarks")
    changes = section(Client().get("/kpis/2024-25/BBF22/").content, "changes")
    assert "From 2023/24 to 2024/25" in changes
    assert "previously named 'Number of children without a school place'" in changes
    assert "BBF22 in the 2023/24 KPI set" in changes
    assert "From 2023/24 to 2024/25" in section(Client().get("/kpis/2023-24/BBF22/").content,
                                                "changes")


def test_a_ref_with_a_slash_and_a_ref_in_another_case(nnc: Organisation) -> None:
    assert Client().get("/kpis/2024-25/STP16/17/").status_code == 200
    response = Client().get("/kpis/2023-24/stp16/?period=2024-01")
    assert response.status_code == 302
    assert response["Location"] == "/kpis/2023-24/STP16/?period=2024-01"


def test_an_earlier_period(nnc: Organisation) -> None:
    now = section(Client().get(STP16, {"period": "2024-01"}).content, "now")
    assert "January 2023/24" in now and "78.13%" in now


def test_unknown_kpi_or_year_is_a_helpful_404(nnc: Organisation) -> None:
    response = Client().get("/kpis/2023-24/STP99/")
    assert response.status_code == 404
    page = text(response.content)
    assert "There is no KPI STP99 in the 2023/24 KPI set" in page
    assert "KPIs with a similar reference" in page and "STP16" in page
    assert Client().get("/kpis/2019-20/STP16/").status_code == 404
    assert "There is no 2019/20 KPI set" in text(Client().get("/kpis/2019-20/STP16/").content)
    assert Client().get("/kpis/twenty/STP16/").status_code == 404


def test_staff_see_who_revised_a_figure_and_why_the_public_only_that_it_was(
        nnc: Organisation, staff: Client) -> None:
    revise(nnc, "STP16", "2024-01", "79.00%", "Late returns added")
    public = Client().get(STP16).content
    assert "January 2023/24" in section(public, "revisions")
    assert "Late returns added" not in public.decode()
    assert "revised" in section(public, "history")
    revisions = section(staff.get(STP16).content, "revisions")
    assert "Late returns added" in revisions
    assert "78.13%" in revisions and "79.00%" in revisions


def test_the_public_and_members_never_see_a_draft(nnc: Organisation, staff: Client,
                                                  member: Client) -> None:
    draft(nnc)
    assert "99.00%" not in Client().get(STP16).content.decode()
    assert "99.00%" not in member.get(STP16).content.decode()
    assert "99.00%" in staff.get(STP16).content.decode()


def test_the_public_cannot_ask_for_an_unpublished_period(nnc: Organisation,
                                                        staff: Client) -> None:
    assert Client().get(STP16, {"period": "2024-03"}).status_code == 404
    assert staff.get(STP16, {"period": "2024-03"}).status_code == 200


@pytest.mark.parametrize("visibility", ["all", "public"])
def test_each_page_reads_its_own_kpi_and_lineage_and_shows_what_the_whole_would(
        nnc: Organisation, visibility: str) -> None:
    """A KPI's page reads only the KPI and the references its lineage may reach (merged
    STP16/17, renumbered AFL08 OFLOG, split...): for every KPI of both years, at a month of
    each, the page is the one built from the whole organisation's framework and figures."""
    from kpiboard.dashboard.kpi_detail import kpi_page_get
    from kpiboard.engine.periods import FinancialYear
    from kpiboard.kpis.models import Kpi

    checked = 0
    for year_label, month in (("2023/24", "2024-02"), ("2024/25", "2024-05")):
        year = FinancialYear.parse(year_label)
        for ref in Kpi.objects.filter(kpi_set__organisation=nnc, kpi_set__year=year_label
                                      ).values_list("ref", flat=True):
            args = {"organisation": nnc, "year": year, "ref": ref,
                    "period": Period.parse(month), "visibility": visibility}
            assert kpi_page_get(**args) == kpi_page_get(**args, scoped=False), ref
            checked += 1
    assert checked == Kpi.objects.filter(kpi_set__organisation=nnc).count()  # both years
