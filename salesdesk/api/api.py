"""The JSON API under /api/v1/: bearer tokens, the same scope rules as the pages, JSON errors."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from salesdesk.accounts.models import ApiToken
from salesdesk.core.contextvars import actor_for_user, current_actor


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        current_actor.set(actor_for_user(user, source="api"))
        return user


api = NinjaAPI(
    title="Salesdesk API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request, message, status, **extra):
    return api.create_response(request, {"message": str(message), **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, "Not found.", 404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, "Authentication required: send 'Authorization: Bearer <token>'.", 401)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, str(exc) or "Permission denied.", 403)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return _error(request, "; ".join(exc.messages), 400)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    return _error(request, "Invalid input.", 422, errors=exc.errors)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, str(exc), exc.status_code)


from . import routers  # noqa: E402,F401  (registers the resources)
