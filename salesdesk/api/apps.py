from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "salesdesk.api"
    label = "api"
