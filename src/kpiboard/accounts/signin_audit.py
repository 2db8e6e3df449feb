"""Sign-ins in the audit trail: each failed sign-in (a wrong password, or a wrong code from an
authenticator app), each lockout and each sign-in, in the site's organisation's trail.

The password is never recorded (Django hides it before the signal; only the username is
read). With no organisation yet, axes' own AccessFailureLog (in the admin) still has every
failure.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from kpiboard.accounts.access import site_organisation
from kpiboard.accounts.lockout import client_ip, cool_off
from kpiboard.audit.models import Action, AuditEvent, audit_record

MAX_USERNAME = 150


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(getattr(request, "axes_ip_address", None) or client_ip(request) or "")


@receiver(user_login_failed, dispatch_uid="kpiboard_sign_in_failed")
def sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                   **kwargs: Any) -> None:
    org = site_organisation()
    if org is None:
        return
    field = str(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    username = str(credentials.get("username") or credentials.get(field) or "")[:MAX_USERNAME]
    address = _address(request)
    locked = bool(getattr(request, "axes_locked_out", False))
    what = "a wrong code from the authenticator app" if credentials.get("second_factor") \
        else "a wrong username or password"
    if locked:
        what += " (signing in is locked)"
    audit_record(organisation=org, action=Action.SIGN_IN_FAILED,
                 summary=f"Failed sign-in as \u201c{username}\u201d from "
                         f"{address or 'an unknown address'}: {what}",
                 detail={"username": username, "ip_address": address, "locked_out": locked,
                         "second_factor": bool(credentials.get("second_factor"))})


@receiver(user_locked_out, dispatch_uid="kpiboard_locked_out")
def locked_out(sender: Any, request: HttpRequest | None = None, username: str | None = None,
               ip_address: str | None = None, **kwargs: Any) -> None:
    org = site_organisation()
    if org is None:
        return
    username = (username or "")[:MAX_USERNAME]
    address = ip_address or _address(request)
    # Every try while locked extends the lock; the trail says when it started.
    if AuditEvent.objects.filter(organisation=org, action=Action.LOCKED_OUT,
                                 at__gte=timezone.now() - cool_off(),
                                 detail__username=username,
                                 detail__ip_address=address).exists():
        return
    minutes = round(cool_off().total_seconds() / 60)
    audit_record(organisation=org, action=Action.LOCKED_OUT,
                 summary=f"Signing in as \u201c{username}\u201d or from "
                         f"{address or 'an unknown address'} locked for {minutes} minutes after "
                         "repeated failures",
                 detail={"username": username, "ip_address": address})


@receiver(user_logged_in, dispatch_uid="kpiboard_signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    org = site_organisation()
    if org is None:
        return
    address = _address(request)
    two_step = getattr(user, "otp_device", None) is not None
    audit_record(organisation=org, action=Action.SIGNED_IN, user=user,
                 summary=f"{user.get_username()} signed in from {address or 'an unknown address'}"
                         + (" with an authenticator app" if two_step else ""),
                 detail={"username": user.get_username(), "ip_address": address,
                         "second_factor": two_step})
