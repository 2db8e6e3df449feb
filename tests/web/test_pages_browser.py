"""The dashboard, KPI, report and framework pages in a real browser (chromium): the dashboard's
filters with JavaScript (htmx swaps the results in place and updates the address) and without
it, and axe-core on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from kpiboard.example import demo_load
from kpiboard.kpis.models import Organisation
from tests.store.conftest import NNC
from tests.web.conftest import assert_no_axe_violations, ensure_site_organisation, sign_in
from tests.web.test_dashboard import publish

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = "#dashboard-results tbody > tr:not(.kb-sub-row)"


@pytest.fixture
def nnc_live(live_server: Any) -> Organisation:
    from django.core.cache import cache

    cache.clear()
    demo_load(NNC)
    org = Organisation.objects.get()
    publish(org)
    return org


def test_dashboard_filters_update_in_place(page: Any, nnc_live: Organisation) -> None:
    page.goto("/")
    assert page.title().startswith("Dashboard, February 2023/24")
    assert page.locator(ROWS).count() == 45
    assert_no_axe_violations(page)

    page.evaluate("window.kbMarker = 'still here'")  # gone if the whole page reloads
    with page.expect_response(lambda r: "directorate=" in r.url):
        page.select_option("#id_directorate", "Finance Services")
    page.wait_for_url(lambda url: "directorate=Finance" in url)
    assert "key_commitment=" not in page.url  # filters not set are left out
    page.wait_for_function("(s) => document.querySelectorAll(s).length < 45", arg=ROWS)
    refs = page.locator(f"{ROWS} > th").all_inner_texts()
    assert sorted(refs) == ["MPS04", "MPS05"]
    assert page.evaluate("window.kbMarker") == "still here"
    assert page.locator("#dashboard-status").inner_text().strip() == \
        "Showing 2 of 45 KPIs for February 2023/24."
    assert page.title().startswith("Dashboard, February 2023/24 (filtered)")
    assert_no_axe_violations(page)

    with page.expect_response(lambda r: "q=MPS04" in r.url):
        page.fill("#id_q", "MPS04")
    page.wait_for_function("(s) => document.querySelectorAll(s).length === 1", arg=ROWS)
    assert page.evaluate("window.kbMarker") == "still here"
    page.wait_for_url(lambda url: "q=MPS04" in url)

    page.go_back()  # htmx restores the earlier results
    page.wait_for_function("(s) => document.querySelectorAll(s).length === 2", arg=ROWS)


def test_dashboard_without_javascript(browser: Any, live_server: Any,
                                      nnc_live: Organisation) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.select_option("#id_status", "red")
        with page.expect_navigation():
            page.get_by_role("button", name="Show KPIs").click()
        assert "status=red" in page.url
        assert page.locator(ROWS).count() == 9
        assert_no_axe_violations_without_js(page)
    finally:
        context.close()


def assert_no_axe_violations_without_js(page: Any) -> None:
    """axe needs JavaScript: check the same page's HTML in a page that may run it."""
    html = page.content()
    other = page.context.browser.new_context(base_url=page.url)
    try:
        check = other.new_page()
        check.route("**/*", lambda route: route.fulfill(body=html, content_type="text/html")
                    if route.request.url == page.url else route.continue_())
        check.goto(page.url)
        assert_no_axe_violations(check)
    finally:
        other.close()


def test_status_counts_link_to_the_kpis_with_that_status(page: Any,
                                                         nnc_live: Organisation) -> None:
    page.goto("/")
    page.locator(".kb-counts__link", has_text="Red").click()
    page.wait_for_url("**/?status=red")
    assert page.locator(ROWS).count() == 9
    assert page.locator('.kb-counts__link[aria-current="true"]').count() == 1


@pytest.mark.parametrize("path", [
    "/kpis/2023-24/STP16/",
    "/kpis/2023-24/STP29/",
    "/kpis/2024-25/BBF22/",
    "/kpis/2023-24/NOPE/",
])
def test_kpi_pages(page: Any, nnc_live: Organisation, path: str) -> None:
    page.goto(path)
    assert_no_axe_violations(page)


def test_kpi_page_chart_data_table(page: Any, nnc_live: Organisation) -> None:
    page.goto("/kpis/2023-24/STP16/")
    chart = page.locator("#chart + figure")
    assert chart.locator("svg[role=img]").get_attribute("aria-label").startswith(
        "STP16 by month")
    chart.get_by_text("The chart's figures as a table").click()
    assert chart.locator("table caption").inner_text().startswith("STP16: 2023/24")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", [
    "/reports/",
    "/reports/2024-02/monthly/?set=core",
    "/reports/2024-02/scorecard/?set=core",
    "/reports/2024-02/summary/?set=all",
])
def test_report_pages(page: Any, nnc_live: Organisation, path: str) -> None:
    page.goto(path)
    assert_no_axe_violations(page)


def test_choosing_a_report_and_downloading_it(page: Any, nnc_live: Organisation) -> None:
    page.goto("/reports/")
    page.get_by_label("Scorecard (the last six months)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show the report").click()
    assert "/reports/2024-02/scorecard/" in page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV open data").click()
    assert download.value.suggested_filename.endswith("-2024-02-scorecard-core-directorate.csv")


@pytest.mark.parametrize("path", [
    "/framework/", "/framework/changes/", "/framework/counts/?year=2023-24",
    "/framework/changes/?from=2024-25&to=2024-25",
])
def test_framework_pages(page: Any, nnc_live: Organisation, path: str) -> None:
    page.goto(path)
    assert_no_axe_violations(page)


def test_framework_tabs(page: Any, nnc_live: Organisation) -> None:
    page.goto("/framework/")
    page.get_by_role("tab", name="2023/24").click()
    expect(page.locator("#year-2023-24")).to_be_visible()
    expect(page.locator("#year-2024-25")).to_be_hidden()


def test_staff_pages(page: Any, live_server: Any, nnc_live: Organisation,
                     make_user: Callable[..., User]) -> None:
    make_user("performance_officer", username="perf")
    sign_in(page, live_server, "perf")
    for path in ("/", "/kpis/2023-24/STP16/", "/reports/2024-02/summary/?set=core"):
        page.goto(path)
        assert_no_axe_violations(page)


def test_a_stale_quarterly_kpi(page: Any, nnc_live: Organisation) -> None:
    """March 2024: AFL23's fourth quarter was due and has not come in, so the dashboard and
    its page show the third quarter's value labelled, with the "Stale" marker."""
    publish(nnc_live, "2024-03")
    for path in ("/?period=2024-03", "/kpis/2023-24/AFL23/?period=2024-03",
                 "/kpis/2023-24/AFL23/?period=2024-02"):
        page.goto(path)
        assert_no_axe_violations(page)
    page.goto("/?period=2024-03&q=AFL23")
    assert page.locator(ROWS).count() == 1
    assert page.locator(f"{ROWS} .kb-stale").inner_text().strip().lower() == "stale"


@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/", "/cookies/"])
def test_accessibility_privacy_and_cookies_pages(page: Any, live_server: Any,
                                                path: str) -> None:
    ensure_site_organisation()
    page.goto(path)
    expect(page.get_by_role("contentinfo").get_by_role("link", name="Cookies")).to_be_visible()
    assert_no_axe_violations(page)


def test_editing_the_site_pages(page: Any, live_server: Any,
                                make_user: Callable[..., User]) -> None:
    make_user("administrator", username="ada")
    sign_in(page, live_server, "ada")
    page.goto("/site-pages/")
    assert_no_axe_violations(page)
    page.get_by_label("Contact email address").fill("not an email")
    page.get_by_role("group", name="Statement prepared on").get_by_label("Day").fill("31")
    page.get_by_role("group", name="Statement prepared on").get_by_label("Month").fill("2")
    page.get_by_role("group", name="Statement prepared on").get_by_label("Year").fill("2025")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.locator("li").count() == 2, summary.inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Contact email address").fill("performance@example.gov.uk")
    page.get_by_role("group", name="Statement prepared on").get_by_label("Day").fill("28")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    page.goto("/accessibility/")
    expect(page.get_by_role("link", name="performance@example.gov.uk").first).to_be_visible()
    expect(page.get_by_text("This statement was prepared on 28 February 2025.")).to_be_visible()
