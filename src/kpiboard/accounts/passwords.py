"""Password reset by email: Django's own views with GOV.UK pages (docs/sign-in.md).

The page that asks for an email address answers the same whether or not an account has it,
so it cannot be used to find out who has an account. A new password must pass the
validators in settings (the NCSC's advice: length, not composition rules). Setting it ends
any lockout of the account and is written to the audit trail.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.forms import BaseForm
from django.http import HttpResponse
from django.urls import reverse_lazy

from kpiboard.accounts.access import site_organisation
from kpiboard.audit.models import Action, audit_record
from kpiboard.web.context_processors import SERVICE_SUFFIX

log = logging.getLogger(__name__)


def _link_hours() -> int:
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 3600)


def service_name() -> str:
    org = site_organisation()
    return f"{org.name} {SERVICE_SUFFIX}" if org else "kpiboard"


class ResetRequestForm(PasswordResetForm):
    """Sends the email in a thread of its own, so that how long the page takes to answer
    does not show whether an account has the address (only then is a message sent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "Email address"
        field.error_messages["required"] = "Enter your email address"
        field.error_messages["invalid"] = ("Enter an email address in the correct format, "
                                           "like name@example.gov.uk")
        field.widget.attrs.update({"spellcheck": "false", "autocomplete": "email"})

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        def send() -> None:
            try:
                PasswordResetForm.send_mail(self, *args, **kwargs)
            except Exception:
                log.exception("The password reset email could not be sent")

        threading.Thread(target=send, name="password-reset-email", daemon=True).start()


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = ""
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"


class _Page:
    """Leaves out Django's sites-framework ``site`` (it would hide the page shell's)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.pop("site", None)
        context.pop("site_name", None)
        context["link_hours"] = _link_hours()
        context["min_length"] = settings.KPIBOARD_PASSWORD_MIN_LENGTH
        return context


class PasswordResetView(_Page, auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ResetRequestForm
    email_template_name = "accounts/email/password_reset_email.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: BaseForm) -> HttpResponse:
        self.extra_email_context = {"site_name": service_name(), "link_hours": _link_hours()}
        return super().form_valid(form)


class PasswordResetDoneView(_Page, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(_Page, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: BaseForm) -> HttpResponse:
        response = super().form_valid(form)
        user = self.user
        axes_reset(username=user.get_username())  # the owner has proved who they are
        org = site_organisation()
        if org is not None:
            audit_record(organisation=org, action=Action.PASSWORD_RESET, user=user,
                         summary=f"Password of {user.get_username()} reset by email link",
                         detail={"username": user.get_username()})
        return response


class PasswordResetCompleteView(_Page, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
