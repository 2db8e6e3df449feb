from django.urls import path

from kpiboard.dashboard.views import framework, index, kpi, reports

app_name = "dashboard"

urlpatterns = [
    path("", index.index, name="index"),
    path("kpis/<str:year>/<path:ref>/", kpi.kpi_page, name="kpi"),
    path("reports/", reports.choose, name="reports"),
    path("reports/report.css", reports.stylesheet, name="report_css"),
    path("reports/<str:period>/<str:layout>/", reports.report_page, name="report"),
    path("reports/<str:period>/<str:layout>.<str:fmt>", reports.download,
         name="report_download"),
    path("framework/", framework.kpi_sets, name="framework"),
    path("framework/changes/", framework.changes, name="framework_changes"),
    path("framework/counts/", framework.counts, name="framework_counts"),
]
