"""Memberships (a person's roles in an organisation) in the admin: on each user's page, and
as their own list."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from kpiboard.accounts.models import Membership, SsoIdentity, SsoRoleMapping


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1
    fields = ["organisation", "role", "scope", "from_sso"]


admin.site.unregister(User)


@admin.register(User)
class KpiboardUserAdmin(UserAdmin[User]):
    inlines = [*UserAdmin.inlines, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organisation", "role", "scope", "from_sso"]
    list_filter = ["organisation", "role", "from_sso"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(SsoRoleMapping)
class SsoRoleMappingAdmin(admin.ModelAdmin[SsoRoleMapping]):
    """Which group or role claims give which roles (docs/security.md, "Single sign-on")."""

    list_display = ["claim", "value", "note", "organisation", "role", "scope"]
    list_filter = ["organisation", "claim", "role"]
    search_fields = ["value", "note"]


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin[SsoIdentity]):
    """Who signed in with single sign-on: read-only (made at the first sign-in; delete one to
    let the same person be linked afresh)."""

    list_display = ["user", "issuer", "subject", "first_sign_in", "last_sign_in"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "issuer", "subject", "first_sign_in", "last_sign_in"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
