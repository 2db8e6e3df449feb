from django.urls import path

from kpiboard.workflow.views import approvals, entry, overdue, periods, years

app_name = "workflow"

urlpatterns = [
    path("entry/", entry.entry_list, name="entry"),
    path("entry/<str:period>/<str:year>/<path:ref>/", entry.entry_form, name="entry_form"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/<int:pk>/", approvals.decide, name="decide"),
    path("periods/", periods.periods, name="periods"),
    path("periods/<str:period>/<str:action>/", periods.period_action, name="period_action"),
    path("years/", years.years, name="years"),
    path("years/<str:year>/<str:action>/", years.year_action, name="year_action"),
    path("overdue/", overdue.overdue, name="overdue"),
    path("overdue/csv/", overdue.overdue_csv, name="overdue_csv"),
]
