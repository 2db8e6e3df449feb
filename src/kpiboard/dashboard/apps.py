from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "kpiboard.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard and KPI pages"
