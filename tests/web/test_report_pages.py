"""The reports in the browser (``/reports/``) and their downloads, with the example council."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Organisation
from kpiboard.reportfiles import tasks
from kpiboard.reportfiles.services import files_build_now
from tests.web.test_dashboard import client_for, draft, load_nnc, publish, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def nnc() -> Organisation:
    return load_nnc()


@pytest.fixture
def staff(nnc: Organisation, make_user: Callable[..., User]) -> Client:
    return client_for(make_user, "performance_officer")


@pytest.fixture
def member(nnc: Organisation, make_user: Callable[..., User]) -> Client:
    return client_for(make_user, "viewer")


TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}


def test_choosing_a_report(nnc: Organisation) -> None:
    response = Client().get("/reports/")
    assert response.status_code == 200
    page = text(response.content)
    assert "Monthly performance report" in page and "Corporate summary" in page
    assert '<option value="2024-02" selected>February 2023/24</option>' in \
        response.content.decode()
    chosen = Client().get("/reports/", {"period": "2024-02", "layout": "scorecard",
                                        "set": "all", "group_by": "key_commitment"})
    assert chosen.status_code == 302
    assert chosen["Location"] == "/reports/2024-02/scorecard/?set=all&group_by=key_commitment"


def test_an_incomplete_choice_shows_the_errors(nnc: Organisation) -> None:
    response = Client().get("/reports/", {"period": "2024-02", "layout": "poster"})
    assert response.status_code == 200
    page = text(response.content)
    assert page.startswith("Error: Reports")
    assert "Choose the report's layout from the list" in page


@pytest.mark.parametrize("layout", ["monthly", "scorecard", "summary"])
def test_each_layout_in_the_site_with_every_download(nnc: Organisation, layout: str) -> None:
    response = Client().get(f"/reports/2024-02/{layout}/", {"set": "all"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div class="kpi-report">' in body and "<main" in body
    assert body.count("<html") == 1  # the report sits inside the site's page
    assert 'href="/reports/report.css"' in body
    for fmt in TYPES:
        assert f'href="/reports/2024-02/{layout}.{fmt}?set=all&amp;group_by=directorate"' in body
    assert "North Northamptonshire Council" in text(body)
    assert "February 2023/24" in text(body)
    if layout != "summary":
        assert "STP16" in body and "46.43%" in body


def built(org: Organisation, layout: str, kpi_set: str) -> None:
    """The combination's PDF, Word and Excel files built, as the worker builds them after a
    publication (kpiboard.reportfiles; tests/reportfiles has the worker itself)."""
    tasks.run_in_process("sync")
    try:
        files_build_now(organisation=org, period=Period.parse("2024-02"),
                        combinations=[(layout, kpi_set, "directorate")])
    finally:
        tasks.run_in_process("thread")


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "csv", "json", "html"])
def test_downloads_have_the_right_type_and_file_name(nnc: Organisation, fmt: str) -> None:
    if fmt in ("xlsx", "docx"):
        built(nnc, "monthly", "core")
    response = Client().get(f"/reports/2024-02/monthly.{fmt}", {"set": "core"})
    assert response.status_code == 200
    assert response["Content-Type"] == TYPES[fmt]
    assert response["Content-Disposition"] == (
        "attachment; filename=\"north-northamptonshire-council-2024-02-monthly-core-"
        f"directorate.{fmt}\"")
    content = b"".join(response) if response.streaming else response.content
    assert len(content) > 500
    if fmt == "json":
        assert "STP16" in json.dumps(json.loads(content))


def test_pdf_download(nnc: Organisation) -> None:
    url = "/reports/2024-02/summary.pdf"
    before = Client().get(url, {"set": "organisational health"})
    assert before.status_code == 503  # never drawn on the request: built in the background
    assert "This file is not ready yet" in text(before.content)
    built(nnc, "summary", "organisational health")
    response = Client().get(url, {"set": "organisational health"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response).startswith(b"%PDF")
    assert "organisational-health" in response["Content-Disposition"]


def test_the_public_sees_published_figures_only(nnc: Organisation, staff: Client,
                                                member: Client) -> None:
    draft(nnc)
    assert "99.00%" not in Client().get("/reports/2024-02/monthly/?set=all").content.decode()
    assert "99.00%" not in Client().get("/reports/2024-02/monthly.csv?set=all").content.decode()
    assert "99.00%" not in member.get("/reports/2024-02/monthly/?set=all").content.decode()
    assert "99.00%" in staff.get("/reports/2024-02/monthly/?set=all").content.decode()
    publish(nnc, "2024-03", state="open")
    assert Client().get("/reports/2024-03/monthly/").status_code == 404
    assert Client().get("/reports/2024-03/monthly.csv").status_code == 404
    assert staff.get("/reports/2024-03/monthly/").status_code == 200


@pytest.mark.parametrize("url", [
    "/reports/2024-02/poster/", "/reports/2024-02/monthly.txt",
    "/reports/2024-02/monthly/?set=nonsense", "/reports/2024-02/monthly/?group_by=colour",
    "/reports/2019-02/monthly/", "/reports/soon/monthly/",
])
def test_unknown_reports_are_a_helpful_404(nnc: Organisation, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 404
    assert "the dashboard" in text(response.content)


def test_the_report_stylesheet(nnc: Organisation) -> None:
    response = Client().get("/reports/report.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert b".kpi-report" in response.content
