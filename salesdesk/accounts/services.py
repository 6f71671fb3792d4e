from django.db import transaction
from django.utils import timezone

from .models import ApiToken


@transaction.atomic
def create_api_token(*, user, name: str) -> tuple[ApiToken, str]:
    return ApiToken.issue(user=user, name=name or "API")


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def set_language(*, user, language: str) -> None:
    employee = getattr(user, "employee", None)
    if employee is not None:
        employee.language = language
        employee.save(update_fields=["language"])
