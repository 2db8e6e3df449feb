"""Sign in and sign out: Django's own views with GOV.UK pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch

from kpiboard.accounts.twofactor import begin_second_step


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # GOV.UK pages do not move the focus by themselves (autofocus confuses screen readers).
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"spellcheck": "false", "autocapitalize": "none"})
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"})


def _redirect_url(setting: str) -> str:
    # The dashboard may not be installed (yet): go to the site's root rather than fail.
    try:
        return resolve_url(getattr(settings, setting))
    except NoReverseMatch:
        return "/"


class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        if self.next_page:
            return super().get_default_redirect_url()
        return _redirect_url("LOGIN_REDIRECT_URL")

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        # With an authenticator app set up, the password is only the first step
        # (kpiboard.accounts.twofactor).
        second_step = begin_second_step(self.request, form.get_user(), self.get_success_url())
        return second_step or super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # LoginView adds Django's "site" (the sites framework's), which would hide the page
        # shell's `site` (kpiboard.web.context_processors).
        context.pop("site", None)
        context.pop("site_name", None)
        return context


class SignOutView(LogoutView):
    """POST only (Django's LogoutView): the header's "Sign out" button is a small form."""

    def get_default_redirect_url(self) -> str:
        if self.next_page:
            return super().get_default_redirect_url()
        return _redirect_url("LOGOUT_REDIRECT_URL")
