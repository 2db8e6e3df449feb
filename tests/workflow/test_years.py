"""Closing a year (outturns, lock) and opening the next (links checked, periods created):
the services, the pages and ``kpiboard year`` (in-process and as a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from kpiboard.audit.models import Action, AuditEvent
from kpiboard.cli import main
from kpiboard.engine.periods import Period
from kpiboard.framework import load_framework
from kpiboard.kpis.models import KpiSet, Organisation, Outturn
from kpiboard.kpis.services import framework_save
from kpiboard.kpis.years import YearError, YearNotAllowed, year_close, year_open
from kpiboard.workflow.models import PeriodState, ReportingPeriod
from kpiboard.workflow.services import PeriodLocked, entry_save
from tests.store.conftest import NNC, database_fingerprint
from tests.workflow.people import IN_SCOPE, Council

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_closing_a_year_records_outturns_and_locks_it(council: Council) -> None:
    officer = council.access("officer")
    done = year_close(access=officer, organisation=council.org, year="2023/24")
    assert done.outturns == 44
    # a ratio KPI published as percentages without numerators has no honest year figure
    assert "STP16" in done.without_outturn
    assert Outturn.objects.get(kpi=council.kpi(IN_SCOPE), sub_measure="").derived
    assert not ReportingPeriod.objects.filter(period_end__lte="2024-03-31").exclude(
        state=PeriodState.CLOSED).exists()
    assert ReportingPeriod.objects.get(period="2024-03").state == PeriodState.CLOSED
    event = AuditEvent.objects.get(action=Action.YEAR_CLOSED)
    assert event.period == "2023/24" and event.user == council.users["officer"]
    with pytest.raises(YearError, match="2023/24 was closed on"):
        year_close(access=officer, organisation=council.org, year="2023/24")
    with pytest.raises(PeriodLocked):  # nobody changes a closed year's figures
        entry_save(access=council.access("admin"), kpi=council.kpi(IN_SCOPE),
                   period=Period.parse("2024-03"), figures=[], commentary="", submit=False,
                   version=0, reason="late")


def test_only_the_performance_team_closes_or_opens(council: Council) -> None:
    before = database_fingerprint()
    for who in ("owner", "approver", "viewer"):
        with pytest.raises(YearNotAllowed):
            year_close(access=council.access(who), organisation=council.org, year="2023/24")
        with pytest.raises(YearNotAllowed):
            year_open(access=council.access(who), organisation=council.org, year="2024/25")
    assert database_fingerprint() == before


def test_opening_the_next_year(council: Council) -> None:
    done = year_open(access=council.access("admin"), organisation=council.org,
                     year="2024/25")
    assert done.periods_created == 12
    assert done.kinds == {"unchanged": 14, "changed": 3, "renumbered": 10, "merged": 1,
                          "new": 7}
    april = ReportingPeriod.objects.get(period="2024-04")
    assert (april.state, str(april.deadline)) == (PeriodState.OPEN, "2024-05-15")
    assert KpiSet.objects.get(year="2024/25").opened_at is not None
    assert AuditEvent.objects.filter(action=Action.YEAR_OPENED).count() == 1


def test_opening_with_a_bad_kpi_set_stores_nothing(tmp_path: Path) -> None:
    framework_save(framework=load_framework(NNC / "framework.yaml"))
    org = Organisation.objects.get()
    text = (NNC / "kpi_set_2024-25.csv").read_text(encoding="utf-8")
    bad = tmp_path / "kpis.csv"
    bad.write_text(text.replace("STP16 + STP17", "STP16 + STP71"), encoding="utf-8")
    from kpiboard.accounts.access import access_for
    from tests.workflow.people import make_person

    admin = access_for(make_person(org, "boss", "administrator"), org)
    before = database_fingerprint()
    from kpiboard.kpis.rollover import RolloverError

    with pytest.raises(RolloverError, match="STP16/17: previous ref 'STP71' is not a KPI"):
        year_open(access=admin, organisation=org, year="2024/25", kpi_set_file=str(bad))
    assert database_fingerprint() == before
    assert not ReportingPeriod.objects.exists() and not AuditEvent.objects.exists()


def test_the_years_page(council: Council) -> None:
    client = Client()
    client.force_login(council.users["officer"])
    page = client.get("/years/").content.decode()
    assert "2024/25" in page and "Not opened" in page
    assert "Close 2023/24" in client.get("/years/2023-24/close/").content.decode()
    response = client.post("/years/2023-24/close/")
    assert response.status_code == 302 and response["Location"] == "/years/"
    assert KpiSet.objects.get(year="2023/24").closed_at is not None
    assert "cannot be closed now" in client.get("/years/2023-24/close/").content.decode()
    assert client.post("/years/2024-25/open/").status_code == 302
    assert ReportingPeriod.objects.filter(period="2025-03").exists()


def test_year_command(council: Council, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["year", "open", "--year", "2024-25"]) == 0
    assert "2024/25 open: 3 changed, 1 merged, 7 new, 10 renumbered, 14 unchanged; 12 " \
           "reporting periods created." in capsys.readouterr().out
    assert main(["year", "close", "--year", "2023/24"]) == 0
    assert "2023/24 closed:" in capsys.readouterr().out
    assert main(["year", "close", "--year", "2023/24"]) == 2
    assert "was closed on" in capsys.readouterr().err
    assert Outturn.objects.filter(kpi__kpi_set__year="2023/24").count() > 40
    assert not Outturn.objects.filter(kpi=council.kpi("AFL08")).exists()  # ratio, no terms


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = "import sys; from kpiboard.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", command, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def test_import_and_year_commands_as_subprocesses(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(PYTHONPATH=str(ROOT / "src"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'kpiboard.sqlite3'}")
    assert run("import", "framework", str(NNC / "framework.yaml"), env=env).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text((NNC / "kpi_set_2024-25.csv").read_text(encoding="utf-8").replace(
        ",STP37a,", ",STP37z,"), encoding="utf-8")
    failed = run("year", "open", "--year", "2024/25", "--from-file", str(bad), env=env)
    assert failed.returncode == 2
    assert "bad.csv, row 30, column 'Previous ref': STP37: previous ref 'STP37z' is not a " \
           "KPI of the 2023/24 set" in failed.stderr
    ok = run("import", "kpi-set", str(NNC / "kpi_set_2024-25.csv"), env=env)
    assert ok.returncode == 0, ok.stderr
    assert "35 KPIs new" in ok.stdout
    opened = run("year", "open", "--year", "2024/25", env=env)
    assert opened.returncode == 0 and "12 reporting periods created" in opened.stdout
