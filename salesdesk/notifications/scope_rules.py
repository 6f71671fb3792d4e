"""A notification is its recipient's alone: not even their superiors see it."""

from salesdesk.core import scope

from .models import Notification

scope.register(Notification, scope.ScopeRule(owner="recipient", personal=True, company="recipient__company"))
