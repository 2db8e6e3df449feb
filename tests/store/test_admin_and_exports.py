"""The admin a performance officer uses, the exports and the framework review commands."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from kpiboard.cli import main
from kpiboard.data.models import PeriodValue, ValueRevision
from kpiboard.example import demo_load
from kpiboard.kpis.models import Kpi
from tests.store.conftest import NNC, database_fingerprint

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ["kpis/organisation", "kpis/ratingscheme", "kpis/directionscheme",
                "kpis/keycommitment", "kpis/directorate", "kpis/kpiset", "kpis/kpi",
                "data/periodvalue", "data/valuerevision", "data/commentary",
                "data/statusoverride", "data/projectstatus", "data/publishedfigure",
                "audit/auditevent"]


@pytest.fixture
def officer(client: Client) -> Client:
    demo_load(NNC)
    user = User.objects.create_superuser("officer", "officer@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_admin_list_renders_with_search_and_filters(officer: Client, model: str) -> None:
    url = f"/admin/{model}/"
    assert officer.get(url).status_code == 200
    assert officer.get(url, {"q": "STP"}).status_code == 200


def test_kpi_admin_filters_by_year_and_shows_targets_inline(officer: Client) -> None:
    listing = officer.get("/admin/kpis/kpi/", {"kpi_set__year": "2024/25"})
    assert listing.status_code == 200 and b"AFL26" in listing.content
    kpi = Kpi.objects.get(kpi_set__year="2023/24", ref="STP31")
    page = officer.get(reverse("admin:kpis_kpi_change", args=[kpi.pk]))
    assert page.status_code == 200
    assert b"P1 (Target response time within 24 hours)" in page.content  # sub-measure inline
    assert b"97.5" in page.content  # its target, inline


def test_value_admin_shows_its_revisions(officer: Client) -> None:
    pv = PeriodValue.objects.get(kpi__ref="STP16", period="2024-02")
    page = officer.get(reverse("admin:data_periodvalue_change", args=[pv.pk]))
    assert page.status_code == 200 and b"46.43%" in page.content
    assert ValueRevision.objects.filter(period_value=pv).count() == 1


def test_exports_import_back_without_changes(officer: Client, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = database_fingerprint()
    fw, values, kpis = tmp_path / "fw.yaml", tmp_path / "values.xlsx", tmp_path / "kpis.xlsx"
    assert main(["export", "framework", "--out", str(fw)]) == 0
    assert main(["export", "values", "--year", "2023/24", "--out", str(values)]) == 0
    assert main(["export", "kpi-set", "--year", "2024/25", "--out", str(kpis)]) == 0
    capsys.readouterr()
    assert main(["import", "framework", str(fw)]) == 0
    assert "0 KPIs new, 0 changed, 80 unchanged" in capsys.readouterr().out
    assert main(["import", "values", str(values)]) == 0
    assert "0 new values, 0 revised" in capsys.readouterr().out
    assert main(["import", "kpi-set", str(kpis)]) == 0
    assert database_fingerprint() == before


def test_framework_changes_and_counts(officer: Client,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["framework", "changes", "--from", "2023/24", "--to", "2024-25", "--format",
                 "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    kinds = {r["ref"]: r["kind"] for r in rows}
    assert kinds["AFL26"] == "new"
    assert "STP17" not in kinds  # merged into STP16/17, not removed
    merged = next(r for r in rows if r["ref"] == "STP16/17")
    assert (merged["kind"], merged["previous_refs"]) == ("merged", "STP16 STP17")
    assert kinds["AFL08 OFLOG"] == "renumbered"
    assert any(r["ref"] == "AFL07" and "Monthly target: 47 → 480" in r["how"] for r in rows)
    assert main(["framework", "counts", "--year", "2024/25", "--format", "csv"]) == 0
    counts = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert counts[0][1:] == ["Monthly", "Quarterly / Annual - Service indicators",
                             "Quarterly / Annual - Organisational health indicators", "Total"]
    assert counts[-1][0] == "Total" and counts[-1][-1] == "35"
    assert main(["framework", "counts", "--year", "2031/32"]) == 2


def test_an_import_that_changes_values_is_in_the_audit_trail(
        officer: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kpiboard.audit.models import Action, AuditEvent

    values = tmp_path / "values.csv"
    assert main(["export", "values", "--year", "2023/24", "--out", str(values)]) == 0
    rows = list(csv.DictReader(values.open(encoding="utf-8-sig")))
    changed = next(r for r in rows if r["ref"] == "STP15" and r["period"] == "2024-02")
    changed["value"] = "99%"
    with values.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["import", "values", str(values), "--reason", "corrected"]) == 0
    assert "0 new values, 1 revised" in capsys.readouterr().out
    event = AuditEvent.objects.get(action=Action.IMPORTED)
    assert event.summary == ("values.csv imported: 0 new values, 1 revised, 0 commentaries, "
                             "0 published years to date (reason: corrected)")
    assert main(["import", "values", str(values)]) == 0  # the same again: no event
    assert AuditEvent.objects.filter(action=Action.IMPORTED).count() == 1
    # A file that changes only a published year to date is audited too.
    with_ytd = next(r for r in rows if r.get("ytd"))
    with_ytd["ytd"] = "1"
    with values.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["import", "values", str(values)]) == 0
    assert "1 published years to date" in AuditEvent.objects.filter(
        action=Action.IMPORTED).latest("id").summary
