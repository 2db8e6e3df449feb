"""The Content-Security-Policy (docs/deploy.md#security-headers) breaks nothing: on the main
pages, signed in and not, and in the Django admin, a real browser reports no policy violation
and no script error, and kpiboard's JavaScript runs (it is all in files: no inline script).
The listener is shown to catch a violation, so the test can fail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.web.conftest import sign_in
from tests.web.test_workflow_browser import council, person  # noqa: F401 (fixtures)
from tests.workflow.people import IN_SCOPE, Council

pytestmark = pytest.mark.django_db(transaction=True)

# Every violation the page reports (the browser also logs it to the console as an error).
LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__kbCsp = window.__kbCsp || []).push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"}` +
    ` at ${e.sourceFile}:${e.lineNumber}`);
});"""

PUBLIC = ["/", f"/kpis/2023-24/{IN_SCOPE}/", "/reports/", "/reports/2024-02/monthly/?set=core",
          "/reports/2024-02/scorecard/?set=core", "/framework/", "/framework/changes/",
          "/sign-in/", "/no-such-page/"]
SIGNED_IN = {
    "officer": ["/", "/entry/", f"/entry/2024-03/2023-24/{IN_SCOPE}/",
                f"/entry/2024-02/2023-24/{IN_SCOPE}/", "/periods/", "/years/", "/overdue/",
                "/audit/", f"/audit/2023-24/{IN_SCOPE}/"],
    "approver": ["/approvals/"],
    "owner": ["/entry/", f"/entry/2024-03/2023-24/{IN_SCOPE}/"],
}
ADMIN = ["/admin/", "/admin/auth/user/", "/admin/auth/user/add/", "/admin/auth/user/{me}/change/",
         "/admin/kpis/organisation/"]


class Watched:
    """A page whose policy violations, console errors and script errors are collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", lambda m: self.problems.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))

    def visit(self, path: str) -> list[str]:
        self.problems.clear()
        response = self.page.goto(path)
        assert response is not None
        assert "Content-Security-Policy" in {k.title() for k in response.headers}
        self.page.wait_for_load_state("load")
        found = [f"violation: {v}" for v in self.page.evaluate("window.__kbCsp || []")]
        # a 404 page's own request is logged as a console error: not a policy problem
        return [p for p in [*found, *self.problems] if "404 (Not Found)" not in p]


@pytest.fixture
def watched(browser: Any, live_server: Any) -> Iterator[Callable[[], Watched]]:
    contexts: list[Any] = []

    def make() -> Watched:
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        return Watched(context.new_page())

    yield make
    for context in contexts:
        context.close()


def assert_clean(watcher: Watched, paths: list[str]) -> None:
    problems = {path: found for path in paths if (found := watcher.visit(path))}
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_public_pages_keep_to_the_policy(council: Council, watched: Any) -> None:  # noqa: F811
    watcher = watched()
    assert_clean(watcher, PUBLIC)
    # kpiboard's scripts ran: GOV.UK Frontend's body class is set by web/js-enabled.js
    watcher.visit("/")
    assert watcher.page.evaluate("document.body.classList.contains('js-enabled')")


@pytest.mark.parametrize("who", sorted(SIGNED_IN))
def test_signed_in_pages_keep_to_the_policy(council: Council, watched: Any,  # noqa: F811
                                            live_server: Any, who: str) -> None:
    watcher = watched()
    sign_in(watcher.page, live_server, who, "correct horse battery staple")
    assert "/sign-in/" not in watcher.page.url  # signed in
    assert_clean(watcher, SIGNED_IN[who])


def test_the_entry_forms_script_runs_under_the_policy(council: Council,  # noqa: F811
                                                      watched: Any, live_server: Any) -> None:
    watcher = watched()
    sign_in(watcher.page, live_server, "owner", "correct horse battery staple")
    assert watcher.visit(f"/entry/2024-03/2023-24/{IN_SCOPE}/") == []
    groups = watcher.page.locator(".kb-reveal")
    if groups.count():  # workflow/reveal.js hides the inputs of the options not chosen
        hidden = watcher.page.locator(".govuk-radios__conditional--hidden")
        assert hidden.count() >= 1


def test_the_admin_keeps_to_the_policy(council: Council, watched: Any,  # noqa: F811
                                       live_server: Any) -> None:
    me = User.objects.create_superuser("root", "root@example.gov.uk", "an admin password 9")
    watcher = watched()
    watcher.page.goto("/admin/login/")  # the admin's sign-in is kpiboard's own (lockout, codes)
    assert "/sign-in/" in watcher.page.url
    watcher.page.fill("#id_username", "root")
    watcher.page.fill("#id_password", "an admin password 9")
    with watcher.page.expect_navigation():
        watcher.page.click("form button[type=submit]")
    assert_clean(watcher, [p.format(me=me.pk) for p in ADMIN])
    # the admin's own scripts ran (the theme toggle is added by admin/js/theme.js)
    assert watcher.page.locator("button.theme-toggle").count() == 1


def test_the_listener_catches_an_inline_script(council: Council,  # noqa: F811
                                               watched: Any) -> None:
    watcher = watched()
    watcher.visit("/")
    watcher.page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__kbInline = true";
        document.body.appendChild(s);
    }""")
    watcher.page.wait_for_function("(window.__kbCsp || []).length > 0")
    assert watcher.page.evaluate("window.__kbInline === undefined")
    assert any("script-src" in v for v in watcher.page.evaluate("window.__kbCsp"))
