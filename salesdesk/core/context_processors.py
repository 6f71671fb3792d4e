from django.conf import settings


def navigation(request):
    """Top-level navigation, filtered by what the user may open."""
    from salesdesk.core.navigation import menu_for

    return {
        "nav_menu": menu_for(request),
        "available_languages": settings.LANGUAGES,
    }
