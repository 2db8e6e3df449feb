from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kpiboard.audit"
    label = "audit"
    verbose_name = "Audit trail"
