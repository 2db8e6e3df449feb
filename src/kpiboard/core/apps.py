from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kpiboard.core"
    label = "core"
    verbose_name = "kpiboard"
