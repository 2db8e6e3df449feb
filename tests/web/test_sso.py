"""Single sign-on end to end, against a real OpenID provider that the test starts: panva's
oidc-provider under node (tests/web/oidc_provider.mjs; installed by `npm ci`). kpiboard runs on
the live server, a real browser (chromium) clicks through both sides, and ID tokens are RS256,
signed with a key the provider makes at start-up. Nothing of the provider is mocked."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.auth.models import User
from playwright.sync_api import expect

from kpiboard.accounts.models import Membership, Role, SsoIdentity, SsoRoleMapping
from kpiboard.accounts.sso import forget_provider_metadata
from kpiboard.audit.models import Action, AuditEvent
from kpiboard.kpis.models import Organisation
from tests.web.conftest import ROOT, assert_no_axe_violations, ensure_site_organisation

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "kpiboard-test"
CLIENT_SECRET = "a-client-secret-for-the-tests"
LABEL = "Sign in with your council account"
# Entra ID sends group object IDs in `groups` and app role values in `roles`.
G_ADULTS = "5f2a1c8e-0b7d-4c1e-9a55-2d7d1e0c0a01"
G_CHILDREN = "5f2a1c8e-0b7d-4c1e-9a55-2d7d1e0c0a02"
G_PEOPLE_APPROVERS = "5f2a1c8e-0b7d-4c1e-9a55-2d7d1e0c0a03"
G_UNMAPPED = "5f2a1c8e-0b7d-4c1e-9a55-2d7d1e0c0a04"
APP_ROLE_OFFICER = "Kpiboard.PerformanceOfficer"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Provider:
    def __init__(self, issuer: str, accounts_file: Path) -> None:
        self.issuer = issuer
        self.accounts_file = accounts_file

    def set_accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")


@pytest.fixture(scope="module")
def provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node and the npm package oidc-provider are needed: run `./run test` "
                    "(it runs `npm ci`).", pytrace=False)
    folder = tmp_path_factory.mktemp("oidc")
    port = free_port()
    accounts = folder / "accounts.json"
    accounts.write_text("{}", encoding="utf-8")
    config = folder / "config.json"
    config.write_text(json.dumps({
        "port": port, "accounts_file": str(accounts),
        "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                     "redirect_uris": [f"{live_server.url}/oidc/callback/"],
                     "grant_types": ["authorization_code"], "response_types": ["code"]}],
    }), encoding="utf-8")
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen([node, str(PROVIDER_SCRIPT), str(config)], cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration",
                                timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the OpenID provider did not start:\n"
                            + (folder / "provider.log").read_text(), pytrace=False)
            time.sleep(0.2)
        yield Provider(issuer, accounts)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def sso(provider: Provider, settings: Any) -> Iterator[Organisation]:
    """Single sign-on on (as KPIBOARD_OIDC_ISSUER and friends would turn it on), with
    Entra-style mappings in the site's organisation."""
    settings.SSO_ISSUER = provider.issuer
    settings.SSO_ENABLED = True
    settings.SSO_LABEL = LABEL
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    forget_provider_metadata()
    org = ensure_site_organisation()
    for value, role, scope in [
        (G_ADULTS, Role.DATA_OWNER, ["Adult Social Care"]),
        (G_CHILDREN, Role.DATA_OWNER, ["Children's Services"]),
        (G_PEOPLE_APPROVERS, Role.APPROVER, ["People"]),
    ]:
        SsoRoleMapping.objects.create(organisation=org, claim="groups", value=value, role=role,
                                      scope=scope)
    SsoRoleMapping.objects.create(organisation=org, claim="roles", value=APP_ROLE_OFFICER,
                                  role=Role.PERFORMANCE_OFFICER)
    yield org
    forget_provider_metadata()


def account(login: str, **claims: Any) -> dict[str, Any]:
    return {"preferred_username": f"{login}@council.example", "email": f"{login}@council.example",
            "given_name": login.title(), "family_name": "Tester",
            "oid": f"00000000-0000-0000-0000-{zlib.crc32(login.encode()):012d}", **claims}


def sign_in_at_provider(page: Any, login: str) -> None:
    """The provider's own sign-in page, then its consent page (the first time)."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password works here")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    if "/interaction/" in page.url:  # consent
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def sso_sign_in(browser: Any, live_server: Any, login: str,
                axe: bool = False) -> tuple[Any, Any]:
    """A fresh browser: kpiboard's sign-in page, its single sign-on button, the provider."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/sign-in/")
    if axe:
        assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name=LABEL).click()
    assert page.url.startswith("http://127.0.0.1:")  # at the provider
    sign_in_at_provider(page, login)
    return context, page


def roles_of(username: str) -> dict[str, tuple[list[str], bool]]:
    return {m.role: (sorted(m.scope), m.from_sso)
            for m in Membership.objects.filter(user__username=username)}


def test_sign_in_maps_groups_and_follows_changes(browser: Any, live_server: Any,
                                                 provider: Provider, sso: Organisation) -> None:
    provider.set_accounts({"jo": account("jo", groups=[G_ADULTS, G_PEOPLE_APPROVERS, "other"])})
    context, page = sso_sign_in(browser, live_server, "jo", axe=True)
    try:
        assert page.url == f"{live_server.url}/"
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    finally:
        context.close()
    user = User.objects.get(username="jo@council.example")
    assert (user.first_name, user.email) == ("Jo", "jo@council.example")
    assert not user.has_usable_password()
    assert SsoIdentity.objects.get(user=user).issuer == provider.issuer
    assert roles_of(user.username) == {"data_owner": (["Adult Social Care"], True),
                                       "approver": (["People"], True)}
    # A role given by hand is kept through every single sign-on.
    Membership.objects.create(user=user, organisation=sso, role=Role.VIEWER)

    # At the provider: moved from the approvers' group to children's, and given an app role.
    provider.set_accounts({"jo": account("jo", groups=[G_ADULTS, G_CHILDREN],
                                         roles=[APP_ROLE_OFFICER])})
    context, page = sso_sign_in(browser, live_server, "jo")
    try:
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    finally:
        context.close()
    assert User.objects.filter(username="jo@council.example").count() == 1
    assert roles_of(user.username) == {
        "data_owner": (["Adult Social Care", "Children's Services"], True),
        "performance_officer": ([], True),
        "viewer": ([], False)}
    events = AuditEvent.objects.filter(action=Action.ROLE_CHANGED).order_by("id")
    assert [(e.detail["role"], e.detail["change"]) for e in events] == [
        ("approver", "added"), ("data_owner", "added"),
        ("data_owner", "scope"), ("performance_officer", "added"), ("approver", "removed")]
    assert all(e.organisation == sso and e.user == user for e in events)
    assert "removed by single sign-on" in events.last().summary  # type: ignore[union-attr]

    # All mapped groups taken away: the roles go, the one given by hand stays, and the
    # person still signs in on it.
    provider.set_accounts({"jo": account("jo", groups=[G_UNMAPPED])})
    context, page = sso_sign_in(browser, live_server, "jo")
    context.close()
    assert roles_of(user.username) == {"viewer": ([], False)}


def test_unmapped_person_is_refused_and_not_created(browser: Any, live_server: Any,
                                                   provider: Provider,
                                                   sso: Organisation) -> None:
    provider.set_accounts({"sam": account("sam", groups=[G_UNMAPPED], roles=["Other.Role"])})
    context, page = sso_sign_in(browser, live_server, "sam")
    try:
        assert page.url.startswith(f"{live_server.url}/oidc/callback/")
        assert page.locator("h1").inner_text() == "You could not be signed in"
        assert page.locator("#sso-reason").get_attribute("data-reason") == "no_role"
        assert_no_axe_violations(page)
        page.goto("/")
        assert page.get_by_role("button", name="Sign out").count() == 0
    finally:
        context.close()
    assert not User.objects.filter(username="sam@council.example").exists()
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGED).exists()


def replace_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


FORM = re.compile(r'<form[^>]*action="([^"]+)"(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def answer_from_provider(session: requests.Session, live_server: Any, login: str,
                         tamper: Any = None) -> str:
    """The flow without a browser (a requests session keeps both sides' cookies), up to the
    provider's answer: the callback URL with its code and state, not yet visited. ``tamper``
    may change the authorization request on its way to the provider."""
    start = session.get(f"{live_server.url}/oidc/authenticate/", allow_redirects=False,
                        timeout=30)
    assert start.status_code == 302
    url, data = start.headers["Location"], None
    if tamper is not None:
        url = tamper(url)
    for _ in range(12):
        response = session.request("POST" if data else "GET", url, data=data,
                                   allow_redirects=False, timeout=30)
        if response.is_redirect:
            url, data = urljoin(url, response.headers["Location"]), None
            if url.startswith(f"{live_server.url}/oidc/callback/"):
                return url
            continue
        assert response.status_code == 200, response.text
        form = FORM.search(response.text)  # the provider's sign-in, then its consent
        assert form is not None, response.text
        url = urljoin(url, form.group(1))
        data = dict(HIDDEN.findall(form.group(2)))
        if 'name="login"' in form.group(2):
            data.update(login=login, password="any password works here")
    raise AssertionError("the provider never answered")


def test_tampered_state_is_refused(live_server: Any, provider: Provider,
                                   sso: Organisation) -> None:
    provider.set_accounts({"jo": account("jo", groups=[G_ADULTS])})
    session = requests.Session()
    callback = answer_from_provider(session, live_server, "jo")
    forged = session.get(replace_query(callback, state="forged-state-value"),
                         allow_redirects=False, timeout=30)
    assert forged.status_code == 400
    assert not User.objects.filter(username="jo@council.example").exists()
    # The real answer signs in, once: used again (a replay), it is refused.
    real = session.get(callback, allow_redirects=False, timeout=30)
    assert (real.status_code, real.headers["Location"]) == (302, "/")
    assert User.objects.filter(username="jo@council.example").exists()
    assert session.get(callback, allow_redirects=False, timeout=30).status_code == 400


def test_tampered_nonce_is_refused(live_server: Any, provider: Provider,
                                   sso: Organisation) -> None:
    provider.set_accounts({"jo": account("jo", groups=[G_ADULTS])})
    session = requests.Session()
    callback = answer_from_provider(
        session, live_server, "jo",
        tamper=lambda url: replace_query(url, nonce="a-nonce-of-the-attackers"))
    assert session.get(callback, allow_redirects=False, timeout=30).status_code == 400
    assert not User.objects.filter(username="jo@council.example").exists()
    # The same person, untampered, signs in.
    callback = answer_from_provider(session, live_server, "jo")
    assert session.get(callback, allow_redirects=False, timeout=30).status_code == 302
    assert User.objects.filter(username="jo@council.example").exists()
