"""Sign-in as an attacker would try it: repeated wrong passwords lock the account (and, past
a larger limit, the address); every failure and lockout is in the audit trail, without the
password; passwords follow the NCSC's advice; sessions end after a working day."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory

from kpiboard.accounts.lockout import client_ip
from kpiboard.audit.models import Action, AuditEvent
from tests.web.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
WRONG = "Tr0ub4dor&3-not-it"


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/sign-in/", {"username": username, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_forty_wrong_passwords_then_the_right_one_does_not_sign_in(
        client: Client, make_user: Callable[..., User]) -> None:
    make_user("administrator", username="alice")
    statuses = [sign_in(client, "alice", WRONG).status_code for _ in range(40)]
    # the first four are the form with its error; from the fifth, the lockout page
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    page = response.content.decode()
    assert "Sign-in locked" in page and "You can try again after" in page
    assert "reset your password" in page

    # every failure audited (the right password while locked too), one lockout, no password
    events = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED)
    assert events.count() == 41
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT).count() == 1
    assert events.filter(detail__locked_out=True).count() == 41 - 4
    trail = json.dumps([[e.summary, e.detail] for e in AuditEvent.objects.all()])
    assert "alice" in trail and "127.0.0.1" in trail
    assert WRONG not in trail and PASSWORD not in trail
    stored = json.dumps(list(AccessAttempt.objects.values_list("get_data", "post_data")))
    assert WRONG not in stored and PASSWORD not in stored

    # the lock ends 15 minutes after the last try: then the right password signs in
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - timedelta(minutes=16))
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    assert AuditEvent.objects.filter(action=Action.SIGNED_IN, user__username="alice").exists()


def test_the_failures_are_on_the_audit_page(client: Client,
                                            make_user: Callable[..., User]) -> None:
    make_user("viewer", username="bob")
    for _ in range(5):
        sign_in(client, "bob", WRONG)
    admin = make_user("administrator")
    client.force_login(admin)
    page = client.get("/audit/", {"action": Action.SIGN_IN_FAILED}).content.decode()
    assert "Sign-in failed" in page and "5 events" in page
    assert "Failed sign-in as \u201cbob\u201d from 127.0.0.1" in page
    page = client.get("/audit/", {"action": Action.LOCKED_OUT}).content.decode()
    assert "Sign-in locked" in page and "locked for 15 minutes" in page


def test_an_address_is_locked_after_its_own_limit(
        client: Client, make_user: Callable[..., User], settings: Any) -> None:
    settings.KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT = 8
    make_user("viewer", username="carol")
    for n in range(8):  # eight accounts guessed once each: none reaches its own limit
        assert sign_in(client, f"guess{n}", WRONG).status_code in (200, 429)
    assert sign_in(client, "carol", PASSWORD).status_code == 429 and not signed_in(client)
    # from another address the same account signs in: the lock was the address's
    other = Client(REMOTE_ADDR="203.0.113.5")
    assert sign_in(other, "carol", PASSWORD).status_code == 302 and signed_in(other)


def test_an_account_is_locked_from_every_address(
        make_user: Callable[..., User]) -> None:
    make_user("viewer", username="dan")
    for n in range(5):  # five addresses, one try each
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), "dan", WRONG)
    fresh = Client(REMOTE_ADDR="192.0.2.44")
    assert sign_in(fresh, "dan", PASSWORD).status_code == 429 and not signed_in(fresh)


def test_without_an_organisation_failures_are_still_logged(client: Client, db: None) -> None:
    User.objects.create_user("erin", password=PASSWORD)
    for _ in range(2):
        sign_in(client, "erin", WRONG)
    assert AccessFailureLog.objects.filter(username="erin").count() == 2
    assert not AuditEvent.objects.exists()


def test_the_client_address_behind_trusted_proxies(settings: Any) -> None:
    factory = RequestFactory()
    spoofed = factory.post("/sign-in/", REMOTE_ADDR="10.0.0.2",
                           HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.KPIBOARD_TRUSTED_PROXY_COUNT = 0
    assert client_ip(spoofed) == "10.0.0.2"  # no proxy trusted: the header is ignored
    settings.KPIBOARD_TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "203.0.113.9"  # what our proxy saw, not what was claimed
    settings.KPIBOARD_TRUSTED_PROXY_COUNT = 2
    assert client_ip(spoofed) == "1.2.3.4"
    settings.KPIBOARD_TRUSTED_PROXY_COUNT = 3
    assert client_ip(spoofed) == "10.0.0.2"


def test_passwords_follow_the_ncsc_advice(db: None) -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("a")
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
    with pytest.raises(ValidationError, match="too similar"):
        validate_password("jonathan.smithers", User(username="jonathan.smithers"))
    validate_password("maple canoe thunder")  # three random words: no composition rules
    validate_password("maplecanoethunder")


def test_the_admin_has_no_sign_in_page_of_its_own(client: Client) -> None:
    response = client.get("/admin/login/", {"next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=%2Fadmin%2F"


def test_a_session_lasts_a_working_day(client: Client, make_user: Callable[..., User]) -> None:
    make_user("viewer", username="fay")
    assert sign_in(client, "fay", PASSWORD).status_code == 302
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert not client.session.get_expire_at_browser_close()


def test_the_settings_come_from_the_environment() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
           "DJANGO_SETTINGS_MODULE": "kpiboard.settings",
           "KPIBOARD_SESSION_HOURS": "2", "KPIBOARD_SESSION_EXPIRE_AT_BROWSER_CLOSE": "true",
           "KPIBOARD_PASSWORD_MIN_LENGTH": "15", "KPIBOARD_SIGNIN_FAILURE_LIMIT": "3",
           "KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT": "30",
           "KPIBOARD_SIGNIN_LOCKOUT_MINUTES": "60", "KPIBOARD_TRUSTED_PROXY_COUNT": "1",
           "KPIBOARD_REQUIRE_2FA_FOR": "administrator, performance_officer",
           "KPIBOARD_EMAIL_HOST": "smtp.example.gov.uk", "KPIBOARD_EMAIL_PORT": "25",
           "KPIBOARD_EMAIL_USE_TLS": "false", "KPIBOARD_EMAIL_FROM": "kpi@example.gov.uk"}
    code = (
        "import json; from django.conf import settings as s;"
        "print(json.dumps([s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE,"
        " s.AUTH_PASSWORD_VALIDATORS[1]['OPTIONS']['min_length'], s.AXES_FAILURE_LIMIT,"
        " s.KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(),"
        " s.KPIBOARD_TRUSTED_PROXY_COUNT, sorted(s.KPIBOARD_REQUIRE_2FA_FOR),"
        " s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out) == [
        7200, True, 15, 3, 30, 3600.0, 1, ["administrator", "performance_officer"],
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.gov.uk", 25, False,
        "kpi@example.gov.uk"]
