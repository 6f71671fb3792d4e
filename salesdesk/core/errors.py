"""The error pages — 400, 403 (with the CSRF failure), 404 and 500 — in the reader's language.

Django's own handlers render 400.html … in whatever language the thread happens to have, and its
500 handler with no context at all. Ours say it in the request's language: the one the middleware
settled on (the person's own choice, else the language cookie or the browser's Accept-Language),
worked out again from the cookie and the headers when the error came before the locale middleware.

The 500 page is rendered without the request: no context processors, nothing read from the database
(which may be what failed). Every page falls back to a few words of plain HTML when its template
cannot be rendered, so that an error page never fails itself.
"""

import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def language_of(request) -> str:
    code = getattr(request, "LANGUAGE_CODE", None)  # set by LocaleMiddleware, then UserLanguageMiddleware
    if code in LANGUAGES:
        return code
    try:
        code = translation.get_language_from_request(request)  # cookie, Accept-Language: no database
    except Exception:  # a request too broken to read
        code = None
    return code if code in LANGUAGES else settings.LANGUAGE_CODE


def _titles() -> dict:
    return {400: _("Bad request"), 403: _("Permission denied"), 404: _("Page not found"),
            500: _("Server error")}


def _plain(status: int) -> str:
    title = escape(_titles().get(status, status))
    text = escape(_("Please go back and try again."))
    return (f'<!doctype html><html lang="{escape(translation.get_language())}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def json_error(request, status: int, message) -> HttpResponse:
    """The API's error answer, `{"message": …}` in the request's language."""
    with translation.override(language_of(request)):
        response = JsonResponse({"message": str(message)}, status=status)
        response["Content-Language"] = translation.get_language()
    return response


def render_error(request, template: str, status: int, context: dict | None = None, *, with_request=True):
    """The page in the request's language; without the request (and its context processors) when
    that fails or `with_request` is off; else plain HTML. Under /api/ the same in JSON: the API's
    clients read `{"message": …}`, whatever failed (an address no route matches, a body too large, a
    server error)."""
    if is_api(request):
        with translation.override(language_of(request)):
            message = (context or {}).get("message") or (context or {}).get("exception") or _titles().get(status, "")
            return json_error(request, status, message)
    with translation.override(language_of(request)):
        for given in ((request, None) if with_request else (None,)):
            try:
                return HttpResponse(render_to_string(template, context, request=given), status=status)
            except Exception:
                logger.exception("The error page %s could not be rendered", template)
        return HttpResponse(_plain(status), status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    # No detail of the exception: a 400 is often a forged or mangled request.
    return render_error(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    message = str(exception) if exception is not None else ""  # Denied says why, in the reader's language
    return render_error(request, "403.html", 403, {"exception": message})


@requires_csrf_token
def page_not_found(request, exception=None):
    return render_error(request, "404.html", 404)  # the address is not repeated: it may be made to mislead


def server_error(request):
    return render_error(request, "500.html", 500, {"request_id": getattr(request, "request_id", "")},
                        with_request=False)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid token (an old page, a lost session cookie)."""
    return render_error(request, "403_csrf.html", 403)
