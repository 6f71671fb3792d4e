"""Settings for the benchmarks: the production settings with DEBUG off (no query log), plain
HTTP for django.test.Client, and the database from DATABASE_URL (set by bench/org_bench.py)."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ["DEBUG"] = "0"
os.environ["SALESDESK_TESTING"] = "1"  # plain static storage: no collectstatic manifest needed
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SECURE_COOKIES"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from salesdesk.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
