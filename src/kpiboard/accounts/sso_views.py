"""Single sign-on's two pages: /oidc/authenticate/ sends the person to the OpenID provider,
/oidc/callback/ is where the provider sends them back (docs/security.md, "Single sign-on")."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from kpiboard.accounts.sso import provider_metadata

logger = logging.getLogger("kpiboard.sso")

REASONS = {
    "no_role": "Your council account has not been given a role in this service.",
    "username_taken": "A local account here already has your username.",
    "inactive": "Your account here has been switched off.",
    "unreachable": "The council's sign-in service could not be reached.",
    "failed": "The sign-in did not complete.",
}


def refused(request: HttpRequest, reason: str, *, status: int = 403) -> HttpResponse:
    return render(request, "accounts/sso_refused.html",
                  {"reason": reason, "reason_text": REASONS.get(reason, REASONS["failed"])},
                  status=status)


class SsoSignInView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    def __init__(self, **kwargs: object) -> None:  # endpoints are looked up per request
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.SSO_ENABLED:
            raise Http404("Single sign-on is off.")
        try:
            metadata = provider_metadata()
        except (requests.RequestException, ValueError) as error:
            logger.error("single sign-on: the provider's discovery document: %s", error)
            return refused(request, "unreachable", status=502)
        self.OIDC_OP_AUTH_ENDPOINT = metadata["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        response: HttpResponse = super().get(request)
        return response


class SsoCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """A wrong or replayed ``state``, or an ID token with the wrong nonce, signature, issuer
    or audience, is a 400 (SuspiciousOperation); any other failure shows why."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.SSO_ENABLED:
            raise Http404("Single sign-on is off.")
        try:
            response: HttpResponse = super().get(request)
        except requests.RequestException as error:
            logger.error("single sign-on: the provider did not answer: %s", error)
            return refused(request, "unreachable", status=502)
        return response

    def login_failure(self) -> HttpResponse:
        return refused(self.request, getattr(self.request, "sso_refusal", "failed"))
