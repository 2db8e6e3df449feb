"""Two-step sign-in: an authenticator app (TOTP) set up by the person, then asked for after
the password. Codes are computed as an app would (django_otp.oath.TOTP), never faked."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kpiboard.accounts.twofactor import required_roles
from kpiboard.audit.models import Action, AuditEvent
from tests.web.conftest import PASSWORD


def code_for(key: bytes, at: float | None = None) -> str:
    totp = TOTP(key)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def set_up_app(client: Client) -> bytes:
    """Set up an authenticator app on /account/two-step/ as a person would: read the key
    from the page, compute the app's code, enter it. The key, as bytes."""
    page = client.get("/account/two-step/").content.decode()
    assert "Set up two-step sign-in" in page and "<svg" in page
    assert 'role="img" aria-label="QR code for adding your account' in page
    secret = re.search(r'id="secret"><code>([A-Z2-7 ]+)</code>', page)
    assert secret, page
    key = b32decode(secret.group(1).replace(" ", ""))
    assert not TOTPDevice.objects.exists()  # a GET writes nothing
    wrong = client.post("/account/two-step/", {"code": "000000"})
    assert "The code is not correct" in wrong.content.decode()
    response = client.post("/account/two-step/", {"code": code_for(key)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get().confirmed
    return key


def sign_in(client: Client, username: str) -> Any:
    return client.post("/sign-in/", {"username": username, "password": PASSWORD,
                                     "next": "/audit/"})


@pytest.fixture(autouse=True)
def _no_code_throttle(settings: Any) -> None:
    # django-otp makes the next try wait after a wrong code (1 s, 2 s, 4 s...): the
    # tests try at once
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_set_up_then_sign_in_with_a_code(client: Client,
                                         make_user: Callable[..., User]) -> None:
    make_user("administrator", username="ivy")
    assert sign_in(client, "ivy").status_code == 302
    key = set_up_app(client)
    assert "Your account uses an authenticator app" in client.get(
        "/account/two-step/").content.decode()
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_SET_UP).count() == 1
    client.post("/sign-out/")

    # the password alone no longer signs in: it asks for the code
    response = sign_in(client, "ivy")
    assert response.status_code == 302 and response["Location"] == "/sign-in/code/"
    assert "_auth_user_id" not in client.session
    assert client.get("/audit/").status_code == 302  # still not signed in
    page = client.get("/sign-in/code/").content.decode()
    assert "Enter the code from your authenticator app" in page

    wrong = client.post("/sign-in/code/", {"code": "123456"})
    assert wrong.status_code == 200 and "The code is not correct" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert failed.detail["second_factor"] and "wrong code" in failed.summary

    # the next code (30 s on: the one used to set the app up is spent)
    response = client.post("/sign-in/code/", {"code": code_for(key, time.time() + 30)})
    assert response.status_code == 302 and response["Location"] == "/audit/"
    assert "_auth_user_id" in client.session
    assert client.get("/audit/").status_code == 200
    signed = AuditEvent.objects.filter(action=Action.SIGNED_IN).latest("id")
    assert "with an authenticator app" in signed.summary


def test_wrong_codes_lock_the_account(client: Client, make_user: Callable[..., User]) -> None:
    make_user("viewer", username="jo")
    sign_in(client, "jo")
    key = set_up_app(client)
    client.post("/sign-out/")
    sign_in(client, "jo")
    statuses = [client.post("/sign-in/code/", {"code": "000000"}).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # locked: neither the password nor a right code gets in
    assert sign_in(client, "jo").status_code == 429
    assert client.post("/sign-in/code/", {"code": code_for(key, time.time() + 30)}
                       ).status_code == 302  # back to the start: nothing is pending
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT).count() == 1


def test_a_role_can_be_made_to_use_it(client: Client, make_user: Callable[..., User],
                                      settings: Any) -> None:
    settings.KPIBOARD_REQUIRE_2FA_FOR = frozenset({"administrator"})
    make_user("administrator", username="kim")
    make_user("viewer", username="lee")
    assert sign_in(client, "kim").status_code == 302
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"] == "/account/two-step/"
    assert "Your role needs two-step sign-in" in client.get(
        "/account/two-step/").content.decode()
    set_up_app(client)
    assert client.get("/audit/").status_code == 200

    viewer = Client()
    assert sign_in(viewer, "lee").status_code == 302
    assert viewer.get("/audit/").status_code == 403  # a viewer is not made to: just refused


class SingleSignOnStandIn(ModelBackend):
    """Stands for a single sign-on backend: any backend but the local password one."""


def test_single_sign_on_is_not_asked_for_a_code(client: Client, make_user: Callable[..., User],
                                                settings: Any) -> None:
    settings.KPIBOARD_REQUIRE_2FA_FOR = frozenset({"administrator"})
    backend = f"{__name__}.SingleSignOnStandIn"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, backend]
    client.force_login(make_user("administrator"), backend=backend)
    assert client.get("/audit/").status_code == 200
    client.force_login(make_user("administrator"))  # a local account: must set it up
    assert client.get("/audit/")["Location"] == "/account/two-step/"


def test_a_misspelt_role_fails_loudly(settings: Any) -> None:
    settings.KPIBOARD_REQUIRE_2FA_FOR = frozenset({"administrators"})
    with pytest.raises(ImproperlyConfigured, match="unknown roles"):
        required_roles()
