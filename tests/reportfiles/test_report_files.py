"""Report files (PDF, Word, Excel) are built in the background when a period is published or
a published figure is revised, stored, and served as files; a request never draws one, and
the public's never starts a build. With the real Redis (db 15 or 14, emptied by the test) and
a real Celery worker, and in-process without a broker."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

from kpiboard.accounts.access import Access
from kpiboard.accounts.models import Role
from kpiboard.engine.periods import Period
from kpiboard.example import demo_load
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.reportfiles import tasks
from kpiboard.reportfiles.models import ReportFile
from kpiboard.workflow.models import Submission
from kpiboard.workflow.services import Figure, entry_save, period_publish
from tests.web.test_dashboard import NNC

BROKER = "redis://127.0.0.1:6379/15"
FEB = Period.parse("2024-02")
OFFICER = frozenset({Role.PERFORMANCE_OFFICER})
SUMMARY = "/reports/2024-02/summary.pdf?set=core&group_by=directorate"


@pytest.fixture
def council() -> Organisation:
    """The example council, nothing published yet; the summary of core KPIs by directorate
    (the quickest PDF) is the combination built on publication."""
    cache.clear()
    demo_load(NNC)
    settings.REPORT_FILES_ON_PUBLISH = "summary/core/directorate"
    return Organisation.objects.get()


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    """The real Redis at 127.0.0.1:6379, database 15 (14 for the PostgreSQL run, which
    ``./run test`` runs at the same time), empty, as the broker."""
    url = BROKER if connection.vendor == "sqlite" else BROKER.replace("/15", "/14")
    r = redis.Redis.from_url(url)
    try:
        r.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running at 127.0.0.1:6379 (./run test starts it)")
    r.flushdb()
    settings.BROKER_URL = url
    yield r
    r.flushdb()


@pytest.fixture
def in_process() -> Iterator[None]:
    """No broker, jobs run where they are asked for (as on the command line)."""
    tasks.run_in_process("sync")
    yield
    tasks.run_in_process("thread")


def publish(org: Organisation) -> None:
    period_publish(access=Access(org, None, frozenset({Role.ADMINISTRATOR})), organisation=org,
                   period=FEB)


def files(root: Path | None = None) -> list[Path]:
    return sorted(p for p in Path(root or settings.REPORT_FILES_DIR).rglob("*") if p.is_file())


def body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def ready_rows(org: Organisation, **where: str) -> list[ReportFile]:
    return [r for r in ReportFile.objects.filter(organisation=org, **where)
            if r.status == "ready"]


def wait_for(check: Callable[[], bool], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OperationalError:  # SQLite: the worker is writing
            pass
        time.sleep(0.5)
    pytest.fail(f"not done in {seconds} s")


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_builds_the_files_after_publication(
        council: Organisation, broker: redis.Redis) -> None:
    from celery.contrib.testing.worker import start_worker

    publish(council)
    queued = ReportFile.objects.filter(organisation=council)
    assert {(r.layout, r.kpi_set, r.fmt, r.status) for r in queued} == {
        ("summary", "core", fmt, "queued") for fmt in ("pdf", "xlsx", "docx")}
    assert broker.llen(tasks.QUEUE) == 1  # one job: the combination, every format

    # Before the worker has run: the public is told the file is being prepared, and its
    # requests start nothing — no job, no row, no file — for this file or any other.
    response = Client().get(SUMMARY)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "This file is being prepared" in page and "govuk-inset-text" in page
    assert 'href="/reports/2024-02/summary/?set=core&amp;group_by=directorate"' in page
    other = Client().get("/reports/2024-02/monthly.docx?set=all&group_by=theme")
    assert other.status_code == 503
    assert "This file is not ready yet" in other.content.decode()
    assert broker.llen(tasks.QUEUE) == 1
    assert ReportFile.objects.filter(organisation=council).count() == 3
    assert files() == []

    with start_worker(tasks.celery_app(), pool="solo", perform_ping_check=False,
                      shutdown_timeout=60):
        wait_for(lambda: len(ready_rows(council)) == 3)
    assert broker.llen(tasks.QUEUE) == 0
    stored = files()
    assert [p.suffix for p in stored] == [".docx", ".pdf", ".xlsx"]

    response = Client().get(SUMMARY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="north-northamptonshire-council-2024-02-summary-core-'
        'directorate.pdf"')
    pdf = next(p for p in stored if p.suffix == ".pdf")
    content = body(response)
    assert content == pdf.read_bytes() and content.startswith(b"%PDF")
    assert response["ETag"] and response["Last-Modified"]
    again = Client().get(SUMMARY, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_publication_builds_the_files_in_process(
        council: Organisation, in_process: None) -> None:
    assert Client().get(SUMMARY).status_code == 404  # not published yet
    publish(council)  # the files are built when its transaction commits
    rows = ready_rows(council)
    assert sorted(r.fmt for r in rows) == ["docx", "pdf", "xlsx"]
    for row in rows:
        response = Client().get(SUMMARY.replace(".pdf", f".{row.fmt}"))
        assert response.status_code == 200
        assert body(response) == (Path(settings.REPORT_FILES_DIR) / row.path).read_bytes()
        assert row.visibility == "public" and row.built_at and row.seconds > 0


@pytest.mark.django_db(transaction=True)
def test_a_revised_published_figure_rebuilds_the_files(council: Organisation,
                                                        in_process: None) -> None:
    url = SUMMARY.replace(".pdf", ".xlsx")
    publish(council)
    before = body(Client().get(url))
    [old_pdf] = [p for p in files() if p.suffix == ".pdf"]
    kpi = Kpi.objects.get(kpi_set__organisation=council, kpi_set__year="2023/24", ref="STP15")
    sub = Submission.objects.filter(kpi=kpi, period=FEB.key).first()
    entry_save(access=Access(council, None, OFFICER), kpi=kpi, period=FEB,
               version=sub.version if sub else 0, figures=[Figure(text="12")],
               commentary="", reason="The February figure was wrong")
    after = Client().get(url)
    assert after.status_code == 200
    assert body(after) != before
    assert not old_pdf.exists()  # the old report's file is gone; the new one is served
    assert len([p for p in files() if p.suffix == ".pdf"]) == 1
    pdf = Client().get(url.replace(".xlsx", ".pdf"))
    assert pdf.status_code == 200 and body(pdf).startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_staff_queue_a_build_in_the_background_and_the_public_never_does(
        council: Organisation, make_user: Callable[..., User]) -> None:
    """Without a broker, in the web server: a member of staff's download of a file not built
    queues it on the background thread (202); the public's does not (503)."""
    settings.REPORT_FILES_ON_PUBLISH = "none"
    tasks.run_in_process("sync")
    publish(council)
    tasks.run_in_process("thread")  # as in the web server
    url = "/reports/2024-02/summary.xlsx?set=organisational+health&group_by=theme"
    assert Client().get(url).status_code == 503
    assert tasks.wait_idle(5)
    assert not ReportFile.objects.exists() and files() == []

    staff = Client()
    staff.force_login(make_user("performance_officer"))
    response = staff.get(url)
    assert response.status_code == 202
    assert "This file is being prepared" in response.content.decode()
    assert response["Retry-After"] == "60"
    assert tasks.wait_idle(600)
    got = staff.get(url)
    assert got.status_code == 200
    assert got["Content-Type"].startswith("application/vnd.openxmlformats")
    # the public's report is the same report: the file built for staff serves them too
    public = Client().get(url)
    assert public.status_code == 200 and body(public) == body(got)
