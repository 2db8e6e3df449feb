"""What the accessibility, privacy and cookies pages show: the council's details where it has
given them, else kpiboard's own facts in wording that reads correctly without them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from kpiboard.data.services import sanitise
from kpiboard.kpis.models import Organisation
from kpiboard.sitepages.models import Compliance, SitePages

DEFAULT_TEAM = "the performance team"


def site_pages_get(*, organisation: Organisation | None) -> SitePages | None:
    """The organisation's record, or None when it has not saved one (or there is none)."""
    if organisation is None:
        return None
    return SitePages.objects.filter(organisation=organisation).first()


def rich(text: str) -> SafeString:
    """Stored rich text as safe HTML (sanitised again, whatever wrote it)."""
    return mark_safe(sanitise(text)) if text and text.strip() else SafeString("")


def duration_words(seconds: int) -> str:
    """A cookie's lifetime in words: 1209600 → "2 weeks", 31449600 → "1 year"."""
    days, rest = divmod(int(seconds), 86400)
    if days and not rest:
        if 364 <= days <= 366:
            return "1 year"
        if days % 7 == 0:
            weeks = days // 7
            return f"{weeks} week{'s' if weeks != 1 else ''}"
        return f"{days} day{'s' if days != 1 else ''}"
    hours, rest = divmod(int(seconds), 3600)
    if hours and not rest:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(int(seconds) / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def cookies_set() -> list[Cookie]:
    """The cookies kpiboard sets, with their names and lifetimes as the settings make them."""
    out: list[Cookie] = []
    if getattr(settings, "SESSION_EXPIRE_AT_BROWSER_CLOSE", False):
        session_expires = "When you close your browser"
    else:
        session_expires = duration_words(settings.SESSION_COOKIE_AGE)
    out.append(Cookie(settings.SESSION_COOKIE_NAME,
                      "Keeps you signed in. Set only when you sign in; deleted when you sign "
                      "out.", session_expires))
    if not settings.CSRF_USE_SESSIONS:
        out.append(Cookie(
            settings.CSRF_COOKIE_NAME,
            "Protects forms, such as the sign-in form, from being sent by another website "
            "pretending to be you (cross-site request forgery).",
            duration_words(settings.CSRF_COOKIE_AGE) if settings.CSRF_COOKIE_AGE
            else "When you close your browser"))
    storage = import_string(getattr(settings, "MESSAGE_STORAGE",
                                    "django.contrib.messages.storage.fallback.FallbackStorage"))
    if issubclass(storage, CookieStorage) or any(
            issubclass(s, CookieStorage) for s in getattr(storage, "storage_classes", ())):
        out.append(Cookie(CookieStorage.cookie_name,
                          "Carries a confirmation, such as “Figures saved”, to the next page "
                          "you see after a form. Set only for people who are signed in.",
                          "When it has been shown, or when you close your browser"))
    return out


@dataclass(frozen=True)
class Contact:
    """How to contact the council about one of these pages (empty fields are not shown)."""

    team: str
    email: str
    phone: str
    address_lines: list[str]
    website: str
    organisation_name: str

    @property
    def any(self) -> bool:
        return bool(self.email or self.phone or self.address_lines)


@dataclass(frozen=True)
class PagesView:
    organisation_name: str
    website: str
    saved: bool  # the council has saved its details
    contact: Contact
    accessibility_contact: Contact
    dpo: Contact
    response_days: int | None
    compliance: str
    compliance_label: str
    non_compliance: SafeString
    disproportionate_burden: SafeString
    out_of_scope: SafeString
    improvements: SafeString
    statement_prepared: date | None
    statement_reviewed: date | None
    last_tested: date | None
    tested_by: str
    updated_at: datetime | None
    ico_registration: str
    retention_period: str
    accessibility_extra: SafeString
    privacy_extra: SafeString
    cookies_extra: SafeString
    cookies: list[Cookie] = field(default_factory=list)


def pages_view(*, organisation: Organisation | None) -> PagesView:
    record = site_pages_get(organisation=organisation)
    pages = record or SitePages()
    name = organisation.name if organisation else "The council"
    website = organisation.website if organisation else ""
    address = [line.strip() for line in pages.postal_address.splitlines() if line.strip()]
    team = pages.team_name.strip() or DEFAULT_TEAM
    contact = Contact(team, pages.contact_email, pages.contact_phone, address, website, name)
    accessibility = Contact(team, pages.accessibility_email or pages.contact_email,
                            pages.contact_phone, address, website, name)
    dpo = Contact(pages.dpo_name.strip() or "the data protection officer",
                  pages.dpo_email, pages.dpo_phone,
                  address if pages.dpo_email or pages.dpo_phone else [], website, name)
    compliance = pages.compliance or Compliance.PARTIAL
    return PagesView(
        organisation_name=name, website=website, saved=record is not None,
        contact=contact, accessibility_contact=accessibility, dpo=dpo,
        response_days=pages.response_days, compliance=compliance,
        compliance_label=Compliance(compliance).label.lower(),
        non_compliance=rich(pages.non_compliance),
        disproportionate_burden=rich(pages.disproportionate_burden),
        out_of_scope=rich(pages.out_of_scope), improvements=rich(pages.improvements),
        statement_prepared=pages.statement_prepared or (
            record.created_at.date() if record is not None else None),
        statement_reviewed=pages.statement_reviewed, last_tested=pages.last_tested,
        tested_by=pages.tested_by.strip(),
        updated_at=record.updated_at if record is not None else None,
        ico_registration=pages.ico_registration.strip(),
        retention_period=pages.retention_period.strip(),
        accessibility_extra=rich(pages.accessibility_extra),
        privacy_extra=rich(pages.privacy_extra), cookies_extra=rich(pages.cookies_extra),
        cookies=cookies_set(),
    )
