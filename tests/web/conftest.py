"""Fixtures for the web application's tests.

Django test client tests need nothing more than ``client`` and ``make_user``. Browser tests
take ``page`` (a fresh Playwright page in Debian's chromium, opened on the ``live_server``: go
to paths like ``page.goto("/sign-in/")``), ``sign_in(page, live_server, username)`` and
``assert_no_axe_violations(page)``. A browser test that cannot run (no chromium, no
node_modules, front end not built) FAILS and says to run ``./run test``: it never skips.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from kpiboard.accounts.access import site_organisation
from kpiboard.accounts.models import Membership, Role
from kpiboard.kpis.models import Organisation

# Playwright's sync API runs an asyncio loop in the test's thread, which makes Django refuse
# database calls made from it ("You cannot call this from an async context"). The tests are
# synchronous: tell Django so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__axe-core__.js"  # never a kpiboard address: Playwright answers it (axe_violations)
BUILT_CSS = ROOT / "src" / "kpiboard" / "web" / "static" / "web" / "kpiboard.css"
PASSWORD = "kpiboard-test"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TEST_ORGANISATION = "Test Borough Council"

# Chromium's own background connections are refused on a closed network: keep it quiet.
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def require(path: Path, what: str) -> None:
    if not path.exists():
        pytest.fail(f"{what} is missing ({path}). Run `./run test`, which installs Debian's "
                    "chromium, runs `npm ci` and builds the front end "
                    "(tools/build_assets.py).", pytrace=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (one for the whole session)."""
    require(CHROMIUM, "Debian's chromium (/usr/bin/chromium)")
    require(BUILT_CSS, "The built front end (kpiboard.css)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # chromium's sandbox refuses to run as root
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                          args=args)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A new browser context and page for each test, with the live server as base URL."""
    context = browser.new_context(base_url=live_server.url)
    try:
        yield context.new_page()
    finally:
        context.close()


def axe_violations(page: Any, tags: Sequence[str] = AXE_TAGS) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; its violations (empty when there are none)."""
    require(AXE, "axe-core (node_modules/axe-core/axe.min.js)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The Content-Security-Policy refuses inline script (which add_script_tag(path=...)
        # would make): axe is loaded as a same-origin file, answered by the browser itself.
        if not getattr(page, "_kb_axe_routed", False):
            page.route(f"**{AXE_URL}", lambda route: route.fulfill(
                path=str(AXE), content_type="text/javascript"))
            page._kb_axe_routed = True
        page.add_script_tag(url=AXE_URL)
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations;
        }""",
        list(tags),
    )
    return result


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v.get("nodes", [])[:5]:
            lines.append(f"    at {', '.join(map(str, node.get('target', [])))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Any, tags: Sequence[str] = AXE_TAGS) -> None:
    violations = axe_violations(page, tags)
    if violations:
        pytest.fail(f"axe-core found {len(violations)} accessibility violation(s) on "
                    f"{page.url}:\n{format_violations(violations)}", pytrace=False)


def ensure_site_organisation() -> Organisation:
    """The organisation the site shows; made (as "Test Borough Council") when there is none."""
    org = site_organisation()
    if org is None:
        org = Organisation.objects.create(name=TEST_ORGANISATION, short_name="TBC")
    return org


_numbers = itertools.count(1)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """``make_user(role, scope=(), username=None)``: a user (password "kpiboard-test") with
    that role (a ``Role`` value, or None for no role) in the site's organisation."""

    def make(role: str | None, scope: Sequence[str] = (), username: str | None = None,
             **fields: Any) -> User:
        org = ensure_site_organisation()
        name = username or f"{role or 'user'}-{next(_numbers)}"
        user = User.objects.create_user(name, password=PASSWORD, **fields)
        if role is not None:
            Membership.objects.create(user=user, organisation=org, role=Role(role),
                                      scope=list(scope))
        return user

    return make


def sign_in(page: Any, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page, as a person would."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


@pytest.fixture(name="sign_in")
def sign_in_fixture() -> Callable[..., None]:
    """The ``sign_in`` helper as a fixture, for tests outside this folder's imports."""
    return sign_in


@pytest.fixture(name="assert_no_axe_violations")
def assert_no_axe_violations_fixture() -> Callable[..., None]:
    return assert_no_axe_violations


@pytest.fixture(name="axe_violations")
def axe_violations_fixture() -> Callable[..., list[dict[str, Any]]]:
    return axe_violations
