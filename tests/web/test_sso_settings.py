"""Single sign-on's settings and the pieces that need no OpenID provider: the sign-in page's
button, KPIBOARD_OIDC_ONLY, single sign-on off, and the mapping of claims to memberships when
a role is also given by hand. The whole flow is in test_sso.py, against a real provider."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kpiboard.accounts.models import Membership, Role, SsoRoleMapping
from kpiboard.accounts.sso import forget_provider_metadata
from kpiboard.accounts.sso_roles import claim_values, roles_from_claims, sync_sso_memberships
from kpiboard.audit.models import Action, AuditEvent
from tests.web.conftest import ROOT, ensure_site_organisation

LABEL = "Sign in with your Anytown account"


def settings_with(env: dict[str, str]) -> dict[str, Any]:
    """kpiboard.settings as a fresh process reads it from this environment."""
    code = ("import json; from django.conf import settings as s; print(json.dumps({k: getattr("
            "s, k) for k in ['SSO_ENABLED', 'SSO_ONLY', 'SSO_LABEL', 'SSO_ISSUER', "
            "'OIDC_RP_CLIENT_ID', 'OIDC_RP_SCOPES', 'AUTHENTICATION_BACKENDS']}))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KPIBOARD_OIDC_")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kpiboard.settings",
             "PYTHONPATH": str(ROOT / "src"), **env})
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_settings_from_the_environment() -> None:
    off = settings_with({})
    assert (off["SSO_ENABLED"], off["SSO_ONLY"]) == (False, False)
    assert "django.contrib.auth.backends.ModelBackend" in off["AUTHENTICATION_BACKENDS"]
    on = settings_with({
        "KPIBOARD_OIDC_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0",
        "KPIBOARD_OIDC_CLIENT_ID": "app-id", "KPIBOARD_OIDC_CLIENT_SECRET": "secret",
        "KPIBOARD_OIDC_LABEL": LABEL, "KPIBOARD_OIDC_ONLY": "true"})
    assert (on["SSO_ENABLED"], on["SSO_ONLY"], on["SSO_LABEL"]) == (True, True, LABEL)
    assert on["OIDC_RP_SCOPES"] == "openid profile email"
    assert on["AUTHENTICATION_BACKENDS"] == ["axes.backends.AxesStandaloneBackend",
                                             "kpiboard.accounts.sso.SsoBackend"]
    # KPIBOARD_OIDC_ONLY means nothing without an issuer: passwords keep working.
    assert settings_with({"KPIBOARD_OIDC_ONLY": "true"})["SSO_ONLY"] is False


@pytest.fixture
def sso_settings(settings: Any) -> Any:
    settings.SSO_ISSUER = "http://127.0.0.1:9/nothing-listens-here"
    settings.SSO_ENABLED = True
    settings.SSO_LABEL = LABEL
    settings.OIDC_RP_CLIENT_ID = "kpiboard"
    forget_provider_metadata()
    yield settings
    forget_provider_metadata()


@pytest.mark.django_db
def test_sign_in_page_without_single_sign_on(client: Client) -> None:
    page = client.get("/sign-in/").content.decode()
    assert 'id="sso-sign-in"' not in page and 'name="password"' in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


@pytest.mark.django_db
def test_sign_in_page_with_single_sign_on(client: Client, sso_settings: Any) -> None:
    page = client.get("/sign-in/?next=/audit/").content.decode()
    assert 'href="/oidc/authenticate/?next=%2Faudit%2F"' in page and LABEL in page
    assert 'name="password"' in page
    sso_settings.SSO_ONLY = True
    page = client.get("/sign-in/").content.decode()
    assert LABEL in page and 'name="password"' not in page


@pytest.mark.django_db
def test_only_single_sign_on_refuses_passwords(client: Client, settings: Any) -> None:
    User.objects.create_user("local", password="a-long-local-password")
    settings.AUTHENTICATION_BACKENDS = ["kpiboard.accounts.sso.SsoBackend"]  # as with ONLY
    response = client.post("/sign-in/", {"username": "local",
                                         "password": "a-long-local-password"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_provider_out_of_reach_is_said_plainly(client: Client, sso_settings: Any) -> None:
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 502
    assert b"could not be reached" in response.content


@pytest.mark.django_db
def test_claims_to_roles_with_a_role_given_by_hand() -> None:
    org = ensure_site_organisation()
    for value, scope in [("g-a", ["Team A"]), ("g-b", ["Team B"])]:
        SsoRoleMapping.objects.create(organisation=org, claim="groups", value=value,
                                      role=Role.DATA_OWNER, scope=scope)
    SsoRoleMapping.objects.create(organisation=org, claim="roles", value="Kpiboard.Approver",
                                  role=Role.APPROVER, scope=["People"])
    assert claim_values({"groups": ["g-a", 7, None, True]}, "groups") == {"g-a", "7"}
    assert claim_values({"roles": "Kpiboard.Approver"}, "roles") == {"Kpiboard.Approver"}
    assert claim_values({"groups": {"odd": 1}}, "groups") == set()
    wanted = roles_from_claims(claims={"groups": ["g-b", "g-a"], "roles": ["Kpiboard.Approver"]})
    assert wanted == {(org.id, "data_owner"): ["Team A", "Team B"],
                      (org.id, "approver"): ["People"]}

    user = User.objects.create_user("pat")
    Membership.objects.create(user=user, organisation=org, role=Role.APPROVER, scope=["All"])
    changes = sync_sso_memberships(user=user, wanted=wanted)
    assert len(changes) == 1  # the data owner role; the approver given by hand is kept as it is
    assert {m.role: (m.scope, m.from_sso) for m in user.memberships.all()} == {
        "approver": (["All"], False), "data_owner": (["Team A", "Team B"], True)}
    assert sync_sso_memberships(user=user, wanted=wanted) == []  # nothing to do: no events
    assert sync_sso_memberships(user=user, wanted={}) == [
        "pat's role Data owner (Team A, Team B) removed by single sign-on"]
    assert list(user.memberships.values_list("role", flat=True)) == ["approver"]
    assert AuditEvent.objects.filter(action=Action.ROLE_CHANGED).count() == 2


@pytest.mark.django_db
def test_a_mapping_scope_is_a_list_of_names() -> None:
    from django.core.exceptions import ValidationError

    org = ensure_site_organisation()
    mapping = SsoRoleMapping(organisation=org, claim="groups", value="g", role=Role.APPROVER,
                             scope="People")
    with pytest.raises(ValidationError, match="list of names"):
        mapping.full_clean()
    mapping.scope = ["People"]
    mapping.full_clean()


@pytest.mark.django_db
def test_admin_pages(client: Client) -> None:
    admin = User.objects.create_superuser("root", password="a-long-admin-password")
    client.force_login(admin)
    for path in ["/admin/accounts/ssorolemapping/", "/admin/accounts/ssorolemapping/add/",
                 "/admin/accounts/ssoidentity/", "/admin/accounts/membership/"]:
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/accounts/ssoidentity/add/").status_code == 403
