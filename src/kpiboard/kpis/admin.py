from __future__ import annotations

from django.contrib import admin

from kpiboard.kpis import models as m


@admin.register(m.Organisation)
class OrganisationAdmin(admin.ModelAdmin[m.Organisation]):
    list_display = ["name", "short_name", "default_rating_scheme", "default_direction_scheme",
                    "separation_of_duties"]
    search_fields = ["name", "short_name"]


@admin.register(m.RatingScheme, m.DirectionScheme)
class SchemeAdmin(admin.ModelAdmin[m.RatingScheme]):
    list_display = ["name", "title", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "title"]


@admin.register(m.KeyCommitment)
class KeyCommitmentAdmin(admin.ModelAdmin[m.KeyCommitment]):
    list_display = ["name", "code", "organisation", "order"]
    list_filter = ["organisation"]
    search_fields = ["name", "code"]


class ServiceInline(admin.TabularInline[m.Service, m.Directorate]):
    model = m.Service
    extra = 0


@admin.register(m.Directorate)
class DirectorateAdmin(admin.ModelAdmin[m.Directorate]):
    list_display = ["name", "organisation", "rating_scheme", "direction_scheme"]
    list_filter = ["organisation"]
    search_fields = ["name", "services__name"]
    inlines = [ServiceInline]


class KpiChangeInline(admin.TabularInline[m.KpiChange, m.KpiSet]):
    model = m.KpiChange
    extra = 0


@admin.register(m.KpiSet)
class KpiSetAdmin(admin.ModelAdmin[m.KpiSet]):
    list_display = ["year", "organisation"]
    list_filter = ["organisation", "year"]
    inlines = [KpiChangeInline]


class SubMeasureInline(admin.TabularInline[m.SubMeasure, m.Kpi]):
    model = m.SubMeasure
    extra = 0


class TargetInline(admin.TabularInline[m.Target, m.Kpi]):
    model = m.Target
    extra = 0
    fields = ["year", "sub_measure", "text", "annual", "per_month", "profile",
              "cumulative_profile", "straight_line", "band_low", "band_high", "qualifier",
              "no_target"]


class BenchmarkInline(admin.TabularInline[m.Benchmark, m.Kpi]):
    model = m.Benchmark
    extra = 0


@admin.register(m.Kpi)
class KpiAdmin(admin.ModelAdmin[m.Kpi]):
    list_display = ["ref", "name", "year", "directorate", "department", "key_commitment",
                    "polarity", "frequency"]
    list_filter = ["kpi_set__organisation", "kpi_set__year", "sets", "directorate",
                   "key_commitment", "frequency", "polarity", "status"]
    search_fields = ["ref", "name", "description", "department", "team"]
    list_select_related = ["kpi_set"]
    inlines = [SubMeasureInline, TargetInline, BenchmarkInline]
    fieldsets = [
        (None, {"fields": ["kpi_set", "ref", "name", "description", "status", "order"]}),
        ("Where it sits", {"fields": ["key_commitment", "priority", "directorate",
                                      "department", "team", "portfolio", "sets"]}),
        ("How it is measured", {"fields": ["unit", "decimals", "polarity", "basis",
                                           "frequency", "arrears_months", "data_source",
                                           "statutory", "statutory_text"]}),
        ("Judgement", {"fields": ["tolerance", "rating_scheme", "direction_scheme",
                                  "travel_basis", "rationale", "notes"]}),
    ]

    @admin.display(ordering="kpi_set__year")
    def year(self, obj: m.Kpi) -> str:
        return obj.kpi_set.year
