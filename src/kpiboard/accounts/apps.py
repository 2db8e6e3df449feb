from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kpiboard.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
