"""What the person making a request may see and do: one object, built once per request.

Every view asks ``request.access`` rather than checking roles itself, so the permission
matrix lives here and is tested here (``tests/web/test_permissions.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

from kpiboard.accounts.models import Membership, Role
from kpiboard.kpis.models import Organisation

# What each role may do. Data owners and approvers are further limited to their scope
# (``can_enter`` and ``can_approve``); the public (anonymous) sees published data only.
ACTIONS: dict[str, frozenset[str]] = {
    "view": frozenset({"public", *Role.values}),
    "view_unpublished": frozenset(Role.values),
    "view_workflow": frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER, Role.DATA_OWNER,
                                Role.APPROVER}),
    "enter_values": frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER, Role.DATA_OWNER}),
    "approve": frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER, Role.APPROVER}),
    "publish": frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}),
    "revise_published": frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}),
    "view_overdue": frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER, Role.APPROVER,
                               Role.DATA_OWNER}),
    "view_audit": frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}),
    # the council's details on the accessibility, privacy and cookies pages
    "edit_site_pages": frozenset({Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}),
    "admin": frozenset({Role.ADMINISTRATOR}),
}

# Which values a person sees: the public only published ones, members approved ones,
# staff who enter, approve or publish every value with its workflow state.
PUBLIC, APPROVED, ALL = "public", "approved", "all"


def norm(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


@dataclass
class Access:
    organisation: Organisation | None
    user: User | AnonymousUser | None = None
    roles: frozenset[str] = frozenset()
    # normalised team / service names: each scope name with every other name of its service
    # (renamed across years: "Housing Services" is "Housing" in 2024/25)
    owner_scope: frozenset[str] = frozenset()
    approver_scope: frozenset[str] = frozenset()  # normalised directorate names, likewise
    # the scopes as the memberships give them, for warnings
    scopes: tuple[tuple[str, str], ...] = ()  # (role, name)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def scope_warnings(self, year: str) -> list[str]:
        """A sentence for each scope name that matches no KPI of ``year``'s set (under any
        of its unit's names), so that a renamed service is not met with silence."""
        if self.organisation is None or not self.scopes:
            return []
        from kpiboard.kpis.models import Kpi

        used: dict[str, set[str]] = {Role.DATA_OWNER: set(), Role.APPROVER: set()}
        for team, dept, directorate in Kpi.objects.filter(
                kpi_set__organisation=self.organisation, kpi_set__year=year).values_list(
                "team", "department", "directorate"):
            used[Role.DATA_OWNER].update(n for n in (norm(team), norm(dept)) if n)
            used[Role.APPROVER].add(norm(directorate))
        names = unit_names(self.organisation)
        out = []
        for role, name in self.scopes:
            if not names.get(norm(name), {norm(name)}) & used[role]:
                what = "team or service" if role == Role.DATA_OWNER else "directorate"
                out.append(f"Your scope \u201c{name}\u201d ({Role(role).label.lower()}) "
                           f"matches no {what} of the {year} KPI set: ask the performance "
                           "team to record its new name, or to change your scope.")
        return out

    @property
    def is_public(self) -> bool:
        return not self.roles

    @property
    def visibility(self) -> str:
        if self.roles & {Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER, Role.DATA_OWNER,
                         Role.APPROVER}:
            return ALL
        return APPROVED if Role.VIEWER in self.roles else PUBLIC

    def can(self, action: str) -> bool:
        allowed = ACTIONS[action]  # KeyError for an unknown action: a typo must not pass
        return bool((self.roles or {"public"}) & allowed)

    def can_enter(self, kpi: Any) -> bool:
        """May enter values and commentary for ``kpi`` (a ``kpis.Kpi``)."""
        if self.roles & {Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}:
            return True
        if Role.DATA_OWNER not in self.roles:
            return False
        # An empty team or service matches nobody (a scope written as "" must not match
        # every KPI that has no team).
        return bool({n for n in (norm(kpi.team), norm(kpi.department)) if n} & self.owner_scope)

    def can_approve(self, kpi: Any) -> bool:
        """May approve or return values of ``kpi``."""
        if self.roles & {Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER}:
            return True
        return (Role.APPROVER in self.roles and bool(norm(kpi.directorate))
                and norm(kpi.directorate) in self.approver_scope)

    def role_names(self) -> list[str]:
        return [Role(r).label for r in Role.values if r in self.roles] or ["Public"]


def site_organisation() -> Organisation | None:
    """The organisation the site shows: ``KPIBOARD_ORGANISATION`` or the first by name."""
    name = getattr(settings, "KPIBOARD_ORGANISATION", "")
    qs = Organisation.objects.all()
    if name:
        return qs.filter(name=name).first() or qs.filter(short_name=name).first()
    return qs.order_by("name").first()


def access_for(user: User | AnonymousUser | None,
               organisation: Organisation | None = None) -> Access:
    """The access of ``user`` (anonymous: the public) to ``organisation`` (the site's)."""
    org = organisation if organisation is not None else site_organisation()
    if user is None or not user.is_authenticated or org is None or not user.is_active:
        return Access(org, user)
    roles: set[str] = set()
    owner: set[str] = set()
    approver: set[str] = set()
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    scopes: list[tuple[str, str]] = []
    names = unit_names(org)
    for m in Membership.objects.filter(user=user, organisation=org):
        roles.add(m.role)
        if m.role in (Role.DATA_OWNER, Role.APPROVER):
            into = owner if m.role == Role.DATA_OWNER else approver
            for s in m.scope:
                into.update(names.get(norm(s), {norm(s)}))
                scopes.append((m.role, s))
    return Access(org, user, frozenset(roles), frozenset(owner), frozenset(approver),
                  tuple(scopes))


def unit_names(organisation: Organisation) -> dict[str, frozenset[str]]:
    """Each normalised name of a directorate or service (current or former) → every name of
    that directorate or service: its identity across renames. Teams are names as they are."""
    from kpiboard.kpis.models import Directorate

    out: dict[str, frozenset[str]] = {}
    for d in Directorate.objects.filter(organisation=organisation).prefetch_related("services"):
        units = [(d.name, d.formerly), *((s.name, s.formerly) for s in d.services.all())]
        for name, formerly in units:
            all_names = frozenset(n for n in (norm(x) for x in (name, *formerly)) if n)
            for n in all_names:
                out[n] = out.get(n, frozenset()) | all_names
    return out
