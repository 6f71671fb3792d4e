"""The JSON API under /api/v1/: bearer tokens, the same scope rules as the pages, JSON errors.

Errors are always `{"message": ...}` in the caller's language: the token holder's chosen language
(Employee.language), else the Accept-Language header, else Simplified Chinese (LocaleMiddleware
has already activated the latter two before the token is checked). The OpenAPI schema is at
/api/v1/openapi.json and the Swagger UI at /api/v1/docs, served from the static files that
django-ninja ships (no CDN).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from salesdesk.accounts.models import ApiToken
from salesdesk.core.contextvars import actor_for_user, current_actor

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def activate_language_of(request, user) -> None:
    """Speak the token holder's chosen language, if they chose one."""
    employee = getattr(user, "employee", None) if hasattr(user, "employee") else None
    language = employee.language if employee is not None else ""
    if language in LANGUAGE_CODES:
        translation.activate(language)
        request.LANGUAGE_CODE = language


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        request.actor = actor_for_user(user, source="api")
        current_actor.set(request.actor)
        activate_language_of(request, user)
        return user


api = NinjaAPI(
    title="Salesdesk API",
    version="1",
    description="Read-only access to the organisation and the audit log, limited to what the token's "
                "user may see. Send `Authorization: Bearer <token>`; create tokens on your profile page.",
    urls_namespace="api",
    auth=BearerToken(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request, message, status, **extra):
    response = api.create_response(request, {"message": str(message), **extra}, status=status)
    response["Content-Language"] = translation.get_language()
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, _("Not found."), 404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = _error(request, _("Authentication required: send 'Authorization: Bearer <token>'."), 401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, str(exc) or _("Permission denied."), 403)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return _error(request, "; ".join(exc.messages), 400)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    return _error(request, _("Invalid input."), 422, errors=exc.errors)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, str(exc), exc.status_code)


@api.get("/", auth=None, include_in_schema=False, url_name="index")
def index(request):
    """Where to start: the documentation and the resources (the data itself needs a token).
    Registered before django-ninja's own root, which would answer 404."""
    root = request.path
    return {
        "name": api.title,
        "version": api.version,
        "docs": f"{root}docs",
        "openapi": f"{root}openapi.json",
        "authentication": _("Send 'Authorization: Bearer <token>'; create tokens on your profile page."),
        "resources": {name: f"{root}{name}/" for name in RESOURCES},
    }


from .resources import RESOURCES  # noqa: E402  (filled by the apps' AppConfig.ready())
