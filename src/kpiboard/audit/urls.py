from django.urls import path

from kpiboard.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.log, name="log"),
    path("audit/<str:year>/<path:ref>/", views.kpi_log, name="kpi"),
]
