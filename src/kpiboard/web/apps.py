from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kpiboard.web"
    label = "web"
    verbose_name = "Web application"
