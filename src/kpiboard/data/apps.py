from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "kpiboard.data"
    label = "data"
    verbose_name = "Performance data"
