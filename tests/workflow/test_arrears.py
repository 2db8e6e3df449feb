"""A figure reported in arrears is entered by its data owner in the cycle it is due in, even
though its own month has been published by then (February's figure of a KPI a month in
arrears is due in March's cycle, after February was published). Once that cycle is published
too, the figure is locked like any other."""

from __future__ import annotations

import pytest
from django.test import Client

from kpiboard.accounts.access import access_for
from kpiboard.accounts.models import Role
from kpiboard.engine.periods import Period
from kpiboard.example import demo_periods
from kpiboard.workflow.models import PeriodState, Submission, SubmissionState
from kpiboard.workflow.services import (
    Figure,
    PeriodLocked,
    entry_save,
    figure_lock,
    lock_state,
    period_publish,
)
from tests.workflow.people import Council, make_person

FEB, MARCH = Period.parse("2024-02"), Period.parse("2024-03")


@pytest.fixture
def march(council: Council) -> Council:
    demo_periods(council.org, published_to="2024-02", open_period="2024-03")
    return council


def test_the_owner_enters_a_figure_in_arrears_in_the_cycle_it_is_due(march: Council) -> None:
    kpi = march.kpi("AFL04")  # Adult Social Care, a month in arrears
    assert kpi.arrears_months == 1
    owner = make_person(march.org, "asc_owner", Role.DATA_OWNER, [kpi.department])
    assert lock_state(organisation=march.org, period=FEB) == PeriodState.PUBLISHED
    assert figure_lock(kpi=kpi, period=FEB) == PeriodState.OPEN
    assert figure_lock(kpi=march.kpi("AFL12"), period=FEB) == PeriodState.PUBLISHED

    # on the page: the form of February's figure, listed in March's cycle, can be submitted
    client = Client()
    client.force_login(owner)
    listing = client.get("/entry/?period=2024-03").content.decode()
    assert "/entry/2024-02/2023-24/AFL04/" in listing
    sub = Submission.objects.filter(kpi=kpi, period=FEB.key).first()
    response = client.post("/entry/2024-02/2023-24/AFL04/?reporting=2024-03", {
        "reporting": "2024-03", "version": str(sub.version if sub else 0), "kind": "value",
        "value": "412", "commentary": "", "action": "submit"}, follow=True)
    assert response.redirect_chain[-1][0] == "/entry/?period=2024-03"
    assert "AFL04 February 2023/24 submitted for approval" in response.content.decode()
    sub = Submission.objects.get(kpi=kpi, period=FEB.key)
    assert sub.state == SubmissionState.SUBMITTED

    # once March's cycle is published, February's figure is locked like any other
    period_publish(access=march.access("officer"), organisation=march.org, period=MARCH)
    assert figure_lock(kpi=kpi, period=FEB) == PeriodState.PUBLISHED
    with pytest.raises(PeriodLocked):
        entry_save(access=access_for(owner, march.org), kpi=kpi, period=FEB,
                   version=sub.version, figures=[Figure(text="413")], commentary="")
