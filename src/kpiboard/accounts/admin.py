"""Memberships (a person's roles in an organisation) in the admin: on each user's page, and
as their own list."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from kpiboard.accounts.models import Membership


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1
    fields = ["organisation", "role", "scope"]


admin.site.unregister(User)


@admin.register(User)
class KpiboardUserAdmin(UserAdmin[User]):
    inlines = [*UserAdmin.inlines, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organisation", "role", "scope"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
