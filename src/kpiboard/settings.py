"""Django settings for kpiboard.

Every setting that a deployment may change is read from the environment and documented in
``docs/settings.md`` (a test fails when one is not).
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kpiboard.core",
    "kpiboard.kpis",
    "kpiboard.data",
    "kpiboard.accounts",
    "kpiboard.workflow",
    "kpiboard.audit",
    "kpiboard.web",
    "kpiboard.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kpiboard.accounts.middleware.AccessMiddleware",
    "kpiboard.accounts.twofactor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last: turns a locked-out sign-in into the lockout page (kpiboard.accounts.lockout)
    "axes.middleware.AxesMiddleware",
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

def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return value in {"1", "true", "yes", "on"} if value else default


# Sign-in (docs/sign-in.md). django-axes checks every sign-in before the password: an
# account is locked after KPIBOARD_SIGNIN_FAILURE_LIMIT failures, an address (a whole office
# behind one NAT address) after KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT, each for
# KPIBOARD_SIGNIN_LOCKOUT_MINUTES after the last failed try.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _env_int("KPIBOARD_SIGNIN_FAILURE_LIMIT", 5)
KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT = _env_int("KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("KPIBOARD_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_HANDLER = "kpiboard.accounts.lockout.SignInLockoutHandler"
AXES_LOCKOUT_CALLABLE = "kpiboard.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kpiboard.accounts.lockout.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # kept even when there is no organisation to audit in
AXES_RESET_ON_SUCCESS = False  # a success must not wipe an address's count of failures
AXES_VERBOSE = False
# masked in what axes stores of a failed try (the password always is)
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
KPIBOARD_TRUSTED_PROXY_COUNT = _env_int("KPIBOARD_TRUSTED_PROXY_COUNT", 0)

# Passwords as the NCSC advises: length, not composition rules, no expiry; a list of
# common passwords, and none like the person's own name or username.
KPIBOARD_PASSWORD_MIN_LENGTH = _env_int("KPIBOARD_PASSWORD_MIN_LENGTH", 12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": KPIBOARD_PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour

# Sessions: signed in for KPIBOARD_SESSION_HOURS from signing in (not extended by use).
SESSION_COOKIE_AGE = _env_int("KPIBOARD_SESSION_HOURS", 8) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = _env_bool("KPIBOARD_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# A second factor (an authenticator app's six-digit code, TOTP) for local accounts; required
# of the roles named in KPIBOARD_REQUIRE_2FA_FOR (for example "administrator").
KPIBOARD_REQUIRE_2FA_FOR = frozenset(
    r.strip() for r in os.environ.get("KPIBOARD_REQUIRE_2FA_FOR", "").split(",") if r.strip())
OTP_TOTP_ISSUER = os.environ.get("KPIBOARD_OTP_ISSUER", "kpiboard")

# Email (password reset): SMTP when KPIBOARD_EMAIL_HOST is set, otherwise each message is
# written to standard error (fine for trying kpiboard out, never for production).
EMAIL_HOST = os.environ.get("KPIBOARD_EMAIL_HOST", "")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = _env_int("KPIBOARD_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("KPIBOARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KPIBOARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("KPIBOARD_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("KPIBOARD_EMAIL_FROM", "kpiboard@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Which organisation the web application shows; by default the first one (by name).
KPIBOARD_ORGANISATION = os.environ.get("KPIBOARD_ORGANISATION", "")

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
