"""Separation of duties (issue 11, point 2): nobody approves what they submitted — on by
default, and an organisation may turn it off."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from kpiboard.audit.models import Action, AuditEvent
from kpiboard.data.models import PeriodValue, ValueRevision
from kpiboard.engine.periods import Period
from kpiboard.workflow.models import Submission, SubmissionState
from kpiboard.workflow.services import (
    Figure,
    NotAllowed,
    entry_save,
    period_open,
    period_publish,
    submission_decide,
)
from tests.workflow.people import IN_SCOPE, Council

pytestmark = pytest.mark.django_db
MARCH = Period.parse("2024-03")
REFUSED = ("AFL12 March 2023/24 was submitted by Officer Tester (you): another approver or "
           "the performance team must approve it, because nobody approves figures they "
           "submitted themselves.")


@pytest.fixture
def march(council: Council) -> Council:
    period_open(access=council.access("officer"), organisation=council.org, period=MARCH,
                deadline=date(2024, 4, 12))
    return council


def submit(c: Council, who: str) -> Submission:
    return entry_save(access=c.access(who), kpi=c.kpi(IN_SCOPE), period=MARCH, version=0,
                      figures=[Figure(text="12")], commentary="", submit=True).submission


def decide(c: Council, who: str, *, approve: bool = True, comment: str = "") -> Submission:
    sub = Submission.objects.get(kpi=c.kpi(IN_SCOPE), period=MARCH.key)
    return submission_decide(access=c.access(who), kpi=c.kpi(IN_SCOPE), period=MARCH,
                             version=sub.version, approve=approve, comment=comment)


def state() -> tuple[object, ...]:
    return (list(Submission.objects.values()), list(PeriodValue.objects.values()),
            list(ValueRevision.objects.values()), list(AuditEvent.objects.values()))


def test_nobody_approves_what_they_submitted(march: Council) -> None:
    submit(march, "officer")
    before = state()
    with pytest.raises(NotAllowed) as refused:
        decide(march, "officer")
    assert str(refused.value) == REFUSED + " You can still return it."
    assert state() == before
    assert not AuditEvent.objects.filter(action=Action.APPROVED).exists()
    sub = decide(march, "approver")  # somebody else may
    assert (sub.state, sub.decided_by) == (SubmissionState.APPROVED, march.users["approver"])
    assert AuditEvent.objects.get(action=Action.APPROVED).user == march.users["approver"]


def test_an_administrator_is_no_exception_but_may_return_their_own(march: Council) -> None:
    submit(march, "admin")
    with pytest.raises(NotAllowed, match="submitted by Admin Tester"):
        decide(march, "admin")
    sub = decide(march, "admin", approve=False, comment="Taking it back: wrong month")
    assert sub.state == SubmissionState.RETURNED  # returning one's own approves nothing
    submit_again = entry_save(access=march.access("admin"), kpi=march.kpi(IN_SCOPE),
                              period=MARCH, version=sub.version, figures=[Figure(text="13")],
                              commentary="", submit=True).submission
    assert submit_again.state == SubmissionState.SUBMITTED
    assert decide(march, "officer").state == SubmissionState.APPROVED


def test_an_organisation_may_turn_it_off(march: Council) -> None:
    march.org.separation_of_duties = False
    march.org.save()
    submit(march, "officer")
    sub = decide(march, "officer")
    assert (sub.state, sub.decided_by) == (SubmissionState.APPROVED, march.users["officer"])


def test_it_is_on_for_a_new_organisation(march: Council) -> None:
    from kpiboard.kpis.models import Organisation

    assert march.org.separation_of_duties is True
    assert Organisation.objects.create(name="Another Council").separation_of_duties is True


def test_revising_ones_own_waiting_submission_does_not_approve_it(march: Council) -> None:
    """The back door: submit, publish the period (the figure stays unpublished while it
    waits), then "revise" it — which approves a revised figure. Not one's own."""
    submit(march, "officer")
    period_publish(access=march.access("officer"), organisation=march.org, period=MARCH)
    sub = Submission.objects.get()
    sub = entry_save(access=march.access("officer"), kpi=march.kpi(IN_SCOPE), period=MARCH,
                     version=sub.version, figures=[Figure(text="14")], commentary="",
                     reason="Late cases").submission
    assert sub.state == SubmissionState.SUBMITTED and sub.decided_by is None
    assert decide(march, "approver").state == SubmissionState.APPROVED


# --- the web: the performance officer ---------------------------------------------


def client(c: Council, who: str) -> Client:
    web = Client()
    web.force_login(c.users[who])
    return web


def text(response: object) -> str:
    return re.sub(r"\s+", " ", getattr(response, "content", b"").decode())


def test_the_approvals_page_offers_no_approve_for_ones_own(march: Council) -> None:
    sub = submit(march, "officer")
    page = text(client(march, "officer").get("/approvals/"))
    card = page[page.index(f'id="submission-{sub.pk}"'):]
    assert "You cannot approve this." in card and REFUSED in card
    assert 'value="approve"' not in card and 'value="return"' in card
    other = text(client(march, "approver").get("/approvals/"))
    card = other[other.index(f'id="submission-{sub.pk}"'):]
    assert 'value="approve"' in card and "You cannot approve this." not in card


@pytest.mark.parametrize("htmx", [False, True])
def test_the_performance_officers_self_approval_is_refused(march: Council,
                                                           htmx: bool) -> None:
    web = client(march, "officer")
    form = f"/entry/2024-03/2023-24/{IN_SCOPE}/"
    response = web.post(form, {"version": 0, "kind": "value", "value": "12",
                               "action": "submit"})
    assert response.status_code == 302
    sub = Submission.objects.get()
    assert (sub.state, sub.submitted_by) == (SubmissionState.SUBMITTED, march.users["officer"])
    before = state()
    headers = {"HX-Request": "true"} if htmx else {}
    response = web.post(f"/approvals/{sub.pk}/", {f"s{sub.pk}-version": sub.version,
                                                  "action": "approve"}, headers=headers)
    assert response.status_code == 200
    assert REFUSED in text(response) and "approved" not in text(response).replace(
        "must approve it", "").replace("nobody approves", "")
    assert state() == before
    # the approver approves it
    response = client(march, "approver").post(f"/approvals/{sub.pk}/", {
        f"s{sub.pk}-version": sub.version, "action": "approve"})
    assert response.status_code == 302
    assert Submission.objects.get().state == SubmissionState.APPROVED
