"""Password reset by email, end to end against a real SMTP server (aiosmtpd) that the test
starts: ask for a link, read the message the server received, follow the link, set a new
password and sign in with it. The page never says whether an account exists."""

from __future__ import annotations

import email
import re
import socket
import time
from collections.abc import Callable, Iterator
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.contrib.auth.models import User
from django.test import Client

from kpiboard.audit.models import Action, AuditEvent
from tests.web.conftest import PASSWORD

NEW_PASSWORD = "maple canoe thunder"


class Inbox:
    """aiosmtpd's handler: keeps every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(content)))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, seconds: float = 20) -> list[tuple[list[str], Message]]:
        """The messages once ``count`` have arrived (the email is sent in a thread)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} message(s) arrived"
        return self.messages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.DEFAULT_FROM_EMAIL = "performance@example.gov.uk"
    try:
        yield handler
    finally:
        controller.stop()


def body(message: Message) -> str:
    part = message.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode(message.get_content_charset() or "utf-8")


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post("/sign-in/", {"username": username,
                                     "password": password}).status_code


def test_reset_by_email_end_to_end(client: Client, inbox: Inbox,
                                   make_user: Callable[..., User]) -> None:
    make_user("data_owner", username="gail", email="gail@example.gov.uk",
              first_name="Gail")
    for _ in range(5):  # locked out by forgetting it
        sign_in(client, "gail", "not my password at all")
    assert sign_in(client, "gail", PASSWORD) == 429

    sign_in_page = client.get("/sign-in/").content.decode()
    assert 'href="/password-reset/"' in sign_in_page and "Forgotten your password?" in sign_in_page
    response = client.post("/password-reset/", {"email": "gail@example.gov.uk"})
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert "Check your email" in client.get(response["Location"]).content.decode()

    [(to, message)] = inbox.wait_for(1)
    assert to == ["gail@example.gov.uk"]
    assert message["From"] == "performance@example.gov.uk"
    assert message["Subject"] == "Reset your password for Test Borough Council performance"
    text = body(message)
    assert "Hello Gail" in text and "within 1 hour" in text
    link = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", text)
    assert link, text

    # the link: Django moves the token into the session, then asks for the new password
    response = client.get(link.group(1), follow=True)
    assert "Set a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    weak = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200
    assert "This password is too short" in weak.content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD,
                                      "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/password-reset/done/"
    assert "Your password has been changed" in client.get("/password-reset/done/").content.decode()

    # the link works once; the old password no longer does; the new one signs in
    assert "This link does not work" in client.get(link.group(1), follow=True).content.decode()
    assert sign_in(Client(), "gail", PASSWORD) == 200
    fresh = Client()
    assert sign_in(fresh, "gail", NEW_PASSWORD) == 302 and "_auth_user_id" in fresh.session
    event = AuditEvent.objects.get(action=Action.PASSWORD_RESET)
    assert event.user is not None and event.user.username == "gail"
    assert NEW_PASSWORD not in event.summary + str(event.detail)


def test_the_answer_is_the_same_for_an_unknown_address(client: Client, inbox: Inbox,
                                                       make_user: Callable[..., User]) -> None:
    make_user("viewer", username="hal", email="hal@example.gov.uk")
    known = client.post("/password-reset/", {"email": "hal@example.gov.uk"})
    unknown = client.post("/password-reset/", {"email": "nobody@example.gov.uk"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    inbox.wait_for(1)
    time.sleep(1)  # time enough for a second message, were one sent
    assert len(inbox.messages) == 1  # only the account's owner is sent a link
    blank = client.post("/password-reset/", {"email": ""})
    assert blank.status_code == 200 and "Enter your email address" in blank.content.decode()
