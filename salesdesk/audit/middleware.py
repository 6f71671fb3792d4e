from salesdesk.core.contextvars import actor_for_user, current_actor


class AuditActorMiddleware:
    """Makes the signed-in user the actor of every change made while handling the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "admin" if request.path.startswith("/admin/") else "web"
        token = current_actor.set(actor_for_user(getattr(request, "user", None), source=source))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
