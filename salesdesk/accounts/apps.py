from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "salesdesk.accounts"
    label = "accounts"
