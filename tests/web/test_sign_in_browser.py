"""The sign-in pages in a real browser (chromium), checked by axe-core: setting up two-step
sign-in by reading the key off the page, signing in with a code, the lockout page and the
password reset pages."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, assert_no_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def code(key: bytes, at: float) -> str:
    totp = TOTP(key)
    totp.time = at
    return f"{totp.token():06d}"


def test_two_step_sign_in_in_the_browser(page: Any, live_server: Any,
                                         make_user: Callable[..., User]) -> None:
    make_user("performance_officer", username="mo")
    sign_in(page, live_server, "mo")
    page.get_by_role("link", name="mo (Performance officer) – your two-step sign-in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-step sign-in"
    qr = page.get_by_role("img", name="QR code for adding your account", exact=False)
    assert qr.locator("svg").is_visible()
    assert_no_axe_violations(page)
    key = b32decode(page.locator("#secret").inner_text().replace(" ", ""))

    page.get_by_label("Code from your authenticator app").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    # Web-first assertions: they wait until the page has been parsed, where a bare
    # is_visible() can look while the body is still arriving.
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Code from your authenticator app").fill(code(key, time.time()))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator("main")).to_contain_text("Your account uses an authenticator app")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "mo")
    assert page.url.endswith("/sign-in/code/")
    assert_no_axe_violations(page)
    page.get_by_label("Code from your authenticator app").fill(code(key, time.time() + 30))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_lockout_and_reset_pages_in_the_browser(page: Any, live_server: Any,
                                                make_user: Callable[..., User]) -> None:
    make_user("viewer", username="ned")
    for _ in range(5):
        sign_in(page, live_server, "ned", "not the password at all")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in locked"
    assert "You can try again after" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    sign_in(page, live_server, "ned", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in locked"

    page.get_by_role("link", name="reset your password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reset your password"
    page.get_by_role("button", name="Send the link").click()  # nothing entered
    assert page.locator(".govuk-error-summary").inner_text().count("Enter your email") == 1
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill("ned@example.gov.uk")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_no_axe_violations(page)
