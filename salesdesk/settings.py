"""Salesdesk settings. Everything that differs between machines comes from the environment.

Defaults are the safe production ones (DEBUG off, secure cookies); `make demo` and the test
suite opt into the development values explicitly.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "salesdesk.core.errors.csrf_failure"  # in the reader's language, like the other error pages

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "salesdesk.core",
    "salesdesk.org",
    "salesdesk.jobs",
    "salesdesk.audit",
    "salesdesk.accounts",
    "salesdesk.workbench",
    "salesdesk.customers",
    "salesdesk.notifications",
    "salesdesk.approvals",
    "salesdesk.documents",
    "salesdesk.sales",
    "salesdesk.finance",
    "salesdesk.reports",
    "salesdesk.demo",
    "salesdesk.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "salesdesk.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "salesdesk.accounts.middleware.UserLanguageMiddleware",
    "salesdesk.core.middleware.BadInputMiddleware",  # NUL characters, bodies too large: 400/413 with a message
    "salesdesk.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salesdesk.urls"
WSGI_APPLICATION = "salesdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "salesdesk.core.context_processors.navigation",
                "salesdesk.notifications.context_processors.unread",
            ],
        },
    },
]

# SQLite is the zero-setup default; production sets DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'salesdesk.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
# Covering indexes (INCLUDE) serve PostgreSQL; SQLite builds the same index without the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed log-in throttling: five failures lock the username+address pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("zh-hant", "繁體中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["salesdesk.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
# Widgets render with the project's templates (forms/employee_picker.html) as well as Django's own.
FORM_RENDERER = "salesdesk.core.renderers.FormRenderer"  # TemplatesSetting, plain widgets written in Python

STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("SALESDESK_TESTING", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("SALESDESK_TESTING", False)

# Sessions and cookies: secure unless DEBUG (the demo runs over plain http on 127.0.0.1).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 12)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from our own static files or inline blocks that
# carry the request's nonce (`<script nonce="{{ request.csp_nonce }}">`); no inline event handlers
# (the pages declare behaviour with data- attributes, static/salesdesk/page.js). Styles may be inline
# (Bootstrap's and htmx's style attributes); images and fonts from our files or data: URIs.
# CSP_REPORT_ONLY=1 sends the same policy as Content-Security-Policy-Report-Only.
_CSP = {"DIRECTIVES": {
    "default-src": [SELF], "script-src": [SELF, NONCE], "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:"], "font-src": [SELF, "data:"], "connect-src": [SELF], "object-src": [NONE],
    "base-uri": [SELF], "form-action": [SELF], "frame-ancestors": [NONE],
}}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Mail (password reset links): SMTP when EMAIL_HOST is set, else written to the server's log.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Salesdesk <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60 * 2)))  # a link works 2 hours

if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background jobs (django-tasks, the backport of Django 6's tasks API). The database backend needs
# nothing else (SQLite or PostgreSQL); run `manage.py run_worker` next to the web server.
# TASKS_BACKEND=rq puts the queue in Redis (REDIS_URL; `pip install '.[rq]'`), for larger installations.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    if not os.environ.get("REDIS_URL"):
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db"), "django_rq")
    RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"]}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":  # runs each job inside the request that starts it (no worker)
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured("TASKS_BACKEND must be database, rq or immediate.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SALESDESK = {
    # Items per page in lists and API responses.
    "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", "50")),
    # Background jobs: when the worker starts the daily work itself ("02:00", local time; empty: never,
    # leave it to `manage.py run_daily` from cron); after how many seconds without a heartbeat a
    # running job counts as stopped (its worker was killed) and may be started again.
    "DAILY_AT": os.environ.get("DAILY_AT", ""),
    "JOB_STALE_AFTER": int(os.environ.get("JOB_STALE_AFTER", "60")),
    # How long finished jobs (with their downloads) and imported files are kept: the daily work
    # deletes them afterwards, and uploads that were never imported.
    "KEEP_JOBS_DAYS": int(os.environ.get("KEEP_JOBS_DAYS", "30")),
    # Exports with more rows than this, and reports over more contracts or invoices than this, run
    # as jobs: the page answers at once and shows the result (or the download) when it is ready.
    "EXPORT_JOB_ABOVE": int(os.environ.get("EXPORT_JOB_ABOVE", "5000")),
    "REPORT_JOB_ABOVE": int(os.environ.get("REPORT_JOB_ABOVE", "20000")),
    # Import files larger than this (in KB) are read and checked by the worker: the upload answers at
    # once and the page shows the progress, then the preview; smaller ones are checked in the request.
    "IMPORT_JOB_ABOVE_KB": int(os.environ.get("IMPORT_JOB_ABOVE_KB", "10")),
}

NINJA_PAGINATION_PER_PAGE = SALESDESK["PAGE_SIZE"]
