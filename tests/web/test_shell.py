"""The shell every page sits in: header, navigation per role, sign in and out, error pages,
the shared template tags, and (in a real browser) the built CSS and JavaScript, checked by
axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import include, path

from kpiboard.accounts.models import Role
from kpiboard.kpis.models import Organisation
from kpiboard.reports.model import DirectionView, StatusView
from kpiboard.web import context_processors
from kpiboard.web.colours import BLACK, WHITE, contrast_ratio, text_colour_for
from kpiboard.web.views import server_error
from tests.web.conftest import assert_no_axe_violations, sign_in

ORG = "North Example Council"
BRAND = "#1d4f76"
LOGO = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='40' height='40'%3E"
        "%3Ccircle cx='20' cy='20' r='18' fill='white'/%3E%3C/svg%3E")

# ---------------------------------------------------------------------------------------------
# A URLconf with every page the navigation links to, so the navigation can be tested before
# (and whatever) the real pages exist: @pytest.mark.urls(__name__).

STUB_PAGE = Template(
    '{% extends "web/base.html" %}{% block title %}Stub{% endblock %}'
    '{% block content %}<h1 class="govuk-heading-l">Stub</h1>{% endblock %}')


def stub(request: HttpRequest) -> HttpResponse:
    return HttpResponse(STUB_PAGE.render(RequestContext(request)))


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("You need the Approver role to approve values.")


def _ns(name: str, pages: list[tuple[str, str]]) -> Any:
    return include(([path(route, stub, name=n) for route, n in pages], name))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("kpiboard.accounts.urls")),
    path("", _ns("dashboard", [("", "index"), ("reports/", "reports"),
                               ("framework/", "framework")])),
    path("", _ns("workflow", [("entry/", "entry"), ("approvals/", "approvals"),
                              ("periods/", "periods"), ("overdue/", "overdue")])),
    path("", _ns("audit", [("audit/", "log")])),
    path("forbidden/", forbidden),
]

STUBS = pytest.mark.urls(__name__)

PUBLIC_NAV = ["Dashboard", "Reports", "Framework"]
NAV_BY_ROLE: dict[str | None, list[str]] = {
    None: PUBLIC_NAV,
    Role.VIEWER: PUBLIC_NAV,
    Role.DATA_OWNER: [*PUBLIC_NAV, "Your KPIs", "Overdue"],
    Role.APPROVER: [*PUBLIC_NAV, "Approvals", "Overdue"],
    Role.PERFORMANCE_OFFICER: [*PUBLIC_NAV, "Your KPIs", "Approvals", "Periods", "Overdue",
                               "Audit"],
    Role.ADMINISTRATOR: [*PUBLIC_NAV, "Your KPIs", "Approvals", "Periods", "Overdue", "Audit",
                         "Admin"],
}


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(name=ORG, short_name="NEC", brand_colour=BRAND,
                                       logo_url="https://example.org/logo.svg",
                                       website="https://example.org/")


def nav_labels(response: Any) -> list[str]:
    return [item.label for item in response.context["site"].nav]


# ---------------------------------------------------------------------------------------------
# Contrast


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#1d70b8", "#ffffff") == contrast_ratio("#ffffff", "#1d70b8")


@pytest.mark.parametrize(("background", "text"), [
    ("#1d70b8", WHITE), ("#0b0c0c", WHITE), ("#00703c", WHITE), ("#ffdd00", BLACK),
    ("#ffffff", BLACK), ("#85994b", BLACK), ("#777777", BLACK), ("#757575", WHITE),
])
def test_text_colour_for_brand_colours(background: str, text: str) -> None:
    assert text_colour_for(background) == text
    assert contrast_ratio(background, text) >= 4.5


def test_text_colour_always_reaches_aa() -> None:
    for r in range(0, 256, 17):
        for g in range(0, 256, 17):
            for b in range(0, 256, 17):
                colour = f"#{r:02x}{g:02x}{b:02x}"
                assert contrast_ratio(colour, text_colour_for(colour)) >= 4.5, colour


def test_contrast_rejects_other_notations() -> None:
    with pytest.raises(ValueError, match="rrggbb"):
        contrast_ratio("red", "#ffffff")


# ---------------------------------------------------------------------------------------------
# The shell (Django's test client)


def test_sign_in_page_has_the_shell(client: Client, organisation: Organisation) -> None:
    response = client.get("/sign-in/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Sign in – {ORG} performance</title>" in html
    assert 'class="govuk-skip-link"' in html and 'href="#main-content"' in html
    assert 'class="govuk-generic-header kb-brand"' in html
    assert f'<span class="kb-header__name">{ORG}</span>' in html
    assert '<img class="kb-header__logo" src="https://example.org/logo.svg" alt="">' in html
    assert f"background-color: {BRAND}; --kb-brand-text: #ffffff" in html
    assert 'govuk-service-navigation--inverse kb-brand' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert 'class="govuk-footer"' in html and "kpiboard" in html
    assert f'href="https://example.org/">{ORG} website</a>' in html
    assert "/static/web/kpiboard.css" in html and "/static/web/kpiboard.js" in html
    assert "/static/web/htmx.min.js" in html
    site = response.context["site"]
    assert (site.name, site.brand_colour, site.text_colour) == (ORG, BRAND, WHITE)


def test_light_brand_colour_gets_black_text(client: Client, organisation: Organisation) -> None:
    organisation.brand_colour = "#FFDD00"
    organisation.save()
    html = client.get("/sign-in/").content.decode()
    assert "background-color: #ffdd00; --kb-brand-text: #000000" in html


def test_without_brand_colour_the_header_is_govuk(client: Client, organisation: Organisation,
                                                 ) -> None:
    organisation.brand_colour = "blue"  # not #rrggbb
    organisation.logo_url = ""
    organisation.save()
    html = client.get("/sign-in/").content.decode()
    assert 'class="govuk-generic-header"' in html
    assert "kb-brand" not in html and "background-color" not in html
    assert "kb-header__logo" not in html


@pytest.mark.django_db
def test_shell_without_an_organisation(client: Client) -> None:
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert "<title>Sign in – kpiboard performance</title>" in response.content.decode()


@STUBS
@pytest.mark.parametrize("role", list(NAV_BY_ROLE), ids=lambda r: r or "public")
def test_navigation_per_role(client: Client, organisation: Organisation,
                             make_user: Callable[..., User], role: str | None) -> None:
    if role is not None:
        client.force_login(make_user(role, username="jo"))
    response = client.get("/reports/")
    assert nav_labels(response) == NAV_BY_ROLE[role]
    html = response.content.decode()
    menu = re.search(r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>',
                     html, re.S)
    assert menu is not None
    shown = [re.sub(r"<[^>]+>", "", m).strip()
             for m in re.findall(r'class="govuk-service-navigation__link"[^>]*>(.*?)</a>',
                                 menu.group(1), re.S)]
    assert shown == NAV_BY_ROLE[role]
    active = [item.label for item in response.context["site"].nav if item.active]
    assert active == ["Reports"]
    assert 'aria-current="page"' in html
    if role is None:
        assert 'href="/sign-in/?next=%2Freports%2F">Sign in</a>' in html
        assert "Sign out" not in html
    else:
        assert "Sign in</a>" not in html
        assert f"jo ({Role(role).label})" in html
        assert 'action="/sign-out/"' in html and ">Sign out</button>" in html


@STUBS
def test_superuser_is_an_administrator(client: Client, organisation: Organisation) -> None:
    client.force_login(User.objects.create_superuser("root", password="x"))
    assert nav_labels(client.get("/")) == NAV_BY_ROLE[Role.ADMINISTRATOR]


def test_missing_pages_are_left_out_of_the_navigation(
        client: Client, organisation: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context_processors, "NAV", [
        ("Nowhere", "nowhere:page", "view"), ("Sign-in page", "accounts:sign_in", "view")])
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert nav_labels(response) == ["Sign-in page"]


# ---------------------------------------------------------------------------------------------
# Sign in and out


def test_sign_in_with_a_bad_password_shows_an_error_summary(
        client: Client, organisation: Organisation, make_user: Callable[..., User]) -> None:
    make_user(Role.DATA_OWNER, username="dana")
    response = client.post("/sign-in/", {"username": "dana", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Error: Sign in – {ORG} performance</title>" in html
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in html
    assert '<a href="#id_username">Enter a correct username and password.' in html
    assert not response.wsgi_request.user.is_authenticated


def test_sign_in_with_nothing_entered_links_each_field(client: Client,
                                                       organisation: Organisation) -> None:
    html = client.post("/sign-in/", {}).content.decode()
    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert 'aria-describedby="id_username-error"' in html
    assert '<p id="id_password-error" class="govuk-error-message">' in html
    assert "govuk-input--error" in html


def test_sign_in_and_out(client: Client, organisation: Organisation,
                         make_user: Callable[..., User]) -> None:
    make_user(Role.APPROVER, username="ali")
    response = client.post("/sign-in/",
                           {"username": "ali", "password": "kpiboard-test", "next": "/reports/"})
    assert response.status_code == 302 and response["Location"] == "/reports/"
    assert client.get("/sign-out/").status_code == 405  # signing out is a POST (a button)
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_in_goes_to_the_dashboard_or_the_site_root(
        client: Client, organisation: Organisation, make_user: Callable[..., User]) -> None:
    make_user(Role.VIEWER, username="val")
    response = client.post("/sign-in/", {"username": "val", "password": "kpiboard-test"})
    assert response.status_code == 302
    assert response["Location"] == (context_processors._reverse("dashboard:index") or "/")


# ---------------------------------------------------------------------------------------------
# Error pages


def test_404_page(client: Client, organisation: Organisation) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<title>Page not found – {ORG} performance</title>" in html
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert 'id="main-content"' in html


@STUBS
def test_403_says_which_role_is_needed(client: Client, organisation: Organisation,
                                       make_user: Callable[..., User]) -> None:
    response = client.get("/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Sign in to see this page" in html
    assert 'href="/sign-in/?next=%2Fforbidden%2F">Sign in</a>' in html
    client.force_login(make_user(Role.VIEWER, username="vic"))
    html = client.get("/forbidden/").content.decode()
    assert "You cannot see this page" in html
    assert "You need the Approver role to approve values." in html
    assert "vic (Viewer (member))" in html


def test_500_page_with_and_without_the_site(organisation: Organisation,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    request = RequestFactory().get("/broken/")
    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert f"Sorry, there is a problem with the service – {ORG} performance" in html

    def fail(request: HttpRequest | None) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr("kpiboard.web.views.build_site", fail)
    html = server_error(request).content.decode()
    assert "Sorry, there is a problem with the service – kpiboard performance" in html


# ---------------------------------------------------------------------------------------------
# Shared template tags


def render(source: str, **context: Any) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


class ExampleForm(forms.Form):
    name = forms.CharField(help_text="As on the framework", max_length=20,
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-20",
                                                         "hx-get": "/check/"}))
    notes = forms.CharField(widget=forms.Textarea, required=False)
    status = forms.ChoiceField(choices=[("g", "Green"), ("r", "Red")], widget=forms.RadioSelect)
    teams = forms.MultipleChoiceField(choices=[("a", "Adults"), ("c", "Children")],
                                      widget=forms.CheckboxSelectMultiple, required=False)
    year = forms.ChoiceField(choices=[("2024", "2024/25"), ("2023", "2023/24")])
    confirm = forms.BooleanField(required=False, label="I have checked the figures")

    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError("Nothing was saved")


def test_govuk_field_renders_each_kind() -> None:
    form = ExampleForm({"name": "", "status": "r", "teams": ["c"], "year": "2023"})
    assert not form.is_valid()
    html = render("{% govuk_field form.name %}", form=form)
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<label class="govuk-label" for="id_name">Name</label>' in html
    assert '<div id="id_name-hint" class="govuk-hint">As on the framework</div>' in html
    assert ('<span class="govuk-visually-hidden">Error:</span> This field is required.'
            in html)
    assert 'class="govuk-input govuk-input--error govuk-input--width-20"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert 'hx-get="/check/"' in html  # the widget's own attributes still apply

    html = render("{% govuk_field form.notes label_classes='govuk-label--m' %}", form=form)
    assert 'class="govuk-textarea"' in html and "Notes (optional)" in html
    assert 'class="govuk-label govuk-label--m"' in html

    html = render("{% govuk_field form.status inline=True %}", form=form)
    assert '<fieldset class="govuk-fieldset">' in html
    assert 'class="govuk-radios govuk-radios--inline" data-module="govuk-radios"' in html
    assert ('<input type="radio" name="status" class="govuk-radios__input" id="id_status_1" '
            'value="r" checked required>') in html
    assert '<label class="govuk-label govuk-radios__label" for="id_status_0">Green</label>' in html

    html = render("{% govuk_field form.teams %}", form=form)
    assert 'type="checkbox" name="teams" class="govuk-checkboxes__input"' in html
    assert "Teams (optional)" in html

    html = render("{% govuk_field form.year %}", form=form)
    assert 'class="govuk-select"' in html and '<option value="2023" selected>' in html

    html = render("{% govuk_field form.confirm %}", form=form)
    assert 'class="govuk-checkboxes__input"' in html
    assert "I have checked the figures</label>" in html and "(optional)" not in html


def test_error_summary_from_a_form_and_from_a_list() -> None:
    form = ExampleForm({"name": "", "status": "x", "year": "2023"})
    form.is_valid()
    html = render("{% govuk_error_summary form %}", form=form)
    links = re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', html)
    assert links == [("#id_name", "Nothing was saved"), ("#id_name", "This field is required."),
                     ("#id_status_0", "Select a valid choice. x is not one of the available "
                                      "choices.")]
    assert render("{% govuk_error_summary form %}", form=ExampleForm()).strip() == ""
    html = render("{% govuk_error_summary errors %}",
                  errors=[("Enter a value for April", "value-2024-04"), ("A general problem", "")])
    assert '<a href="#value-2024-04">Enter a value for April</a>' in html
    assert "<li>A general problem</li>" in html


def test_status_tag_and_direction() -> None:
    green = StatusView("green", "Green", "✔", "#00703c", "#ffffff", "On target")
    html = render("{% status_tag s %}", s=green)
    assert ('<strong class="govuk-tag kb-status" style="background-color: #00703c; '
            'color: #ffffff" title="On target">') in html
    assert '<span class="kb-status__symbol" aria-hidden="true">✔</span>Green</strong>' in html
    override = StatusView("amber", "Amber", "▲", "#ffdd00", "", override=True)
    html = render("{% status_tag s %}", s=override)
    assert "kb-status--override" in html and "color: #000000" in html
    assert "Amber (override)</strong>" in html
    assert render("{% status_tag s %}", s=None) == ""

    arrow = DirectionView("↑", "Improving", "Better than last month (80% → 82%)")
    html = render("{% direction d %}", d=arrow)
    assert 'title="Better than last month (80% → 82%)"' in html
    assert '<span aria-hidden="true">↑</span>' in html
    assert '<span class="govuk-visually-hidden">Improving</span>' in html
    assert render("{% direction d %}", d=None) == ""


def test_notification_banner_from_messages(client: Client, organisation: Organisation,
                                           ) -> None:
    request = RequestFactory().get("/")
    request.session = client.session
    from django.contrib.messages.storage.fallback import FallbackStorage

    storage = FallbackStorage(request)
    storage.add(messages.SUCCESS, "Values saved")
    storage.add(messages.INFO, "The period closes on Friday")
    html = render("{% notification_banner %}", messages=storage)
    assert 'govuk-notification-banner--success" role="alert"' in html
    assert '<p class="govuk-notification-banner__heading">Values saved</p>' in html
    assert 'class="govuk-notification-banner" role="region"' in html
    assert "The period closes on Friday" in html
    assert render("{% notification_banner %}") == ""


# ---------------------------------------------------------------------------------------------
# In the browser: the built CSS and JavaScript load, and axe-core finds nothing wrong.


def test_sign_in_in_the_browser(page: Any, live_server: Any, organisation: Organisation,
                                make_user: Callable[..., User]) -> None:
    organisation.logo_url = LOGO  # the test's network reaches nothing outside this machine
    organisation.save()
    make_user(Role.DATA_OWNER, username="dana", first_name="Dana", last_name="Owner")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/static/" in r.url else None)
    page.goto("/sign-in/")
    assert page.title() == f"Sign in – {ORG} performance"
    # The CSS loaded: GOV.UK's styles, with the brand colour and a system font.
    header = page.locator(".govuk-generic-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 79, 118)"
    assert header.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    button = page.get_by_role("button", name="Sign in")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    body_font = page.locator("p.govuk-body").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert body_font.startswith("system-ui") and "GDS Transport" not in body_font
    # The JavaScript loaded: GOV.UK Frontend ran, and htmx is there.
    assert page.locator("img.kb-header__logo").evaluate("e => e.naturalWidth") == 40
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    page.wait_for_function("() => window.htmx !== undefined")
    assert_no_axe_violations(page)

    sign_in(page, live_server, "dana", "wrong password")
    assert page.title() == f"Error: Sign in – {ORG} performance"
    summary = page.locator(".govuk-error-summary")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('.govuk-error-summary')")
    assert "Enter a correct username and password" in summary.inner_text()
    assert_no_axe_violations(page)
    # The summary's link takes the focus to the field.
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_username"

    sign_in(page, live_server, "dana")
    account = page.locator(".kb-account")
    assert "Dana Owner (Data owner)" in account.inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in").count() == 1
    assert problems == [], problems  # no JavaScript errors, every static file found


def test_404_page_in_the_browser(page: Any, organisation: Organisation) -> None:
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert_no_axe_violations(page)


def test_pages_work_without_javascript(browser: Any, live_server: Any,
                                       organisation: Organisation,
                                       make_user: Callable[..., User]) -> None:
    make_user(Role.APPROVER, username="ali")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/sign-in/")
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
        sign_in(page, live_server, "ali")
        assert "ali (Approver)" in page.locator(".kb-account").inner_text()
    finally:
        context.close()


def test_unbranded_sign_in_page_in_the_browser(page: Any, make_user: Callable[..., User],
                                               ) -> None:
    make_user(Role.VIEWER)  # makes the site's organisation, without branding
    page.goto("/sign-in/")
    header = page.locator(".govuk-generic-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 12, 12)"
    assert_no_axe_violations(page)


@pytest.mark.parametrize("override", [False, True])
@pytest.mark.parametrize("description", ["", "Within 5% of <the> target & \"more\""])
@pytest.mark.parametrize("colour", ["", "#00703c", "not a colour"])
def test_status_tag_and_arrow_are_the_includes_markup(override: bool, description: str,
                                                     colour: str) -> None:
    """``status_tag`` and ``direction`` draw the markup of web/includes/status_tag.html and
    direction.html without rendering a template for each (one per row of a dashboard)."""
    from django.template.loader import get_template

    from kpiboard.web.templatetags.govuk import direction, status_tag

    status = StatusView("amber", "Amber <b>", "▲" if override else "", colour, "", description,
                        override=override)
    style = (f"background-color: {colour}; color: {text_colour_for(colour)}"
             if colour == "#00703c" else "")
    assert str(status_tag(status)) == get_template("web/includes/status_tag.html").render(
        {"status": status, "style": style})
    arrow = DirectionView("↑" if override else "", "Improving" if colour else "", description)
    if arrow.symbol or arrow.label:
        assert str(direction(arrow)) == get_template("web/includes/direction.html").render(
            {"direction": arrow})
