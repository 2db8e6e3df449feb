from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from kpiboard.data import models as m
from kpiboard.engine.numbers import number_problem


class RevisionInline(admin.TabularInline[m.ValueRevision, m.PeriodValue]):
    model = m.ValueRevision
    extra = 0
    can_delete = False
    readonly_fields = ("revision", "old_text", "new_text", "old_state", "new_state",
                       "changed_at", "changed_by", "reason", "source")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class PeriodValueForm(forms.ModelForm[m.PeriodValue]):
    """A value as the imports and the entry form check it: each number within the bounded
    number type, and no negative value or numerator unless the KPI allows negatives."""

    class Meta:
        model = m.PeriodValue
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kpi = data.get("kpi")
        for name in ("value", "numerator", "denominator"):
            number = data.get(name)
            if number is None:
                continue
            problem = number_problem(number)
            if problem is not None:
                self.add_error(name, f"kpiboard cannot store this number: {problem}")
            elif number < 0 and (name == "denominator" or (
                    kpi is not None and not kpi.negatives_allowed)):
                whose = "a denominator" if name == "denominator" else \
                    f"{getattr(kpi, 'ref', 'the KPI')} does not allow negatives (negative: allowed)"
                self.add_error(name, f"Must be 0 or more: {whose}")
        return data


@admin.register(m.PeriodValue)
class PeriodValueAdmin(admin.ModelAdmin[m.PeriodValue]):
    form = PeriodValueForm
    list_display = ["kpi", "sub_measure", "period", "text", "state", "revision", "updated_at"]
    list_filter = ["kpi__kpi_set__organisation", "kpi__kpi_set__year", "state",
                   "kpi__directorate", "kpi__key_commitment", "period"]
    search_fields = ["kpi__ref", "kpi__name", "sub_measure", "text"]
    list_select_related = ["kpi"]
    readonly_fields = ["revision", "updated_at", "updated_by"]
    inlines = [RevisionInline]


@admin.register(m.ValueRevision)
class ValueRevisionAdmin(admin.ModelAdmin[m.ValueRevision]):
    list_display = ["period_value", "revision", "old_text", "new_text", "changed_at",
                    "changed_by", "source"]
    list_filter = ["period_value__kpi__kpi_set__year", "changed_at"]
    search_fields = ["period_value__kpi__ref", "reason", "source"]
    list_select_related = ["period_value__kpi"]


@admin.register(m.Commentary)
class CommentaryAdmin(admin.ModelAdmin[m.Commentary]):
    list_display = ["kpi", "sub_measure", "period", "updated_at", "author"]
    list_filter = ["kpi__kpi_set__year", "period", "kpi__directorate"]
    search_fields = ["kpi__ref", "html"]


@admin.register(m.StatusOverride)
class StatusOverrideAdmin(admin.ModelAdmin[m.StatusOverride]):
    list_display = ["kpi", "sub_measure", "period", "status", "reason", "set_by", "set_at"]
    list_filter = ["kpi__kpi_set__year", "status"]
    search_fields = ["kpi__ref", "reason"]


@admin.register(m.ProjectStatus)
class ProjectStatusAdmin(admin.ModelAdmin[m.ProjectStatus]):
    list_display = ["name", "rag", "due_date", "period", "organisation"]
    list_filter = ["organisation", "period", "rag"]
    search_fields = ["name", "narrative"]


@admin.register(m.PublishedFigure)
class PublishedFigureAdmin(admin.ModelAdmin[m.PublishedFigure]):
    list_display = ["kpi", "sub_measure", "period", "figure", "text", "state", "source",
                    "updated_at"]
    list_filter = ["kpi__kpi_set__organisation", "kpi__kpi_set__year", "figure", "period"]
    search_fields = ["kpi__ref", "text"]
    list_select_related = ["kpi"]
    readonly_fields = ["updated_at"]
