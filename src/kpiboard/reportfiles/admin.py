from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kpiboard.reportfiles.models import ReportFile


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin[ReportFile]):
    """Read only: the files are built by the worker (``kpiboard reports build``)."""

    list_display = ("period", "layout", "kpi_set", "group_by", "visibility", "fmt", "status",
                    "built_at", "seconds", "size")
    list_filter = ("period", "layout", "fmt", "visibility")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
