"""``kpiboard period open|publish|close|reopen``."""

from __future__ import annotations

from datetime import date

import pytest

from kpiboard.audit.models import Action, AuditEvent
from kpiboard.cli import main
from kpiboard.workflow.models import PeriodState, ReportingPeriod
from tests.workflow.people import Council

pytestmark = pytest.mark.django_db


def test_the_cycle_from_the_command_line(council: Council,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["period", "open", "--period", "2024-03", "--deadline", "2024-04-12"]) == 0
    rp = ReportingPeriod.objects.get(period="2024-03")
    assert (rp.state, rp.deadline) == (PeriodState.OPEN, date(2024, 4, 12))
    assert main(["period", "publish", "--period", "2024-03"]) == 0
    assert "March 2023/24 published" in capsys.readouterr().out
    assert main(["period", "close", "--period", "2024-03"]) == 0
    assert main(["period", "publish", "--period", "2024-03"]) == 2
    assert "March 2023/24 is closed" in capsys.readouterr().err
    assert main(["period", "reopen", "--period", "2024-03"]) == 0
    assert ReportingPeriod.objects.get(period="2024-03").state == PeriodState.PUBLISHED
    assert main(["period", "open", "--period", "2024-04"]) == 0
    assert ReportingPeriod.objects.get(period="2024-04").deadline == date(2024, 5, 15)
    events = AuditEvent.objects.filter(action=Action.REOPENED).get()
    assert events.user is None


@pytest.mark.parametrize(("args", "message"), [
    (["--period", "nope"], "cannot read period"),
    (["--period", "2024-03", "--deadline", "12/04"], "is not a date"),
    (["--period", "2024-03", "--organisation", "Nowhere"], "no organisation called"),
])
def test_mistakes(council: Council, capsys: pytest.CaptureFixture[str], args: list[str],
                  message: str) -> None:
    assert main(["period", "open", *args]) == 2
    assert message in capsys.readouterr().err
    assert not ReportingPeriod.objects.exists()
