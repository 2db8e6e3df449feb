"""The permission matrix: every role against every page and every action, as tables.

Roles: administrator, performance officer, data owner in and out of the KPI's scope,
approver in and out of its directorate, viewer (member) and the public (anonymous). The KPI
is AFL12 (Adults & Housing / Housing Services) of the example council, whose February 2024
is published and March 2024 open.

Outcomes: a page is 200, 403 (signed in without the role: a page that says so) or "sign in"
(anonymous: a redirect to the sign-in page). An action is OK (it took effect), REFUSED (the
page comes back with the reason and nothing changed), 403 or "sign in" — and whenever it is
not OK, the database is checked to be unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from kpiboard.accounts.access import access_for
from kpiboard.engine.periods import Period
from kpiboard.sitepages.models import SitePages
from kpiboard.workflow.models import PeriodState, ReportingPeriod, Submission, SubmissionState
from kpiboard.workflow.services import entry_save, period_open, period_publish
from tests.store.conftest import database_fingerprint
from tests.workflow.people import IN_SCOPE, Council, council_load

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "owner", "owner_other", "approver", "approver_other", "viewer",
         "public"]
SIGN_IN, OK, REFUSED = "sign in", "ok", "refused"
MARCH, FEB = Period.parse("2024-03"), Period.parse("2024-02")
KPI_FORM = f"/entry/2024-03/2023-24/{IN_SCOPE}/"


def row(*outcomes: Any) -> dict[str, Any]:
    assert len(outcomes) == len(ROLES)
    return dict(zip(ROLES, outcomes, strict=True))


ALL_200 = row(200, 200, 200, 200, 200, 200, 200, 200)
STAFF = row(200, 200, 403, 403, 403, 403, 403, SIGN_IN)

# page -> expected status per role:
#                          admin officer owner owner_o approver approver_o viewer public
PAGES: dict[str, dict[str, Any]] = {
    "/": ALL_200,
    "/reports/": ALL_200,
    "/framework/": ALL_200,
    f"/kpis/2023-24/{IN_SCOPE}/": ALL_200,
    "/entry/": row(200, 200, 200, 200, 403, 403, 403, SIGN_IN),
    KPI_FORM: row(200, 200, 200, 403, 403, 403, 403, SIGN_IN),
    "/approvals/": row(200, 200, 403, 403, 200, 200, 403, SIGN_IN),
    "/periods/": STAFF,
    "/periods/2024-03/publish/": STAFF,
    "/periods/2024-02/close/": STAFF,
    "/periods/2024-02/reopen/": row(200, 403, 403, 403, 403, 403, 403, SIGN_IN),
    "/overdue/": row(200, 200, 200, 200, 200, 200, 403, SIGN_IN),
    "/overdue/csv/": row(200, 200, 200, 200, 200, 200, 403, SIGN_IN),
    "/audit/": STAFF,
    "/years/": STAFF,
    "/years/2023-24/close/": STAFF,
    "/years/2024-25/open/": STAFF,
    f"/audit/2023-24/{IN_SCOPE}/": STAFF,
    "/accessibility/": ALL_200,
    "/privacy/": ALL_200,
    "/cookies/": ALL_200,
    "/site-pages/": STAFF,
}

# action -> expected outcome per role:
#                          admin officer owner owner_o approver approver_o viewer public
ACTIONS: dict[str, dict[str, Any]] = {
    "save": row(OK, OK, OK, 403, 403, 403, 403, SIGN_IN),
    "submit": row(OK, OK, OK, 403, 403, 403, 403, SIGN_IN),
    "approve": row(OK, OK, 403, 403, OK, 403, 403, SIGN_IN),
    "return": row(OK, OK, 403, 403, OK, 403, 403, SIGN_IN),
    "open": row(OK, OK, 403, 403, 403, 403, 403, SIGN_IN),
    "publish": row(OK, OK, 403, 403, 403, 403, 403, SIGN_IN),
    "close": row(OK, OK, 403, 403, 403, 403, 403, SIGN_IN),
    "reopen": row(OK, 403, 403, 403, 403, 403, 403, SIGN_IN),
    "revise published": row(OK, OK, REFUSED, 403, 403, 403, 403, SIGN_IN),
    "edit site pages": row(OK, OK, 403, 403, 403, 403, 403, SIGN_IN),
}


@pytest.fixture(scope="module")
def council_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[Council]:
    """The example council and its people, made once for the module (each test runs in a
    transaction that is rolled back), and removed afterwards."""
    with django_db_blocker.unblock():
        council = council_load()
        officer = access_for(council.users["officer"], council.org)
        period_open(access=officer, organisation=council.org, period=FEB,
                    deadline=date(2024, 3, 15))
        period_publish(access=officer, organisation=council.org, period=FEB)
        period_open(access=officer, organisation=council.org, period=MARCH,
                    deadline=date(2024, 4, 12))
        try:
            yield council
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def council(council_module: Council) -> Council:
    return council_module


def client_for(council: Council, role: str) -> Client:
    client = Client()
    if role != "public":
        client.force_login(council.users[role])
    return client


def check_status(response: Any, expected: Any) -> None:
    if expected == SIGN_IN:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/sign-in/?next="), response["Location"]
    else:
        assert response.status_code == expected, (response.status_code,
                                                  response.content[:600])


@pytest.mark.parametrize(("page", "role"), [(p, r) for p in PAGES for r in ROLES])
def test_page(council: Council, page: str, role: str) -> None:
    response = client_for(council, role).get(page)
    check_status(response, PAGES[page][role])
    if PAGES[page][role] == 403:
        text = response.content.decode()
        assert "You cannot see this page" in text
        assert "You do not have" in text or "not one of your KPIs" in text or \
            "not in the performance team" in text or "Only an administrator" in text


# --- actions: how to set each up, do it, and see that it took effect -------------------------


@dataclass(frozen=True)
class Action:
    setup: Callable[[Council], None]
    post: Callable[[Client, Council], Any]
    done: Callable[[Council], bool]


def _submitted(c: Council) -> None:
    entry_save(access=c.access("owner"), kpi=c.kpi(IN_SCOPE), period=MARCH, version=0,
               figures=[_figure("12")], commentary="", submit=True)


def _figure(text: str) -> Any:
    from kpiboard.workflow.services import Figure

    return Figure(text=text)


def _version(c: Council, period: Period = MARCH) -> int:
    sub = Submission.objects.filter(kpi=c.kpi(IN_SCOPE), period=period.key).first()
    return sub.version if sub else 0


def _state(c: Council) -> str:
    sub = Submission.objects.filter(kpi=c.kpi(IN_SCOPE), period=MARCH.key).first()
    return sub.state if sub else ""


def _rp_state(period: str) -> str:
    rp = ReportingPeriod.objects.filter(period=period).first()
    return rp.state if rp else ""


def _decide(action: str) -> Callable[[Client, Council], Any]:
    def post(client: Client, c: Council) -> Any:
        pk = Submission.objects.get(kpi=c.kpi(IN_SCOPE), period=MARCH.key).pk
        return client.post(f"/approvals/{pk}/", {f"s{pk}-version": _version(c),
                                                 f"s{pk}-comment": "Check it",
                                                 "action": action})
    return post


def _close_feb(c: Council) -> None:
    from kpiboard.workflow.services import period_close

    period_close(access=c.access("officer"), organisation=c.org, period=FEB)


def _nothing(c: Council) -> None:
    pass


ACTION_STEPS: dict[str, Action] = {
    "save": Action(_nothing, lambda client, c: client.post(KPI_FORM, {
        "version": 0, "kind": "value", "value": "12", "action": "save"}),
        lambda c: _state(c) == SubmissionState.DRAFT),
    "submit": Action(_nothing, lambda client, c: client.post(KPI_FORM, {
        "version": 0, "kind": "value", "value": "12", "action": "submit"}),
        lambda c: _state(c) == SubmissionState.SUBMITTED),
    "approve": Action(_submitted, _decide("approve"),
                      lambda c: _state(c) == SubmissionState.APPROVED),
    "return": Action(_submitted, _decide("return"),
                     lambda c: _state(c) == SubmissionState.RETURNED),
    "open": Action(_nothing, lambda client, c: client.post("/periods/", {
        "period": "2024-04", "deadline_0": "15", "deadline_1": "5", "deadline_2": "2024"}),
        lambda c: _rp_state("2024-04") == PeriodState.OPEN),
    "publish": Action(_nothing, lambda client, c: client.post("/periods/2024-03/publish/"),
                      lambda c: _rp_state("2024-03") == PeriodState.PUBLISHED),
    "close": Action(_nothing, lambda client, c: client.post("/periods/2024-02/close/"),
                    lambda c: _rp_state("2024-02") == PeriodState.CLOSED),
    "reopen": Action(_close_feb, lambda client, c: client.post("/periods/2024-02/reopen/"),
                     lambda c: _rp_state("2024-02") == PeriodState.PUBLISHED),
    "revise published": Action(
        _nothing, lambda client, c: client.post(f"/entry/2024-02/2023-24/{IN_SCOPE}/", {
            "version": _version(c, FEB), "kind": "value", "value": "99", "action": "save",
            "reason": "Late correction"}),
        lambda c: c.kpi(IN_SCOPE).values.get(period="2024-02", sub_measure="").text == "99"),
    "edit site pages": Action(
        _nothing, lambda client, c: client.post("/site-pages/", {
            "compliance": "partial", "contact_email": "performance@example.gov.uk"}),
        lambda c: SitePages.objects.filter(
            contact_email="performance@example.gov.uk").exists()),
}


@pytest.mark.parametrize(("action", "role"), [(a, r) for a in ACTIONS for r in ROLES])
def test_action(council: Council, action: str, role: str) -> None:
    steps = ACTION_STEPS[action]
    steps.setup(council)
    before = database_fingerprint()
    states = (_state(council), _rp_state("2024-02"), _rp_state("2024-03"),
              _rp_state("2024-04"))
    response = steps.post(client_for(council, role), council)
    expected = ACTIONS[action][role]
    if expected == OK:
        assert response.status_code == 302, response.content[:800]
        assert steps.done(council)
        return
    if expected == REFUSED:
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    else:
        check_status(response, expected)
    assert not steps.done(council)
    assert database_fingerprint() == before
    assert states == (_state(council), _rp_state("2024-02"), _rp_state("2024-03"),
                      _rp_state("2024-04"))


def test_every_action_and_page_is_in_the_matrix() -> None:
    assert set(ACTIONS) == set(ACTION_STEPS)
    for table in (*PAGES.values(), *ACTIONS.values()):
        assert list(table) == ROLES


@pytest.mark.parametrize("path", [KPI_FORM, "/periods/", "/periods/2024-03/publish/",
                                  "/approvals/1/"])
def test_posts_need_the_csrf_token(council: Council, path: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(council.users["admin"])
    before = database_fingerprint()
    response = client.post(path, {"version": 0, "kind": "value", "value": "1"})
    assert response.status_code == 403
    assert database_fingerprint() == before
