"""The workflow and audit pages through Django's test client (no browser): what they show,
their forms' errors, plain POSTs and htmx."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client

from kpiboard.audit.models import AuditEvent
from kpiboard.data.models import Commentary, PeriodValue
from kpiboard.engine.periods import Period
from kpiboard.workflow.models import PeriodState, ReportingPeriod, Submission, SubmissionState
from kpiboard.workflow.services import Figure, entry_save, period_open, period_publish
from tests.workflow.people import IN_SCOPE, OUT_OF_SCOPE, PERCENT, WITH_SUB, Council

pytestmark = pytest.mark.django_db
MARCH = Period.parse("2024-03")
FORM = f"/entry/2024-03/2023-24/{IN_SCOPE}/"


@pytest.fixture
def march(council: Council) -> Council:
    period_open(access=council.access("officer"), organisation=council.org, period=MARCH,
                deadline=date(2024, 4, 12))
    return council


def client(council: Council, who: str) -> Client:
    c = Client()
    c.force_login(council.users[who])
    return c


def text(response: object) -> str:
    content = getattr(response, "content", b"")
    assert isinstance(content, bytes)
    return re.sub(r"\s+", " ", content.decode())


def submit(c: Council, ref: str = IN_SCOPE, value: str = "12") -> Submission:
    return entry_save(access=c.access("owner"), kpi=c.kpi(ref), period=MARCH, version=0,
                      figures=[Figure(text=value)], commentary="<p>Fine</p>",
                      submit=True).submission


# --- Your KPIs ------------------------------------------------------------------------------


def test_your_kpis_lists_only_the_owners_kpis_with_their_state(march: Council) -> None:
    submit(march)
    page = text(client(march, "owner").get("/entry/"))
    assert "Your KPIs" in page and "March 2023/24" in page
    assert IN_SCOPE in page and PERCENT in page and OUT_OF_SCOPE not in page
    assert "AFL03" not in page  # Adult Social Care: not theirs
    assert "Figures are due by <strong>12 April 2024</strong>" in page
    assert ">Submitted</strong>" in page and ">Not started</strong>" in page
    assert f'href="{FORM}?reporting=2024-03"' in page


def test_your_kpis_shows_what_is_due_in_arrears(march: Council) -> None:
    page = text(client(march, "officer").get("/entry/?period=2024-03"))
    # AFL04 is a month in arrears: its February figure is due in March's cycle
    assert "/entry/2024-02/2023-24/AFL04/" in page
    # AFL23 is quarterly: its fourth quarter is due in March
    assert "/entry/2023-24-Q4/2023-24/AFL23/" in page
    page = text(client(march, "officer").get("/entry/?period=2024-02"))
    assert "AFL23" not in page


def test_a_returned_kpi_shows_the_comment(march: Council) -> None:
    from kpiboard.workflow.services import submission_decide

    sub = submit(march)
    submission_decide(access=march.access("approver"), kpi=march.kpi(IN_SCOPE), period=MARCH,
                      version=sub.version, approve=False, comment="Use the snapshot figure")
    page = text(client(march, "owner").get("/entry/"))
    assert "Returned: “Use the snapshot figure”" in page
    page = text(client(march, "owner").get(FORM))
    assert "Use the snapshot figure" in page


# --- the entry form -------------------------------------------------------------------------


def test_the_form_shows_last_period_and_target(march: Council) -> None:
    page = text(client(march, "owner").get(f"/entry/2024-03/2023-24/{PERCENT}/"))
    assert "February 2023/24: " in page and "Target: " in page
    feb = PeriodValue.objects.get(kpi=march.kpi(PERCENT), period="2024-02", sub_measure="")
    assert f"February 2023/24: {feb.text}." in page
    assert 'name="version" value="0"' in page
    assert "Submit for approval" in page and "Save draft" in page


def test_save_a_draft_then_submit(march: Council) -> None:
    owner = client(march, "owner")
    response = owner.post(FORM + "?reporting=2024-03", {
        "version": 0, "kind": "value", "value": "1,234", "commentary": "Up.\n\nA lot.",
        "action": "save", "reporting": "2024-03"})
    assert response.status_code == 302 and response["Location"] == FORM + "?reporting=2024-03"
    page = text(owner.get(response["Location"]))
    assert "Draft of AFL12 March 2023/24 saved" in page
    assert 'name="version" value="1"' in page and 'value="1,234"' in page
    assert Commentary.objects.get(period="2024-03").html == "<p>Up.</p><p>A lot.</p>"
    response = owner.post(FORM, {"version": 1, "kind": "value", "value": "1,234",
                                 "commentary": "<p>Up.</p><p>A lot.</p>", "action": "submit",
                                 "reporting": "2024-03"})
    assert response.status_code == 302 and response["Location"] == "/entry/?period=2024-03"
    assert "AFL12 March 2023/24 submitted for approval" in text(owner.get(response["Location"]))
    assert Submission.objects.get().state == SubmissionState.SUBMITTED
    assert PeriodValue.objects.get(period="2024-03").revision == 1  # unchanged: not re-saved


def test_invalid_figures_show_the_error_summary_and_keep_what_was_typed(
        march: Council) -> None:
    response = client(march, "owner").post(f"/entry/2024-03/2023-24/{PERCENT}/", {
        "version": 0, "kind": "ratio", "numerator": "15", "denominator": "10",
        "commentary": "Typed text", "action": "submit"})
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: STP38 figures for March 2023/24" in page
    assert 'class="govuk-error-summary"' in page
    assert ('<a href="#id_numerator">The numerator for STP38 cannot be more than the '
            'denominator (10) for a percentage</a>') in page
    assert 'id="id_numerator-error"' in page and "govuk-input--error" in page
    assert 'value="15"' in page and 'value="10"' in page and "Typed text" in page
    assert not PeriodValue.objects.filter(period="2024-03").exists()


@pytest.mark.parametrize(("data", "anchor", "message"), [
    ({"kind": "value", "value": ""}, "id_value", "Enter the value for AFL12, or choose"),
    ({"kind": "missing", "missing_reason": ""}, "id_missing_reason",
     "Enter why the value for AFL12 is missing"),
    ({"kind": "ratio", "numerator": "3"}, "id_denominator", "Enter the denominator"),
    ({"kind": "value", "value": "lots"}, "id_value", "Enter the value for AFL12 as a number"),
    ({}, "id_value", "Enter a value for AFL12, or say why it is missing, before you submit"),
])
def test_errors_link_to_their_field(march: Council, data: dict[str, str], anchor: str,
                                    message: str) -> None:
    response = client(march, "owner").post(FORM, {"version": 0, "action": "submit", **data})
    page = text(response)
    assert f'<a href="#{anchor}">{message}' in page
    assert f'id="{anchor}"' in page


def test_without_javascript_the_kind_is_taken_from_what_was_typed(march: Council) -> None:
    response = client(march, "owner").post(FORM, {
        "version": 0, "value": "", "missing_reason": "System down", "action": "save"})
    assert response.status_code == 302
    pv = PeriodValue.objects.get(period="2024-03")
    assert (pv.state, pv.text) == ("missing", "Data unavailable: System down")
    page = text(client(march, "owner").get(FORM))
    assert 'value="missing" checked' in page and "System down" in page


def test_a_sub_measure_has_its_own_fields(march: Council) -> None:
    url = f"/entry/2024-03/2023-24/{WITH_SUB}/"
    page = text(client(march, "owner").get(url))
    assert 'name="sub-0-value"' in page, page
    assert "STP36 Corby" in page
    response = client(march, "owner").post(url, {
        "version": 0, "kind": "value", "value": "30", "sub-0-kind": "value",
        "sub-0-value": "x", "action": "save"})
    assert '<a href="#id_sub-0-value">' in text(response)
    response = client(march, "owner").post(url, {
        "version": 0, "kind": "value", "value": "30", "sub-0-kind": "value",
        "sub-0-value": "12", "action": "save"})
    assert response.status_code == 302
    assert PeriodValue.objects.get(period="2024-03", sub_measure="Corby").text == "12"


def test_the_second_of_two_editors_sees_the_conflict_and_the_other_figures(
        march: Council) -> None:
    owner, officer = client(march, "owner"), client(march, "officer")
    owner.get(FORM)
    officer.get(FORM)  # both opened the form at version 0
    assert owner.post(FORM, {"version": 0, "kind": "value", "value": "10",
                             "commentary": "Owner's note", "action": "save"}).status_code == 302
    response = officer.post(FORM, {"version": 0, "kind": "value", "value": "99",
                                   "commentary": "Officer's note", "action": "save"})
    assert response.status_code == 200
    page = text(response)
    assert "Somebody else changed these figures" in page
    assert '<a href="#their-figures">Owner Tester saved the figures for AFL12 March 2023/24' \
        in page
    assert "Your changes have not been saved" in page
    their = page[page.index('id="their-figures"'):]
    assert "<dd class=\"govuk-summary-list__value\">10</dd>" in their and "Owner's note" in their
    assert 'value="99"' in page and "Officer&#x27;s note" in page  # what they typed, kept
    assert 'name="version" value="1"' in page  # saving again is now a deliberate choice
    assert PeriodValue.objects.get(period="2024-03").text == "10"


def test_a_published_period_is_read_only_for_owners_and_asks_officers_for_a_reason(
        march: Council) -> None:
    submit(march)
    period_publish(access=march.access("officer"), organisation=march.org, period=MARCH)
    page = text(client(march, "owner").get(FORM))
    assert "has been published" in page and "<form method=\"post\" action=\"\"" not in page
    officer = client(march, "officer")
    page = text(officer.get(FORM))
    assert "Reason for revising the published figure" in page and "Save revision" in page
    sub = Submission.objects.get()
    response = officer.post(FORM, {"version": sub.version, "kind": "value", "value": "13",
                                   "action": "save"})
    assert '<a href="#id_reason">Enter the reason for revising a published figure</a>' in \
        text(response)
    response = officer.post(FORM, {"version": sub.version, "kind": "value", "value": "13",
                                   "reason": "Late cases", "action": "save"})
    assert response.status_code == 302
    pv = PeriodValue.objects.get(period="2024-03")
    assert (pv.text, pv.revision, pv.baseline_revision) == ("13", 2, 1)


def test_a_closed_period_has_no_form(march: Council) -> None:
    from kpiboard.workflow.services import period_close

    submit(march)
    period_publish(access=march.access("officer"), organisation=march.org, period=MARCH)
    period_close(access=march.access("officer"), organisation=march.org, period=MARCH)
    page = text(client(march, "admin").get(FORM))
    assert "is closed" in page and "Save revision" not in page


def test_unknown_addresses_are_404(march: Council) -> None:
    owner = client(march, "owner")
    for url in ("/entry/2024-13/2023-24/AFL12/", "/entry/2024-03/2024-25/AFL12/",
                "/entry/2024-03/2023-24/NOPE/", "/entry/2024-03/soon/AFL12/",
                "/audit/2023-24/NOPE/", "/periods/2099-01/publish/"):
        assert owner.get(url).status_code in (403, 404), url
    assert client(march, "officer").get("/periods/2099-01/publish/").status_code == 404


# --- approvals ------------------------------------------------------------------------------


def test_approvals_lists_the_directorates_submissions(march: Council) -> None:
    submit(march)
    entry_save(access=march.access("owner_other"), kpi=march.kpi(OUT_OF_SCOPE), period=MARCH,
               version=0, figures=[Figure(text="4")], commentary="", submit=True)
    page = text(client(march, "approver").get("/approvals/"))
    assert "AFL12 – March 2023/24" in page and OUT_OF_SCOPE not in page
    assert "<p>Fine</p>" in page and "Owner Tester" in page
    page = text(client(march, "officer").get("/approvals/"))
    assert "AFL12 – March 2023/24" in page and OUT_OF_SCOPE in page


def test_approve_with_a_plain_post(march: Council) -> None:
    sub = submit(march)
    approver = client(march, "approver")
    response = approver.post(f"/approvals/{sub.pk}/", {f"s{sub.pk}-version": sub.version,
                                                       "action": "approve"})
    assert response.status_code == 302 and response["Location"] == "/approvals/"
    assert "AFL12 March 2023/24 approved" in text(approver.get("/approvals/"))
    assert Submission.objects.get().state == SubmissionState.APPROVED


def test_return_without_a_comment_shows_the_error_summary(march: Council) -> None:
    sub = submit(march)
    response = client(march, "approver").post(f"/approvals/{sub.pk}/", {
        f"s{sub.pk}-version": sub.version, "action": "return"})
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: Approvals" in page
    assert (f'<a href="#id_s{sub.pk}-comment">Enter a comment saying what the data owner '
            'needs to change</a>') in page
    assert f'id="id_s{sub.pk}-comment-error"' in page
    assert Submission.objects.get().state == SubmissionState.SUBMITTED


def test_htmx_replaces_the_card(march: Council) -> None:
    sub = submit(march)
    approver = client(march, "approver")
    headers = {"HX-Request": "true", "HX-Target": f"submission-{sub.pk}"}
    response = approver.post(f"/approvals/{sub.pk}/", {f"s{sub.pk}-version": sub.version,
                                                       "action": "return"}, headers=headers)
    page = text(response)
    assert page.startswith(f'<div class="govuk-summary-card kb-decision" id="submission-'
                           f'{sub.pk}"')
    assert "<html" not in page and "Enter a comment" in page
    response = approver.post(f"/approvals/{sub.pk}/", {
        f"s{sub.pk}-version": sub.version, f"s{sub.pk}-comment": "Wrong month",
        "action": "return"}, headers=headers)
    page = text(response)
    assert "AFL12 March 2023/24 returned to its data owner" in page and 'role="status"' in page
    sub.refresh_from_db()
    assert (sub.state, sub.comment) == (SubmissionState.RETURNED, "Wrong month")
    # deciding again (an old page) says why not
    page = text(approver.post(f"/approvals/{sub.pk}/", {f"s{sub.pk}-version": sub.version,
                                                        "action": "approve"}, headers=headers))
    assert "is not waiting for approval" in page


# --- periods --------------------------------------------------------------------------------


def test_periods_page_counts_and_opens(march: Council) -> None:
    submit(march)
    officer = client(march, "officer")
    page = text(officer.get("/periods/"))
    assert "March 2023/24" in page and "12 Apr 2024" in page
    counts = re.findall(r'govuk-table__cell--numeric">(\d+)</td>', page)
    assert [int(n) for n in counts][1] == 0 and sum(int(n) for n in counts) > 40
    response = officer.post("/periods/", {"period": "2024-04", "deadline_0": "31",
                                          "deadline_1": "2", "deadline_2": "2024"})
    page = text(response)
    assert '<a href="#id_deadline">The deadline must be a real date' in page
    response = officer.post("/periods/", {"period": "April", "deadline_0": "1"})
    page = text(response)
    assert '<a href="#id_period">“April” is not a period' in page
    assert 'value="1"' in page
    response = officer.post("/periods/", {"period": "2024-04", "deadline_0": "15",
                                          "deadline_1": "5", "deadline_2": "2024"})
    assert response.status_code == 302
    rp = ReportingPeriod.objects.get(period="2024-04")
    assert (rp.state, rp.deadline) == (PeriodState.OPEN, date(2024, 5, 15))


def test_publish_warns_then_publishes(march: Council) -> None:
    submit(march)
    officer = client(march, "officer")
    page = text(officer.get("/periods/2024-03/publish/"))
    assert "Publish March 2023/24?" in page
    assert re.search(r"\d+ of \d+ KPIs due have no approved figure yet", page)
    response = officer.post("/periods/2024-03/publish/")
    assert response.status_code == 302
    page = text(officer.get("/periods/"))
    assert "March 2023/24 published. 1 KPI still waiting for approval stays unpublished" in page
    assert ReportingPeriod.objects.get(period="2024-03").state == PeriodState.PUBLISHED
    assert officer.post("/periods/2024-03/close/").status_code == 302
    assert ReportingPeriod.objects.get(period="2024-03").state == PeriodState.CLOSED
    assert "Reopen" not in text(officer.get("/periods/"))
    admin = client(march, "admin")
    assert "Reopen" in text(admin.get("/periods/"))
    assert admin.post("/periods/2024-03/reopen/").status_code == 302
    assert ReportingPeriod.objects.get(period="2024-03").state == PeriodState.PUBLISHED
    page = text(admin.post("/periods/2024-03/publish/"))
    assert "There is a problem" in page and "already been published" in page


# --- overdue --------------------------------------------------------------------------------


def test_overdue_is_grouped_by_owner(march: Council) -> None:
    submit(march)
    page = text(client(march, "officer").get("/overdue/?period=2024-03"))
    assert "The deadline was <strong>12 April 2024</strong>" in page
    sections = {part.split("<span")[0].strip(): part for part in
                page.split('<caption class="govuk-table__caption govuk-table__caption--m">')[1:]}
    assert list(sections) == ["Owner Other Tester", "Owner Tester", "No owner assigned"]
    assert PERCENT in sections["Owner Tester"]
    assert f">{IN_SCOPE}<" not in sections["Owner Tester"]  # submitted: not overdue
    assert OUT_OF_SCOPE in sections["Owner Other Tester"]
    assert "AFL03" in sections["No owner assigned"]
    days = (date.today() - date(2024, 4, 12)).days
    assert f'govuk-table__cell--numeric">{days}</td>' in page or \
        f'govuk-table__cell--numeric">{days + 1}</td>' in page


def test_owners_see_only_their_own_overdue_kpis(march: Council) -> None:
    page = text(client(march, "owner").get("/overdue/"))
    assert PERCENT in page and OUT_OF_SCOPE not in page and "No owner assigned" not in page
    page = text(client(march, "approver_other").get("/overdue/"))
    assert OUT_OF_SCOPE in page and PERCENT not in page


def test_overdue_csv(march: Council) -> None:
    response = client(march, "officer").get("/overdue/csv/?period=2024-03")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="overdue-2024-03.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    mine = [r for r in rows if r["ref"] == PERCENT]
    assert [(r["owner"], r["state"], r["deadline"], r["period"]) for r in mine] == [
        ("Owner Tester", "Not started", "2024-04-12", "2024-03")]
    assert int(mine[0]["days_overdue"]) > 0
    assert any(r["owner"] == "No owner assigned" for r in rows)


# --- audit ----------------------------------------------------------------------------------


def test_audit_log_filters_and_paginates(march: Council) -> None:
    submit(march)
    officer = client(march, "officer")
    page = text(officer.get("/audit/"))
    assert "Submitted for approval" in page and "Period opened" in page
    page = text(officer.get("/audit/?ref=afl12&action=submitted"))
    assert "AFL12 March 2023/24 submitted for approval" in page
    assert "1 event." in page and "March 2023/24 opened" not in page
    page = text(officer.get("/audit/?user=owner"))
    assert "March 2023/24 opened" not in page and "AFL12 March 2023/24: 12" in page
    page = text(officer.get("/audit/?period=2099-01"))
    assert "No events match these filters" in page
    for i in range(60):
        AuditEvent.objects.create(organisation=march.org, action="published",
                                  summary=f"event {i}")
    page = text(officer.get("/audit/"))
    assert "page 1 of 2" in page and 'href="?page=2"' in page
    page = text(officer.get("/audit/?action=published&page=2"))
    assert "page 2 of 2" in page and "event 0" in page


def test_a_kpis_audit_interleaves_events_and_revisions(march: Council) -> None:
    submit(march)
    page = text(client(march, "admin").get(f"/audit/2023-24/{IN_SCOPE}/"))
    assert "Audit trail of AFL12" in page
    assert "Submitted for approval" in page and "Value entered" in page
    assert "AFL12: 12" in page and "Source: web" in page
    assert "Source: imported from values.csv" in page  # the example council's import
    assert page.index("Submitted for approval") < page.index("imported from values.csv")
