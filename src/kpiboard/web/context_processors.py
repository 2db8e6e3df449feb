"""``site``: what every page's shell (web/base.html) shows — the organisation's name, logo and
colours, the navigation the person may use, and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from kpiboard.accounts.access import Access, access_for
from kpiboard.kpis.models import Organisation
from kpiboard.web.colours import parse_hex, text_colour_for

# The service navigation: (label, URL name, the action that shows it), in order.
NAV: list[tuple[str, str, str]] = [
    ("Dashboard", "dashboard:index", "view"),
    ("Reports", "dashboard:reports", "view"),
    ("Framework", "dashboard:framework", "view"),
    ("Your KPIs", "workflow:entry", "enter_values"),
    ("Approvals", "workflow:approvals", "approve"),
    ("Periods", "workflow:periods", "publish"),
    ("Overdue", "workflow:overdue", "view_overdue"),
    ("Audit", "audit:log", "view_audit"),
    ("Admin", "admin:index", "admin"),
]

# The footer's links to the pages a public body must publish: (label, URL name), for everyone.
FOOTER: list[tuple[str, str]] = [
    ("Accessibility statement", "sitepages:accessibility"),
    ("Privacy", "sitepages:privacy"),
    ("Cookies", "sitepages:cookies"),
]

SERVICE_SUFFIX = "performance"  # "<organisation> performance", as in every page title


class NavItem(NamedTuple):
    label: str
    url: str
    active: bool  # the current page is this item's page or below it


@dataclass(frozen=True)
class Site:
    organisation: Organisation | None
    name: str  # the organisation's name, or "kpiboard" when there is none yet
    logo_url: str = ""
    website: str = ""
    brand_colour: str = ""  # "#rrggbb", or "" for GOV.UK's own colours
    text_colour: str = ""  # white or black, whichever contrasts more with brand_colour
    nav: list[NavItem] = field(default_factory=list)
    footer_links: list[NavItem] = field(default_factory=list)
    home_url: str = "/"
    signed_in: bool = False
    user_name: str = ""
    role_names: list[str] = field(default_factory=list)
    sign_in_url: str = ""
    sign_out_url: str = ""

    @property
    def service_name(self) -> str:
        return f"{self.name} {SERVICE_SUFFIX}"

    @property
    def brand_style(self) -> str:
        """The inline style for the header and service navigation ("" without a brand)."""
        if not self.brand_colour:
            return ""
        return (f"background-color: {self.brand_colour}; --kb-brand-text: {self.text_colour}; "
                f"--govuk-text-colour: {self.text_colour}")


def _reverse(name: str) -> str | None:
    # The pages are written app by app: a URL name that does not exist (yet) leaves its item
    # out of the navigation instead of breaking every page.
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _is_active(url: str, path: str) -> bool:
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


def request_access(request: HttpRequest) -> Access:
    """``request.access`` (set by AccessMiddleware), or the same built here without it."""
    access = getattr(request, "access", None)
    if access is None:
        access = access_for(getattr(request, "user", None))
    return access


def build_site(request: HttpRequest | None) -> Site:
    access = request_access(request) if request is not None else access_for(None)
    org = access.organisation
    brand = org.brand_colour.strip().lower() if org and org.brand_colour else ""
    if brand and parse_hex(brand) is None:
        brand = ""  # not #rrggbb: GOV.UK's colours rather than a broken style
    path = request.path if request is not None else ""
    nav: list[NavItem] = []
    for label, name, action in NAV:
        if not access.can(action):
            continue
        url = _reverse(name)
        if url is not None:
            nav.append(NavItem(label, url, _is_active(url, path)))

    footer = [NavItem(label, url, url == path) for label, url in
              ((label, _reverse(name)) for label, name in FOOTER) if url is not None]

    user = access.user
    signed_in = bool(user is not None and user.is_authenticated)
    sign_in_url = _reverse("accounts:sign_in") or ""
    if sign_in_url and request is not None and path != sign_in_url:
        sign_in_url += "?" + urlencode({"next": request.get_full_path()})
    user_name = ""
    if signed_in and isinstance(user, User):
        user_name = user.get_full_name() or user.get_username()

    return Site(
        organisation=org,
        name=org.name if org else "kpiboard",
        logo_url=org.logo_url if org else "",
        website=org.website if org else "",
        brand_colour=brand,
        text_colour=text_colour_for(brand) if brand else "",
        nav=nav,
        footer_links=footer,
        home_url=_reverse("dashboard:index") or "/",
        signed_in=signed_in,
        user_name=user_name,
        role_names=access.role_names() if signed_in else [],
        sign_in_url=sign_in_url,
        sign_out_url=_reverse("accounts:sign_out") or "",
    )


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site": build_site(request)}
