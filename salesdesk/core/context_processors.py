from django.conf import settings


def navigation(request):
    """Top-level navigation, filtered by what the user may open."""
    from salesdesk.core.navigation import menu_for, tree_for

    menu = menu_for(request)
    return {
        "nav_menu": menu,
        "nav_tree": tree_for(menu),
        "available_languages": settings.LANGUAGES,
    }
