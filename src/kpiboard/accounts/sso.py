"""Single sign-on with OpenID Connect (docs/security.md, "Single sign-on").

mozilla-django-oidc runs the authorization code flow (state, nonce and PKCE, the ID token's
signature checked against the provider's published keys); this module adds what kpiboard needs:
the provider's endpoints from its discovery document (``KPIBOARD_OIDC_ISSUER``), the ID token's
issuer and audience checked, the claims of the ID token used (Entra ID puts ``groups`` and
``roles`` there, not in its userinfo), people matched by ``oid``/``sub`` rather than by e-mail,
and their roles kept in step with their claims (``kpiboard.accounts.sso_roles``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kpiboard.accounts.models import SsoIdentity
from kpiboard.accounts.sso_roles import roles_from_claims, sync_sso_memberships

logger = logging.getLogger("kpiboard.sso")

DISCOVERY_TTL_SECONDS = 3600
_discovery: dict[str, tuple[float, dict[str, Any]]] = {}
_discovery_lock = threading.Lock()


class SsoRefused(Exception):
    """The provider vouched for the person, but kpiboard will not sign them in."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document (``ISSUER/.well-known/openid-configuration``),
    fetched on first use and kept for an hour. Raises ``requests.RequestException`` or
    ``ValueError`` when the provider cannot be reached or does not match the issuer."""
    issuer = settings.SSO_ISSUER
    now = time.monotonic()
    with _discovery_lock:
        cached = _discovery.get(issuer)
        if cached and now - cached[0] < DISCOVERY_TTL_SECONDS:
            return cached[1]
    response = requests.get(issuer.rstrip("/") + "/.well-known/openid-configuration",
                            timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    metadata: dict[str, Any] = response.json()
    if metadata.get("issuer") != issuer:
        raise ValueError(f"the provider's discovery document names the issuer "
                         f"{metadata.get('issuer')!r}, not {issuer!r}")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(key):
            raise ValueError(f"the provider's discovery document has no {key}")
    with _discovery_lock:
        _discovery[issuer] = (now, metadata)
    return metadata


def forget_provider_metadata() -> None:
    with _discovery_lock:
        _discovery.clear()


def _username(claims: dict[str, Any], subject: str) -> str:
    for claim in ("preferred_username", "email", "upn"):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()[:150]
    return subject[:150]


class SsoBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """The authentication backend for single sign-on's callback (and nothing else: it returns
    None for passwords and whenever single sign-on is off)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No network here: Django makes a backend for every request's signed-in user.
        # The provider's endpoints are looked up in authenticate().
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_USER_ENDPOINT = ""
        self.OIDC_OP_JWKS_ENDPOINT = ""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if (not settings.SSO_ENABLED or request is None or "nonce" not in kwargs
                or "code" not in request.GET or "state" not in request.GET):
            return None
        metadata = provider_metadata()
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint") or ""
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (not a signed userinfo response)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if payload.get("iss") != settings.SSO_ISSUER:
                raise SuspiciousOperation("The ID token is from another issuer.")
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("The ID token is for another client.")
            if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
                raise SuspiciousOperation("The ID token was issued to another party.")
        return payload

    def get_userinfo(self, access_token: str, id_token: str,
                     payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, with what the userinfo endpoint adds (the ID token wins:
        Entra ID's userinfo has no groups or roles)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo is about someone else.")
            claims = {**info, **payload}
        return claims

    def get_or_create_user(self, access_token: str, id_token: str,
                           payload: dict[str, Any]) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            return sign_in_from_claims(claims=claims)
        except SsoRefused as refusal:
            logger.warning("single sign-on refused (%s) for %s", refusal.reason,
                           _username(claims, str(claims.get("sub", ""))))
            self.request.sso_refusal = refusal.reason
            return None


def _user_for_new_identity(*, claims: dict[str, Any], subject: str,
                           wanted: dict[Any, Any]) -> User:
    username = _username(claims, subject)
    existing = User.objects.filter(username__iexact=username).first()
    if existing is not None:
        # An account made by hand for single sign-on (no password) is linked; one with a
        # password is someone's local account and is not taken over.
        if existing.has_usable_password() or existing.sso_identities.exists():
            raise SsoRefused("username_taken")
        return existing
    if not wanted:
        raise SsoRefused("no_role")
    user = User(username=username)
    user.set_unusable_password()
    user.save()
    return user


def sign_in_from_claims(*, claims: dict[str, Any]) -> User:
    """The user that these (verified) claims sign in, their memberships brought into step
    with the claims. Raises SsoRefused when nobody should be signed in (the changes to their
    roles are kept: a person whose last mapped group was taken away loses its roles)."""
    user = _record_sign_in(claims=claims)
    if not user.is_active:
        raise SsoRefused("inactive")
    if not user.is_staff and not user.memberships.exists():
        raise SsoRefused("no_role")
    return user


@transaction.atomic
def _record_sign_in(*, claims: dict[str, Any]) -> User:
    issuer = settings.SSO_ISSUER
    subject = str(claims.get("oid") or claims.get("sub") or "")
    if not subject:
        raise SuspiciousOperation("The ID token has no subject.")
    wanted = roles_from_claims(claims=claims)
    identity = (SsoIdentity.objects.select_related("user")
                .filter(issuer=issuer, subject=subject).first())
    if identity is None:
        user = _user_for_new_identity(claims=claims, subject=subject, wanted=wanted)
        identity = SsoIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    user = identity.user
    for field, claim in (("email", "email"), ("first_name", "given_name"),
                         ("last_name", "family_name")):
        value = claims.get(claim)
        if isinstance(value, str) and value and getattr(user, field) != value[:150]:
            setattr(user, field, value[:150])
    user.save()
    identity.last_sign_in = timezone.now()
    identity.save(update_fields=["last_sign_in"])
    sync_sso_memberships(user=user, wanted=wanted)
    return user
