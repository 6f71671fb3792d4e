import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from .access import actor_of
from .contextvars import actor_for_user, current_actor, current_request_id, new_request_id
from .errors import render_error

logger = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Gives each request an id (or keeps the proxy's X-Request-ID) for logs and the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming[:32] if incoming.isalnum() else new_request_id()
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ActorMiddleware:
    """Makes the signed-in user the request's Actor (`request.actor`): the one who acts in the
    services and in the audit log of every change made while handling the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "admin" if request.path.startswith("/admin/") else "web"
        actor = actor_for_user(getattr(request, "user", None), source=source)
        request.actor = actor or actor_of(None)
        token = current_actor.set(actor)
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)


# --- bad input ---------------------------------------------------------------------------------

NUL = "\x00"


def _has_nul(value) -> bool:
    """A NUL character anywhere in a decoded JSON document (keys and values) or a string."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _json_has_nul(body: bytes) -> bool:
    if b"\x00" in body:
        return True
    if b"\\u0000" not in body.lower():
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:  # not JSON after all: the view says what is wrong with it
        return False


def refuse(request, status: int, message) -> HttpResponse:
    """A refusal with a message in the reader's language: JSON `{"message": …}` under /api/, else the
    400 page saying what was wrong."""
    return render_error(request, "400.html", status, {"message": message})


class BadInputMiddleware:
    """Refuses, before any view runs, what no view can use:

    * a NUL character in the path, the query string, the cookies or a form or JSON body (PostgreSQL
      cannot store one; searches and filters would fail with a 500): 400 with a message;
    * a body above DATA_UPLOAD_MAX_MEMORY_SIZE (file uploads apart): 413; a form with more fields than
      DATA_UPLOAD_MAX_NUMBER_FIELDS or files than DATA_UPLOAD_MAX_NUMBER_FILES: 400 with a message.

    The body is read here (form fields parsed, JSON decoded only when it may hold an escaped NUL), as
    the views would read it; uploaded files are not looked into. Placed after the language
    middlewares, so the message is in the reader's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            has_nul = self.has_nul(request)
        except RequestDataTooBig:
            return self.too_big(request)
        except (TooManyFieldsSent, TooManyFilesSent):
            return refuse(request, 400, _("The form sent has too many fields: send less at a time."))
        except MultiPartParserError:
            return refuse(request, 400, _("The form sent could not be read: please try again."))
        if has_nul:
            return refuse(request, 400, _("The request contains a NUL character (\\0), which no field may "
                                          "contain. Remove it and try again."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):  # a body read by a view in a way not seen above
            return self.too_big(request)
        if isinstance(exception, (OverflowError, DataError)):
            # A number the database cannot hold (an id of 25 digits in ?customer=, a value past a
            # column's range) reached a query: the input is at fault, not the server.
            logger.warning("Out-of-range input on %s: %s", request.path, exception)
            return refuse(request, 400, _("A value sent is out of range (too large, too long or not a valid date)."))
        return None

    @staticmethod
    def too_big(request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return refuse(request, 413, _("The data sent is too large (more than %(size)s KB): send less at a time.")
                      % {"size": f"{limit // 1024:,}"})

    @staticmethod
    def has_nul(request) -> bool:
        if NUL in request.path or NUL in request.META.get("QUERY_STRING", ""):
            return True
        if any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()):
            return True
        if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS") and not request.META.get("CONTENT_LENGTH"):
            return False
        content_type = request.content_type or ""
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            if any(NUL in key or any(NUL in value for value in values) for key, values in request.POST.lists()):
                return True
            return any(NUL in (upload.name or "") for upload in request.FILES.values())
        body = request.body  # RequestDataTooBig above the limit
        return content_type.endswith("json") and _json_has_nul(body)
