"""`manage.py create_api_token` and the production cookie settings."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from salesdesk.accounts.models import ApiToken

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_create_api_token_prints_a_token_that_works_against_the_api(small_org):
    out = StringIO()
    call_command("create_api_token", "superior", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith(ApiToken.PREFIX)
    response = Client().get("/api/v1/employees/", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["count"] == 3


@pytest.mark.django_db
def test_create_api_token_refuses_an_unknown_user(small_org):
    with pytest.raises(CommandError):
        call_command("create_api_token", "ghost", stdout=StringIO())
    assert not ApiToken.objects.exists()


PROBE = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({name: getattr(settings, name) for name in (
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT")}))
"""


def settings_with(**env):
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"DEBUG", "SECRET_KEY", "SECURE_COOKIES", "SECURE_SSL_REDIRECT"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="salesdesk.settings")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_use_secure_http_only_cookies():
    values = settings_with(DEBUG="0", SECRET_KEY="a-production-secret")
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True


def test_production_refuses_to_start_without_a_secret_key():
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    environment.update(DEBUG="0", DJANGO_SETTINGS_MODULE="salesdesk.settings")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_development_machine_may_use_plain_http_cookies():
    values = settings_with(DEBUG="1")
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SESSION_COOKIE_HTTPONLY"] is True


REDIS_PROBE = """
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
cache.set("salesdesk-settings-probe", "值", 30)
print(settings.SESSION_ENGINE, cache.get("salesdesk-settings-probe"))
cache.delete("salesdesk-settings-probe")
"""


def redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_redis_url_puts_the_cache_and_sessions_in_redis():
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    environment.update(DEBUG="1", DJANGO_SETTINGS_MODULE="salesdesk.settings", REDIS_URL="redis://127.0.0.1:6379/15")
    result = subprocess.run([sys.executable, "-c", REDIS_PROBE], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.contrib.sessions.backends.cached_db", "值"]
