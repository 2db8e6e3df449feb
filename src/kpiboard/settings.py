"""Django settings for kpiboard.

Every setting that a deployment may change is read from the environment and documented in
``docs/settings.md`` (a test fails when one is not).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import dj_database_url
import django_stubs_ext

django_stubs_ext.monkeypatch()  # ModelAdmin[Model] and friends at run time

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KPIBOARD_DATA_DIR", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("KPIBOARD_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = os.environ.get("KPIBOARD_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KPIBOARD_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kpiboard.core",
    "kpiboard.kpis",
    "kpiboard.data",
    "kpiboard.accounts",
    "kpiboard.workflow",
    "kpiboard.audit",
    "kpiboard.web",
    "kpiboard.dashboard",
    "kpiboard.reportfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kpiboard.accounts.middleware.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kpiboard.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kpiboard.web.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "kpiboard.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'kpiboard.sqlite3'}"),
        conn_max_age=60,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# Static files are served by WhiteNoise straight from the apps' static folders (no collectstatic
# step is needed to run; `kpiboard manage collectstatic` still works for a CDN or proxy).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "dashboard:index"
LOGOUT_REDIRECT_URL = "dashboard:index"

# Which organisation the web application shows; by default the first one (by name).
KPIBOARD_ORGANISATION = os.environ.get("KPIBOARD_ORGANISATION", "")

# Report files (PDF, Word, Excel) are built in the background (docs/reports.md, "Report files"):
# by a Celery worker (`kpiboard worker`) when a broker is set, else in-process. Which
# combinations are built when a period is published: "main", "all", "none" or a list.
BROKER_URL = os.environ.get("KPIBOARD_BROKER_URL", "").strip()
REPORT_FILES_ON_PUBLISH = os.environ.get("KPIBOARD_REPORT_FILES", "main").strip()
REPORT_FILES_DIR = DATA_DIR / "reports"

# STATIC_ROOT only exists after `kpiboard manage collectstatic`; until then WhiteNoise serves the
# apps' static folders (WHITENOISE_USE_FINDERS) and need not warn on every request.
warnings.filterwarnings("ignore", message="No directory at")

# Logging: everything to standard error (where gunicorn, systemd and containers collect it).
# A server error is logged by django.request with its full traceback, whatever DEBUG says
# (Django's own default only mails it to ADMINS when DEBUG is off). docs/settings.md.
LOG_LEVEL = os.environ.get("KPIBOARD_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                   "formatter": "plain"},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # ERROR: 500s with their tracebacks; WARNING would add every 404 and 403.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "kpiboard": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
    },
}
