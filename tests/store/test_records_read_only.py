"""Records change only through the services (issue 11, point 1; ADR 8).

Through the real admin as a superuser: values, revisions, commentary, status overrides,
published figures and audit events can be looked at and nothing else. A correction goes through
the entry page, with a reason, and leaves a revision and an audit event. Anything with history
cannot be deleted; on PostgreSQL the database itself refuses to change or delete a revision or
an audit event.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from kpiboard.audit.models import Action, AuditEvent
from kpiboard.data.history import history_rewrite
from kpiboard.data.models import (
    Commentary,
    PeriodValue,
    PublishedFigure,
    StatusOverride,
    ValueRevision,
)
from kpiboard.data.services import override_set
from kpiboard.engine.periods import Period
from kpiboard.example import demo_load
from kpiboard.kpis.models import Kpi, Organisation
from tests.store.conftest import NNC

pytestmark = pytest.mark.django_db
POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql",
                              reason="the triggers are PostgreSQL's")


def history() -> tuple[object, ...]:
    """Every value, revision and audit event, as stored."""
    return (list(PeriodValue.objects.order_by("pk").values()),
            list(ValueRevision.objects.order_by("pk").values()),
            list(AuditEvent.objects.order_by("pk").values()),
            list(Commentary.objects.order_by("pk").values()),
            list(StatusOverride.objects.order_by("pk").values()),
            list(PublishedFigure.objects.order_by("pk").values()))


@pytest.fixture
def superuser() -> Client:
    demo_load(NNC)
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def stp16_feb() -> PeriodValue:
    return PeriodValue.objects.get(kpi__ref="STP16", kpi__kpi_set__year="2023/24",
                                   sub_measure="", period="2024-02")


def some_audit_event() -> AuditEvent:
    org = Organisation.objects.get()
    return AuditEvent.objects.create(organisation=org, action=Action.IMPORTED,
                                     summary="values.csv imported")


def test_the_issues_admin_edit_of_a_published_figure_is_refused(superuser: Client) -> None:
    pv = stp16_feb()
    assert pv.text == "46.43%"
    before = history()
    url = f"/admin/data/periodvalue/{pv.pk}/change/"
    page = superuser.get(url)
    assert page.status_code == 200 and b"46.43%" in page.content
    html = page.content.decode()
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert "Read-only." in html and "Correct this figure in kpiboard" in html
    assert 'href="/entry/2024-02/2023-24/STP16/"' in html
    assert "/delete/" not in html
    response = superuser.post(url, {"kpi": pv.kpi_id, "sub_measure": "", "period": "2024-02",
                                    "period_start": "2024-02-01", "period_end": "2024-02-29",
                                    "text": "96.00%", "value": "96", "state": "value",
                                    "revision": pv.revision, "baseline_revision": 1,
                                    "_save": "Save"})
    assert response.status_code == 403
    assert stp16_feb().text == "46.43%" and history() == before


@pytest.mark.parametrize(("model", "get"), [
    ("data/periodvalue", lambda: PeriodValue.objects.first()),
    ("data/valuerevision", lambda: ValueRevision.objects.first()),
    ("data/commentary", lambda: Commentary.objects.first()),
    ("data/statusoverride", lambda: override_set(kpi=stp16_feb().kpi, status="green",
                                                 period=Period.parse("2024-02"),
                                                 reason="Agreed by the board")),
    ("data/publishedfigure", lambda: PublishedFigure.objects.first()),
    ("audit/auditevent", some_audit_event),
])
def test_the_records_admin_adds_changes_and_deletes_nothing(superuser: Client, model: str,
                                                            get: object) -> None:
    obj = get()  # type: ignore[operator]
    assert obj is not None, f"the example council has no {model}"
    before = history()
    listing = superuser.get(f"/admin/{model}/")
    assert listing.status_code == 200 and b"Read-only." in listing.content
    assert b"delete_selected" not in listing.content and f"/admin/{model}/add/" not in \
        listing.content.decode()
    page = superuser.get(f"/admin/{model}/{obj.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert superuser.get(f"/admin/{model}/add/").status_code == 403
    assert superuser.post(f"/admin/{model}/add/", {}).status_code == 403
    assert superuser.post(f"/admin/{model}/{obj.pk}/change/", {}).status_code == 403
    assert superuser.get(f"/admin/{model}/{obj.pk}/delete/").status_code == 403
    assert superuser.post(f"/admin/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code \
        == 403
    bulk = superuser.post(f"/admin/{model}/", {"action": "delete_selected", "post": "yes",
                                               "_selected_action": [obj.pk]})
    assert bulk.status_code in (200, 302)
    assert history() == before
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()


def test_revisions_inline_on_a_value_cannot_be_changed_or_deleted(superuser: Client) -> None:
    pv = stp16_feb()
    html = superuser.get(f"/admin/data/periodvalue/{pv.pk}/change/").content.decode()
    assert 'id="revisions-heading"' in html  # shown...
    assert not re.search(r'name="revisions-\d+-(DELETE|reason|new_text)"', html)  # ...only


def test_a_kpi_or_person_with_history_cannot_be_deleted_in_the_admin(superuser: Client) -> None:
    kpi = stp16_feb().kpi
    before = history()
    page = superuser.get(f"/admin/kpis/kpi/{kpi.pk}/delete/")
    assert page.status_code == 200 and b"<title>Cannot delete" in page.content
    superuser.post(f"/admin/kpis/kpi/{kpi.pk}/delete/", {"post": "yes"})
    superuser.post("/admin/kpis/kpi/", {"action": "delete_selected", "post": "yes",
                                        "_selected_action": [kpi.pk]})
    assert Kpi.objects.filter(pk=kpi.pk).exists() and history() == before
    org = Organisation.objects.get()
    superuser.post(f"/admin/kpis/organisation/{org.pk}/delete/", {"post": "yes"})
    assert Organisation.objects.filter(pk=org.pk).exists() and history() == before
    # Somebody who changed a figure is deactivated, not deleted: their name stays.
    officer = User.objects.create_user("changer")
    rev = ValueRevision.objects.filter(period_value=stp16_feb()).first()
    assert rev is not None
    with history_rewrite():  # setting up the test: the revision made by this person
        ValueRevision.objects.filter(pk=rev.pk).update(changed_by=officer)
    before = history()
    page = superuser.post(f"/admin/auth/user/{officer.pk}/delete/", {"post": "yes"})
    assert page.status_code == 200 and b"<title>Cannot delete" in page.content
    assert User.objects.filter(pk=officer.pk).exists() and history() == before
    with pytest.raises(ProtectedError):
        kpi.delete()


def test_a_correction_on_the_entry_page_needs_a_reason_and_leaves_a_trace(
        superuser: Client) -> None:
    from kpiboard.accounts.access import access_for
    from kpiboard.accounts.models import Membership, Role
    from kpiboard.workflow.services import period_publish

    org = Organisation.objects.get()
    officer = User.objects.create_user("officer")
    Membership.objects.create(user=officer, organisation=org, role=Role.PERFORMANCE_OFFICER)
    period_publish(access=access_for(officer, org), organisation=org,
                   period=Period.parse("2024-02"))
    client = Client()
    client.force_login(officer)
    url = "/entry/2024-02/2023-24/STP16/"
    page = client.get(url).content.decode()
    assert "Reason for revising the published figure" in page
    version = int(re.search(r'name="version" value="(\d+)"', page)[1])  # type: ignore[index]
    before = history()
    response = client.post(url, {"version": version, "kind": "value", "value": "96%",
                                  "action": "save"})
    assert b"Enter the reason for revising a published figure" in response.content
    assert history() == before
    response = client.post(url, {"version": version, "kind": "value", "value": "96%",
                                  "reason": "Wrong month's cases counted", "action": "save"})
    assert response.status_code == 302
    pv = stp16_feb()
    assert pv.text == "96.00%" or pv.text.startswith("96")
    assert pv.revision > pv.baseline_revision  # reported as revised
    rev = ValueRevision.objects.get(period_value=pv, revision=pv.revision)
    assert (rev.old_text, rev.reason, rev.changed_by) == ("46.43%",
                                                          "Wrong month's cases counted", officer)
    assert AuditEvent.objects.filter(action=Action.REVISED).count() == 1
    event = AuditEvent.objects.get(action=Action.REVISED)
    assert event.user == officer and "reason: Wrong month's cases counted" in event.summary
    kpi_page = Client().get(reverse("dashboard:kpi", args=["2023-24", "STP16"]),
                            {"period": "2024-02"}).content.decode()
    assert "revised" in kpi_page.lower()


@POSTGRES
@pytest.mark.parametrize("table", ["data_valuerevision", "audit_auditevent"])
def test_postgresql_refuses_raw_updates_and_deletes_of_history(table: str) -> None:
    demo_load(NNC)
    some_audit_event(), some_audit_event()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), min(id) FROM {table}")
        count, first = cursor.fetchone()
        assert count > 0
        column = "reason" if table == "data_valuerevision" else "summary"
        refused = f"refused on {table}: value revisions and audit events are never changed"
        for sql in (f"UPDATE {table} SET {column} = 'rewritten' WHERE id = %s",
                    f"DELETE FROM {table} WHERE id = %s", f"DELETE FROM {table} WHERE id >= %s"):
            with pytest.raises(IntegrityError, match=refused), transaction.atomic():
                cursor.execute(sql, [first])
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {column} = 'rewritten'")
        assert cursor.fetchone()[0] == 0
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == count
        # The escape is transaction-local and used by restore only.
        with history_rewrite():
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [first])
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == count - 1


def test_restore_replace_is_the_one_way_to_rewrite_history(tmp_path: object) -> None:
    """``kpiboard restore --replace`` deletes revisions and audit events (on PostgreSQL past
    the triggers, for its own transaction only); afterwards they are guarded again."""
    from pathlib import Path

    from kpiboard.cli import main

    demo_load(NNC)
    some_audit_event()
    dump = Path(str(tmp_path)) / "backup.json"
    assert main(["dump", str(dump)]) == 0
    revisions, events = ValueRevision.objects.count(), AuditEvent.objects.count()
    some_audit_event()  # made after the dump: the restore takes it away
    assert main(["restore", "--replace", str(dump)]) == 0
    assert (ValueRevision.objects.count(), AuditEvent.objects.count()) == (revisions, events)
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="DELETE refused"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == events
