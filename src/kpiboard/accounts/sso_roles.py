"""Single sign-on's roles: the memberships that a person's group or role claims give them
(``SsoRoleMapping``), kept in step at each single sign-on.

Memberships given by single sign-on (``Membership.from_sso``) are added, re-scoped and removed
to match the claims; memberships given by hand are never touched (one given by hand for the
same organisation and role wins). Each change is an audit event (``Action.ROLE_CHANGED``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from kpiboard.accounts.models import Membership, Role, SsoRoleMapping
from kpiboard.audit.models import Action, audit_record

RoleKey = tuple[int, str]  # (organisation id, role)


def claim_values(claims: Mapping[str, Any], claim: str) -> set[str]:
    """The values of one claim as strings: a list claim (``groups``, ``roles``) or one value."""
    raw = claims.get(claim)
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        return {str(raw)}
    if isinstance(raw, list | tuple):
        return {str(v) for v in raw if isinstance(v, str | int) and not isinstance(v, bool)}
    return set()


def roles_from_claims(*, claims: Mapping[str, Any]) -> dict[RoleKey, list[str]]:
    """Which roles (with their joined scopes) the mappings give for these claims."""
    wanted: dict[RoleKey, set[str]] = defaultdict(set)
    for mapping in SsoRoleMapping.objects.all():
        if mapping.value in claim_values(claims, mapping.claim):
            wanted[(mapping.organisation_id, mapping.role)].update(
                str(s) for s in (mapping.scope or []))
    return {key: sorted(scope) for key, scope in wanted.items()}


def _describe(role: str, scope: list[str]) -> str:
    label = Role(role).label if role in Role.values else role
    return f"{label} ({', '.join(scope)})" if scope else label


def _audit(membership: Membership, *, change: str, summary: str,
           old_scope: list[str] | None = None) -> None:
    detail: dict[str, object] = {
        "person": membership.user.username, "role": membership.role,
        "scope": list(membership.scope), "change": change, "source": "single sign-on"}
    if old_scope is not None:
        detail["old_scope"] = old_scope
    audit_record(organisation=membership.organisation, action=Action.ROLE_CHANGED,
                 summary=summary, user=membership.user, detail=detail)


@transaction.atomic
def sync_sso_memberships(*, user: User, wanted: Mapping[RoleKey, list[str]]) -> list[str]:
    """Make the user's single sign-on memberships exactly ``wanted``; return what changed,
    in words (each change is also audited)."""
    changes: list[str] = []
    existing = {(m.organisation_id, m.role): m
                for m in Membership.objects.select_for_update().filter(user=user)
                .select_related("organisation", "user")}
    for (organisation_id, role), scope in sorted(wanted.items()):
        membership = existing.get((organisation_id, role))
        if membership is None:
            membership = Membership.objects.create(
                user=user, organisation_id=organisation_id, role=role, scope=scope,
                from_sso=True)
            summary = f"{user.username} given the role {_describe(role, scope)} by single sign-on"
            _audit(membership, change="added", summary=summary)
        elif not membership.from_sso or sorted(membership.scope) == scope:
            continue  # given by hand (kept as it is), or already right
        else:
            old_scope = list(membership.scope)
            membership.scope = scope
            membership.save(update_fields=["scope"])
            summary = (f"{user.username}'s role {membership.get_role_display()} rescoped by "
                       f"single sign-on: {', '.join(old_scope) or 'none'} → "
                       f"{', '.join(scope) or 'none'}")
            _audit(membership, change="scope", summary=summary, old_scope=old_scope)
        changes.append(summary)
    for key, membership in sorted(existing.items()):
        if membership.from_sso and key not in wanted:
            summary = (f"{user.username}'s role {_describe(membership.role, membership.scope)} "
                       "removed by single sign-on")
            _audit(membership, change="removed", summary=summary)
            membership.delete()
            changes.append(summary)
    return changes
