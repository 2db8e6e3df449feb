"""Locking out repeated failed sign-ins, with django-axes (docs/sign-in.md).

Axes counts failed sign-ins by account (username) and by address (the client's IP) on their
own. An account is locked after ``AXES_FAILURE_LIMIT`` failures; an address, which may be a
whole office behind one NAT address, after ``KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT``. Either
lock lasts ``AXES_COOLOFF_TIME`` after the last failed try; while locked, even the right
password does not sign in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _count(attempts: QuerySet[Any]) -> int:
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


class SignInLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler with a limit of its own for an address.

    Axes compares one number with one limit; this handler gives it the account's failures,
    raised to the account limit when the address has reached its own (larger) limit."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None
                     ) -> int:
        username = get_client_username(request, credentials)
        by_user, by_address = self.get_user_attempts(request, credentials)
        user_failures = _count(by_user) if username else 0
        limit = int(settings.AXES_FAILURE_LIMIT)
        if _count(by_address) >= int(settings.KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT):
            return max(user_failures, limit)
        return user_failures


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind ``KPIBOARD_TRUSTED_PROXY_COUNT`` reverse proxies, each of
    which appends the address it was reached from to X-Forwarded-For, the entry that many
    from the end (the ones before it could be made up by the client); otherwise REMOTE_ADDR.
    """
    remote: str | None = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "KPIBOARD_TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded = [a.strip() for a in header.split(",") if a.strip()]
    if len(forwarded) < count:
        return remote  # not through every proxy: the address that reached us
    return forwarded[-count]


def cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def locked_until(at: datetime | None = None) -> datetime:
    """When a lock that started (or was extended) ``at`` (now) ends, in local time."""
    return timezone.localtime((at or timezone.now()) + cool_off())


def lockout_response(request: HttpRequest, response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The GOV.UK page for a locked-out sign-in: when to try again, and what else to do."""
    until = locked_until()
    minutes = max(1, round(cool_off().total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {
        "until": until, "minutes": minutes,
    }, status=int(settings.AXES_HTTP_RESPONSE_CODE))
