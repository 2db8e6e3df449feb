"""References as councils write them (``STP16/17``, ``BBF05 (KPI 2)``, ``AFL08 OFLOG``, and
``&``, ``%``, ``#``, ``?`` that nobody should write but somebody will) work in every address
that carries one: each address reverses, resolves back to the same reference, and answers
every role as its permissions say — never a server error, never "not found" for a KPI that
exists. Downloads are named safely whatever the reference."""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import resolve, reverse

from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Kpi
from kpiboard.workflow.views.common import period_slug
from tests.simulation.council import ODD_REFS, explained, simulation_load
from tests.simulation.cycle import People, figure_text, run_month
from tests.web.crawl import crawl, unsafe_file_name
from tests.workflow.people import PEOPLE

ROLES = ["public", "admin", "officer", "owner", "owner_other", "approver", "viewer"]
# Who gets the page (200) rather than sign-in (302) or refusal (403), by address.
ENTRY = {"admin", "officer"}  # and the data owners of the KPI's service
AUDIT = {"admin", "officer"}


@pytest.fixture
def people(db: None, tmp_path: Path) -> People:
    people = simulation_load(tmp_path)
    run_month(people, Period.parse("2023-06"), stage="published")  # Q1 published
    run_month(people, Period.parse("2023-09"), stage="approved")  # Q2, first half
    run_month(people, Period.parse("2024-03"), stage="submitted")  # Q4, the year
    return people


def client_for(people: People, role: str) -> Client:
    client = Client()  # raises the view's exception: a server error shows its traceback
    if role != "public":
        client.force_login(people.users[role])
    return client


def addresses(kpi: Kpi, period: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Each address that carries ``kpi``'s reference, with the arguments it resolves to."""
    year = kpi.kpi_set.year.replace("/", "-")
    slug = period_slug(Period.parse(period))
    return {
        "dashboard:kpi": ("dashboard:kpi", {"year": year, "ref": kpi.ref}),
        "workflow:entry_form": ("workflow:entry_form",
                                {"period": slug, "year": year, "ref": kpi.ref}),
        "audit:kpi": ("audit:kpi", {"year": year, "ref": kpi.ref}),
    }


def due_period(kpi: Kpi) -> str:
    """A period of 2023/24 whose figure is entered for ``kpi`` in the fixture's cycle."""
    return {"monthly": "2023-06", "quarterly": "2023/24-Q1", "half_yearly": "2023/24-H1",
            "annual": "2023/24"}[kpi.frequency]


@pytest.mark.parametrize("ref", ODD_REFS)
def test_every_address_with_the_ref_round_trips_and_answers_every_role(
        people: People, ref: str) -> None:
    kpi = Kpi.objects.select_related("kpi_set").get(kpi_set__year="2023/24", ref=ref)
    period = due_period(kpi)
    for name, (view, kwargs) in addresses(kpi, period).items():
        url = reverse(view, kwargs=kwargs)
        match = resolve(unquote(url))  # as the server decodes the address
        assert match.view_name == name, url
        assert match.kwargs == kwargs, (url, match.kwargs)
        for role in ROLES:
            response = client_for(people, role).get(url)
            if name == "dashboard:kpi":
                expected = 200
            elif role == "public":
                expected = 302  # sign in first
            elif name == "workflow:entry_form":
                expected = 200 if role in ENTRY or (
                    role.startswith("owner") and kpi.department in PEOPLE[role][1]) else 403
            else:
                expected = 200 if role in AUDIT else 403
            assert response.status_code == expected, (role, url, response.status_code)
            if expected == 200:
                assert escape(kpi.ref) in response.content.decode(), (role, url)


def test_a_figure_entered_for_a_ref_with_a_slash_lands_on_a_page_that_works(
        people: People) -> None:
    """Submitting the form sends the owner back to their list, which links to the form."""
    kpi = Kpi.objects.get(kpi_set__year="2024/25", ref="STP16/17")
    run_month(people, Period.parse("2024-04"), stage="open")
    client = client_for(people, "officer")
    url = reverse("workflow:entry_form", args=["2024-04", "2024-25", kpi.ref])
    assert url == "/entry/2024-04/2024-25/STP16/17/"
    response = client.post(f"{url}?reporting=2024-04", {
        "reporting": "2024-04", "version": "0", "kind": "value", "value": "86.5%",
        "commentary": "Above target.", "action": "submit"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/entry/?period=2024-04"
    assert "STP16/17 April 2024/25 submitted for approval" in response.content.decode()
    assert url in response.content.decode()  # the list links back to the form
    assert client.get(url).status_code == 200


def test_every_link_from_the_odd_refs_pages_works_as_every_role(people: People) -> None:
    starts = ["/", "/entry/?period=2023-06", "/entry/?period=2023-09",
              "/entry/?period=2024-03", "/overdue/?period=2024-03", "/framework/",
              "/approvals/", "/audit/"]
    for role in ROLES:
        result = crawl(client_for(people, role), starts, who=role)
        assert not result.failures(), result.failures()
        assert result.pages > 5


@pytest.mark.parametrize("disposition, safe", [
    ('attachment; filename="overdue-2023-24-Q4.csv"', True),
    ('attachment; filename="sbc-2024-03-monthly-core-directorate.pdf"', True),
    ('attachment; filename="STP16/17.csv"', False),
    ('attachment; filename="a"b.csv"', False),
])
def test_unsafe_download_names_are_caught(disposition: str, safe: bool) -> None:
    assert (unsafe_file_name(disposition) == "") is safe


def test_a_published_figure_shows_its_status_and_why_to_the_public(people: People) -> None:
    kpi = Kpi.objects.get(kpi_set__year="2023/24", ref="STP16/17")
    june = Period.parse("2023-06")
    text = figure_text(kpi, june)
    page = client_for(people, "public").get(
        reverse("dashboard:kpi", args=["2023-24", kpi.ref]), {"period": june.key})
    html = page.content.decode()
    assert text in html
    assert explained(text) in html  # the sentence that explains it
