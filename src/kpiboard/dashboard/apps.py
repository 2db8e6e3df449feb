from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "kpiboard.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard and KPI pages"

    def ready(self) -> None:
        # A save or delete of any framework, data or workflow row bumps the generation that
        # the cached reports are keyed by (see selectors.report_get).
        from django.db.models.signals import post_delete, post_save

        from kpiboard.dashboard.selectors import bump_generation

        post_save.connect(bump_generation, dispatch_uid="kpiboard.dashboard.saved")
        post_delete.connect(bump_generation, dispatch_uid="kpiboard.dashboard.deleted")
