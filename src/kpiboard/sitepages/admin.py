"""The council's details for the accessibility, privacy and cookies pages in the admin; saved
through the same service as the page in the web application (so each change is audited and
its rich text sanitised)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.forms import ModelForm
from django.http import HttpRequest

from kpiboard.accounts.access import access_for
from kpiboard.sitepages.models import EDITABLE_FIELDS, SitePages
from kpiboard.sitepages.services import SitePagesNotAllowed, site_pages_save


@admin.register(SitePages)
class SitePagesAdmin(admin.ModelAdmin[SitePages]):
    list_display = ["organisation", "contact_email", "compliance", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organisation"]}),
        ("Contact", {"fields": ["team_name", "contact_email", "contact_phone",
                                "postal_address"]}),
        ("Accessibility statement", {"fields": [
            "accessibility_email", "response_days", "compliance", "non_compliance",
            "disproportionate_burden", "out_of_scope", "improvements", "statement_prepared",
            "statement_reviewed", "last_tested", "tested_by", "accessibility_extra"]}),
        ("Privacy notice", {"fields": ["dpo_name", "dpo_email", "dpo_phone",
                                       "ico_registration", "retention_period",
                                       "privacy_extra"]}),
        ("Cookies page", {"fields": ["cookies_extra"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: SitePages | None = None
                            ) -> list[str]:
        fields = list(self.readonly_fields)
        return [*fields, "organisation"] if obj is not None else fields

    def has_delete_permission(self, request: HttpRequest, obj: SitePages | None = None
                              ) -> bool:
        return False  # empty the fields instead: each change is audited

    def save_model(self, request: HttpRequest, obj: SitePages, form: ModelForm[SitePages],
                   change: bool) -> None:
        values: dict[str, Any] = {n: form.cleaned_data[n] for n in EDITABLE_FIELDS
                                  if n in form.cleaned_data}
        access = access_for(request.user, obj.organisation)
        try:
            saved, _ = site_pages_save(access=access, organisation=obj.organisation,
                                       values=values)
        except SitePagesNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = saved.pk
        obj.refresh_from_db()
