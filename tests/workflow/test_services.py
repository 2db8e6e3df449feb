"""The reporting cycle's writes: entering figures, sign-off, publishing, closing — on the
example council, on SQLite and PostgreSQL (one test is PostgreSQL only: real concurrency)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from kpiboard.accounts.access import access_for
from kpiboard.audit.models import Action, AuditEvent
from kpiboard.data.models import Commentary, PeriodValue, ValueRevision
from kpiboard.engine.periods import Period
from kpiboard.reports.build import build_report
from kpiboard.reports.model import KpiRow, Report
from kpiboard.workflow.models import PeriodState, ReportingPeriod, Submission, SubmissionState
from kpiboard.workflow.selectors import due_period
from kpiboard.workflow.services import (
    EditConflict,
    EntryInvalid,
    Figure,
    NotAllowed,
    PeriodLocked,
    WorkflowError,
    entry_save,
    lock_state,
    period_close,
    period_open,
    period_publish,
    submission_decide,
)
from tests.store.conftest import database_fingerprint
from tests.workflow.people import IN_SCOPE, OUT_OF_SCOPE, PERCENT, WITH_SUB, Council

pytestmark = pytest.mark.django_db
MARCH = Period.parse("2024-03")
FEB = Period.parse("2024-02")
DEADLINE = date(2024, 4, 12)


def version(council: Council, ref: str, period: Period = MARCH) -> int:
    sub = Submission.objects.filter(kpi=council.kpi(ref), period=period.key).first()
    return sub.version if sub else 0


def save(council: Council, who: str, ref: str = IN_SCOPE, text: str = "", *,
         period: Period = MARCH, at: int | None = None, submit: bool = False,
         commentary: str = "", reason: str = "", **figure: str) -> Submission:
    kpi = council.kpi(ref)
    return entry_save(access=council.access(who), kpi=kpi, period=period,
                      version=version(council, ref, period) if at is None else at,
                      figures=[Figure(text=text, **figure)], commentary=commentary,
                      submit=submit, reason=reason).submission


def decide(council: Council, who: str, ref: str = IN_SCOPE, *, approve: bool = True,
           comment: str = "", period: Period = MARCH) -> Submission:
    return submission_decide(access=council.access(who), kpi=council.kpi(ref), period=period,
                             version=version(council, ref, period), approve=approve,
                             comment=comment)


def value(council: Council, ref: str = IN_SCOPE, period: Period = MARCH,
          sub_measure: str = "") -> PeriodValue:
    return PeriodValue.objects.get(kpi=council.kpi(ref), period=period.key,
                                   sub_measure=sub_measure)


def actions(council: Council, ref: str = IN_SCOPE) -> list[str]:
    return list(AuditEvent.objects.filter(ref=ref).order_by("at", "id")
                .values_list("action", flat=True))


def row(report: Report, ref: str) -> KpiRow:
    return next(r for r in report.rows if r.ref == ref)


@pytest.fixture
def march(council: Council) -> Council:
    period_open(access=council.access("officer"), organisation=council.org, period=MARCH,
                deadline=DEADLINE)
    return council


# --- entering, submitting, approving, returning -----------------------------------------------


def test_owner_saves_a_draft_then_submits_and_the_approver_approves(march: Council) -> None:
    c = march
    sub = save(c, "owner", text="1,234", commentary="Up on last month.")
    assert (sub.state, sub.version) == (SubmissionState.DRAFT, 1)
    pv = value(c)
    assert (pv.text, pv.value, pv.state, pv.revision) == ("1,234", Decimal(1234), "value", 1)
    rev = ValueRevision.objects.get(period_value=pv)
    assert (rev.new_text, rev.source, rev.changed_by) == ("1,234", "web", c.users["owner"])
    assert Commentary.objects.get(kpi=c.kpi(IN_SCOPE), period="2024-03").html == \
        "<p>Up on last month.</p>"

    sub = save(c, "owner", text="1,240", submit=True, commentary="Up on last month.")
    assert (sub.state, sub.version, sub.submitted_by) == (
        SubmissionState.SUBMITTED, 2, c.users["owner"])
    assert value(c).revision == 2 and value(c).baseline_revision == 2  # not a "revision" yet

    sub = decide(c, "approver")
    assert (sub.state, sub.decided_by, sub.version) == (
        SubmissionState.APPROVED, c.users["approver"], 3)
    assert actions(c) == [Action.VALUE_SAVED, Action.COMMENTARY_SAVED, Action.VALUE_SAVED,
                          Action.SUBMITTED, Action.APPROVED]
    event = AuditEvent.objects.filter(ref=IN_SCOPE, action=Action.VALUE_SAVED).first()
    assert event is not None and event.user == c.users["owner"] and event.period == "2024-03"
    assert "1,234 → 1,240" in event.summary


def test_approver_returns_with_a_comment_and_the_owner_resubmits(march: Council) -> None:
    c = march
    save(c, "owner", text="50", submit=True)
    with pytest.raises(EntryInvalid) as e:
        decide(c, "approver", approve=False)
    assert [p.field for p in e.value.problems] == ["comment"]
    sub = decide(c, "approver", approve=False, comment="  Check the Corby figure  ")
    assert (sub.state, sub.comment) == (SubmissionState.RETURNED, "Check the Corby figure")
    with pytest.raises(WorkflowError, match="not waiting for approval"):
        decide(c, "approver")
    assert save(c, "owner", text="51").state == SubmissionState.RETURNED  # a draft keeps it
    sub = save(c, "owner", text="52", submit=True)
    assert (sub.state, sub.comment) == (SubmissionState.SUBMITTED, "")
    assert decide(c, "approver").state == SubmissionState.APPROVED
    assert Action.RETURNED in actions(c)


def test_submitting_nothing_is_refused(march: Council) -> None:
    with pytest.raises(EntryInvalid) as e:
        save(march, "owner", text="", submit=True)
    assert [p.field for p in e.value.problems] == ["value"]
    assert not Submission.objects.exists()


def test_scope_is_enforced(march: Council) -> None:
    c = march
    with pytest.raises(NotAllowed):
        save(c, "owner_other", text="1")
    with pytest.raises(NotAllowed):
        save(c, "owner", OUT_OF_SCOPE, text="1")
    for who in ("approver", "viewer"):
        with pytest.raises(NotAllowed):
            save(c, who, text="1")
    save(c, "officer", text="7", submit=True)  # the performance team can enter any KPI
    with pytest.raises(NotAllowed):
        decide(c, "approver_other")
    with pytest.raises(NotAllowed):
        decide(c, "owner")
    assert decide(c, "approver").state == SubmissionState.APPROVED
    save(c, "owner_other", OUT_OF_SCOPE, text="3", submit=True)
    with pytest.raises(NotAllowed):
        decide(c, "approver", OUT_OF_SCOPE)
    anonymous = access_for(None, c.org)
    with pytest.raises(NotAllowed):
        entry_save(access=anonymous, kpi=c.kpi(IN_SCOPE), period=MARCH, version=0,
                   figures=[Figure(text="1")], commentary="")


# --- validation -----------------------------------------------------------------------------


def test_numerator_above_denominator_is_refused_for_a_percentage(march: Council) -> None:
    with pytest.raises(EntryInvalid) as e:
        save(march, "owner", PERCENT, numerator="15", denominator="10")
    assert [(p.field, p.message) for p in e.value.problems] == [
        ("numerator", "The numerator for STP38 cannot be more than the denominator (10) "
                      "for a percentage")]
    assert not PeriodValue.objects.filter(period="2024-03").exists()


def test_numerator_and_denominator_give_the_value(march: Council) -> None:
    save(march, "owner", PERCENT, numerator="12", denominator="15")
    pv = value(march, PERCENT)
    assert (pv.value, pv.numerator, pv.denominator) == (Decimal(80), Decimal(12), Decimal(15))
    assert pv.text == "80.00% (12 out of 15)"


@pytest.mark.parametrize(("figure", "field", "words"), [
    ({"text": "lots"}, "value", "as a number"),
    ({"text": "85%"}, "value", "as a number"),  # a count KPI: a percentage is the wrong unit
    ({"numerator": "12"}, "denominator", "denominator"),
    ({"numerator": "x", "denominator": "3"}, "numerator", "numerator"),
    ({"numerator": "1", "denominator": "0"}, "denominator", "more than 0"),
    ({"numerator": "-1", "denominator": "5"}, "numerator", "0 or more"),
    ({"text": "3", "missing_reason": "late"}, "value", "not more than one"),
])
def test_invalid_figures_name_their_field(march: Council, figure: dict[str, str], field: str,
                                          words: str) -> None:
    with pytest.raises(EntryInvalid) as e:
        save(march, "owner", **figure)
    assert [p.field for p in e.value.problems] == [field]
    assert words in e.value.problems[0].message


def test_sub_measure_fields_are_prefixed(march: Council) -> None:
    c = march
    with pytest.raises(EntryInvalid) as e:
        entry_save(access=c.access("owner"), kpi=c.kpi(WITH_SUB), period=MARCH, version=0,
                   figures=[Figure(text="12"),
                            Figure(sub_measure="Corby", text="x", prefix="sub-0-")],
                   commentary="")
    assert [p.field for p in e.value.problems] == ["sub-0-value"]
    entry_save(access=c.access("owner"), kpi=c.kpi(WITH_SUB), period=MARCH, version=0,
               figures=[Figure(text="12"), Figure(sub_measure="Corby", text="5",
                                                  prefix="sub-0-")], commentary="")
    assert value(c, WITH_SUB, sub_measure="Corby").value == Decimal(5)


def test_missing_with_a_reason(march: Council) -> None:
    save(march, "owner", missing_reason="The system was down all month", submit=True)
    pv = value(march)
    assert (pv.state, pv.value, pv.text) == (
        "missing", None, "Data unavailable: The system was down all month")


def test_commentary_is_sanitised(march: Council) -> None:
    save(march, "owner", text="5", commentary='<p onclick="x()">Fine <b>really</b></p>'
                                              '<script>alert(1)</script>'
                                              '<ul><li><a href="https://x.org" '
                                              'style="color:red">one</a></li></ul>')
    html = Commentary.objects.get(period="2024-03").html
    assert html == '<p>Fine <b>really</b></p><ul><li><a href="https://x.org" ' \
                   'rel="noopener noreferrer">one</a></li></ul>'


# --- never a lost update --------------------------------------------------------------------


def test_two_people_opening_a_new_form_the_second_save_is_refused(march: Council) -> None:
    c = march
    opened = version(c, IN_SCOPE)  # both open the empty form
    save(c, "owner", text="10", at=opened)
    before = database_fingerprint()
    events = AuditEvent.objects.count()
    with pytest.raises(EditConflict, match="Owner Tester saved the figures for AFL12 March "
                                           "2023/24 at"):
        save(c, "officer", text="99", at=opened, commentary="mine")
    assert database_fingerprint() == before and AuditEvent.objects.count() == events
    assert value(c).text == "10"


def test_two_people_editing_the_same_submission_the_second_is_refused(march: Council) -> None:
    c = march
    save(c, "owner", text="10")
    opened = version(c, IN_SCOPE)
    save(c, "officer", text="11", at=opened, submit=True)
    before = database_fingerprint()
    with pytest.raises(EditConflict, match="after you opened the page"):
        save(c, "owner", text="12", at=opened, submit=True)
    assert database_fingerprint() == before
    sub = Submission.objects.get()
    assert (sub.state, sub.updated_by, value(c).text) == (
        SubmissionState.SUBMITTED, c.users["officer"], "11")
    # deciding on an old version is refused too
    with pytest.raises(EditConflict):
        submission_decide(access=c.access("approver"), kpi=c.kpi(IN_SCOPE), period=MARCH,
                          version=opened, approve=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_concurrent_saves_on_postgresql(council: Council, existing: bool) -> None:
    """Two connections save the same KPI at once: the first holds its transaction open; the
    second waits on the database's lock and is then refused."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; this needs real row locks")
    c = council
    period_open(access=c.access("officer"), organisation=c.org, period=MARCH,
                deadline=DEADLINE)
    if existing:
        save(c, "owner", text="1")
    opened = version(c, IN_SCOPE)
    first_saved, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                save(c, "owner", text="100", at=opened)
                first_saved.set()
                second_started.wait(5)
                threading.Event().wait(0.5)  # the second is now blocked on our lock
            outcome["first"] = "saved"
        except Exception as exc:  # reported below
            outcome["first"] = exc
            first_saved.set()
        finally:
            connections.close_all()

    def second() -> None:
        first_saved.wait(5)
        second_started.set()
        try:
            save(c, "officer", text="200", at=opened, commentary="second")
            outcome["second"] = "saved"
        except Exception as exc:  # reported below
            outcome["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert outcome["first"] == "saved"
    assert isinstance(outcome["second"], EditConflict), outcome
    assert value(c).text == "100"
    assert not Commentary.objects.filter(period="2024-03").exists()
    assert Submission.objects.get().version == opened + 1


# --- publishing, revising, closing ----------------------------------------------------------


def test_publishing_locks_owners_out_and_officers_revise_with_a_reason(march: Council) -> None:
    c = march
    save(c, "owner", text="40", submit=True)
    decide(c, "approver")
    assert period_publish(access=c.access("officer"), organisation=c.org, period=MARCH) == 0
    assert lock_state(organisation=c.org, period=MARCH) == PeriodState.PUBLISHED
    with pytest.raises(PeriodLocked, match="ask the performance team"):
        save(c, "owner", text="41")
    with pytest.raises(EntryInvalid) as e:
        save(c, "officer", text="41")
    assert [p.field for p in e.value.problems] == ["reason"]

    sub = save(c, "officer", text="41", reason="Late cases added")
    assert sub.state == SubmissionState.APPROVED
    pv = value(c)
    assert (pv.text, pv.revision, pv.baseline_revision) == ("41", 2, 1)
    old = ValueRevision.objects.get(period_value=pv, revision=2)
    assert (old.old_text, old.new_text, old.reason) == ("40", "41", "Late cases added")
    event = AuditEvent.objects.get(action=Action.REVISED)
    assert event.summary == "AFL12 March 2023/24: 40 → 41 (reason: Late cases added)"

    for visibility in ("all", "public"):
        cell = row(build_report(organisation=c.org, period=MARCH, kpi_set="all",
                                visibility=visibility), IN_SCOPE).months[-1]
        assert (cell.text, cell.revised) == ("41", True)


def test_an_imported_value_revised_after_publication_is_marked(council: Council) -> None:
    c = council
    period_publish(access=c.access("officer"), organisation=c.org, period=FEB)
    before = value(c, period=FEB).text
    save(c, "admin", text="999", period=FEB, reason="Correction from the service")
    cell = row(build_report(organisation=c.org, period=FEB, kpi_set="all",
                            visibility="public"), IN_SCOPE).months[-1]
    assert (cell.text, cell.revised) == ("999", True)
    assert ValueRevision.objects.filter(period_value=value(c, period=FEB),
                                        old_text=before).exists()


def test_publish_warns_how_many_wait_and_keeps_them_from_the_public(march: Council) -> None:
    c = march
    save(c, "owner", text="40", submit=True)
    save(c, "owner", PERCENT, text="80%", submit=True)
    decide(c, "approver", PERCENT)
    save(c, "owner_other", OUT_OF_SCOPE, text="3")  # a draft
    assert period_publish(access=c.access("officer"), organisation=c.org, period=MARCH) == 2
    rp = ReportingPeriod.objects.get(period="2024-03")
    assert (rp.state, rp.published_by) == (PeriodState.PUBLISHED, c.users["officer"])
    assert "2 KPI(s) still waiting" in AuditEvent.objects.get(action=Action.PUBLISHED).summary
    with pytest.raises(WorkflowError, match="already been published"):
        period_publish(access=c.access("officer"), organisation=c.org, period=MARCH)

    public = build_report(organisation=c.org, period=MARCH, kpi_set="all", visibility="public")
    assert row(public, PERCENT).months[-1].text == "80%"
    assert row(public, IN_SCOPE).months[-1].value is None  # submitted, not approved
    staff = build_report(organisation=c.org, period=MARCH, kpi_set="all", visibility="all")
    assert row(staff, IN_SCOPE).months[-1].text == "40"
    # approving it late publishes it
    decide(c, "approver")
    public = build_report(organisation=c.org, period=MARCH, kpi_set="all", visibility="public")
    cell = row(public, IN_SCOPE).months[-1]
    assert (cell.text, cell.revised) == ("40", False)


def test_the_public_sees_nothing_unpublished(march: Council) -> None:
    c = march
    save(c, "owner", text="40", submit=True)
    decide(c, "approver")
    public = build_report(organisation=c.org, period=MARCH, kpi_set="all", visibility="public")
    assert row(public, IN_SCOPE).months[-1].value is None
    assert row(public, IN_SCOPE).months[0].value is None  # February is not published either
    members = build_report(organisation=c.org, period=MARCH, kpi_set="all",
                           visibility="approved")
    assert row(members, IN_SCOPE).months[-1].text == "40"
    save(c, "owner", text="41")  # a new draft hides it from members again
    members = build_report(organisation=c.org, period=MARCH, kpi_set="all",
                           visibility="approved")
    assert row(members, IN_SCOPE).months[-1].value is None


def test_only_the_performance_team_publishes_and_closes(march: Council) -> None:
    c = march
    for who in ("owner", "approver", "viewer"):
        with pytest.raises(NotAllowed):
            period_publish(access=c.access(who), organisation=c.org, period=MARCH)
        with pytest.raises(NotAllowed):
            period_open(access=c.access(who), organisation=c.org, period=MARCH.next(),
                        deadline=DEADLINE)
    with pytest.raises(WorkflowError, match="must be published"):
        period_close(access=c.access("officer"), organisation=c.org, period=MARCH)
    period_publish(access=c.access("officer"), organisation=c.org, period=MARCH)
    with pytest.raises(NotAllowed):
        period_close(access=c.access("approver"), organisation=c.org, period=MARCH)


def test_a_closed_period_is_locked_for_everybody_until_an_administrator_reopens(
        march: Council) -> None:
    c = march
    save(c, "owner", text="40", submit=True)
    decide(c, "approver")
    period_publish(access=c.access("officer"), organisation=c.org, period=MARCH)
    rp = period_close(access=c.access("officer"), organisation=c.org, period=MARCH)
    assert rp.state == PeriodState.CLOSED and rp.closed_at is not None
    for who in ("owner", "officer", "admin"):
        with pytest.raises(PeriodLocked, match="closed"):
            save(c, who, text="41", reason="late")
    with pytest.raises(PeriodLocked):  # February ends before March: closed too
        save(c, "admin", text="41", period=FEB, reason="late")
    with pytest.raises(NotAllowed):
        period_close(access=c.access("officer"), organisation=c.org, period=MARCH, reopen=True)
    rp = period_close(access=c.access("admin"), organisation=c.org, period=MARCH, reopen=True)
    assert rp.state == PeriodState.PUBLISHED and rp.closed_at is None
    save(c, "officer", text="41", reason="late cases")
    assert value(c).text == "41"
    assert [a for a in actions(c, "") if a != Action.IMPORTED] == [
        Action.PERIOD_OPENED, Action.PUBLISHED, Action.CLOSED, Action.REOPENED]


def test_decisions_in_a_closed_period_are_refused(march: Council) -> None:
    c = march
    save(c, "owner", text="40", submit=True)
    period_publish(access=c.access("officer"), organisation=c.org, period=MARCH)
    period_close(access=c.access("officer"), organisation=c.org, period=MARCH)
    with pytest.raises(PeriodLocked):
        decide(c, "approver")


def test_closing_a_period_closes_the_earlier_ones(march: Council) -> None:
    c = march
    officer = c.access("officer")
    period_open(access=officer, organisation=c.org, period=FEB, deadline=date(2024, 3, 15))
    period_publish(access=officer, organisation=c.org, period=MARCH)
    assert ReportingPeriod.objects.get(period="2024-02").state == PeriodState.PUBLISHED
    period_close(access=officer, organisation=c.org, period=MARCH)
    assert ReportingPeriod.objects.get(period="2024-02").state == PeriodState.CLOSED
    with pytest.raises(WorkflowError, match="Reopen March 2023/24 first"):
        period_close(access=c.access("admin"), organisation=c.org, period=FEB, reopen=True)


def test_opening_a_period_and_changing_its_deadline(council: Council) -> None:
    c = council
    officer = c.access("officer")
    rp = period_open(access=officer, organisation=c.org, period=MARCH, deadline=DEADLINE)
    assert (rp.state, rp.deadline, rp.period_end) == (PeriodState.OPEN, DEADLINE,
                                                      date(2024, 3, 31))
    period_open(access=officer, organisation=c.org, period=MARCH, deadline=DEADLINE)
    rp = period_open(access=officer, organisation=c.org, period=MARCH,
                     deadline=date(2024, 4, 19))
    assert rp.deadline == date(2024, 4, 19)
    assert AuditEvent.objects.filter(action=Action.PERIOD_OPENED).count() == 2
    period_publish(access=officer, organisation=c.org, period=MARCH)
    with pytest.raises(WorkflowError, match="already been published"):
        period_open(access=officer, organisation=c.org, period=FEB, deadline=DEADLINE)


# --- what is due ----------------------------------------------------------------------------


@pytest.mark.parametrize(("frequency", "arrears", "reporting", "due"), [
    ("monthly", 0, "2024-03", "2024-03"),
    ("monthly", 1, "2024-03", "2024-02"),
    ("quarterly", 0, "2024-03", "2023/24-Q4"),
    ("quarterly", 0, "2024-02", None),
    ("quarterly", 1, "2024-01", "2023/24-Q3"),
    ("half_yearly", 0, "2023-09", "2023/24-H1"),
    ("half_yearly", 0, "2023-10", None),
    ("annual", 0, "2024-03", "2023/24"),
    ("annual", 0, "2023-12", None),
    ("monthly", 0, "2023/24-Q4", "2024-03"),
])
def test_due_period(frequency: str, arrears: int, reporting: str, due: str | None) -> None:
    got = due_period(frequency=frequency, arrears_months=arrears,
                     reporting=Period.parse(reporting))
    assert (got.key if got else None) == due
