"""Scopes follow their directorate or service across a rename: the example's data owner
for "Housing Services" still has their KPIs in 2024/25, when the service is "Housing"."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import Client

from kpiboard.workflow.selectors import owners_by_kpi
from tests.workflow.people import PASSWORD, Council, make_person


def test_owner_and_approver_keep_their_kpis_after_the_renames(council: Council) -> None:
    stp37 = council.kpi("STP37", "2024/25")
    assert (stp37.directorate, stp37.department) == ("Adults, Health Partnerships & Housing",
                                                     "Housing")
    assert council.access("owner").can_enter(stp37)  # scope: Housing Services
    assert council.access("approver").can_approve(stp37)  # scope: Adults & Housing
    assert not council.access("owner_other").can_enter(stp37)
    assert not council.access("approver_other").can_approve(stp37)
    assert council.access("owner").can_enter(council.kpi("STP37a"))  # and in 2023/24
    owners = owners_by_kpi(organisation=council.org, kpis=[stp37])
    assert owners[stp37.pk] == ["Owner Tester"]
    assert council.access("owner").scope_warnings("2024/25") == []
    assert council.access("approver").scope_warnings("2024/25") == []


def test_a_scope_that_matches_nothing_is_a_warning(council: Council) -> None:
    user = make_person(council.org, "lost", "data_owner", ["Housing Servces"])
    from kpiboard.accounts.access import access_for

    warnings = access_for(user, council.org).scope_warnings("2024/25")
    assert warnings == ["Your scope \u201cHousing Servces\u201d (data owner) matches no team "
                        "or service of the 2024/25 KPI set: ask the performance team to "
                        "record its new name, or to change your scope."]
    client = Client()
    assert client.login(request=HttpRequest(), username="lost", password=PASSWORD)
    page = client.get("/entry/", {"period": "2024-04"}).content.decode()
    assert "matches no team or service of the 2024/25 KPI set" in page


def test_the_owner_sees_their_2024_25_kpis_in_april(council: Council) -> None:
    client = Client()
    assert client.login(request=HttpRequest(), username="owner", password=PASSWORD)
    page = client.get("/entry/", {"period": "2024-04"}).content.decode()
    assert "No figures of yours are due" not in page
    assert "STP37" in page and "matches no" not in page


def test_an_approver_whose_directorate_matches_nothing_is_warned(council: Council) -> None:
    make_person(council.org, "lost_approver", "approver", ["Adults and Housing Dept"])
    client = Client()
    assert client.login(request=HttpRequest(), username="lost_approver", password=PASSWORD)
    page = client.get("/approvals/").content.decode()
    assert "\u201cAdults and Housing Dept\u201d (approver) matches no directorate of the " \
           "2024/25 KPI set" in page
    client.force_login(council.users["approver"])
    assert "matches no" not in client.get("/approvals/").content.decode()


def test_the_kpi_page_links_a_kpi_to_its_predecessors_and_successors(council: Council) -> None:
    client = Client()
    client.force_login(council.users["admin"])
    page = client.get("/kpis/2024-25/STP16/17/").content.decode()
    assert "STP16 in the 2023/24 KPI set" in page and "STP17 in the 2023/24 KPI set" in page
    page = client.get("/kpis/2023-24/AFL08/").content.decode()
    assert "AFL08 OFLOG in the 2024/25 KPI set" in page
