from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The document kernel: what every business document shares (abstract models, the approval glue).
    It has no tables of its own."""

    name = "salesdesk.documents"
    label = "documents"
