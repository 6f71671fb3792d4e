from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from salesdesk.core.scope import scope_for

from .registry import cards_for, duties_for


@login_required
def home(request):
    scope = scope_for(request.user)
    return render(request, "workbench/home.html", {
        "cards": cards_for(request.user),
        "positions": scope.positions,
        "duties": duties_for(request.user),
    })


@login_required
def cards(request):
    """The cards alone, refreshed by HTMX."""
    return render(request, "workbench/_cards.html", {"cards": cards_for(request.user)})
