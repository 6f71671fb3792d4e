from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company (`manage.py demo_setup`): it may import every app; no app imports it."""

    name = "salesdesk.demo"
    label = "demo"
