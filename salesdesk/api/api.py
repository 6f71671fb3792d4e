"""The JSON API under /api/v1/: bearer tokens, the same scope rules as the pages, JSON errors.

Errors are always `{"message": ...}` in the caller's language: the token holder's chosen language
(Employee.language), else the Accept-Language header, else Simplified Chinese (LocaleMiddleware
has already activated the latter two before the token is checked). The OpenAPI schema is at
/api/v1/openapi.json and the Swagger UI at /api/v1/docs, served from the static files that
django-ninja ships (no CDN).
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from salesdesk.accounts.models import ApiToken
from salesdesk.core.contextvars import actor_for_user, current_actor

logger = logging.getLogger(__name__)

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}

# The errors every operation may answer, each as `{"message": …}` (422 adds `errors`), documented in the
# OpenAPI description by SalesdeskAPI below: who may, when.
ERROR_RESPONSES = {
    400: ("The request was refused: a value is not allowed (a NUL or control character, a number or date "
          "out of range, a state that does not allow it …); `message` says why.", "always"),
    401: ("No valid token: send 'Authorization: Bearer <token>'.", "secured"),
    403: ("The token's user may not do this.", "secured"),
    404: ("No such record, or not one the token's user may see (in the path or named in the body).", "record"),
    413: ("The request body is too large.", "body"),
    422: ("A parameter or the body does not match the schema; `errors` lists where.", "input"),
}
MESSAGE_SCHEMA = {
    "title": "Message", "type": "object", "required": ["message"],
    "properties": {
        "message": {"type": "string", "description": "What went wrong, in the caller's language."},
        "errors": {"type": "array", "items": {"type": "object"},
                   "description": "422 only: each problem with its location (`loc`) and message (`msg`)."},
    },
}


def document_errors(schema: dict) -> dict:
    """Add the error answers each operation may give to its `responses` (what an operation declares
    itself, such as a 409, stays as it is)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Message"] = MESSAGE_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            kinds = {"always"}
            if operation.get("security"):
                kinds.add("secured")
            parameters = operation.get("parameters", [])
            if any(parameter.get("in") == "path" for parameter in parameters):
                kinds.add("record")
            if "requestBody" in operation:
                kinds.update({"body", "input", "record"})
            if parameters:
                kinds.add("input")
            for status, (description, when) in ERROR_RESPONSES.items():
                if when in kinds:
                    operation["responses"].setdefault(status, {"description": description, "content": reference})
    return schema


class SalesdeskAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


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


api = SalesdeskAPI(
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


def _where(location) -> str:
    """("body", "payload", "amount") → "amount"; ("query", "page") → "page"."""
    parts = [str(part) for part in location if part not in ("body", "query", "path", "payload")]
    return ".".join(parts) or ".".join(str(part) for part in location)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    """422 naming each field and its problem (pydantic's words; our own validators' are translated).
    Only `loc`, `msg` and `type` are passed on: the rest may hold objects JSON cannot carry."""
    errors = [{"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}
              for error in exc.errors]
    problems = "; ".join(f"{_where(error['loc'])}: {error['msg'].removeprefix('Value error, ')}" for error in errors[:5])
    message = _("Invalid input: %(problems)s") % {"problems": problems} if problems else _("Invalid input.")
    return _error(request, message, 422, errors=errors)


@api.exception_handler(ValueError)
@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request, exc):
    """The last line of defence for a value that got past the schema and the checks: a number too large
    for the database, a date past 9999-12-31, a string longer than its column. A 400, never a 500;
    logged, as the check that should have refused it is missing."""
    logger.warning("%s refused as out of range: %r", request.path, exc, exc_info=exc)
    return _error(request, _("A value sent is out of range (too large, too long or not a valid date)."), 400)


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
