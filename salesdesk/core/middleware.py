from .access import actor_of
from .contextvars import actor_for_user, current_actor, current_request_id, new_request_id


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
