from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "salesdesk.workbench"
    label = "workbench"
