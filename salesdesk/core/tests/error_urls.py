"""The project's URLs plus views that fail, for the error page tests (pytest.mark.urls)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from salesdesk.urls import handler400, handler403, handler404, handler500
from salesdesk.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


def suspicious(request):
    raise SuspiciousOperation("a mangled request")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("broken/", broken),
    path("suspicious/", suspicious),
    path("forbidden/", forbidden),
    *project_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
