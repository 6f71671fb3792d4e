from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in person's chosen language beats the browser's; the default is Simplified Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            employee = getattr(user, "employee", None) if hasattr(user, "employee") else None
            language = employee.language if employee is not None else None
        if not language:
            language = request.session.get("language") if hasattr(request, "session") else None
        if language in self.codes:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language in self.codes:
            response.headers.setdefault("Content-Language", language)
        return response
