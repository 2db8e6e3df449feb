from django.apps import AppConfig


class ReportFilesConfig(AppConfig):
    name = "kpiboard.reportfiles"
    label = "reportfiles"
    verbose_name = "Report files"
    default_auto_field = "django.db.models.BigAutoField"
