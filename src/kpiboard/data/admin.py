"""The records in the admin: values, their revisions, commentary, status overrides and
published figures are **read-only** here (and so are audit events, see ``audit.admin``).

kpiboard changes a record only through its services, which keep a revision of every figure
and write an audit event; an edit in the admin would do neither (and commentary would skip the
sanitiser). So the admin shows these records and nothing more: no add, no change, no delete,
no bulk delete. Corrections are made on the app's pages, with a reason — see
docs/adr/0008-records-change-only-through-services.md.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from kpiboard.data import models as m

RECORDS_NOTE = (
    "These records are read-only in the admin: kpiboard keeps a revision of every figure and "
    "an audit event for every change, which an edit here would skip. Correct a figure on its "
    "page in kpiboard (Your KPIs, then the KPI): in a published period the performance team "
    "revises it there, giving the reason. Values files imported with a reason "
    "(kpiboard import values --reason …) are recorded the same way.")


class ReadOnlyRecordAdmin(admin.ModelAdmin[Any]):
    """Viewable only. Without the change permission Django shows the change page without its
    save buttons and refuses a POST (403); without the delete permission it refuses the
    delete page and leaves out the "delete selected" action."""

    change_form_template = "admin/kpiboard_records/change_form.html"
    change_list_template = "admin/kpiboard_records/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def correct_url(self, obj: Any) -> str:
        """Where ``obj`` is corrected in the app, if it has such a page."""
        return ""

    def changelist_view(self, request: HttpRequest,
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "records_note": RECORDS_NOTE})

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        obj = self.get_object(request, object_id)
        return super().change_view(request, object_id, form_url, {
            **(extra_context or {}), "records_note": RECORDS_NOTE,
            "correct_url": self.correct_url(obj) if obj is not None else ""})


def entry_url(kpi: Any, period: str) -> str:
    """The entry page of ``kpi``'s figure for ``period`` (where it is corrected)."""
    try:
        return reverse("workflow:entry_form", args=[period.replace("/", "-"),
                                                    kpi.kpi_set.year.replace("/", "-"),
                                                    kpi.ref])
    except NoReverseMatch:
        return ""


class RevisionInline(admin.TabularInline[m.ValueRevision, m.PeriodValue]):
    model = m.ValueRevision
    extra = 0
    can_delete = False
    readonly_fields = ("revision", "old_text", "new_text", "old_state", "new_state",
                       "changed_at", "changed_by", "reason", "source")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(m.PeriodValue)
class PeriodValueAdmin(ReadOnlyRecordAdmin):
    list_display = ["kpi", "sub_measure", "period", "text", "state", "revision", "updated_at"]
    list_filter = ["kpi__kpi_set__organisation", "kpi__kpi_set__year", "state",
                   "kpi__directorate", "kpi__key_commitment", "period"]
    search_fields = ["kpi__ref", "kpi__name", "sub_measure", "text"]
    list_select_related = ["kpi"]
    inlines = [RevisionInline]

    def correct_url(self, obj: Any) -> str:
        return entry_url(obj.kpi, obj.period)


@admin.register(m.ValueRevision)
class ValueRevisionAdmin(ReadOnlyRecordAdmin):
    list_display = ["period_value", "revision", "old_text", "new_text", "changed_at",
                    "changed_by", "source"]
    list_filter = ["period_value__kpi__kpi_set__year", "changed_at"]
    search_fields = ["period_value__kpi__ref", "reason", "source"]
    list_select_related = ["period_value__kpi"]

    def correct_url(self, obj: Any) -> str:
        return entry_url(obj.period_value.kpi, obj.period_value.period)


@admin.register(m.Commentary)
class CommentaryAdmin(ReadOnlyRecordAdmin):
    list_display = ["kpi", "sub_measure", "period", "updated_at", "author"]
    list_filter = ["kpi__kpi_set__year", "period", "kpi__directorate"]
    search_fields = ["kpi__ref", "html"]

    def correct_url(self, obj: Any) -> str:
        return entry_url(obj.kpi, obj.period)


@admin.register(m.StatusOverride)
class StatusOverrideAdmin(ReadOnlyRecordAdmin):
    list_display = ["kpi", "sub_measure", "period", "status", "reason", "set_by", "set_at"]
    list_filter = ["kpi__kpi_set__year", "status"]
    search_fields = ["kpi__ref", "reason"]


@admin.register(m.ProjectStatus)
class ProjectStatusAdmin(admin.ModelAdmin[m.ProjectStatus]):
    list_display = ["name", "rag", "due_date", "period", "organisation"]
    list_filter = ["organisation", "period", "rag"]
    search_fields = ["name", "narrative"]


@admin.register(m.PublishedFigure)
class PublishedFigureAdmin(ReadOnlyRecordAdmin):
    list_display = ["kpi", "sub_measure", "period", "figure", "text", "state", "source",
                    "updated_at"]
    list_filter = ["kpi__kpi_set__organisation", "kpi__kpi_set__year", "figure", "period"]
    search_fields = ["kpi__ref", "text"]
    list_select_related = ["kpi"]
