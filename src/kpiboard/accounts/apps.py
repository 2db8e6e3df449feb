from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kpiboard.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from kpiboard.accounts import signin_audit  # noqa: F401  (connects its receivers)
