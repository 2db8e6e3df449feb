"""The dashboard (``/``) with the example council's February 2024 figures: counts by status,
filters, search, the htmx partial, what the public sees, and the cache.

The helpers here (``load_nnc``, ``client_for``, ``text``, ``draft``...) serve the other page
tests too."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kpiboard.data.models import PeriodValue
from kpiboard.engine.periods import Period
from kpiboard.example import demo_load
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.reports.build import build_report
from kpiboard.workflow.models import ReportingPeriod, Submission
from tests.store.conftest import NNC

pytestmark = pytest.mark.django_db
FEB = Period.parse("2024-02")
FEB_COUNTS = {"Green": 12, "Amber": 4, "Red": 9, "Dark grey": 5, "Grey": 4, "Turquoise": 11}


def publish(org: Organisation, key: str = "2024-02", state: str = "published") -> None:
    p = Period.parse(key)
    ReportingPeriod.objects.update_or_create(
        organisation=org, period=p.key,
        defaults={"period_end": p.end, "deadline": date(p.end.year, p.end.month, 28),
                  "state": state})


def load_nnc() -> Organisation:
    """The example council, with February 2024 published (so the public sees it)."""
    cache.clear()
    demo_load(NNC)
    org = Organisation.objects.get()
    publish(org)
    return org


def client_for(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


# The other page tests declare the same three fixtures with these helpers.
@pytest.fixture
def nnc() -> Organisation:
    return load_nnc()


@pytest.fixture
def staff(nnc: Organisation, make_user: Callable[..., User]) -> Client:
    return client_for(make_user, "performance_officer")


@pytest.fixture
def member(nnc: Organisation, make_user: Callable[..., User]) -> Client:
    return client_for(make_user, "viewer")


def text(html: bytes | str) -> str:
    """The page's words: tags dropped, entities decoded, spaces squeezed."""
    raw = html.decode() if isinstance(html, bytes) else html
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def kpi_refs(html: bytes) -> list[str]:
    """The refs of the KPI rows (not sub-measures) in the dashboard's tables."""
    body = html.decode()
    return re.findall(r'<tr class="govuk-table__row">\s*<th scope="row" '
                      r'class="govuk-table__header">([^<]+)</th>', body)


def counts(html: bytes) -> dict[str, int]:
    """The counts by status, as the page shows them."""
    found = re.findall(r'kb-status__symbol" aria-hidden="true">[^<]*</span>([^<]+)</strong>'
                       r'\s*<span class="kb-counts__number">(\d+)</span>', html.decode())
    return {label.strip(): int(n) for label, n in found}


def period_options(html: bytes) -> list[str]:
    """The periods the page's period select offers."""
    select = re.search(r'<select name="period".*?</select>', html.decode(), re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]+)"', select.group(0))


def draft(org: Organisation, ref: str = "STP16", key: str = "2024-02",
          text_: str = "99.00%", value: str = "99") -> None:
    """A data owner's draft for ``ref``: a new figure waiting for approval."""
    kpi = Kpi.objects.get(kpi_set__organisation=org, kpi_set__year="2023/24", ref=ref)
    Submission.objects.create(kpi=kpi, period=key, state="draft")
    pv = PeriodValue.objects.get(kpi=kpi, sub_measure="", period=key)
    pv.text, pv.value, pv.revision = text_, Decimal(value), pv.revision + 1
    pv.save()


# -- the page -------------------------------------------------------------------------------

def test_the_public_sees_february_with_the_counts_of_the_report(nnc: Organisation) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    page = text(response.content)
    assert "February 2023/24" in page
    assert "45 of 45 KPIs shown" in page
    report = build_report(organisation=nnc, period=FEB, kpi_set="all", visibility="public")
    assert report.overall is not None
    assert counts(response.content) == {c.status.label: c.count for c in report.overall.counts}
    assert counts(response.content) == FEB_COUNTS
    assert "✖" in response.content.decode()  # status by symbol and words, never colour alone


def test_the_table_has_every_kpi_with_value_target_status_arrow_and_sparkline(
        nnc: Organisation) -> None:
    response = Client().get("/")
    body = response.content.decode()
    assert len(kpi_refs(response.content)) == 45
    row = re.search(r"<th scope=\"row\" class=\"govuk-table__header\">STP16</th>(.*?)</tr>",
                    body, re.S)
    assert row is not None
    cells = row.group(1)
    assert 'href="/kpis/2023-24/STP16/?period=2024-02"' in cells
    assert "46.43%" in cells and "85%" in cells
    assert re.search(r"✖</span>Red\s*</strong>", cells)
    assert "↓R" in cells and "46.43% is down 31.70 points" in cells
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in cells
    assert 'aria-label="STP16 this year: ' in cells  # the sparkline's text alternative
    assert "<caption" in body and 'scope="col"' in body


def test_sub_measures_are_beneath_their_kpi(nnc: Organisation) -> None:
    body = Client().get("/?q=STP29").content.decode()
    assert kpi_refs(body.encode()) == ["STP29"]
    for code in ("P1", "P2", "P3", "P4"):
        assert f"STP29 sub-measure </span>{code}</span>" in body
    assert body.index(">STP29</th>") < body.index("sub-measure </span>P1")


@pytest.mark.parametrize(("query", "expected"), [
    ({"directorate": "Finance Services"}, {"MPS04", "MPS05"}),
    ({"status": "red"}, None),
    ({"q": "STP16"}, {"STP16"}),
    ({"q": "planning applications"}, {"STP15", "STP16", "STP17"}),
    ({"q": "stp1"}, {"STP12", "STP15", "STP16", "STP17"}),
    ({"q": "P3 (Target response"}, {"STP29", "STP30", "STP31"}),  # a sub-measure's name
])
def test_filters_and_search_narrow_the_table(nnc: Organisation, query: dict[str, str],
                                             expected: set[str] | None) -> None:
    response = Client().get("/", query)
    refs = set(kpi_refs(response.content))
    report = build_report(organisation=nnc, period=FEB, kpi_set="all", visibility="public")
    if expected is None:  # status=red: every red KPI of the report, and nothing else
        expected = {r.ref for r in report.rows if r.status and r.status.code == "red"}
        assert len(expected) == 9
    assert refs == expected
    assert f"{len(refs)} of 45 KPIs shown" in text(response.content)
    assert "(filtered)" in text(response.content)


def test_counts_follow_the_filters_and_link_to_a_status(nnc: Organisation) -> None:
    response = Client().get("/", {"directorate": "Place & Economy"})
    report = build_report(organisation=nnc, period=FEB, kpi_set="all", visibility="public")
    place = [r for r in report.rows if r.directorate == "Place & Economy"]
    shown = counts(response.content)
    assert sum(shown.values()) == len(place)
    assert shown["Red"] == sum(1 for r in place if r.status and r.status.label == "Red")
    assert "?directorate=Place+%26+Economy&amp;status=red" in response.content.decode()


def test_key_commitment_and_set_filters(nnc: Organisation) -> None:
    report = build_report(organisation=nnc, period=FEB, kpi_set="core", visibility="public")
    response = Client().get("/", {"set": "core"})
    assert set(kpi_refs(response.content)) == {r.ref for r in report.rows}
    assert len(report.rows) < 45
    commitment = report.rows[0].key_commitment
    response = Client().get("/", {"set": "core", "key_commitment": commitment})
    assert set(kpi_refs(response.content)) == {
        r.ref for r in report.rows if r.key_commitment == commitment}


def test_unknown_filter_values_are_ignored(nnc: Organisation) -> None:
    response = Client().get("/", {"status": "purple", "directorate": "Nowhere", "set": "x"})
    assert response.status_code == 200
    assert len(kpi_refs(response.content)) == 45


def test_no_match_says_so_and_offers_to_clear(nnc: Organisation) -> None:
    page = text(Client().get("/", {"q": "no such kpi anywhere"}).content)
    assert "0 of 45 KPIs shown" in page
    assert "No KPIs match the filters" in page


def test_the_form_works_without_javascript_and_htmx_swaps_only_the_results(
        nnc: Organisation) -> None:
    full = Client().get("/", {"status": "red"}).content.decode()
    assert '<form method="get" action="/"' in full
    assert 'hx-get="/"' in full and 'hx-target="#dashboard-results"' in full
    assert 'hx-push-url="true"' in full
    partial = Client().get("/", {"status": "red"}, HTTP_HX_REQUEST="true",
                           HTTP_HX_TARGET="dashboard-results")
    body = partial.content.decode()
    assert "<html" not in body and "<form" not in body
    assert body.count('id="dashboard-results"') == 1
    assert 'hx-swap-oob="innerHTML"' in body and "Showing 9 of 45 KPIs" in body
    assert "<title>Dashboard, February 2023/24 (filtered)" in body
    assert "HX-Request" in partial["Vary"]
    restore = Client().get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="dashboard-results",
                           HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()


# -- periods and who sees what ----------------------------------------------------------------

def test_a_period_can_be_chosen_and_an_unknown_one_is_a_helpful_404(nnc: Organisation) -> None:
    jan = Client().get("/", {"period": "2024-01"})
    assert jan.status_code == 200 and "January 2023/24" in text(jan.content)
    bad = Client().get("/", {"period": "Febtember"})
    assert bad.status_code == 404 and "is not a period" in text(bad.content)


def test_the_public_cannot_see_an_unpublished_period(nnc: Organisation,
                                                    staff: Client) -> None:
    publish(nnc, "2024-03", state="open")
    response = Client().get("/", {"period": "2024-03"})
    assert response.status_code == 404
    assert "have not been published yet" in text(response.content)
    assert "2024-03" not in period_options(Client().get("/").content)
    assert "2024-03" in period_options(staff.get("/").content)
    assert staff.get("/", {"period": "2024-03"}).status_code == 200
    # staff see the latest reporting period by default: March, the one being collected
    assert "March 2023/24" in text(staff.get("/").content)


def test_the_public_and_members_never_see_a_draft(nnc: Organisation, staff: Client,
                                                  member: Client) -> None:
    draft(nnc)
    assert "99.00%" not in Client().get("/", {"q": "STP16"}).content.decode()
    assert "99.00%" not in member.get("/", {"q": "STP16"}).content.decode()
    assert "99.00%" in staff.get("/", {"q": "STP16"}).content.decode()


def test_nothing_published_yet(nnc: Organisation) -> None:
    ReportingPeriod.objects.all().delete()
    response = Client().get("/")
    assert response.status_code == 404
    assert "No figures have been published yet" in text(response.content)


def test_no_organisation_page(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert "No organisation has been loaded yet" in text(response.content)
    assert "kpiboard demo" in text(response.content)


# -- the cache ----------------------------------------------------------------------------

def test_the_report_is_cached_and_any_change_shows_at_once(nnc: Organisation,
                                                           staff: Client) -> None:
    with CaptureQueriesContext(connection) as first:
        assert "46.43%" in staff.get("/", {"q": "STP16"}).content.decode()
    with CaptureQueriesContext(connection) as second:
        staff.get("/", {"q": "STP16"})
    assert len(second) < len(first)  # the built report came from the cache

    # A change made without the ORM's signals (a bulk update from another process) is
    # seen through the data version.
    PeriodValue.objects.filter(kpi__ref="STP16", period="2024-02", sub_measure="").update(
        text="47.50%", value=Decimal("47.5"), revision=2)
    assert "47.50%" in staff.get("/", {"q": "STP16"}).content.decode()

    # A change the data version cannot see (a KPI's name) is seen through the signals.
    kpi = Kpi.objects.get(kpi_set__year="2023/24", ref="STP16")
    kpi.name = "Minor planning applications, renamed"
    kpi.save()
    assert "Minor planning applications, renamed" in staff.get("/", {"q": "STP16"}).content.decode()

    # Publishing a period changes what the public sees.
    Client().get("/")
    ReportingPeriod.objects.filter(organisation=nnc, period="2024-02").update(state="open")
    assert Client().get("/").status_code == 404  # nothing published any more


def test_a_row_escapes_what_it_shows_and_links_a_ref_with_a_slash(nnc: Organisation,
                                                                 staff: Client) -> None:
    """The rows are drawn in Python (``dashboard.rowhtml``), escaping as a template would."""
    Kpi.objects.filter(kpi_set__year="2023/24", ref="STP16").update(
        name='Minor <script>alert(1)</script> & "applications"')
    body = Client().get("/", {"q": "STP16"}).content.decode()
    assert "<script>alert(1)" not in body
    assert "Minor &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;applications&quot;" in body
    body = staff.get("/", {"period": "2024-04", "q": "STP16"}).content.decode()
    assert 'href="/kpis/2024-25/STP16/17/?period=2024-04"' in body
