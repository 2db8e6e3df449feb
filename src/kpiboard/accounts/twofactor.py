"""A second factor for local accounts: a six-digit code from an authenticator app (TOTP,
with django-otp). docs/sign-in.md.

- ``/account/two-step/``: a signed-in person sets up an authenticator app (the secret as text
  and as a QR code) and confirms it with a code.
- Once set up, signing in asks for a code after the password (``/sign-in/code/``). A wrong
  code is a failed sign-in: audited, and counted by the lockout like a wrong password.
- ``KPIBOARD_REQUIRE_2FA_FOR`` names the roles that must use one: a person with such a role
  is sent to set it up (or to enter a code) before any other page.
"""

from __future__ import annotations

import time
from base64 import b32encode
from collections.abc import Callable
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, login, user_login_failed
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from kpiboard.accounts.access import site_organisation
from kpiboard.accounts.lockout import lockout_response
from kpiboard.accounts.models import Role
from kpiboard.audit.models import Action, audit_record

PENDING = "kpiboard_2fa_pending"  # session: {user, backend, next, at} between the two steps
PENDING_SECONDS = 5 * 60
DEVICE_NAME = "Authenticator app"


def required_roles() -> frozenset[str]:
    roles = frozenset(getattr(settings, "KPIBOARD_REQUIRE_2FA_FOR", frozenset()))
    unknown = roles - set(Role.values)
    if unknown:
        raise ImproperlyConfigured(
            f"KPIBOARD_REQUIRE_2FA_FOR names unknown roles {sorted(unknown)}: use "
            f"{', '.join(Role.values)}")
    return roles


def confirmed_device(user: AbstractBaseUser | AnonymousUser) -> TOTPDevice | None:
    if user.pk is None:  # anonymous
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("id").first()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app", max_length=12,
        help_text="The 6-digit code the app shows now, for example 123456",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "spellcheck": "false",
                                      "class": "govuk-input govuk-input--width-5"}))

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        return code


WRONG_CODE = "The code is not correct. Enter the code your authenticator app shows now"


# --- step two of signing in -----------------------------------------------------------------


def begin_second_step(request: HttpRequest, user: AbstractBaseUser,
                      next_url: str) -> HttpResponse | None:
    """Called by the sign-in page once the password is right: when ``user`` has an
    authenticator app, remember them (not signed in yet) and ask for a code."""
    if confirmed_device(user) is None:
        return None
    request.session[PENDING] = {"user": user.pk, "backend": getattr(user, "backend", ""),
                                "next": next_url, "at": time.time()}
    return redirect("accounts:sign_in_code")


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return (user, pending) if user else None


def _failed(request: HttpRequest, user: User) -> bool:
    """A wrong code: a failed sign-in for axes (which counts and may lock) and the audit
    trail. True when the account or address is now locked."""
    user_login_failed.send(sender=__name__, request=request,
                           credentials={"username": user.get_username(),
                                        "second_factor": True})
    return bool(getattr(request, "axes_locked_out", False))


def sign_in_code(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        request.session.pop(PENDING, None)
        return redirect("accounts:sign_in")
    user, pending = found
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            _failed(request, user)
            request.session.pop(PENDING, None)
            return lockout_response(request)
        device = confirmed_device(user)
        if form.is_valid() and device is not None and device.verify_token(
                form.cleaned_data["code"]):
            request.session.pop(PENDING, None)
            user.otp_device = device  # type: ignore[attr-defined]  # django-otp: verified
            login(request, user, backend=pending.get("backend") or None)
            return HttpResponseRedirect(pending.get("next") or "/")
        if form.is_valid():  # a code that is not right (one left out is only an error)
            form.add_error("code", WRONG_CODE)
            if _failed(request, user):
                request.session.pop(PENDING, None)
                return lockout_response(request)
    return render(request, "accounts/sign_in_code.html", {"form": form})


# --- setting up an authenticator app --------------------------------------------------------


def qr_svg(url: str) -> SafeString:
    """The otpauth:// URL as a QR code, an SVG drawn here (no request leaves the server)."""
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff",
                                                 omitsize=False)
    return mark_safe(svg)  # segno's own markup; nothing in it comes from a person


def grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


SETUP_KEY = "kpiboard_2fa_setup_key"  # session: the secret being set up, until confirmed


def _setup_device(request: HttpRequest, user: Any) -> TOTPDevice:
    """An unsaved device with the secret kept in the session while it is being set up (a GET
    writes nothing; the device is saved once a code from the app confirms it)."""
    key = request.session.get(SETUP_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = default_key()
        request.session[SETUP_KEY] = key
    return TOTPDevice(user=user, key=key, name=DEVICE_NAME, confirmed=False)


def _setup_code_matches(device: TOTPDevice, code: str) -> bool:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        return False
    device.last_t = totp.t()  # the same code cannot be used again to sign in
    return True


def two_step(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, or (with one set up) confirm this session with a code."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:sign_in')}?next={request.path}")
    user = request.user
    device = confirmed_device(user)
    verified = bool(getattr(user, "is_verified", lambda: False)())
    if device is not None and verified:
        return render(request, "accounts/two_step.html", {"done": True})
    setting_up = device is None
    if device is None:
        device = _setup_device(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if setting_up and _setup_code_matches(device, code):
            device.confirmed = True
            device.save()
            request.session.pop(SETUP_KEY, None)
            org = site_organisation()
            if org is not None:
                audit_record(organisation=org, action=Action.TWO_FACTOR_SET_UP, user=user,
                             summary=f"{user.get_username()} set up an authenticator app")
            otp_login(request, device)
            return redirect("accounts:two_step")
        if not setting_up and device.verify_token(code):
            otp_login(request, device)
            return redirect("accounts:two_step")
        form.add_error("code", WRONG_CODE)
        # Confirming a session with a code is a sign-in step (a wrong one counts towards the
        # lockout); setting up an app is not.
        if not setting_up and _failed(request, user):
            return lockout_response(request)
    return render(request, "accounts/two_step.html", {
        "form": form, "setting_up": setting_up,
        "secret": grouped(b32encode(device.bin_key).decode()) if setting_up else "",
        "qr": qr_svg(device.config_url) if setting_up else SafeString(""),
        "required": _required_for(request), "issuer": settings.OTP_TOTP_ISSUER,
    })


# --- requiring it ---------------------------------------------------------------------------

ALWAYS_ALLOWED = ("/account/two-step/", "/sign-out/", "/static/", "/healthz")


# Sign-ins with a password here ("local accounts"). Single sign-on leaves the second factor
# to the identity provider.
LOCAL_BACKENDS = frozenset({"django.contrib.auth.backends.ModelBackend"})


def _required_for(request: HttpRequest) -> bool:
    roles = required_roles()
    if not roles:
        return False
    if request.session.get(BACKEND_SESSION_KEY) not in LOCAL_BACKENDS:
        return False
    access = getattr(request, "access", None)
    return bool(access is not None and set(access.roles) & roles)


class RequireTwoFactorMiddleware:
    """Sends a signed-in person whose role needs a second factor, and whose session has not
    been confirmed with one, to /account/two-step/ before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        required_roles()  # a misspelt role fails at start-up, not silently

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated
                and not request.path.startswith(ALWAYS_ALLOWED)
                and not getattr(user, "is_verified", lambda: False)()
                and _required_for(request)):
            return redirect("accounts:two_step")
        return self.get_response(request)
