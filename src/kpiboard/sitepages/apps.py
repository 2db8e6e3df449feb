from django.apps import AppConfig


class SitePagesConfig(AppConfig):
    name = "kpiboard.sitepages"
    label = "sitepages"
    verbose_name = "Accessibility, privacy and cookies pages"
