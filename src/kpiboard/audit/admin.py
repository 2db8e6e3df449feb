"""The audit trail in the admin: viewable only, like the records it describes."""

from __future__ import annotations

from django.contrib import admin

from kpiboard.audit.models import AuditEvent
from kpiboard.data.admin import ReadOnlyRecordAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyRecordAdmin):
    list_display = ["at", "organisation", "action", "ref", "period", "user", "summary"]
    list_filter = ["organisation", "action", "at"]
    search_fields = ["ref", "summary", "user__username"]
    list_select_related = ["organisation", "user"]
    date_hierarchy = "at"
