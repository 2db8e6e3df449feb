"""The accessibility statement, privacy notice and cookies page: public, with the council's
details (or kpiboard's own wording without them), linked from every page's footer, and edited
by administrators and performance officers through a GOV.UK form (or the admin) that audits
each change and sanitises rich text."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client

from kpiboard.accounts.models import Role
from kpiboard.audit.models import Action, AuditEvent
from kpiboard.kpis.models import Organisation
from kpiboard.sitepages.models import EDITABLE_FIELDS, SitePages
from kpiboard.sitepages.selectors import duration_words
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ORG = "North Example Council"
PAGES = ("/accessibility/", "/privacy/", "/cookies/")


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(name=ORG, short_name="NEC",
                                       website="https://www.north-example.gov.uk/")


def form_data(**changes: Any) -> dict[str, Any]:
    """Everything the edit form posts, empty, with ``changes`` (dates as "d m yyyy")."""
    data: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name in ("statement_prepared", "statement_reviewed", "last_tested"):
            parts = str(changes.get(name, "")).split() or ["", "", ""]
            for i, part in enumerate(parts):
                data[f"{name}_{i}"] = part
        else:
            data[name] = changes.get(name, "")
    data["compliance"] = changes.get("compliance", "partial")
    return data


def text_of(response: Any) -> str:
    """The page's visible words, in one line."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def audit_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.SITE_PAGES_CHANGED))


# --- the pages, for everyone -----------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_public_and_linked_from_every_footer(client: Client,
                                                       organisation: Organisation,
                                                       path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    footer = response.content.decode().split('class="govuk-footer"')[1]
    for link in PAGES:
        assert f'href="{link}"' in footer
    assert f'href="{path}" aria-current="page"' in footer
    home = client.get("/").content.decode().split('class="govuk-footer"')[1]
    assert 'href="/accessibility/">Accessibility statement</a>' in home
    assert 'href="/privacy/">Privacy</a>' in home and 'href="/cookies/">Cookies</a>' in home


def test_without_the_councils_details_the_pages_read_correctly(
        client: Client, organisation: Organisation) -> None:
    """Nothing filled in: a complete statement in neutral wording, with no placeholders."""
    accessibility = text_of(client.get("/accessibility/"))
    privacy = text_of(client.get("/privacy/"))
    cookies = text_of(client.get("/cookies/"))
    for text in (accessibility, privacy, cookies):
        assert not re.search(r"\[|\]|to complete|TBC|TODO|lorem|None\b", text), text
    assert f"Accessibility statement for {ORG} performance" in accessibility
    assert f"This website is run by {ORG}" in accessibility
    assert ("contact the performance team through " + ORG + "’s website") in accessibility
    assert 'href="https://www.north-example.gov.uk/"' in client.get("/accessibility/") \
        .content.decode()
    for heading in ("How accessible this website is", "Feedback and contact information",
                    "Reporting accessibility problems with this website",
                    "Enforcement procedure",
                    "Technical information about this website’s accessibility",
                    "Compliance status", "Non-accessible content",
                    "What we’re doing to improve accessibility",
                    "Preparation of this accessibility statement"):
        assert heading in accessibility, heading
    assert "Equality Advisory and Support Service (EASS)" in accessibility
    assert "Equality and Human Rights Commission (EHRC)" in accessibility
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 " \
           "AA standard" in accessibility
    assert "prepared from the results of kpiboard’s own accessibility testing" in accessibility
    assert f"{ORG} is the data controller" in privacy
    assert "public task" in privacy and "Article 6(1)(e)" in privacy
    assert "IP address" in privacy and "audit trail" in privacy and "commentary" in privacy
    assert "0303 123 1113" in privacy and "ico.org.uk/make-a-complaint" in \
        client.get("/privacy/").content.decode()
    assert "in line with its records retention policy" in privacy
    assert "contact the data protection officer through " + ORG + "’s website" in privacy
    assert "sessionid" in cookies and "csrftoken" in cookies
    assert "strictly necessary" in cookies and "no cookie banner" in cookies


def test_without_any_organisation_the_pages_still_render(client: Client, db: None) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200
        assert "kpiboard performance" in text_of(response)
        if path != "/cookies/":
            assert "The council is" in text_of(response)


def test_the_councils_details_are_shown(client: Client, organisation: Organisation) -> None:
    SitePages.objects.create(
        organisation=organisation, team_name="the corporate performance team",
        contact_email="performance@north-example.gov.uk", contact_phone="01234 567890",
        postal_address="Town Hall\nHigh Street\nNorthtown NT1 1AA",
        accessibility_email="access@north-example.gov.uk", response_days=10,
        compliance="full", statement_prepared=date(2025, 9, 23),
        statement_reviewed=date(2026, 3, 1), last_tested=date(2025, 9, 1),
        tested_by="the Digital Accessibility Centre", dpo_name="Sam Jones",
        dpo_email="dpo@north-example.gov.uk", ico_registration="Z1234567",
        retention_period="six years after the end of the financial year",
        improvements="We will audit the reports by March 2027.",
        privacy_extra="Our <strong>hosting</strong> supplier is Example Ltd.",
    )
    accessibility = text_of(client.get("/accessibility/"))
    assert "email access@north-example.gov.uk" in accessibility
    assert "call 01234 567890" in accessibility
    assert f"write to {ORG}, Town Hall, High Street, Northtown NT1 1AA" in accessibility
    assert "get back to you in 10 working days" in accessibility
    assert "This website is fully compliant with the Web Content" in accessibility
    assert "This statement was prepared on 23 September 2025. It was last reviewed on " \
           "1 March 2026." in accessibility
    assert "last tested on 1 September 2025 against the WCAG 2.2 AA standard. The test was " \
           "carried out by the Digital Accessibility Centre." in accessibility
    assert "We will audit the reports by March 2027." in accessibility
    privacy = client.get("/privacy/").content.decode()
    assert "registration number Z1234567" in privacy
    assert "Sam Jones, our data protection officer" in privacy
    assert 'href="mailto:dpo@north-example.gov.uk"' in privacy
    assert "for six years after the end of the financial year" in privacy
    assert "Our <strong>hosting</strong> supplier is Example Ltd." in privacy
    assert "email performance@north-example.gov.uk" in text_of(client.get("/privacy/"))


def test_cookies_page_lists_every_cookie_the_site_sets(
        client: Client, organisation: Organisation, make_user: Callable[..., User]) -> None:
    """Read as the public, sign in, save a form (a message): every cookie set is listed."""
    client.get("/")
    assert not client.cookies, "reading the dashboard must set no cookie"
    make_user(Role.ADMINISTRATOR, username="ada")
    client.get("/sign-in/")
    response = client.post("/sign-in/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    response = client.post("/site-pages/", form_data(contact_phone="01234 567890"))
    assert response.status_code == 302
    client.get("/")
    names = set(client.cookies)
    assert {"sessionid", "csrftoken", "messages"} <= names
    cookies = client.get("/cookies/").content.decode()
    for name in names:
        assert f"<code>{name}</code>" in cookies, name
    session = duration_words(django_settings.SESSION_COOKIE_AGE)  # 8 hours by default
    assert session in cookies and "1 year" in cookies


def test_duration_words() -> None:
    assert duration_words(1209600) == "2 weeks"
    assert duration_words(31449600) == "1 year"
    assert duration_words(8 * 3600) == "8 hours"
    assert duration_words(86400) == "1 day"
    assert duration_words(90) == "2 minutes"


# --- editing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER])
def test_staff_edit_the_pages_through_the_form(client: Client, organisation: Organisation,
                                               make_user: Callable[..., User],
                                               role: str) -> None:
    user = make_user(role)
    client.force_login(user)
    page = client.get("/site-pages/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 class="govuk-heading-l">Accessibility, privacy and cookies pages</h1>' in html
    assert 'name="statement_prepared_0"' in html
    [partial] = re.findall(r'<input[^>]*value="partial"[^>]*>', html)
    assert "checked" in partial, "the default, partially compliant, is chosen"
    assert "edit the accessibility, privacy and cookies pages" in \
        client.get("/accessibility/").content.decode()

    response = client.post("/site-pages/", form_data(
        contact_email="performance@north-example.gov.uk", dpo_email="dpo@north-example.gov.uk",
        statement_prepared="23 9 2025", compliance="not",
        non_compliance="The scorecard PDF has no headings (WCAG 1.3.1)."))
    assert response.status_code == 302 and response["Location"] == "/site-pages/"
    banner = client.get("/site-pages/").content.decode()
    assert "have been updated" in banner
    assert 'value="23"' in banner and 'value="2025"' in banner

    accessibility = text_of(Client().get("/accessibility/"))
    assert "email performance@north-example.gov.uk" in accessibility
    assert "This website is not compliant with the Web Content" in accessibility
    assert "The scorecard PDF has no headings (WCAG 1.3.1)." in accessibility
    assert "This statement was prepared on 23 September 2025." in accessibility
    assert 'href="mailto:dpo@north-example.gov.uk"' in Client().get("/privacy/").content.decode()

    [event] = audit_events()
    assert event.user == user and event.organisation == organisation
    assert "contact email" in event.summary and "dpo email" in event.summary
    changes = event.detail["changes"]
    assert changes["contact_email"] == {"old": "", "new": "performance@north-example.gov.uk"}
    assert changes["statement_prepared"] == {"old": None, "new": "2025-09-23"}
    assert changes["compliance"] == {"old": "partial", "new": "not"}
    log = client.get("/audit/", {"action": Action.SITE_PAGES_CHANGED}).content.decode()
    assert "Accessibility, privacy and cookies pages: changed" in log

    # the same again changes nothing and writes no event
    client.post("/site-pages/", form_data(
        contact_email="performance@north-example.gov.uk", dpo_email="dpo@north-example.gov.uk",
        statement_prepared="23 9 2025", compliance="not",
        non_compliance="The scorecard PDF has no headings (WCAG 1.3.1)."))
    assert len(audit_events()) == 1
    assert "Nothing was changed" in client.get("/site-pages/").content.decode()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.DATA_OWNER, Role.APPROVER, None, "public"])
def test_others_cannot_edit(client: Client, organisation: Organisation,
                            make_user: Callable[..., User], role: str | None) -> None:
    SitePages.objects.create(organisation=organisation, contact_email="old@example.gov.uk")
    if role != "public":
        client.force_login(make_user(role))
    before = list(SitePages.objects.values())
    for response in (client.get("/site-pages/"),
                     client.post("/site-pages/", form_data(contact_email="new@example.gov.uk"))):
        if role == "public":
            assert response.status_code == 302
            assert response["Location"].startswith("/sign-in/?next=/site-pages/")
        else:
            assert response.status_code == 403
    assert list(SitePages.objects.values()) == before
    assert audit_events() == []
    assert "edit the accessibility" not in client.get("/accessibility/").content.decode()


@pytest.mark.parametrize(("changes", "message", "anchor"), [
    ({"contact_email": "not an email"}, "Enter the contact email address in the correct format",
     "id_contact_email"),
    ({"dpo_email": "dpo@"}, "Enter the data protection officer’s email address in the",
     "id_dpo_email"),
    ({"statement_prepared": "31 2 2025"}, "Statement prepared on must be a real date",
     "id_statement_prepared"),
    ({"last_tested": "1 x 2025"}, "Website last tested on must be a real date",
     "id_last_tested"),
    ({"statement_prepared": "1 5 2025", "statement_reviewed": "1 4 2025"},
     "The statement cannot be reviewed before it was prepared", "id_statement_reviewed"),
    ({"response_days": "0"}, "Days to reply must be between 1 and 90", "id_response_days"),
    ({"response_days": "ten"}, "Days to reply must be a whole number", "id_response_days"),
    ({"compliance": "mostly"}, "Select a valid choice", "id_compliance_0"),
    ({"team_name": "x" * 201}, "must be 200 characters or fewer", "id_team_name"),
])
def test_invalid_input_shows_govuk_errors(client: Client, organisation: Organisation,
                                          make_user: Callable[..., User],
                                          changes: dict[str, str], message: str,
                                          anchor: str) -> None:
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post("/site-pages/", form_data(**changes))
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "’").replace("'", "’")
    assert "<title>Error: Accessibility, privacy and cookies pages" in html
    assert 'class="govuk-error-summary"' in html and "There is a problem" in html
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert f'href="#{anchor}"' in summary and message in summary, summary
    assert 'class="govuk-error-message"' in html
    assert f'id="{anchor}"' in html
    assert not SitePages.objects.exists() and audit_events() == []


def test_rich_text_is_sanitised(client: Client, organisation: Organisation,
                                make_user: Callable[..., User]) -> None:
    client.force_login(make_user(Role.ADMINISTRATOR))
    dirty = ('<p onclick="steal()">Read our <a href="javascript:alert(1)">policy</a> and '
             '<a href="https://example.gov.uk/records">records</a>.</p>'
             '<script>alert("x")</script><style>body{display:none}</style>'
             '<img src=x onerror=alert(2)>')
    response = client.post("/site-pages/", form_data(accessibility_extra=dirty,
                                                     cookies_extra=dirty))
    assert response.status_code == 302
    stored = SitePages.objects.get()
    for value in (stored.accessibility_extra, stored.cookies_extra):
        assert "<script" not in value and "alert" not in value and "onclick" not in value
        assert "<style" not in value and "<img" not in value and "javascript:" not in value
        assert 'href="https://example.gov.uk/records"' in value
    for path in ("/accessibility/", "/cookies/"):
        html = Client().get(path).content.decode()
        assert "Read our" in html and 'href="https://example.gov.uk/records"' in html
        assert "alert" not in html and "steal()" not in html and "javascript:" not in html
    # a record written behind the service's back is sanitised when shown
    SitePages.objects.filter(pk=stored.pk).update(privacy_extra=dirty)
    html = Client().get("/privacy/").content.decode()
    assert "Read our" in html and "alert" not in html and "steal()" not in html


def test_the_admin_saves_through_the_service(client: Client, organisation: Organisation) -> None:
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    data = {"organisation": organisation.pk, "compliance": "partial",
            "contact_email": "admin@north-example.gov.uk",
            "privacy_extra": 'Hello<script>alert(1)</script>'}
    for name in EDITABLE_FIELDS:
        data.setdefault(name, "")
    response = client.post("/admin/sitepages/sitepages/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = SitePages.objects.get()
    assert stored.contact_email == "admin@north-example.gov.uk"
    assert "script" not in stored.privacy_extra and "alert" not in stored.privacy_extra
    [event] = audit_events()
    assert event.user == admin and "contact email" in event.summary
    data["contact_email"] = "changed@north-example.gov.uk"
    response = client.post(f"/admin/sitepages/sitepages/{stored.pk}/change/", data)
    assert response.status_code == 302
    assert len(audit_events()) == 2
    assert audit_events()[0].detail["changes"]["contact_email"]["new"] == \
        "changed@north-example.gov.uk"
    # no deleting: each change is audited, a deletion would not be
    assert client.get(f"/admin/sitepages/sitepages/{stored.pk}/delete/").status_code == 403


def test_the_details_are_in_the_dump(organisation: Organisation, tmp_path: Any) -> None:
    from kpiboard.data.backup import database_dump

    SitePages.objects.create(organisation=organisation, dpo_email="dpo@north-example.gov.uk")
    database_dump(tmp_path / "dump.json")
    text = (tmp_path / "dump.json").read_text(encoding="utf-8")
    assert '"model": "sitepages.sitepages"' in text and "dpo@north-example.gov.uk" in text
