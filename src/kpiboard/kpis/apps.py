from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpiboard.kpis"
    label = "kpis"
    verbose_name = "Performance framework"
