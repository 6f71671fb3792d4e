"""What the apps' API resources share: registration and the read-only refusal.

Each app defines its routers in its own `api.py` and registers them from its AppConfig.ready():

    from salesdesk.api.resources import register
    register({"customers": customers, "contacts": contacts})

The API object mounts them under /api/v1/<name>/ and lists them at /api/v1/.
"""

from django.utils.translation import gettext as _
from ninja import Router

RESOURCES: dict[str, Router] = {}


def register(resources: dict[str, Router]) -> None:
    from .api import api

    for name, router in resources.items():
        if name in RESOURCES:
            raise ValueError(f"API resource {name!r} is registered twice")
        RESOURCES[name] = router
        api.add_router(f"/{name}/", router)


WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def read_only(router: Router) -> None:
    """Answer write methods on the list and detail paths with a JSON 405 (Django's own answer
    would be plain text)."""

    def refuse(request):
        from .api import api

        response = api.create_response(request, {"message": _("This resource is read-only: use GET.")}, status=405)
        response["Allow"] = "GET"
        return response

    @router.api_operation(WRITE_METHODS, "/", auth=None, include_in_schema=False)
    def list_not_allowed(request):
        return refuse(request)

    @router.api_operation(WRITE_METHODS, "/{int:id}/", auth=None, include_in_schema=False)
    def detail_not_allowed(request, id: int):
        return refuse(request)
