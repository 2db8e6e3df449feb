"""The monthly cycle in a real browser (chromium): a data owner enters and submits, an
approver approves (htmx, in place), the performance team publishes, and the public sees the
figure; two people editing the same KPI; the same without JavaScript; and axe-core on every
workflow and audit page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from kpiboard.engine.periods import Period
from kpiboard.reports.build import build_report
from kpiboard.workflow.models import PeriodState, ReportingPeriod, Submission, SubmissionState
from kpiboard.workflow.services import period_open, period_publish
from tests.web.conftest import assert_no_axe_violations, sign_in
from tests.workflow.people import IN_SCOPE, PASSWORD, PERCENT, Council, council_load

pytestmark = pytest.mark.django_db(transaction=True)
MARCH, FEB = Period.parse("2024-03"), Period.parse("2024-02")
FORM = f"/entry/2024-03/2023-24/{IN_SCOPE}/"


@pytest.fixture
def council(live_server: Any) -> Council:
    from django.core.cache import cache

    cache.clear()
    c = council_load()
    officer = c.access("officer")
    period_open(access=officer, organisation=c.org, period=FEB, deadline=date(2024, 3, 15))
    period_publish(access=officer, organisation=c.org, period=FEB)
    period_open(access=officer, organisation=c.org, period=MARCH, deadline=date(2024, 4, 12))
    return c


@pytest.fixture
def person(browser: Any, live_server: Any) -> Iterator[Any]:
    """``person(username, javascript=True)``: a page in a new browser context, signed in
    (or not, for "public")."""
    contexts: list[Any] = []

    def open_as(username: str, javascript: bool = True) -> Any:
        context = browser.new_context(base_url=live_server.url,
                                      java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        if username != "public":
            sign_in(page, live_server, username, PASSWORD)
        return page

    try:
        yield open_as
    finally:
        for context in contexts:
            context.close()


def banner(page: Any) -> str:
    return str(page.locator(".govuk-notification-banner").inner_text())


def test_the_monthly_cycle(council: Council, person: Any) -> None:
    # The data owner enters a value and commentary, saves a draft, then submits.
    owner = person("owner")
    owner.goto("/entry/")
    assert owner.title().startswith("Your KPIs – March 2023/24")
    assert_no_axe_violations(owner)
    owner.get_by_role("link", name=f"Enter figures for {IN_SCOPE}").click()
    owner.wait_for_url(f"**{FORM}?reporting=2024-03")
    assert_no_axe_violations(owner)
    value = owner.get_by_label(f"Value for {IN_SCOPE}", exact=True)
    assert not value.is_visible()  # revealed by its radio (GOV.UK Frontend's JavaScript)
    owner.get_by_label("Enter the value").first.check()
    value.fill("17")
    owner.get_by_label("Commentary").fill("Fewer rough sleepers this month.\n\n"
                                          "<strong>Winter shelter</strong> opened.")
    owner.get_by_role("button", name="Save draft").click()
    owner.wait_for_load_state()
    assert "Draft of AFL12 March 2023/24 saved" in banner(owner)
    assert_no_axe_violations(owner)
    owner.get_by_role("button", name="Submit for approval").click()
    owner.wait_for_url("**/entry/?period=2024-03")
    assert "AFL12 March 2023/24 submitted for approval" in banner(owner)
    assert "Submitted" in owner.locator("tr", has_text=IN_SCOPE).inner_text()

    # The approver approves it in place (htmx).
    approver = person("approver")
    approver.goto("/approvals/")
    assert_no_axe_violations(approver)
    card = approver.locator(".govuk-summary-card", has_text=f"{IN_SCOPE} – March 2023/24")
    assert "Winter shelter" in card.inner_text() and "17" in card.inner_text()
    approver.evaluate("window.kbMarker = 'still here'")
    with approver.expect_response(lambda r: "/approvals/" in r.url
                                  and r.request.method == "POST"):
        card.get_by_role("button", name=f"Approve {IN_SCOPE}").click()
    approver.get_by_text("AFL12 March 2023/24 approved").wait_for()
    assert approver.evaluate("window.kbMarker") == "still here"  # no page load
    assert_no_axe_violations(approver)
    assert Submission.objects.get(period="2024-03").state == SubmissionState.APPROVED

    # Before publication the public sees nothing of March.
    public_report = build_report(organisation=council.org, period=MARCH, kpi_set="all",
                                 visibility="public")
    afl12 = next(r for r in public_report.rows if r.ref == IN_SCOPE)
    assert afl12.months[-1].value is None

    # The performance team publishes March.
    officer = person("officer")
    officer.goto("/periods/")
    assert_no_axe_violations(officer)
    officer.get_by_role("link", name="Publish March 2023/24").click()
    assert "have no approved figure yet" in officer.locator("main").inner_text()
    assert_no_axe_violations(officer)
    officer.get_by_role("button", name="Publish March 2023/24").click()
    officer.wait_for_url("**/periods/")
    assert "March 2023/24 published" in banner(officer)
    assert ReportingPeriod.objects.get(period="2024-03").state == PeriodState.PUBLISHED

    # The public now sees the figure: in the report model and on the KPI's page.
    public_report = build_report(organisation=council.org, period=MARCH, kpi_set="all",
                                 visibility="public")
    afl12 = next(r for r in public_report.rows if r.ref == IN_SCOPE)
    assert afl12.months[-1].text == "17"
    assert "Winter shelter" in afl12.commentary_html
    from django.core.cache import cache

    cache.clear()
    public = person("public")
    response = public.goto(f"/kpis/2023-24/{IN_SCOPE}/?period=2024-03")
    assert response is not None and response.status == 200
    assert "Winter shelter" in public.locator("main").inner_text()


def test_entry_errors_use_the_error_summary(council: Council, person: Any) -> None:
    owner = person("owner")
    owner.goto(f"/entry/2024-03/2023-24/{PERCENT}/")
    owner.get_by_label("Enter the numerator and denominator").check()
    owner.get_by_label(f"Numerator for {PERCENT}", exact=True).fill("15")
    owner.get_by_label(f"Denominator for {PERCENT}", exact=True).fill("10")
    owner.get_by_role("button", name="Submit for approval").click()
    owner.wait_for_load_state()
    assert owner.title().startswith("Error: ")
    summary = owner.locator(".govuk-error-summary")
    owner.wait_for_function("() => document.activeElement && "
                            "document.activeElement.matches('.govuk-error-summary')")
    assert "cannot be more than the denominator (10)" in summary.inner_text()
    assert owner.get_by_label(f"Numerator for {PERCENT}", exact=True).input_value() == "15"
    assert owner.get_by_label(f"Numerator for {PERCENT}", exact=True).is_visible()
    assert_no_axe_violations(owner)
    summary.get_by_role("link").click()
    assert owner.evaluate("document.activeElement.id") == "id_numerator"


def test_two_people_editing_the_same_kpi(council: Council, person: Any) -> None:
    owner, officer = person("owner"), person("officer")
    for page in (owner, officer):
        page.goto(FORM)
        page.get_by_label("Enter the value").first.check()
    owner.get_by_label(f"Value for {IN_SCOPE}", exact=True).fill("10")
    officer.get_by_label(f"Value for {IN_SCOPE}", exact=True).fill("99")
    owner.get_by_role("button", name="Save draft").click()
    owner.wait_for_load_state()
    assert "saved" in banner(owner)
    officer.get_by_role("button", name="Save draft").click()
    officer.wait_for_load_state()
    summary = officer.locator(".govuk-error-summary")
    assert "Somebody else changed these figures" in summary.inner_text()
    assert "Owner Tester saved the figures for AFL12" in summary.inner_text()
    assert "10" in officer.locator("#their-figures").inner_text()
    assert officer.get_by_label(f"Value for {IN_SCOPE}", exact=True).input_value() == "99"
    assert_no_axe_violations(officer)
    assert council.kpi(IN_SCOPE).values.get(period="2024-03").text == "10"


def test_without_javascript(council: Council, person: Any) -> None:
    owner = person("owner", javascript=False)
    owner.goto(FORM)
    owner.get_by_label(f"Value for {IN_SCOPE}", exact=True).fill("21")  # every input shows
    owner.get_by_role("button", name="Submit for approval").click()
    owner.wait_for_url("**/entry/**")
    approver = person("approver", javascript=False)
    approver.goto("/approvals/")
    card = approver.locator(".govuk-summary-card", has_text=IN_SCOPE)
    card.get_by_role("button", name=f"Return with comment for {IN_SCOPE}").click()
    approver.wait_for_load_state()
    assert "Enter a comment" in approver.locator(".govuk-error-summary").inner_text()
    card = approver.locator(".govuk-summary-card", has_text=IN_SCOPE)
    card.get_by_label("Comment for the data owner").fill("Is this the snapshot?")
    card.get_by_role("button", name=f"Return with comment for {IN_SCOPE}").click()
    approver.wait_for_url("**/approvals/")
    assert "returned to its data owner" in banner(approver)
    owner.goto("/entry/")
    assert "Is this the snapshot?" in owner.locator("main").inner_text()


@pytest.mark.parametrize(("who", "path"), [
    ("owner", "/overdue/"),
    ("officer", "/periods/"),
    ("officer", "/periods/2024-02/close/"),
    ("admin", "/periods/2024-02/reopen/"),
    ("officer", "/overdue/?period=2024-02"),
    ("officer", "/audit/"),
    ("officer", "/audit/?action=published"),
    ("officer", f"/audit/2023-24/{IN_SCOPE}/"),
    ("officer", "/entry/2024-02/2023-24/AFL12/"),  # revising a published figure
    ("approver", "/approvals/"),  # nothing waiting
    ("viewer", "/approvals/"),  # 403
])
def test_pages_have_no_axe_violations(council: Council, person: Any, who: str,
                                      path: str) -> None:
    page = person(who)
    page.goto(path)
    assert_no_axe_violations(page)


def test_forms_with_errors_have_no_axe_violations(council: Council, person: Any) -> None:
    officer = person("officer")
    officer.goto("/periods/")
    officer.get_by_label("Reporting period").fill("soon")
    officer.get_by_label("Day").fill("31")
    officer.get_by_label("Month").fill("2")
    officer.get_by_label("Year").fill("2024")
    officer.get_by_role("button", name="Open period").click()
    officer.wait_for_load_state()
    assert "is not a period" in officer.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(officer)
    officer.goto("/entry/2024-02/2023-24/AFL12/")
    officer.get_by_role("button", name="Save revision").click()
    officer.wait_for_load_state()
    assert "Enter the reason" in officer.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(officer)
