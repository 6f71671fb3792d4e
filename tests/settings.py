"""Settings for the test suite: the real settings plus a small test-only app of scoped records."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SALESDESK_TESTING", "1")
os.environ.setdefault("DEBUG", "0")

from salesdesk.settings import *  # noqa: E402,F403
from salesdesk.settings import INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scopetest"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
AXES_ENABLED = True
