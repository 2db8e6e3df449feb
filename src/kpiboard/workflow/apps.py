from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "kpiboard.workflow"
    label = "workflow"
    verbose_name = "Data entry and sign-off"
